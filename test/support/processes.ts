import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './fixtures.ts';

/**
 * A fresh checkout as a newcomer has one, without copying it: a scratch folder whose entries link
 * to the project's (its node_modules included), but with no `.data` of its own yet.
 */
export function scratchCheckout(): string {
  const folder = mkdtempSync(join(tmpdir(), 'loop-checkout-'));
  for (const entry of readdirSync(PROJECT_ROOT)) {
    if (entry !== '.data' && entry !== '.git') symlinkSync(join(PROJECT_ROOT, entry), join(folder, entry));
  }
  return folder;
}

/** A process started for a test, with everything it printed so far. */
export interface Started {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves once its output matches `pattern`; rejects with the output after `timeoutMs` or if it exits. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with its exit code once it has exited. */
  exited(): Promise<number | null>;
}

/** Starts `command` with its output captured (stdout and stderr, in order). */
export function started(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Started {
  const child = spawn(command, args, { ...options, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  // 'exit' can come before the last output is read: wait for both pipes to end too (not forever:
  // a process it started may still hold them open).
  const ended = (stream: NodeJS.ReadableStream | null) =>
    new Promise<void>((resolve) => (stream ? stream.once('end', resolve) : resolve()));
  const drained = Promise.all([ended(child.stdout), ended(child.stderr)]);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))).then(
    async (code) => {
      await Promise.race([drained, new Promise((done) => setTimeout(done, 2_000).unref())]);
      return code;
    },
  );
  return {
    child,
    output: () => output,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`Waited for ${pattern} in vain; output:\n${output}`);
        }
        await new Promise((done) => setTimeout(done, 50));
      }
    },
    exited: () => exit,
  };
}

/** The process and every process it started, and theirs (pids), as the system lists them now. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid === undefined || ppid === undefined || Number.isNaN(pid)) continue;
    parents.set(ppid, [...(parents.get(ppid) ?? []), pid]);
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++) tree.push(...(parents.get(tree[index] ?? 0) ?? []));
  return tree;
}

/** Whether a process is still there (not yet reaped counts as gone: a zombie does nothing). */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

/** Resolves once none of `pids` runs; rejects, naming those still running, after `timeoutMs`. */
export async function allGone(pids: readonly number[], timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(running)) {
    if (Date.now() > deadline)
      throw new Error(`Still running after ${timeoutMs} ms: ${pids.filter(running).join(', ')}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Whether anything accepts connections on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
