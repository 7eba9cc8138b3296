import fc from 'fast-check';
import { runCli, USAGE } from '../../cli/signals-cli.ts';
import type { JsonObject } from '../../lambda/core/json.ts';
import type { StoredDelivery } from '../../lambda/intake/ports.ts';
import { draftFor } from '../support/drafts.ts';
import { createTestTable, localDocumentClient, localEndpoint } from '../support/dynamodb.ts';
import { TEST_SECRET } from '../support/events.ts';
import { captureOutputPerTest } from '../support/output.ts';
import { logsAlertBody } from '../support/posthog-bodies.ts';
import { servedWebhook } from '../support/served-webhook.ts';
import { serviceStore } from '../support/webhook.ts';

const NOW = new Date('2026-11-27T12:00:00.000Z');

/** Runs the CLI against the test's DynamoDB Local and table, and collects what it prints. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    env,
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    now: () => NOW,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run signals against DynamoDB Local', () => {
  const client = localDocumentClient();
  const port = new URL(localEndpoint()).port;
  let tableName: string;
  let env: NodeJS.ProcessEnv;
  const created: StoredDelivery[] = [];

  beforeAll(async () => {
    tableName = await createTestTable();
    env = { DYNAMODB_PORT: port, TABLE_NAME: tableName };
    const store = serviceStore(client, tableName);
    const deliveries: [JsonObject, string][] = [
      [{ name: 'page_load_time', value: 35, timeframe: 'last_7_days' }, '2026-11-27T09:00:00.000Z'],
      [
        { name: 'signups', value: -62.5, timeframe: 'previous day', alert_id: 'alert-9' },
        '2026-11-27T10:00:00.000Z',
      ],
      [{ name: 'checkout_errors', value: 12 }, '2026-11-27T11:30:00.000Z'],
      [{ name: 'old_critical', value: 80 }, '2026-11-25T12:00:00.000Z'],
    ];
    for (const [payload, at] of deliveries) {
      created.push(
        await store.file(
          draftFor(payload, { keyHeaders: { 'idempotency-key': `key-${at}` }, receivedAt: new Date(at) }),
        ),
      );
    }
  });
  afterAll(() => client.destroy());

  it('list: newest signals first, with severity, issue number, title and age', async () => {
    const { code, out } = await cli(['list'], env);

    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^AGE\s+SEVERITY\s+KIND\s+ISSUE\s+STATUS\s+TITLE\s+SIGNAL$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).slice(0, 6))).toEqual([
      ['30m', 'medium', 'firing', '#3', 'triage', 'PostHog: checkout_errors 12% (recent)'],
      ['2h', 'critical', 'firing', '#2', 'triage', 'PostHog: signups -62.5% (previous day)'],
      ['3h', 'high', 'firing', '#1', 'triage', 'PostHog: page_load_time 35% (last_7_days)'],
      ['2d', 'critical', 'firing', '#4', 'triage', 'PostHog: old_critical 80% (recent)'],
    ]);
  });

  it('triage: by priority, then oldest first', async () => {
    const { code, out } = await cli(['triage'], env);

    expect(code).toBe(0);
    expect(
      out
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s{2,}/).slice(0, 2)),
    ).toEqual([
      ['P1', '#4'],
      ['P1', '#2'],
      ['P2', '#1'],
      ['P3', '#3'],
    ]);
  });

  it('--limit and --json give the first rows as JSON', async () => {
    const { code, out } = await cli(['triage', '--json', '--limit', '2'], env);

    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual([
      expect.objectContaining({ number: 4, priority: 1, title: 'PostHog: old_critical 80% (recent)' }),
      expect.objectContaining({ number: 2, priority: 1, createdAt: '2026-11-27T10:00:00.000Z' }),
    ]);
  });

  it.each([
    ['an issue number', () => '2'],
    ['a signal id', () => created[1]?.records.signal.id ?? ''],
    ['an issue id', () => created[1]?.records.issue?.id ?? ''],
  ])('show: finds the issue, its signal and payload by %s', async (_, reference) => {
    const { code, out } = await cli(['show', reference()], env);

    expect(code).toBe(0);
    expect(out).toContain('Issue #2  PostHog: signups -62.5% (previous day)');
    expect(out).toContain(`Signal ${created[1]?.records.signal.id}`);
    expect(out).toContain('critical  source posthog (alert-9)');
    expect(out).toContain('"alert_id": "alert-9"');
  });

  it('show: finds a signal on its own (a resolution that found no open issue) by its id', async () => {
    const store = serviceStore(client, tableName);
    const resolution = await store.file(
      draftFor(
        logsAlertBody({
          type: 'resolved',
          id: 'lone-resolution',
          timestamp: '2026-11-27T12:00:00.000Z',
          alertId: 'never-fired',
          name: 'quiet alert',
          count: 3,
        }),
        { receivedAt: new Date('2026-11-27T12:00:00.000Z') },
      ),
    );
    expect(resolution.filing).toBe('alone');

    const { code, out } = await cli(['show', resolution.records.signal.id], env);

    expect(code).toBe(0);
    expect(out).toContain('A signal on its own');
    expect(out).toContain(`Signal ${resolution.records.signal.id}`);
  });

  it('show --json gives the issue and its signals in Loop shape', async () => {
    const { out } = await cli(['show', '1', '--json'], env);
    expect(JSON.parse(out)).toEqual({
      issue: created[0]?.records.issue,
      signals: [created[0]?.records.signal],
    });
  });

  it('says clearly when nothing matches', async () => {
    const { code, err } = await cli(['show', '999'], env);
    expect(code).toBe(1);
    expect(err).toBe(`No signal or issue "999" in table ${tableName}`);
  });

  it('says clearly when the table does not exist', async () => {
    const { code, err } = await cli(['list'], { DYNAMODB_PORT: port, TABLE_NAME: 'no-such-table' });
    expect(code).toBe(1);
    expect(err).toBe(
      `Table "no-such-table" not found at http://127.0.0.1:${port}. Is \`npm start\` running with the same TABLE_NAME?`,
    );
  });

  it('says clearly when DynamoDB cannot be reached', async () => {
    const { code, err } = await cli(['triage'], { DYNAMODB_PORT: '1' });
    expect(code).toBe(1);
    expect(err).toMatch(
      /^Cannot reach DynamoDB at http:\/\/127\.0\.0\.1:1\. Start the service with `npm start`/,
    );
  });

  it('reads a named table at an explicit endpoint', async () => {
    const { code, out } = await cli([
      'list',
      '--table',
      tableName,
      '--endpoint',
      localEndpoint(),
      '--limit',
      '1',
    ]);
    expect(code).toBe(0);
    expect(out.split('\n')).toHaveLength(2);
  });

  it.each([[[]], [['unknown']], [['show']], [['list', 'extra']], [['list', '--bogus']]])(
    'prints usage for %p',
    async (args) => {
      const { code, err } = await cli(args, env);
      expect(code).toBe(2);
      expect(err).toContain(USAGE);
    },
  );

  it('rejects a bad --limit', async () => {
    const { code, err } = await cli(['list', '--limit', '0'], env);
    expect(code).toBe(2);
    expect(err).toBe('--limit must be a whole number from 1 to 1000, not "0"');
  });
});

describe('npm run signals -- test-delivery', () => {
  captureOutputPerTest(TEST_SECRET);
  const served = servedWebhook();

  it('sends the sample delivery with the secret, then reports a repeat as such', async () => {
    const first = await cli(['test-delivery', '--url', served.webhookUrl], {
      POSTHOG_WEBHOOK_SECRET: TEST_SECRET,
    });
    const again = await cli(['test-delivery', '--url', served.webhookUrl], {
      POSTHOG_WEBHOOK_SECRET: TEST_SECRET,
    });

    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /^201 created: issue #1 "PostHog: page_load_time 35% \(last_7_days\)" \(signal [0-9a-f-]{36}\)$/,
    );
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^200 repeat of an earlier delivery \(nothing new stored\): issue #1 /);
  });

  it('reports a refusal with its status and message', async () => {
    const { code, err } = await cli(['test-delivery', '--url', served.webhookUrl, '--secret', 'wrong']);
    expect(code).toBe(1);
    expect(err).toBe('401: Invalid webhook secret');
  });

  it('reports an unreachable URL', async () => {
    const { code, err } = await cli([
      'test-delivery',
      '--url',
      'http://127.0.0.1:1/api/signals/posthog',
      '--secret',
      's',
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:1\/api\/signals\/posthog/);
  });
});

describe('npm run signals shows stored text escaped, never raw, to the terminal', () => {
  const client = localDocumentClient();
  afterAll(() => client.destroy());

  // Every character a terminal may obey: C0, DEL, C1; and line separators and bidi controls.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const attacks = [
    '\u001b]52;c;aGVsbG8=\u0007',
    '\u001b[2J\u001b[H',
    '\u009b31m',
    '\u0000\u0007\u007f',
    'line\nbreak\r',
    '\u202eevil',
  ];
  const hostileText = fc
    .array(fc.oneof(fc.constantFrom(...attacks), fc.string({ unit: 'binary', maxLength: 8 })), {
      minLength: 1,
      maxLength: 5,
    })
    .map((parts) => `x${parts.join('')}`);

  it('in list, triage and show, as a table or JSON, whatever the insight name, ids and payload hold', async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, hostileText, async (name, sourceId, key) => {
        const tableName = await createTestTable();
        const payload: JsonObject = { name, value: 60, alert_id: sourceId, [key]: key };
        const stored = await serviceStore(client, tableName).file(draftFor(payload, { receivedAt: NOW }));
        const env = { DYNAMODB_PORT: new URL(localEndpoint()).port, TABLE_NAME: tableName };

        for (const args of [['list'], ['triage'], ['show', '1']]) {
          const { code, out } = await cli(args, env);
          expect(code).toBe(0);
          expect(out).not.toMatch(UNSAFE);
          // One header and one row: a line break in the title cannot forge a row.
          if (args[0] !== 'show') expect(out.split('\n')).toHaveLength(2);

          const json = await cli([...args, '--json'], env);
          expect(json.out).not.toMatch(UNSAFE);
          // Still JSON, and it says exactly what is stored.
          const parsed = JSON.parse(json.out);
          const title = args[0] === 'show' ? parsed.issue.title : parsed[0].title;
          expect(title).toBe(stored.records.issue?.title);
          if (args[0] === 'show') expect(parsed.signals[0].payload).toEqual(payload);
        }
      }),
      { numRuns: 15 },
    );
  }, 60_000);

  it('writes the escape of each character, e.g. \\u001b for ESC', async () => {
    const tableName = await createTestTable();
    const payload: JsonObject = { name: 'a\u001b[2Jb\u009bc', value: 1 };
    await serviceStore(client, tableName).file(draftFor(payload, { receivedAt: NOW }));
    const { out } = await cli(['list'], {
      DYNAMODB_PORT: new URL(localEndpoint()).port,
      TABLE_NAME: tableName,
    });
    expect(out).toContain('PostHog: a\\u001b[2Jb\\u009bc 1% (recent)');
  });
});
