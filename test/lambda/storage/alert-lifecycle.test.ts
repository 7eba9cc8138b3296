/**
 * docs/http-contract.md "One open issue per alert" and "Resolutions and errors", against DynamoDB
 * Local: firings of one alert share its open issue while it is open and the episode goes on;
 * concurrent firings never open two issues, whatever the interleaving.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { ConflictError, DependencyUnavailableError } from '../../../lambda/core/errors.ts';
import type { JsonObject } from '../../../lambda/core/json.ts';
import type { SignalDraft } from '../../../lambda/core/loop-records.ts';
import { IssueTriage } from '../../../lambda/storage/issue-triage.ts';
import { issueFromItem } from '../../../lambda/storage/items.ts';
import {
  DynamoDbSignalStore,
  type DynamoDbSignalStoreOptions,
} from '../../../lambda/storage/signal-store.ts';
import { keys } from '../../../lambda/storage/table-design.ts';
import { alertDigest } from '../../../lambda/storage/write-plan.ts';
import { draftFor } from '../../support/drafts.ts';
import {
  countingDocumentClient,
  createTestTable,
  localDocumentClient,
  loopItems,
} from '../../support/dynamodb.ts';
import { logsAlertBody } from '../../support/posthog-bodies.ts';

const client = localDocumentClient();
afterAll(() => client.destroy());

const START = new Date('2026-11-27T00:00:00.000Z');
const hours = (n: number) => new Date(START.getTime() + n * 3_600_000);

/** PostHog's HTTP Webhook default body for one check of an insight alert (a new event uuid each). */
function insightFiring(alertId: string, percent: string, at: Date, check = 0): SignalDraft {
  const body: JsonObject = {
    event: {
      uuid: `uuid-${alertId}-${at.getTime()}-${percent}-${check}`,
      event: '$insight_alert_firing',
      properties: {
        alert_id: alertId,
        alert_name: 'Signups dropped',
        insight_name: 'Daily signups',
        breaches: `The insight value (signed_up) for previous day (${percent}) decreased more than upper threshold (20.00%)`,
      },
      timestamp: at.toISOString(),
    },
    person: null,
  };
  return draftFor(body, { receivedAt: at });
}

/** PostHog's logs alert envelope (products/logs/backend/alert_destinations.py). */
function logsAlert(type: string, alertId: string, at: Date, count = 312): SignalDraft {
  const body = logsAlertBody({
    type,
    id: `event-${type}-${at.getTime()}`,
    timestamp: at.toISOString(),
    alertId,
    count,
    data: { consecutive_failures: 1, error_message: 'Query is too expensive.' },
  });
  return draftFor(body, { receivedAt: at });
}

/**
 * The test's client, with a hook run before each command is sent (to hold a write back, or to let
 * another land first): the interleavings that concurrency makes rare, made certain.
 */
function interceptedClient(before: (command: object) => Promise<void>): DynamoDBDocumentClient {
  return {
    send: async (command: object, options?: object) => {
      await before(command);
      return client.send(command as never, options as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

/** The alert's record as stored. */
async function alertRecord(tableName: string, source: string, alertKey: string) {
  const { Item } = await client.send(
    new GetCommand({ TableName: tableName, Key: keys.alert(alertDigest(source, alertKey)) }),
  );
  return Item;
}

async function setup(options: DynamoDbSignalStoreOptions = {}) {
  const tableName = await createTestTable();
  const store = new DynamoDbSignalStore(client, tableName, options);
  return { tableName, store, items: () => loopItems(client, tableName) };
}

describe('one open issue per alert', () => {
  it('the same alert firing 24 times in a day leaves one triage issue with 24 signals', async () => {
    const { store, items } = await setup();

    const filed = [];
    for (let hour = 0; hour < 24; hour++)
      filed.push(await store.file(insightFiring('a-1', '32.50%', hours(hour))));

    expect(filed.map((one) => one.filing)).toEqual(['opened', ...Array(23).fill('joined')]);
    const { signals, issues } = await items();
    expect(signals).toHaveLength(24);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      status: 'triage',
      firings: 24,
      lastFiredAt: hours(23).toISOString(),
      createdAt: hours(0).toISOString(),
      title: 'PostHog: Daily signups -32.5% (previous day)',
    });
    expect(new Set(signals.map((signal) => signal.issueId))).toEqual(new Set([issues[0]?.id]));
    // The answer to a grouped firing is the new signal and the existing issue, as stored.
    expect(filed[23]?.records.issue).toMatchObject({
      id: issues[0]?.id,
      firings: 24,
      number: issues[0]?.number,
    });
  });

  it('answers a grouped firing with the issue exactly as it is stored', async () => {
    const { store, items } = await setup();
    await store.file(insightFiring('a-1', '32.50%', hours(0)));
    const second = await store.file(insightFiring('a-1', '60.00%', hours(1)));
    const { issues } = await items();
    const stored = issueFromItem(issues[0] ?? {});
    expect(second.records.issue).toEqual(stored.record);
    // The answer's payload is the text it arrived as, byte for byte.
    expect(second.answer).toContain(`"signalPayload":${stored.payloadText}}`);
  });

  it('raises the priority with a more severe firing, never lowers it', async () => {
    const { store, items } = await setup();
    await store.file(insightFiring('a-1', '12.00%', hours(0)));
    expect((await items()).issues[0]?.priority).toBe(3);
    await store.file(insightFiring('a-1', '75.00%', hours(1)));
    expect((await items()).issues[0]).toMatchObject({ priority: 1, gsi2sk: expect.stringMatching(/^1#/) });
    await store.file(insightFiring('a-1', '5.00%', hours(2)));
    expect((await items()).issues[0]?.priority).toBe(1);
  });

  it('opens a new issue after the episode gap, and for a firing of another alert', async () => {
    const { store, items } = await setup();
    await store.file(insightFiring('a-1', '32.50%', hours(0)));
    await store.file(insightFiring('a-1', '32.50%', hours(24)));
    await store.file(insightFiring('a-1', '32.50%', hours(49)));
    await store.file(insightFiring('a-2', '32.50%', hours(49)));
    const { issues } = await items();
    expect(issues.map((issue) => issue.firings).sort()).toEqual([1, 1, 2]);
  });

  it.each(['done', 'canceled'])(
    'opens a new issue once the open one is %s, and keeps to the open one after a move',
    async (closed) => {
      const { store, items, tableName } = await setup();
      const first = await store.file(insightFiring('a-1', '32.50%', hours(0)));
      const issueId = String(first.records.issue?.id);
      const move = (status: string, priority: number) =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.issue(issueId),
            UpdateExpression: 'SET #status = :status, #priority = :priority',
            ExpressionAttributeNames: { '#status': 'status', '#priority': 'priority' },
            ExpressionAttributeValues: { ':status': status, ':priority': priority },
          }),
        );

      // Moved by someone else: the next firing joins it as it is now.
      await move('in_progress', 4);
      const joined = await store.file(insightFiring('a-1', '32.50%', hours(1)));
      expect(joined.filing).toBe('joined');
      expect(joined.records.issue).toMatchObject({
        id: issueId,
        status: 'in_progress',
        priority: 2,
        firings: 2,
      });

      await move(closed, 2);
      const reopened = await store.file(insightFiring('a-1', '32.50%', hours(2)));
      expect(reopened.filing).toBe('opened');
      expect(reopened.records.issue?.id).not.toBe(issueId);
      expect((await items()).issues).toHaveLength(2);
    },
  );

  it('with grouping off, every firing opens an issue (one issue per delivery)', async () => {
    const { store, items } = await setup({ groupFirings: false });
    for (let hour = 0; hour < 3; hour++) await store.file(insightFiring('a-1', '32.50%', hours(hour)));
    expect((await items()).issues).toHaveLength(3);
  });

  it('replays a retried firing, joined or not, without a second signal', async () => {
    const { store, items } = await setup();
    await store.file(insightFiring('a-1', '32.50%', hours(0)));
    const grouped = insightFiring('a-1', '40.00%', hours(1));
    const first = await store.file(grouped);
    const retry = await store.file(grouped);
    expect(retry).toMatchObject({ replayed: true, filing: 'joined' });
    expect(retry.records.signal).toEqual(first.records.signal);
    expect((await items()).signals).toHaveLength(2);
  });

  it('costs a grouped firing two round trips, and the firing that opens an episode three', async () => {
    const { tableName } = await setup();
    const { client: counting, commands } = countingDocumentClient();
    const store = new DynamoDbSignalStore(counting, tableName);
    await store.file(insightFiring('a-1', '32.50%', hours(0)));
    const opening = [...commands];
    commands.length = 0;
    await store.file(insightFiring('a-1', '32.50%', hours(1)));
    counting.destroy();

    expect(opening).toEqual(['GetItem', 'UpdateItem', 'TransactWriteItems']);
    expect(commands).toEqual(['GetItem', 'TransactWriteItems']);
  });

  it('concurrent firings of one alert never open two issues, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            alert: fc.constantFrom('a', 'b'),
            hour: fc.integer({ min: 0, max: 20 }),
            percent: fc.constantFrom('12.00%', '30.00%', '75.00%'),
          }),
          {
            minLength: 2,
            maxLength: 12,
          },
        ),
        async (firings) => {
          const { store, items } = await setup();
          const results = await Promise.all(
            firings.map(({ alert, hour, percent }, check) =>
              store.file(insightFiring(alert, percent, hours(hour), check)),
            ),
          );
          const { signals, issues } = await items();
          const alerts = new Set(firings.map((firing) => firing.alert));
          expect(issues).toHaveLength(alerts.size);
          expect(signals).toHaveLength(firings.length);
          for (const alert of alerts) {
            const mine = firings.filter((firing) => firing.alert === alert);
            const issue = issues.find((candidate) =>
              signals.some(
                (signal) =>
                  signal.issueId === candidate.id && (signal.reading as JsonObject).alertId === alert,
              ),
            );
            expect(issue).toMatchObject({
              firings: mine.length,
              lastFiredAt: hours(Math.max(...mine.map((firing) => firing.hour))).toISOString(),
            });
            const severest = mine.some((firing) => firing.percent === '75.00%')
              ? 1
              : mine.some((firing) => firing.percent === '30.00%')
                ? 2
                : 3;
            expect(issue?.priority).toBe(severest);
          }
          expect(results.filter((result) => result.filing === 'opened')).toHaveLength(alerts.size);
        },
      ),
      { numRuns: 12 },
    );
  }, 60_000);
});

describe('firings that arrive out of turn', () => {
  it('a firing whose join is refused after another opened a new issue joins that issue, not a second one', async () => {
    const { store, items, tableName } = await setup();
    const first = await store.file(logsAlert('firing', 'l-1', hours(0)));
    await new IssueTriage(client, tableName).move(String(first.records.issue?.id), {
      status: 'done',
      fromStatus: 'triage',
    });
    // The late one reads the record (its copy of the issue still in triage), then waits until
    // another firing has opened the next issue: its join is refused on the issue and the record.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let read = () => {};
    const hasRead = new Promise<void>((resolve) => {
      read = resolve;
    });
    let writes = 0;
    const late = new DynamoDbSignalStore(
      interceptedClient(async (command) => {
        if (command instanceof GetCommand) setImmediate(read);
        if (command.constructor.name === 'TransactWriteCommand' && writes++ === 0) await held;
      }),
      tableName,
    ).file(logsAlert('firing', 'l-1', hours(1), 313));
    await hasRead;
    const winner = await store.file(logsAlert('firing', 'l-1', hours(1)));
    release();
    const joined = await late;

    expect(winner.filing).toBe('opened');
    expect(joined).toMatchObject({ filing: 'joined', records: { issue: { id: winner.records.issue?.id } } });
    const { issues } = await items();
    expect(issues.filter((issue) => issue.status === 'triage')).toHaveLength(1);
    expect((await alertRecord(tableName, 'posthog', 'l-1'))?.issue.id).toBe(winner.records.issue?.id);
  });

  it('a firing from before the current episode (a replay, a late drain) opens its own issue and leaves the live one in charge', async () => {
    const { store, items, tableName } = await setup();
    const live = await store.file(logsAlert('firing', 'l-1', hours(30)));
    const past = await store.file(logsAlert('firing', 'l-1', hours(0)));
    const next = await store.file(logsAlert('firing', 'l-1', hours(31)));

    expect(past.filing).toBe('opened');
    expect(past.records.issue?.id).not.toBe(live.records.issue?.id);
    expect(next).toMatchObject({
      filing: 'joined',
      records: { issue: { id: live.records.issue?.id, firings: 2 } },
    });
    expect((await alertRecord(tableName, 'posthog', 'l-1'))?.issue.id).toBe(live.records.issue?.id);
    expect((await items()).issues).toHaveLength(2);
  });

  it('a move refuses (409) when a firing raised the priority after the move read the issue, and loses nothing', async () => {
    const { store, tableName } = await setup();
    const first = await store.file(logsAlert('firing', 'l-1', hours(0), 115));
    const issueId = String(first.records.issue?.id);
    expect(first.records.issue?.priority).toBe(3);
    let joined = false;
    const triage = new IssueTriage(
      interceptedClient(async (command) => {
        if (command instanceof UpdateCommand && !joined) {
          joined = true;
          await store.file(logsAlert('firing', 'l-1', hours(1), 400));
        }
      }),
      tableName,
    );

    await expect(
      triage.move(issueId, { status: 'in_progress', fromStatus: 'triage' }),
    ).rejects.toBeInstanceOf(ConflictError);
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.issue(issueId) }));
    expect(Item).toMatchObject({ status: 'triage', priority: 1, firings: 2 });

    // Read again, the move goes through and answers with the issue as stored.
    const moved = await new IssueTriage(client, tableName).move(issueId, {
      status: 'in_progress',
      fromStatus: 'triage',
    });
    expect(moved.record).toMatchObject({ status: 'in_progress', priority: 1, firings: 2 });
  });

  it('answers a join after a move when the issue holds integers past 2^53, as numbers', async () => {
    const { store, tableName } = await setup();
    const big = 1_732_700_000_123_456_800;
    const firing = (at: Date) => {
      const draft = logsAlert('firing', 'l-1', at);
      const payload = { ...draft.payload, observedAtNanos: big };
      return { ...draft, payload, payloadText: JSON.stringify(payload) };
    };
    const first = await store.file(firing(hours(0)));
    await new IssueTriage(client, tableName).move(String(first.records.issue?.id), {
      status: 'in_progress',
      fromStatus: 'triage',
    });

    const joined = await store.file(firing(hours(1)));

    expect(joined).toMatchObject({
      filing: 'joined',
      records: { issue: { status: 'in_progress', firings: 2 } },
    });
    expect(JSON.parse(`{${joined.answer}}`).issue.signalPayload.observedAtNanos).toBe(big);
  });

  it('a burst of 24 concurrent firings of one alert (more than the attempts it once had) files every one in one issue, or holds it (never a 500)', async () => {
    const { store, items } = await setup();
    const settled = await Promise.allSettled(
      Array.from({ length: 24 }, (_, n) => store.file(insightFiring('a-burst', '32.50%', hours(0), n))),
    );
    const filed = settled.filter((result) => result.status === 'fulfilled');
    for (const result of settled) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(DependencyUnavailableError);
    }
    const { issues, signals } = await items();
    expect(issues).toHaveLength(1);
    expect(signals).toHaveLength(filed.length);
    expect(filed.length).toBeGreaterThanOrEqual(20);
  }, 60_000);
});

describe('resolutions and errors', () => {
  it('a resolution joins the open issue and records resolvedAt; a later firing clears it; the status stays', async () => {
    const { store, items } = await setup();
    await store.file(logsAlert('firing', 'l-1', hours(0)));
    const resolved = await store.file(logsAlert('resolved', 'l-1', hours(1), 12));
    expect(resolved).toMatchObject({
      filing: 'joined',
      records: {
        signal: { kind: 'resolved' },
        issue: { status: 'triage', resolvedAt: hours(1).toISOString(), firings: 1 },
      },
    });

    await store.file(logsAlert('firing', 'l-1', hours(2)));
    const { issues, signals } = await items();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ resolvedAt: null, firings: 2 });
    expect(signals.map((signal) => signal.kind).sort()).toEqual(['firing', 'firing', 'resolved']);
  });

  it('a resolution drained later than a firing that came after it does not mark the issue resolved', async () => {
    const { store, items } = await setup();
    await store.file(logsAlert('firing', 'l-1', hours(0)));
    await store.file(logsAlert('firing', 'l-1', hours(2)));
    await store.file(logsAlert('resolved', 'l-1', hours(1), 12));
    expect((await items()).issues[0]?.resolvedAt).toBeNull();
  });

  it('a resolution joins the open issue however long after the last firing it comes', async () => {
    const { store, items } = await setup();
    await store.file(logsAlert('firing', 'l-1', hours(0)));
    const resolved = await store.file(logsAlert('resolved', 'l-1', hours(30), 12));
    expect(resolved).toMatchObject({
      filing: 'joined',
      records: { issue: { resolvedAt: hours(30).toISOString() } },
    });
    expect((await items()).issues).toHaveLength(1);
  });

  it('a resolution with no open issue stores its signal on its own and opens nothing', async () => {
    const { store, items } = await setup();
    const alone = await store.file(logsAlert('resolved', 'l-1', hours(0), 12));
    expect(alone).toMatchObject({
      filing: 'alone',
      records: { issue: null, signal: { issueId: null, kind: 'resolved' } },
    });
    const { issues, signals } = await items();
    expect(issues).toHaveLength(0);
    expect(signals).toHaveLength(1);
    const repeat = await store.file(logsAlert('resolved', 'l-1', hours(0), 12));
    expect(repeat).toMatchObject({ replayed: true, records: { issue: null } });
  });

  it('an error joins the open issue; with none it opens a low-priority issue that later firings join', async () => {
    const { store, items } = await setup();
    const errored = await store.file(logsAlert('errored', 'l-2', hours(0)));
    expect(errored).toMatchObject({ filing: 'opened', records: { issue: { priority: 4, firings: 0 } } });
    await store.file(logsAlert('firing', 'l-2', hours(1)));
    await store.file(logsAlert('auto_disabled', 'l-2', hours(2)));
    const { issues, signals } = await items();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ firings: 1, priority: 1 });
    expect(signals).toHaveLength(3);
  });
});
