/** Captures what the process writes to stdout and stderr (Powertools logs and EMF metrics). */
function captureOutput() {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    /** Everything written, as one string. */
    text: () => chunks.join(''),
    /** Every JSON line written, parsed. */
    lines: (): Record<string, unknown>[] =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    /** Clears what was captured so far. */
    clear: () => {
      chunks.length = 0;
    },
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}

/**
 * For a whole test file: captures the function's log and metric output (keeping test output
 * readable) and fails any test after which it contains one of the given secrets.
 */
export function captureOutputPerTest(...secrets: string[]): {
  current: () => ReturnType<typeof captureOutput>;
} {
  let output: ReturnType<typeof captureOutput> | undefined;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => {
    output?.restore();
    for (const secret of secrets) expect(output?.text()).not.toContain(secret);
  });
  return {
    current: () => {
      if (!output) throw new Error('output is captured only inside a test');
      return output;
    },
  };
}
