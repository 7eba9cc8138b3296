import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../dev/free-port.ts';
import { signingKeyOf } from '../../lambda/secret/standard-webhooks.ts';
import { PROJECT_ROOT } from '../support/fixtures.ts';
import { logsAlertBody } from '../support/posthog-bodies.ts';
import {
  allGone,
  listening,
  processTree,
  type Started,
  scratchCheckout,
  started,
} from '../support/processes.ts';

const README_BODY = '{"name": "page_load_time", "value": 35, "timeframe": "last_7_days"}';
const READY = /webhook ready: POST (http:\/\/127\.0\.0\.1:\d+)\/api\/signals\/posthog/;

/** A run of `npm start` (through npm, or its node process directly) in a checkout, on free ports. */
async function npmStart(
  checkout: string,
  { via, args = [], env = {} }: { via: 'npm' | 'node'; args?: string[]; env?: Record<string, string> },
): Promise<{ run: Started; base: string; port: number; dynamoDbPort: number; node: number; tree: number[] }> {
  const port = await freePort();
  const dynamoDbPort = await freePort();
  const environment = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    DYNAMODB_PORT: String(dynamoDbPort),
    ...env,
  };
  // `npm start` runs `exec node --import tsx local/start.ts`: npm, then node in its place of the shell.
  const run =
    via === 'npm'
      ? started('npm', ['start', ...(args.length > 0 ? ['--', ...args] : [])], {
          cwd: checkout,
          env: environment,
        })
      : started(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], {
          cwd: checkout,
          env: environment,
        });
  const [, base = ''] = await run.waitFor(READY);
  const tree = processTree(run.child.pid ?? 0);
  const node = via === 'node' ? (run.child.pid ?? 0) : (tree[1] ?? 0);
  return { run, base, port, dynamoDbPort, node, tree };
}

/** Sends `signal` to one process of a run, and checks that every process it started is gone, and both ports free. */
async function stopsEverything(
  started: Awaited<ReturnType<typeof npmStart>>,
  target: number,
  signal: NodeJS.Signals,
): Promise<void> {
  // npm, node and Java (DynamoDB Local) at least.
  expect(started.tree.length).toBeGreaterThanOrEqual(started.tree[0] === started.node ? 2 : 3);
  process.kill(target, signal);
  await allGone(started.tree);
  expect(await listening(started.port)).toBe(false);
  expect(await listening(started.dynamoDbPort)).toBe(false);
}

const deliver = (base: string, secret: string, body: string) =>
  fetch(`${base}/api/signals/posthog`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': secret },
    body,
  });

describe('npm start (README.md "Quick start")', () => {
  const checkouts: string[] = [];
  const checkout = () => {
    const folder = scratchCheckout();
    checkouts.push(folder);
    return folder;
  };
  afterAll(() => {
    for (const folder of checkouts) rmSync(folder, { recursive: true, force: true });
  });

  it('stops at once with an error naming the port and DYNAMODB_PORT when the DynamoDB Local port is taken, and never uses that database', async () => {
    const taken = createServer(() => undefined);
    const dynamoDbPort = await freePort();
    await new Promise<void>((done) => taken.listen(dynamoDbPort, done));
    try {
      const port = await freePort();
      const run = started('npm', ['start', '--', '--in-memory'], {
        cwd: checkout(),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PORT: String(port),
          DYNAMODB_PORT: String(dynamoDbPort),
          POSTHOG_WEBHOOK_SECRET: 's',
        },
      });
      expect(await run.exited()).toBe(1);
      expect(run.output()).toContain(`Port ${dynamoDbPort}`);
      expect(run.output()).toContain('DYNAMODB_PORT');
      expect(run.output()).not.toMatch(READY);
      expect(await listening(port)).toBe(false);
    } finally {
      taken.close();
    }
  }, 30_000);

  it('generates a secret once, keeps data across restarts, numbers issues without gaps for repeats, and stops on SIGINT and SIGHUP to node', async () => {
    const folder = checkout();
    const first = await npmStart(folder, { via: 'node' });
    const secret = readFileSync(join(folder, '.data/posthog-webhook-secret'), 'utf8').trim();
    expect(first.run.output()).toContain(`export POSTHOG_WEBHOOK_SECRET=${secret}`);
    // Letters and digits: valid in the header and as a Standard Webhooks signing key.
    expect(secret).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(signingKeyOf(secret)).toHaveLength(36);
    expect((await deliver(first.base, secret, README_BODY)).status).toBe(201);
    await stopsEverything(first, first.node, 'SIGINT');

    const second = await npmStart(folder, { via: 'node' });
    expect(second.run.output()).not.toContain(secret);
    const repeated = await deliver(second.base, secret, README_BODY);
    expect(repeated.status).toBe(200);
    expect(repeated.headers.get('idempotent-replayed')).toBe('true');
    const next = await deliver(second.base, secret, '{"name": "signups", "value": -12}');
    // The repeat used up no number.
    expect(((await next.json()) as { data: { issue: { number: number } } }).data.issue.number).toBe(2);
    await stopsEverything(second, second.node, 'SIGHUP');
  }, 90_000);

  it('serves the API and the board without IAM, prints a line per request and per event, keeps nothing with --in-memory, and stops on SIGINT to npm', async () => {
    const folder = checkout();
    const service = await npmStart(folder, {
      via: 'npm',
      args: ['--in-memory'],
      env: { POSTHOG_WEBHOOK_SECRET: 'env-secret', TABLE_NAME: 'custom-table' },
    });
    expect(service.run.output()).toContain('Table: custom-table (created)');
    expect(service.run.output()).not.toContain('env-secret');
    // Not the defaults: the banner says what another terminal needs.
    expect(service.run.output()).toContain(
      `export PORT=${service.port} DYNAMODB_PORT=${service.dynamoDbPort} TABLE_NAME=custom-table`,
    );
    const send = (type: string, count: number) =>
      deliver(
        service.base,
        'env-secret',
        JSON.stringify(logsAlertBody({ type, id: `${type}-${count}`, count })),
      );
    expect((await deliver(service.base, 'wrong', README_BODY)).status).toBe(401);
    expect((await send('firing', 150)).status).toBe(201);
    expect((await send('firing', 180)).status).toBe(201);
    expect((await send('resolved', 3)).status).toBe(201);
    const moved = await fetch(`${service.base}/api/issues/1`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'in_progress', fromStatus: 'triage' }),
    });
    expect(moved.status).toBe(200);
    const board = await fetch(`${service.base}/`);
    expect(await board.text()).toContain('PostHog: checkout errors 150 logs (above 100 in 5 min)');

    const title = '"PostHog: checkout errors 150 logs (above 100 in 5 min)"';
    const printed = () =>
      service.run
        .output()
        .split('\n')
        .filter((line) => line.startsWith('event  '));
    const deadline = Date.now() + 15_000;
    while (printed().length < 4 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
    expect(printed()).toEqual([
      `event  Issue Opened  #1 P1 triage ${title}`,
      `event  Signal Added  #1 P1 triage ${title}`,
      `event  Alert Resolved  #1 P1 triage ${title}`,
      `event  Issue Status Changed  #1 P1 in_progress ${title}  from triage`,
    ]);
    // One short line per request: the route, never the path; the status, the time, what became of it.
    // (A line is printed once its answer is sent, so it can reach the pipe just after the answer.)
    const run = service.run;
    await run.waitFor(/^POST \/api\/signals\/posthog {2}401 {2}\d+ ms {2}unauthorized/m, 15_000);
    await run.waitFor(
      new RegExp(
        `^POST /api/signals/posthog {2}201 {2}\\d+ ms {2}created {2}#1 P1 triage ${title.replace(/[()]/g, '\\$&')}$`,
        'm',
      ),
      15_000,
    );
    await run.waitFor(/^PATCH \/api\/issues\/\{issue\} {2}200 {2}\d+ ms {2}#1 P1 in_progress /m, 15_000);
    await run.waitFor(/^GET \/ {2}200 {2}\d+ ms$/m, 15_000);
    const lines = run.output();
    expect(lines).not.toContain('"level"');
    expect(existsSync(join(folder, '.data'))).toBe(false);
    await stopsEverything(service, service.tree[0] ?? 0, 'SIGINT');
  }, 90_000);
});

/** One fenced block of README.md: its language and its text. */
interface Block {
  readonly language: string;
  readonly text: string;
}

/** The fenced blocks of one README.md section (`## heading` up to the next `## `), in order. */
function readmeBlocks(heading: string): Block[] {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(([, language = '', text = '']) => ({
    language,
    text,
  }));
}

/**
 * Whether `actual` shows what the README shows after a command. Text: each README line, with `…`
 * standing for any text and runs of spaces for any spacing, matches an actual line, in order. JSON:
 * the keys the README names appear in the actual answer in the same order.
 */
function shows(expected: Block, actual: string): string | undefined {
  if (expected.language === 'json') {
    const keysOf = (text: string) => [...text.matchAll(/"([A-Za-z_]+)"\s*:/g)].map(([, key]) => key);
    const actualKeys = keysOf(actual);
    let at = 0;
    for (const key of keysOf(expected.text)) {
      at = actualKeys.indexOf(key, at);
      if (at < 0) return `the key "${key}" (in the README's order) is missing from:\n${actual}`;
      at += 1;
    }
    return undefined;
  }
  const squeeze = (line: string) => line.replace(/ +/g, ' ').trim();
  const lines = actual.split('\n').map(squeeze);
  let at = 0;
  for (const line of expected.text.trimEnd().split('\n').map(squeeze)) {
    const pattern = new RegExp(
      `^${line
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    const found = lines.findIndex((candidate, index) => index >= at && pattern.test(candidate));
    if (found < 0) return `no line like "${line}" in:\n${actual}`;
    at = found + 1;
  }
  return undefined;
}

describe("README.md's Quick start, command by command, in a fresh checkout", () => {
  it('works as written: npm start, the curl, test-delivery, list, triage, the board, the AWS CLI; SIGTERM to npm stops it all', async () => {
    const blocks = readmeBlocks('Quick start');
    const [startBlock, ...rest] = blocks;
    // The first block starts the service; npm install has run (the scratch checkout links node_modules).
    expect(startBlock?.text).toBe('npm install\nnpm start\n');
    const folder = scratchCheckout();
    const service = await npmStart(folder, { via: 'npm' });
    try {
      // Not the default ports: the banner's export line, then each block as the README writes it
      // (its ports those the banner names), in one shell session, as in the second terminal.
      const [exportLine = ''] = /^ {2}export PORT=\d+ DYNAMODB_PORT=\d+$/m.exec(service.run.output()) ?? [];
      expect(exportLine.trim()).toBe(`export PORT=${service.port} DYNAMODB_PORT=${service.dynamoDbPort}`);
      const ports = (text: string) =>
        text
          .replaceAll('127.0.0.1:3000', `127.0.0.1:${service.port}`)
          .replaceAll('127.0.0.1:8000', `127.0.0.1:${service.dynamoDbPort}`);
      const commands = rest.filter((block) => block.language === 'bash');
      expect(commands.length).toBeGreaterThanOrEqual(3);
      // The AWS CLI, if this machine has it; if not, the same scan with the same region, credentials
      // and endpoint through the AWS SDK, printed as the CLI prints it.
      const hasAwsCli = spawnSync('aws', ['--version']).status === 0;
      const script = [
        'set -e',
        exportLine.trim(),
        ...(hasAwsCli
          ? []
          : [`aws() { node --import tsx ${join(PROJECT_ROOT, 'test/support/aws-scan.ts')} "$@"; }`]),
        ...commands.map((block, index) => `echo; echo "@@@ ${index}"\n${ports(block.text)}`),
        'echo; echo "@@@ end"',
      ].join('\n');
      const shell = started('bash', ['-c', script], {
        cwd: folder,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      });
      expect(await shell.exited()).toBe(0);
      const outputs = shell
        .output()
        .split(/^@@@ \S+\n/m)
        .slice(1);
      // Each block's output, against what the README shows right after it (when it shows one).
      rest.forEach((block, index) => {
        const next = rest[index + 1];
        if (block.language !== 'bash' || !next || next.language === 'bash') return;
        const problem = shows(next, outputs[commands.indexOf(block)] ?? '');
        if (problem) throw new Error(`README.md shows after\n${block.text}\nbut ${problem}`);
      });
      // The board the README sends you to.
      const board = await fetch(`${service.base}/`);
      expect(board.status).toBe(200);
      expect(await board.text()).toContain('PostHog: page_load_time 35% (last_7_days)');
    } finally {
      await stopsEverything(service, service.tree[0] ?? 0, 'SIGTERM');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
