import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../dev/free-port.ts';
import { signingKeyOf } from '../../lambda/secret/standard-webhooks.ts';
import { loopItems } from '../support/dynamodb.ts';
import { TEST_SECRET } from '../support/events.ts';
import { PROJECT_ROOT } from '../support/fixtures.ts';
import { captureOutputPerTest } from '../support/output.ts';
import { logsAlertBody } from '../support/posthog-bodies.ts';
import { servedWebhook } from '../support/served-webhook.ts';

const README_BODY = '{"name": "page_load_time", "value": 35, "timeframe": "last_7_days"}';

describe('the local HTTP server (API Gateway HTTP API 2.0 events) with DynamoDB Local', () => {
  captureOutputPerTest(TEST_SECRET);
  const served = servedWebhook();
  const { client } = served;

  const post = (body: string, headers: Record<string, string> = {}, path = '/api/signals/posthog') =>
    fetch(`${served.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': TEST_SECRET, ...headers },
      body,
    });

  it("answers the README's curl example with 201 and stores both items", async () => {
    const response = await post(README_BODY);

    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    const { data } = (await response.json()) as {
      data: { signal: { id: string }; issue: { title: string } };
    };
    expect(data.issue.title).toBe('PostHog: page_load_time 35% (last_7_days)');
    const { signals, issues } = await loopItems(client, served.tableName);
    expect(signals.map((item) => item.id)).toContain(data.signal.id);
    expect(issues.map((item) => item.title)).toContain('PostHog: page_load_time 35% (last_7_days)');
  });

  it('passes the body through byte for byte (UTF-8, not re-encoded)', async () => {
    const response = await post('{"name":"café ☕ 📈","value":"-12.5 %"}');
    const { data } = (await response.json()) as { data: { issue: { title: string } } };
    expect(data.issue.title).toBe('PostHog: café ☕ 📈 -12.5% (recent)');
  });

  it('writes nothing for a refused delivery', async () => {
    const before = await loopItems(client, served.tableName);

    const responses = await Promise.all([
      post(README_BODY, { 'X-PostHog-Secret': 'wrong' }),
      post('{"value": 1}'),
      post(README_BODY, { 'Content-Type': 'text/plain' }),
    ]);

    expect(responses.map((response) => response.status)).toEqual([401, 400, 415]);
    const after = await loopItems(client, served.tableName);
    expect(after.signals).toHaveLength(before.signals.length);
  });

  it.each([
    ['DELETE', '/api/signals/posthog'],
    ['PUT', '/api/signals/posthog'],
    ['POST', '/api/signals/posthog/token/extra'],
    ['POST', '/api/signals/posthog/'],
    ['POST', '/'],
  ])('answers 404 to %s %s, as API Gateway does', async (method, path) => {
    const response = await fetch(`${served.baseUrl}${path}`, {
      method,
      body: method === 'GET' ? undefined : '{}',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });
});

describe('npm start', () => {
  const root = PROJECT_ROOT;
  let child: ChildProcess | undefined;
  let workDirectory: string;

  beforeEach(() => {
    workDirectory = mkdtempSync(join(tmpdir(), 'loop-start-'));
  });
  afterEach(() => {
    child?.kill('SIGKILL');
    rmSync(workDirectory, { recursive: true, force: true });
  });

  /** Starts the service the way `npm start` does, from a scratch directory, and waits for its URL. */
  async function start(
    env: Record<string, string>,
    args: string[] = [],
  ): Promise<{ output: () => string; url: string; dynamoDbPort: number }> {
    const port = await freePort();
    const dynamoDbPort = await freePort();
    child = spawn(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'local/start.ts'), ...args],
      {
        cwd: workDirectory,
        env: { ...process.env, PORT: String(port), DYNAMODB_PORT: String(dynamoDbPort), ...env },
        stdio: 'pipe',
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const url = `http://127.0.0.1:${port}/api/signals/posthog`;
    const deadline = Date.now() + 30_000;
    while (!output.includes(`ready: POST ${url}`)) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`npm start did not get ready:\n${output}`);
      await new Promise((done) => setTimeout(done, 100));
    }
    return { output: () => output, url, dynamoDbPort };
  }

  async function stop(): Promise<number | null> {
    const running = child;
    if (!running || running.exitCode !== null) return running?.exitCode ?? null;
    return new Promise((done) => {
      running.once('exit', (code) => done(code));
      running.kill('SIGTERM');
    });
  }

  it('serves the endpoint, generates a secret once, keeps data across restarts and stops cleanly', async () => {
    const first = await start({ POSTHOG_WEBHOOK_SECRET: '' });
    const secret = readFileSync(join(workDirectory, '.data/posthog-webhook-secret'), 'utf8').trim();
    expect(first.output()).toContain(`export POSTHOG_WEBHOOK_SECRET=${secret}`);
    // Letters and digits: valid in the header and as a Standard Webhooks signing key.
    expect(secret).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(signingKeyOf(secret)).toHaveLength(36);

    const created = await fetch(first.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': secret },
      body: README_BODY,
    });
    expect(created.status).toBe(201);
    expect(await stop()).toBe(0);

    const second = await start({ POSTHOG_WEBHOOK_SECRET: '' });
    expect(second.output()).not.toContain(secret);
    const deliver = (body: string) =>
      fetch(second.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': secret },
        body,
      });
    const repeated = await deliver(README_BODY);
    expect(repeated.status).toBe(200);
    expect(repeated.headers.get('idempotent-replayed')).toBe('true');
    const next = await deliver('{"name": "signups", "value": -12}');
    const { data } = (await next.json()) as { data: { issue: { number: number } } };
    // The repeat used up no number.
    expect(data.issue.number).toBe(2);
    expect(await stop()).toBe(0);
    await expect(fetch(`http://127.0.0.1:${second.dynamoDbPort}`)).rejects.toThrow();
  }, 90_000);

  it('uses POSTHOG_WEBHOOK_SECRET and keeps nothing on disk with --in-memory', async () => {
    const service = await start({ POSTHOG_WEBHOOK_SECRET: 'env-secret', TABLE_NAME: 'custom-table' }, [
      '--in-memory',
    ]);
    expect(service.output()).toContain('Table: custom-table (created)');
    expect(service.output()).not.toContain('env-secret');
    const refused = await fetch(service.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': 'other' },
      body: README_BODY,
    });
    expect(refused.status).toBe(401);
    expect(existsSync(join(workDirectory, '.data'))).toBe(false);
    expect(await stop()).toBe(0);
  }, 60_000);

  it('serves the read and triage API without IAM, and prints each event the stack would publish: a new issue, a grouped firing, a resolution, a move', async () => {
    const service = await start({ POSTHOG_WEBHOOK_SECRET: 'env-secret' }, ['--in-memory']);
    const base = service.url.replace('/api/signals/posthog', '');
    const send = (type: string, count: number) =>
      fetch(service.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': 'env-secret' },
        body: JSON.stringify(logsAlertBody({ type, id: `${type}-${count}`, count })),
      });
    expect((await send('firing', 150)).status).toBe(201);
    expect((await send('firing', 180)).status).toBe(201);
    expect((await send('resolved', 3)).status).toBe(201);
    const moved = await fetch(`${base}/api/issues/1`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 'in_progress', fromStatus: 'triage' }),
    });
    expect(moved.status).toBe(200);

    const printed = () =>
      service
        .output()
        .split('\n')
        .filter((line) => line.startsWith('event  '));
    const deadline = Date.now() + 15_000;
    while (printed().length < 4 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
    expect(printed()).toEqual([
      'event  Issue Opened  #1 P1 triage "PostHog: checkout errors 150 logs (above 100 in 5 min)"',
      'event  Signal Added  #1 P1 triage "PostHog: checkout errors 150 logs (above 100 in 5 min)"',
      'event  Alert Resolved  #1 P1 triage "PostHog: checkout errors 150 logs (above 100 in 5 min)"',
      'event  Issue Status Changed  #1 P1 in_progress "PostHog: checkout errors 150 logs (above 100 in 5 min)"  from triage',
    ]);
    // One short line per request: the route, never the path; the status, the time, what became of it.
    expect(service.output()).toMatch(
      /^POST \/api\/signals\/posthog {2}201 {2}\d+ ms {2}created {2}#1 P1 triage "PostHog: checkout errors 150 logs \(above 100 in 5 min\)"$/m,
    );
    expect(service.output()).toMatch(
      /^PATCH \/api\/issues\/\{issue\} {2}200 {2}\d+ ms {2}#1 P1 in_progress /m,
    );
    expect(await stop()).toBe(0);
  }, 60_000);
});
