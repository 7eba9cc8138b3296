import fc from 'fast-check';
import stringWidth from 'string-width';
import type { CommandName } from '../../cli/commands.ts';
import { runCli, usage } from '../../cli/signals-cli.ts';
import { ISSUE_FIELDS, ISSUE_ROW_FIELDS } from '../../lambda/contract/shapes.ts';
import type { JsonObject } from '../../lambda/core/json.ts';
import type { StoredDelivery } from '../../lambda/intake/ports.ts';
import { draftFor } from '../support/drafts.ts';
import { createTestTable, localDocumentClient, localEndpoint, loopItems } from '../support/dynamodb.ts';
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

  it('list: newest signals first, with severity, issue number, status, title and age', async () => {
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

  it.each([[['triage']], [['issues']]])(
    '%p: issues in triage, by priority, then oldest first',
    async (args) => {
      const { code, out } = await cli(args, env);

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
    },
  );

  it('--limit and --json give the first rows as JSON, in the API shape, with the cursor to the rest', async () => {
    const { code, out } = await cli(['triage', '--json', '--limit', '2'], env);

    expect(code).toBe(0);
    const page = JSON.parse(out);
    expect(page.issues).toEqual([
      expect.objectContaining({ number: 4, priority: 1, title: 'PostHog: old_critical 80% (recent)' }),
      expect.objectContaining({ number: 2, priority: 1, createdAt: '2026-11-27T10:00:00.000Z' }),
    ]);
    expect(Object.keys(page.issues[0])).toEqual([...ISSUE_ROW_FIELDS]);
    const rest = JSON.parse((await cli(['triage', '--json', '--cursor', page.cursor], env)).out);
    expect(rest).toEqual({
      issues: [expect.objectContaining({ number: 1 }), expect.objectContaining({ number: 3 })],
      cursor: null,
    });
  });

  it.each([
    ['an issue number', () => '2'],
    ['an issue id', () => created[1]?.records.issue?.id ?? ''],
  ])('show: finds the issue, its signal and payload by %s', async (_, reference) => {
    const { code, out } = await cli(['show', reference()], env);

    expect(code).toBe(0);
    expect(out).toContain('Issue #2  PostHog: signups -62.5% (previous day)');
    expect(out).toContain('### What fired');
    expect(out).toContain(`Signal ${created[1]?.records.signal.id}`);
    expect(out).toContain('critical  source posthog (alert-9)');
    expect(out).toContain('"alert_id": "alert-9"');
  });

  it('show: finds a signal by its id, and one on its own (a resolution that found no open issue)', async () => {
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

    const lone = await cli(['show', resolution.records.signal.id], env);
    const inIssue = await cli(['show', created[1]?.records.signal.id ?? ''], env);

    expect(lone.code).toBe(0);
    expect(lone.out).toContain('on its own: a resolution that found no open issue');
    expect(lone.out).toContain(`Signal ${resolution.records.signal.id}  PostHog: quiet alert 3 logs`);
    expect(inIssue.out).toContain('issue #2 (triage)');
  });

  it('show --json gives the issue, its signals and its comments in their shapes', async () => {
    const { out } = await cli(['show', '1', '--json'], env);
    const shown = JSON.parse(out);
    expect(Object.keys(shown)).toEqual(['issue', 'signals', 'comments']);
    expect(Object.keys(shown.issue)).toEqual([...ISSUE_FIELDS]);
    expect(shown.issue).toMatchObject({ id: created[0]?.records.issue?.id, number: 1 });
    expect(shown.signals.map((signal: { id: string }) => signal.id)).toEqual([created[0]?.records.signal.id]);
    expect(shown.comments).toEqual([]);
  });

  it('says clearly when nothing matches', async () => {
    const { code, err } = await cli(['show', '999'], env);
    expect(code).toBe(1);
    expect(err).toBe(`No issue or signal "999" in table ${tableName} at http://127.0.0.1:${port}`);
  });

  it('says clearly when the table does not exist', async () => {
    const { code, err } = await cli(['list'], { DYNAMODB_PORT: port, TABLE_NAME: 'no-such-table' });
    expect(code).toBe(1);
    expect(err).toBe(
      `Not found at table no-such-table at http://127.0.0.1:${port}. Is \`npm start\` running, with the same TABLE_NAME?`,
    );
  });

  it('says clearly when DynamoDB cannot be reached, and how to start it', async () => {
    const { code, err } = await cli(['triage'], { DYNAMODB_PORT: '1' });
    expect(code).toBe(1);
    expect(err).toMatch(
      /^Cannot reach table loop-signals at http:\/\/127\.0\.0\.1:1\. Start the service with `npm start`/,
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

  it.each([[['--help']], [['-h']], [['help']], [[]]])('prints the usage and exits 0 for %p', async (args) => {
    const { code, out, err } = await cli(args, env);
    expect([code, err]).toEqual([0, '']);
    expect(out).toBe(usage());
    expect(out).toContain('claim');
  });

  it.each([[['list', '--help']], [['help', 'move']], [['move', '-h']], [['comment', '--help']]])(
    "prints a command's own usage and exits 0 for %p",
    async (args) => {
      const { code, out } = await cli(args, env);
      const command = args.find((arg) => !arg.startsWith('-') && arg !== 'help') as CommandName;
      expect(code).toBe(0);
      expect(out).toBe(usage(command));
      expect(out).toMatch(new RegExp(`^Usage: npm run signals -- ${command}`));
    },
  );

  it.each([
    [['unknown']],
    [['show']],
    [['list', 'extra']],
    [['list', '--bogus']],
    [['list', '--priority', '1']],
  ])('prints the usage and exits 2 for %p', async (args) => {
    const { code, err } = await cli(args, env);
    expect(code).toBe(2);
    expect(err).toMatch(/Usage: npm run signals -- /);
  });

  it('rejects a bad --limit', async () => {
    const { code, err } = await cli(['list', '--limit', '0'], env);
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toBe('--limit must be a whole number from 1 to 1000, not "0"');
  });

  it('move prints only what changed; issues --status lists the moved issue; a reason is kept as a comment', async () => {
    const both = await cli(['move', '3', 'todo', '--priority', '1'], env);
    const same = await cli(['move', '3', '-', '--priority', '1'], env);
    const reasoned = await cli(
      ['move', '3', 'backlog', '--priority', '1', '--reason', 'Not now', '--author', 'Ann'],
      env,
    );

    expect(both.out).toMatch(/^Issue #3: triage → todo, P3 → P1 {2}PostHog: checkout_errors/);
    expect(same.out).toMatch(/^Issue #3: already todo, P1: nothing changed/);
    expect(reasoned.out.split('\n')).toEqual([
      expect.stringMatching(/^Issue #3: todo → backlog {2}PostHog/),
      'The reason is kept as a comment.',
    ]);
    expect(reasoned.out).not.toContain('P1 → P1');
    const comments = JSON.parse((await cli(['comments', '3', '--json'], env)).out);
    expect(comments.comments).toEqual([
      expect.objectContaining({ body: 'Not now', author: { name: 'Ann', type: 'human' } }),
    ]);
    expect((await cli(['issues', '--status', 'backlog'], env)).out).toMatch(/P1\s+#3\s+backlog/);
    expect((await cli(['move', '3', 'sideways'], env)).code).toBe(2);
    expect((await cli(['move', '424242', 'done'], env)).code).toBe(1);
  });

  it('comment, queue and claim: an agent finds work, takes it and leaves a note', async () => {
    expect((await cli(['move', '4', 'todo'], env)).code).toBe(0);
    const queue = await cli(['queue'], env);
    const claimed = await cli(['claim', '--agent', 'agent-7', '--json'], env);
    const note = await cli(
      ['comment', '4', 'Rolled back the deploy', '--author', 'agent-7', '--author-type', 'agent'],
      env,
    );
    const nothing = await cli(['claim'], { ...env, USER: 'ann' });

    expect(queue.out.split('\n')[1]).toMatch(/^P1\s+#4\s+todo/);
    expect(JSON.parse(claimed.out).issue).toMatchObject({
      number: 4,
      status: 'in_progress',
      claimedBy: 'agent-7',
    });
    expect(note.out).toMatch(/^Comment [0-9a-f-]{36} left on issue 4 by agent-7\.$/);
    expect(nothing).toMatchObject({ code: 0, out: 'Nothing waits in todo.' });
    expect((await cli(['show', '4'], env)).out).toContain('agent-7 (agent):\n    Rolled back the deploy');
  });

  it('follows pages up to --limit, and says plainly when more remain', async () => {
    const many = await createTestTable();
    const store = serviceStore(client, many);
    await Promise.all(
      Array.from({ length: 130 }, (_, n) =>
        store.file(
          draftFor({ name: `m_${n}`, value: 1 }, { receivedAt: new Date(Date.UTC(2026, 10, 27, 0, n)) }),
        ),
      ),
    );
    const manyEnv = { DYNAMODB_PORT: port, TABLE_NAME: many };

    const some = await cli(['list', '--limit', '120'], manyEnv);
    const all = await cli(['list', '--limit', '1000', '--json'], manyEnv);

    expect(some.out.split('\n')).toHaveLength(121);
    expect(some.err).toMatch(/^More remain: show more with --limit, or continue with --cursor \S+$/);
    const everything = JSON.parse(all.out);
    expect(everything.signals).toHaveLength(130);
    expect(everything.cursor).toBeNull();
    expect(all.err).toBe('');
  }, 30_000);
});

describe('npm run signals fits tables to the terminal', () => {
  const client = localDocumentClient();
  afterAll(() => client.destroy());

  it('at COLUMNS=80, with a long title and East Asian wide characters (two columns each)', async () => {
    const tableName = await createTestTable();
    const store = serviceStore(client, tableName);
    const at = new Date('2026-11-27T11:00:00.000Z');
    await store.file(draftFor({ name: `checkout ${'x'.repeat(150)}`, value: 60 }, { receivedAt: at }));
    await store.file(
      draftFor({ name: '注文の失敗率が上昇しました本当に長いタイトル', value: 30 }, { receivedAt: at }),
    );
    await store.file(draftFor({ name: 'short', value: 5 }, { receivedAt: at }));
    const env = { DYNAMODB_PORT: new URL(localEndpoint()).port, TABLE_NAME: tableName, COLUMNS: '80' };

    for (const command of ['list', 'triage']) {
      const { code, out } = await cli([command], env);
      expect(code).toBe(0);
      const lines = out.split('\n');
      for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(80);
      expect(out).toContain('…');
      // Every column after the title starts at the same column on every line.
      if (command === 'list') {
        const signalColumn = lines.map((line) => stringWidth(line.slice(0, line.lastIndexOf('  ') + 2)));
        expect(new Set(signalColumn).size).toBe(1);
      }
    }
    // Without a width (a pipe), nothing is cut.
    const { out } = await cli(['triage'], { ...env, COLUMNS: '' });
    expect(out).toContain('x'.repeat(150));
  });
});

describe('npm run signals -- test-delivery', () => {
  captureOutputPerTest(TEST_SECRET);
  const served = servedWebhook();

  it('sends a delivery of its own each time, marked as a test: stored, out of triage', async () => {
    const first = await cli(['test-delivery', '--url', served.webhookUrl], {
      POSTHOG_WEBHOOK_SECRET: TEST_SECRET,
    });
    const again = await cli(['test-delivery', '--url', served.webhookUrl, '--json'], {
      POSTHOG_WEBHOOK_SECRET: TEST_SECRET,
    });

    expect(first.code).toBe(0);
    expect(first.out).toMatch(
      /^201 test delivery stored: signal [0-9a-f-]{36} \(marked as a test: no issue opened, kept out of triage; see npm run signals -- list\)$/,
    );
    const answer = JSON.parse(again.out);
    expect(answer).toMatchObject({
      status: 201,
      replayed: false,
      data: { signal: { test: true, issue: null }, issue: null },
    });
    const { signals, issues } = await loopItems(served.client, served.tableName);
    expect([signals.length, issues.length]).toEqual([2, 0]);
    expect((await served.api('GET', '/api/issues')).body.data.issues).toEqual([]);
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

describe('npm run signals -- … --json, on every command', () => {
  captureOutputPerTest(TEST_SECRET);
  const served = servedWebhook();

  it('prints JSON for webhook-url and rejected show too', async () => {
    const env = { POSTHOG_WEBHOOK_SECRET: TEST_SECRET, PORT: '3999' };
    const url = JSON.parse((await cli(['webhook-url', '--json'], env)).out);
    expect(url).toEqual({
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:3999\/api\/signals\/posthog\/[\w-]{43}$/),
    });

    const kept = { type: 'logs_alert.unheard_of', data: { alert_id: 'k\u001b[2J' } };
    await served.deliver(kept);
    const tableEnv = { DYNAMODB_PORT: new URL(localEndpoint()).port, TABLE_NAME: served.tableName };
    const listed = JSON.parse((await cli(['rejected', '--json'], tableEnv)).out);
    const shown = await cli(['rejected', 'show', listed.rejected[0].id], tableEnv);
    const shownJson = JSON.parse(
      (await cli(['rejected', 'show', listed.rejected[0].id, '--json'], tableEnv)).out,
    );

    expect(shownJson.rejected).toMatchObject({ id: listed.rejected[0].id, body: JSON.stringify(kept) });
    expect(shown.out).toContain('refused: Field type: unknown PostHog logs alert type "unheard_of"');
    // The kept body, its escape sequence shown as text, never sent.
    expect(shown.out).toContain('\\u001b[2J');
    expect(shown.out).not.toContain('\u001b');
  });
});

describe('npm run signals says how to fix AWS access', () => {
  it.each([
    ['no region', { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }, /^No AWS region: set AWS_REGION/],
    [
      'no credentials',
      { AWS_REGION: 'eu-west-1' },
      /^No AWS credentials: set AWS_PROFILE .*AWS_ACCESS_KEY_ID/,
    ],
  ])('with %s', async (_, aws, message) => {
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    // No shared config to fall back on, and no instance metadata to ask.
    Object.assign(process.env, {
      ...aws,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      const { code, err } = await cli(['list', '--table', 'signals'], {});
      expect(code).toBe(1);
      expect(err).toMatch(message);
    } finally {
      process.env = saved;
    }
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
          const title = args[0] === 'show' ? parsed.issue.title : (parsed.signals ?? parsed.issues)[0].title;
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
