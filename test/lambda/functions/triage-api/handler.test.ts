/**
 * docs/http-contract.md "Read and triage API" and docs/architecture.md "Triage", through the local
 * server (which serves the API's routes as API Gateway would, without IAM) into DynamoDB Local;
 * and the CLI's `move`, against the table and through the API.
 */

import { request as httpRequest, type Server } from 'node:http';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { runCli } from '../../../../cli/signals-cli.ts';
import { ISSUE_ROW_FIELDS, SIGNAL_ROW_FIELDS } from '../../../../lambda/contract/shapes.ts';
import { ConflictError } from '../../../../lambda/core/errors.ts';
import { createTriageApiHandler } from '../../../../lambda/functions/triage-api/handler.ts';
import { StaticSecretSource } from '../../../../lambda/secret/webhook-secret-source.ts';
import { IssueTriage } from '../../../../lambda/storage/issue-triage.ts';
import { SignalQueries } from '../../../../lambda/storage/read-model.ts';
import { keys } from '../../../../lambda/storage/table-design.ts';
import { TriageService } from '../../../../lambda/triage/triage-service.ts';
import { createHttpApiServer, routesServedBy } from '../../../../local/http-server.ts';
import { draftFor } from '../../../support/drafts.ts';
import { createTestTable, localDocumentClient, localEndpoint } from '../../../support/dynamodb.ts';
import { TEST_SECRET } from '../../../support/events.ts';
import { captureOutputPerTest } from '../../../support/output.ts';
import { listening, serviceStore, webhookHandler } from '../../../support/webhook.ts';

/** A JSON answer, read field by field as the assertions say. */
// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever the answer holds.
type Answer = Record<string, any>;

describe('the read and triage API', () => {
  captureOutputPerTest(TEST_SECRET);
  const client = localDocumentClient();
  let server: Server;
  let base: string;
  let tableName: string;
  let triage: IssueTriage;

  beforeAll(async () => {
    tableName = await createTestTable();
    const store = serviceStore(client, tableName);
    // Three issues of priorities 2, 1 and 3, then one more signal of the first's alert.
    for (const [body, at] of [
      [{ name: 'page_load_time', value: 35, alert_id: 'a-1' }, '2026-11-27T09:00:00.000Z'],
      [{ name: 'signups', value: -62.5 }, '2026-11-27T10:00:00.000Z'],
      [{ name: 'checkout_errors', value: 12 }, '2026-11-27T11:00:00.000Z'],
      [{ name: 'page_load_time', value: 40, alert_id: 'a-1' }, '2026-11-27T12:00:00.000Z'],
    ] as const) {
      await store.file(draftFor(body, { receivedAt: new Date(at) }));
    }
    triage = new IssueTriage(client, tableName);
    const api = createTriageApiHandler({
      service: new TriageService(new SignalQueries(client, tableName), triage),
    });
    const webhook = webhookHandler({ secrets: new StaticSecretSource(TEST_SECRET), store });
    server = createHttpApiServer([
      ...routesServedBy('webhook', webhook),
      ...routesServedBy('triage-api', api),
    ]);
    base = await listening(server);
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    client.destroy();
  });

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as Answer };
  };
  const patch = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer };
  };
  const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, {
      env: { DYNAMODB_PORT: new URL(localEndpoint()).port, TABLE_NAME: tableName, ...env },
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('lists issues in triage by priority then age, a page at a time, with an opaque cursor', async () => {
    const all = await get('/api/issues');
    expect(all.status).toBe(200);
    expect(all.body.data.issues.map((issue: { number: number }) => issue.number)).toEqual([2, 1, 3]);
    expect(all.body.data.issues[1]).toMatchObject({ status: 'triage', firings: 2, priority: 2 });
    expect(Object.keys(all.body.data.issues[1])).toEqual([...ISSUE_ROW_FIELDS]);
    // Three rows asked, three there: the last page says so, with no empty page after it.
    expect((await get('/api/issues?limit=3')).body.data.cursor).toBeNull();

    const first = await get('/api/issues?status=triage&limit=2');
    expect(first.body.data.issues).toHaveLength(2);
    expect(first.body.data.cursor).toEqual(expect.any(String));
    const next = await get(`/api/issues?limit=2&cursor=${first.body.data.cursor}`);
    expect(next.body.data.issues.map((issue: { number: number }) => issue.number)).toEqual([3]);
    expect(next.body.data.cursor).toBeNull();
  });

  it('lists the newest signals, with their issue', async () => {
    const { body } = await get('/api/signals?limit=10');
    expect(body.data.signals).toHaveLength(4);
    expect(body.data.signals[0]).toMatchObject({ kind: 'firing', issue: { number: 1, status: 'triage' } });
    // A listing row is the signal's shape, cut to its documented subset, still keyed id.
    expect(Object.keys(body.data.signals[0])).toEqual([...SIGNAL_ROW_FIELDS]);
    expect(body.data.cursor).toBeNull();
  });

  it.each([
    ['/api/issues?limit=0', /^limit must be a whole number from 1 to 100$/],
    ['/api/issues?limit=101', /^limit must be/],
    ['/api/issues?limit=abc', /^limit must be/],
    ['/api/issues?status=open', /^status must be one of triage, backlog, todo, in_progress, done, canceled$/],
    ['/api/issues?cursor=not-ours', /^cursor is not one this service handed out$/],
    ['/api/signals?cursor=eyJwayI6IngifQ', /^cursor is not one this service handed out$/],
  ])('answers a clear 400 for %s', async (path, message) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body.error).toMatch(message);
  });

  it('refuses a cursor of one listing on another', async () => {
    const signals = await get('/api/signals?limit=1');
    const { status } = await get(`/api/issues?cursor=${signals.body.data.cursor}`);
    expect(status).toBe(400);
  });

  it('refuses (400) a cursor tampered into any other key shape: an extra attribute, an empty one, one missing', async () => {
    const issues = await get('/api/issues?limit=1');
    const key = JSON.parse(Buffer.from(issues.body.data.cursor, 'base64url').toString()) as Record<
      string,
      string
    >;
    const cursorOf = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const tampered of [
      { ...key, gsi1pk: 'ISSUE_NUMBER#1' },
      { ...key, pk: '' },
      { pk: key.pk, sk: key.sk, gsi2pk: key.gsi2pk },
    ]) {
      const { status, body } = await get(`/api/issues?cursor=${cursorOf(tampered)}`);
      expect([status, body.error]).toEqual([400, 'cursor is not one this service handed out']);
    }
  });

  it.each([
    ['longer than any id', 'x'.repeat(3_000)],
    ['of characters no id has', 'a%20b'],
  ])('answers 404 for an issue reference %s (never a DynamoDB error)', async (_, reference) => {
    const { status, body } = await get(`/api/issues/${reference}`);
    expect(status).toBe(404);
    expect(body.error).toMatch(/^No issue "/);
    expect(body.error.length).toBeLessThan(140);
    expect((await patch(`/api/issues/${reference}`, { priority: 2 })).status).toBe(404);
  });

  it('shows an issue whose payload is nested too deeply to serialise again, as it was stored', async () => {
    const depth = 20_000;
    const deep = `{"name":"deep_metric","value":5,"nested":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
    const posted = await fetch(`${base}/api/signals/posthog`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': TEST_SECRET },
      body: deep,
    });
    expect(posted.status).toBe(201);
    const { issue } = ((await posted.json()) as Answer).data;

    const response = await fetch(`${base}/api/issues/${issue.id}`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('{"data":{"issue":{')).toBe(true);
    expect(text).toContain(`"signalPayload":${deep}`);
    expect(text).toContain(`"payload":${deep}`);
    // And the CLI's `show --json` prints it too.
    const shown = await cli(['show', String(issue.number), '--json']);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`"payload":${deep}`);
  });

  it('refuses (403) a request naming another host, as a page using DNS rebinding would', async () => {
    const port = new URL(base).port;
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          { host: '127.0.0.1', port, path: '/api/issues', headers: { host } },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.end();
      });
    expect(await statusFor(`attacker.example:${port}`)).toBe(403);
    expect(await statusFor(`127.0.0.1.nip.io:${port}`)).toBe(403);
    expect(await statusFor('localhost:1')).toBe(403);
    expect(await statusFor(`localhost:${port}`)).toBe(200);
    expect(await statusFor(`127.0.0.1:${port}`)).toBe(200);
  });

  it('shows an issue with its signals by number or id, and 404s an unknown one', async () => {
    const byNumber = await get('/api/issues/1');
    expect(byNumber.status).toBe(200);
    expect(byNumber.body.data.issue).toMatchObject({ number: 1, firings: 2 });
    expect(byNumber.body.data.signals).toHaveLength(2);
    const byId = await get(`/api/issues/${byNumber.body.data.issue.id}`);
    expect(byId.body.data.issue.number).toBe(1);
    const missing = await get('/api/issues/9999');
    expect(missing).toEqual({
      status: 404,
      body: { error: 'No issue "9999" (an issue number, or an issue id)' },
    });
  });

  it('moves an issue, conditional on the status the caller saw: it leaves triage and appears under its new status', async () => {
    const moved = await patch('/api/issues/3', { status: 'in_progress', fromStatus: 'triage', priority: 1 });
    expect(moved.status).toBe(200);
    expect(moved.body.data.issue).toMatchObject({ number: 3, status: 'in_progress', priority: 1 });

    const inTriage = await get('/api/issues');
    expect(inTriage.body.data.issues.map((issue: { number: number }) => issue.number)).not.toContain(3);
    const inProgress = await get('/api/issues?status=in_progress');
    expect(inProgress.body.data.issues).toEqual([expect.objectContaining({ number: 3, priority: 1 })]);

    const stale = await patch('/api/issues/3', { status: 'done', fromStatus: 'triage' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/^Issue #3 is in_progress, not triage/);
  });

  it('lets exactly one of two concurrent moves from the same status win; the other answers 409 and changes nothing', async () => {
    const [a, b] = await Promise.all([
      patch('/api/issues/2', { status: 'todo', fromStatus: 'triage' }),
      patch('/api/issues/2', { status: 'canceled', fromStatus: 'triage' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 'todo' : 'canceled';
    const { body } = await get('/api/issues/2');
    expect(body.data.issue.status).toBe(winner);
  });

  it.each([
    [{ status: 'done' }, 'fromStatus (the status you saw) is required with status'],
    [{ priority: 5 }, 'priority must be 1, 2, 3 or 4'],
    [{ status: 'closed', fromStatus: 'triage' }, /^status must be one of/],
    [{ title: 'x' }, /^Unknown field "title"/],
    [{}, 'Expected status (with fromStatus) or priority'],
    ['{', 'Request body is not valid JSON'],
  ])('answers a clear 400 to the move %p', async (body, message) => {
    const { status, body: answer } = await patch('/api/issues/1', body);
    expect(status).toBe(400);
    expect(answer.error).toMatch(message);
  });

  it('answers 404 for a move of an unknown issue', async () => {
    expect((await patch('/api/issues/424242', { priority: 2 })).status).toBe(404);
  });

  it('the triage action refuses a move from a status the issue does not have', async () => {
    const issue = (await get('/api/issues/1')).body.data.issue;
    await expect(triage.move(issue.id, { status: 'done', fromStatus: 'backlog' })).rejects.toThrow(
      ConflictError,
    );
  });

  it('the CLI moves an issue against the table: it leaves `triage` at once and shows under `issues --status`', async () => {
    const moved = await cli(['move', '1', 'backlog', '--priority', '4']);
    expect(moved).toMatchObject({ code: 0, err: '' });
    expect(moved.out).toMatch(/^Issue #1: triage → backlog, P2 → P4 {2}PostHog: page_load_time 35%/);
    expect((await cli(['triage'])).out).not.toMatch(/#1 /);
    expect((await cli(['issues', '--status', 'backlog'])).out).toMatch(/P4\s+#1\s+backlog\s+2/);
    expect((await cli(['move', '1', 'sideways'])).code).toBe(2);
    expect((await cli(['move', '424242', 'done'])).code).toBe(1);
  });

  it('the CLI works through the API too (--api, requests signed with the usual AWS credentials)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    });
    try {
      const moved = await cli(['move', '1', 'todo', '--api', base]);
      expect(moved).toMatchObject({ code: 0, err: '' });
      expect(moved.out).toMatch(/^Issue #1: backlog → todo/);
      const listed = await cli(['issues', '--status', 'todo', '--json', '--api', base]);
      expect(JSON.parse(listed.out).issues.map((row: { number: number }) => row.number)).toContain(1);
      const shown = await cli(['show', '1', '--api', base]);
      expect(shown.out).toMatch(/^Issue #1 /);
      expect((await cli(['rejected', '--api', base])).code).toBe(2);
    } finally {
      process.env = saved;
    }
  });
});

describe('an issue stored before firings, links, claims and descriptions existed', () => {
  const client = localDocumentClient();
  afterAll(() => client.destroy());

  it('reads with their defaults, in a listing and on its own', async () => {
    const tableName = await createTestTable();
    const { issueId } = await serviceStore(client, tableName).file(
      draftFor({ name: 'signups', value: -62.5 }),
    );
    // The item as an earlier version wrote it: none of the fields added since.
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.issue(issueId ?? ''),
        UpdateExpression:
          'REMOVE firings, firstFiredAt, lastFiredAt, resolvedAt, links, claimedBy, claimedAt, description',
      }),
    );
    const defaults = {
      firings: 1,
      firstFiredAt: null,
      lastFiredAt: null,
      resolvedAt: null,
      links: {},
      claimedBy: null,
      claimedAt: null,
    };
    const queries = new SignalQueries(client, tableName);
    const { items } = await queries.issuesWithStatus('triage', 10);
    expect(items).toEqual([expect.objectContaining({ id: issueId, ...defaults })]);
    const shown = await queries.issueWithSignals(issueId ?? '');
    expect(shown?.issue.record).toMatchObject({ id: issueId, ...defaults, description: '' });
  });
});
