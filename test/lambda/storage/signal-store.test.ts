import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { awsErrorReply, FakeAwsEndpoint, fakeClientConfig } from '../../../dev/fake-aws-endpoint.ts';
import { createDocumentClient } from '../../../lambda/aws/clients.ts';
import { deliveryIdentity } from '../../../lambda/core/delivery-key.ts';
import { DependencyUnavailableError, KeyReusedError } from '../../../lambda/core/errors.ts';
import type { SignalDraft } from '../../../lambda/core/loop-records.ts';
import { DEDUP_RECORD_RETENTION_DAYS } from '../../../lambda/delivery-queue/retry-policy.ts';
import { issueFromItem, signalFromItem } from '../../../lambda/storage/items.ts';
import { DynamoDbSignalStore } from '../../../lambda/storage/signal-store.ts';
import { keys } from '../../../lambda/storage/table-design.ts';
import { draftFor as intakeDraft } from '../../support/drafts.ts';
import {
  countingDocumentClient,
  createTestTable,
  localDocumentClient,
  loopItems,
} from '../../support/dynamodb.ts';

const client = localDocumentClient();
afterAll(() => client.destroy());

const RECEIVED_AT = new Date('2026-11-27T10:00:00Z');

/** A draft as the intake makes it, keyed by an Idempotency-Key (a fresh one unless given). */
function draftFor(
  text: string,
  { idempotencyKey = randomUUID() as string, receivedAt = RECEIVED_AT } = {},
): SignalDraft {
  return intakeDraft(text, { keyHeaders: { 'idempotency-key': idempotencyKey }, receivedAt });
}

/** The dedup record of a delivery that arrived at RECEIVED_AT, with a window of 600 s. */
const deliveryKeyOf = (idempotencyKey: string) =>
  keys.delivery(
    deliveryIdentity({ 'idempotency-key': idempotencyKey }, Buffer.alloc(0)).key,
    Math.floor(RECEIVED_AT.getTime() / 1000 / 600),
  );

const SAMPLE = '{"name":"page_load_time","value":35,"timeframe":"last_7_days"}';

describe('DynamoDbSignalStore against DynamoDB Local', () => {
  let tableName: string;
  beforeEach(async () => {
    tableName = await createTestTable();
  });

  it('writes the signal and its issue, with Loop fields, entity and keys, equal to what it returns', async () => {
    const store = new DynamoDbSignalStore(client, tableName);

    const { records, replayed } = await store.file(draftFor(SAMPLE));

    expect(replayed).toBe(false);
    const signal = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.signal(records.signal.issueId, records.signal.id) }),
    );
    const issue = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.issue(String(records.signal.issueId)) }),
    );
    expect(signal.Item).toMatchObject({
      entity: 'signal',
      gsi1pk: `SIGNAL#${records.signal.id}`,
      gsi2pk: 'SIGNALS',
    });
    expect(issue.Item).toMatchObject({ entity: 'issue', gsi1pk: 'ISSUE_NUMBER#1', gsi2pk: 'TRIAGE' });
    expect(issue.Item?.gsi2sk).toBe(`2#2026-11-27T10:00:00.000Z#${records.issue?.id}`);
    expect(signalFromItem(signal.Item ?? {}).record).toEqual(records.signal);
    expect(issueFromItem(issue.Item ?? {}).record).toEqual(records.issue);
    expect(records.signal.issueId).toBe(records.issue?.id);
  });

  it('gives concurrent deliveries unique issue numbers, increasing in the order they are taken', async () => {
    const store = new DynamoDbSignalStore(client, tableName);

    const created = await Promise.all(Array.from({ length: 40 }, () => store.file(draftFor(SAMPLE))));

    // Unique and positive; not gapless: a number taken by a failed attempt is skipped (docs/architecture.md "Storage design").
    const numbers = created.map(({ records }) => Number(records.issue?.number));
    expect(new Set(numbers).size).toBe(40);
    expect(numbers.every((number) => Number.isInteger(number) && number >= 1)).toBe(true);
    const { signals, issues } = await loopItems(client, tableName);
    expect(signals).toHaveLength(40);
    expect(issues).toHaveLength(40);
    const later = await store.file(draftFor(SAMPLE));
    expect(Number(later.records.issue?.number)).toBeGreaterThan(Math.max(...numbers));
  });

  it('writes neither item when the transaction fails', async () => {
    const ids = ['signal-a', 'issue-a', 'signal-b', 'issue-a'];
    const store = new DynamoDbSignalStore(client, tableName, { newId: () => ids.shift() ?? 'unexpected' });
    await store.file(draftFor(SAMPLE));

    // The second delivery collides on its issue id: the issue Put fails, so its signal must not exist.
    const error = await store.file(draftFor(SAMPLE)).catch((caught: unknown) => caught);

    expect((error as Error).name).toBe('TransactionCanceledException');
    const orphan = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.signal('issue-a', 'signal-b') }),
    );
    expect(orphan.Item).toBeUndefined();
    const { signals, issues } = await loopItems(client, tableName);
    expect([signals.length, issues.length]).toEqual([1, 1]);
  });

  const arrays = (count: number) => `${'['.repeat(count)}1${']'.repeat(count)}`;
  it.each([
    ['31 levels of nesting (the most a map holds)', 'map', `{"name":"m","value":1,"a":${arrays(30)}}`],
    ['32 levels of nesting', 'text', `{"name":"m","value":1,"a":${arrays(31)}}`],
    ['1,000 levels of nesting', 'text', `{"name":"m","value":1,"a":${arrays(1_000)}}`],
    ['1e300', 'text', '{"name":"m","value":1,"big":1e300}'],
    ['1e-200', 'text', '{"name":"m","value":1,"tiny":1e-200}'],
    ['an empty-string key', 'text', '{"name":"m","value":1,"":{"":""}}'],
    ['a __proto__ key', 'text', '{"name":"m","value":1,"__proto__":{"polluted":true}}'],
    ['negative zero', 'text', '{"name":"m","value":-0}'],
    ['a lone surrogate', 'text', '{"name":"m","value":1,"s":"\\ud83d"}'],
    [
      'a nanosecond timestamp and other large integers',
      'map',
      '{"name":"m","value":1,"ns":1732700000123456789,"n":1e20}',
    ],
    [
      'the edges of DynamoDB number range',
      'map',
      '{"name":"m","value":1,"max":9.99999999999999e125,"min":1e-130,"neg":-1e-130}',
    ],
    ['a constructor key', 'text', '{"name":"m","value":1,"x":{"constructor":{"name":"Set"}}}'],
    [
      'keys that shadow Object.prototype',
      'map',
      '{"name":"m","value":1,"toString":"x","hasOwnProperty":[],"valueOf":{}}',
    ],
    [
      'unicode and empty values',
      'map',
      '{"name":"📈 signups","value":"12.5%","e":"","l":[],"o":{},"n":null,"t":true}',
    ],
  ])('stores a payload with %s losslessly, as %s', async (_, form, text) => {
    const store = new DynamoDbSignalStore(client, tableName);

    const { records } = await store.file(draftFor(text));

    const { Item: signal } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.signal(records.signal.issueId, records.signal.id) }),
    );
    const { Item: issue } = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.issue(String(records.signal.issueId)) }),
    );
    expect(typeof signal?.payload === 'string' ? 'text' : 'map').toBe(form);
    expect(signalFromItem(signal ?? {}).record.payload).toEqual(JSON.parse(text));
    expect(issueFromItem(issue ?? {}).record.signalPayload).toEqual(JSON.parse(text));
    // And as the text it arrived as, which keeps the sender's key order.
    expect(signalFromItem(signal ?? {}).payloadText).toBe(text);
    expect(issueFromItem(issue ?? {}).payloadText).toBe(text);
  });
});

describe('DynamoDbSignalStore deduplication against DynamoDB Local', () => {
  let tableName: string;
  beforeEach(async () => {
    tableName = await createTestTable();
  });

  it('answers a repeat with the original signal and issue and writes nothing new', async () => {
    const store = new DynamoDbSignalStore(client, tableName);
    const first = await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-1' }));

    const repeat = await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-1' }));

    expect(repeat.replayed).toBe(true);
    // What the first delivery filed (all of it the answer shows)...
    expect(repeat.records.signal).toEqual(first.records.signal);
    expect({ ...repeat.records.issue, lastReading: {} }).toEqual({ ...first.records.issue, lastReading: {} });
    // ...and the very bytes the first delivery answered.
    expect(repeat.answer).toBe(first.answer);
    const { signals, issues } = await loopItems(client, tableName);
    expect([signals.length, issues.length]).toEqual([1, 1]);
  });

  it('replays a payload stored as text too', async () => {
    const store = new DynamoDbSignalStore(client, tableName);
    const text = '{"name":"m","value":1,"":1e300}';
    await store.file(draftFor(text, { idempotencyKey: 'key-text' }));

    const repeat = await store.file(draftFor(text, { idempotencyKey: 'key-text' }));

    expect(repeat.answer).toContain(`"payload":${text}`);
    expect(repeat.answer).toContain(`"signalPayload":${text}`);
    expect(repeat.records.signal.payload).toEqual(JSON.parse(text));
  });

  it('treats the same key after the window as a new delivery', async () => {
    const store = new DynamoDbSignalStore(client, tableName, { dedupWindowSeconds: 60 });
    await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-2' }));

    const later = await store.file(
      draftFor(SAMPLE, { idempotencyKey: 'key-2', receivedAt: new Date(RECEIVED_AT.getTime() + 61_000) }),
    );

    expect(later.replayed).toBe(false);
    const { signals } = await loopItems(client, tableName);
    expect(signals).toHaveLength(2);
  });

  it('creates exactly one signal and issue for concurrent duplicates, and answers every one', async () => {
    const store = new DynamoDbSignalStore(client, tableName);

    const results = await Promise.all(
      Array.from({ length: 12 }, () => store.file(draftFor(SAMPLE, { idempotencyKey: 'key-3' }))),
    );

    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(new Set(results.map((result) => result.records.issue?.id)).size).toBe(1);
    const { signals, issues } = await loopItems(client, tableName);
    expect([signals.length, issues.length]).toEqual([1, 1]);
  });

  it('refuses a key reused with another body (422) and writes nothing for it', async () => {
    const store = new DynamoDbSignalStore(client, tableName);
    await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-reused' }));

    const reused = store.file(
      draftFor('{"name":"page_load_time","value":36}', { idempotencyKey: 'key-reused' }),
    );

    await expect(reused).rejects.toThrow(KeyReusedError);
    const { signals, issues } = await loopItems(client, tableName);
    expect([signals.length, issues.length]).toEqual([1, 1]);
  });

  it('under one key, eight concurrent bodies make one signal and issue and seven 422s', async () => {
    const store = new DynamoDbSignalStore(client, tableName);

    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, n) =>
        store.file(draftFor(`{"name":"m","value":${n}}`, { idempotencyKey: 'key-race' })),
      ),
    );

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused.map((result) => (result as PromiseRejectedResult).reason)).toEqual(
      Array(7).fill(expect.any(KeyReusedError)),
    );
    const { signals, issues } = await loopItems(client, tableName);
    expect([signals.length, issues.length]).toEqual([1, 1]);
  });

  it('costs a repeat no read after its refused transaction: the refusal hands back the record, and the first answer on it', async () => {
    const { client: counting, commands } = countingDocumentClient();
    const store = new DynamoDbSignalStore(counting, tableName);
    await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-count' }));
    expect(commands).toEqual(['UpdateItem', 'TransactWriteItems']);
    commands.length = 0;

    const repeat = await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-count' }));

    counting.destroy();
    expect(repeat.replayed).toBe(true);
    expect(commands).toEqual(['UpdateItem', 'TransactWriteItems']);
  });

  it('takes the first issue number at init, so the first new delivery of an instance is one round trip', async () => {
    const { client: counting, commands } = countingDocumentClient();
    const store = new DynamoDbSignalStore(counting, tableName);
    await store.warmUp();
    expect(commands).toEqual(['UpdateItem']);
    commands.length = 0;

    const first = await store.file(draftFor(SAMPLE, { idempotencyKey: 'warm-1' }));
    expect(commands).toEqual(['TransactWriteItems']);
    commands.length = 0;
    const second = await store.file(draftFor(SAMPLE, { idempotencyKey: 'warm-2' }));
    counting.destroy();

    expect(commands).toEqual(['UpdateItem', 'TransactWriteItems']);
    expect([first.records.issue?.number, second.records.issue?.number]).toEqual([1, 2]);
  });

  it("skips init's number when another instance opened an issue meanwhile, so numbers keep the order issues open", async () => {
    const { client: counting, commands } = countingDocumentClient();
    const idle = new DynamoDbSignalStore(counting, tableName);
    await idle.warmUp();
    const busy = new DynamoDbSignalStore(client, tableName);
    const other = await busy.file(draftFor(SAMPLE, { idempotencyKey: 'other-1' }));
    commands.length = 0;

    const late = await idle.file(draftFor(SAMPLE, { idempotencyKey: 'late-1' }));
    counting.destroy();

    expect(other.records.issue?.number).toBe(2);
    // Init's number 1 was no longer the latest: refused by the counter's check, skipped, and a fresh one taken.
    expect(commands).toEqual(['TransactWriteItems', 'UpdateItem', 'TransactWriteItems']);
    expect(late.records.issue?.number).toBe(3);
  });

  it('uses up no issue number for a repeat: the next issue takes the one the repeat took', async () => {
    const store = new DynamoDbSignalStore(client, tableName);
    const first = await store.file(draftFor(SAMPLE, { idempotencyKey: 'once' }));
    const repeat = await store.file(draftFor(SAMPLE, { idempotencyKey: 'once' }));
    const again = await store.file(draftFor(SAMPLE, { idempotencyKey: 'once' }));
    const next = await store.file(draftFor(SAMPLE, { idempotencyKey: 'next' }));

    expect([repeat.replayed, again.replayed]).toEqual([true, true]);
    expect([first.records.issue?.number, next.records.issue?.number]).toEqual([1, 2]);
  });

  it('never gives one number to two issues, however repeats, new deliveries and stores interleave', async () => {
    const stores = [0, 1, 2].map(() => new DynamoDbSignalStore(client, tableName));
    await Promise.all(stores.map((store) => store.warmUp()));
    const keysToSend = Array.from({ length: 36 }, (_, n) => `mixed-${n % 12}`);

    const filed = await Promise.all(
      keysToSend.map((key, n) => stores[n % 3]?.file(draftFor(SAMPLE, { idempotencyKey: key }))),
    );

    const opened = filed
      .filter((one) => one && !one.replayed)
      .map((one) => Number(one?.records.issue?.number));
    expect(opened).toHaveLength(12);
    expect(new Set(opened).size).toBe(12);
  });

  it('leaves no dedup record behind when the transaction fails, so the retry succeeds', async () => {
    const ids = ['signal-a', 'issue-a', 'signal-b', 'issue-a', 'signal-c', 'issue-c'];
    const store = new DynamoDbSignalStore(client, tableName, { newId: () => ids.shift() ?? 'unexpected' });
    await store.file(draftFor(SAMPLE));
    await expect(store.file(draftFor(SAMPLE, { idempotencyKey: 'key-4' }))).rejects.toThrow();
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: deliveryKeyOf('key-4') }));
    expect(Item).toBeUndefined();

    const retry = await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-4' }));

    expect(retry.replayed).toBe(false);
    expect(retry.records.issue?.id).toBe('issue-c');
  });

  it('measures the window between arrivals, so a delivery written late is judged as on arrival', async () => {
    const store = new DynamoDbSignalStore(client, tableName, { dedupWindowSeconds: 600 });
    const at = (seconds: number) => new Date(RECEIVED_AT.getTime() + seconds * 1000);
    await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-late', receivedAt: at(0) }));

    // Copies drained hours later, of deliveries that arrived 2 s before and 5 min after it.
    const earlier = await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-late', receivedAt: at(-2) }));
    const later = await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-late', receivedAt: at(300) }));
    // A new firing 11 minutes after: a new delivery.
    const next = await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-late', receivedAt: at(660) }));

    expect([earlier.replayed, later.replayed, next.replayed]).toEqual([true, true, false]);
  });

  describe('judged by the arrival order of the two deliveries, whichever is written first', () => {
    const at = (minutes: number) => new Date(RECEIVED_AT.getTime() + minutes * 60_000);

    it('a copy queued 20 minutes before a later delivery of the same body, drained after it, is a delivery of its own', async () => {
      const store = new DynamoDbSignalStore(client, tableName, { dedupWindowSeconds: 600 });
      const body = '{"name":"signups","value":-40}';
      const later = await store.file(intakeDraft(body, { receivedAt: at(0) }));
      const drainedLate = await store.file(intakeDraft(body, { receivedAt: at(-20) }));
      // Each still recognises its own repeats.
      const laterAgain = await store.file(intakeDraft(body, { receivedAt: at(1) }));
      const earlierAgain = await store.file(intakeDraft(body, { receivedAt: at(-21) }));

      expect([later.replayed, drainedLate.replayed]).toEqual([false, false]);
      expect(drainedLate.records.signal.createdAt).toBe(at(-20).toISOString());
      expect(laterAgain.records.signal.id).toBe(later.records.signal.id);
      expect(earlierAgain.records.signal.id).toBe(drainedLate.records.signal.id);
      expect((await loopItems(client, tableName)).signals).toHaveLength(2);
    });

    it('the same in the other order: 2 signals either way', async () => {
      const store = new DynamoDbSignalStore(client, tableName, { dedupWindowSeconds: 600 });
      const body = '{"name":"signups","value":-41}';
      const earlier = await store.file(intakeDraft(body, { receivedAt: at(-20) }));
      const later = await store.file(intakeDraft(body, { receivedAt: at(0) }));
      expect([earlier.replayed, later.replayed]).toEqual([false, false]);
    });

    it('under one Idempotency-Key, an earlier body drained after a later one with another body is no 422 when their windows do not overlap', async () => {
      const store = new DynamoDbSignalStore(client, tableName, { dedupWindowSeconds: 600 });
      await store.file(
        draftFor('{"name":"a","value":1}', { idempotencyKey: 'reused-key', receivedAt: at(0) }),
      );
      const drained = await store.file(
        draftFor('{"name":"b","value":2}', { idempotencyKey: 'reused-key', receivedAt: at(-20) }),
      );
      expect(drained.replayed).toBe(false);
      // Within the window it is still one message: 422.
      await expect(
        store.file(draftFor('{"name":"c","value":3}', { idempotencyKey: 'reused-key', receivedAt: at(-25) })),
      ).rejects.toThrow(KeyReusedError);
    });

    it('an earlier copy drained after a later delivery within the window replays it, whichever slice each falls in', async () => {
      const store = new DynamoDbSignalStore(client, tableName, { dedupWindowSeconds: 600 });
      for (const [offset, body] of [
        [0.5, '{"name":"x","value":5}'],
        [9.5, '{"name":"y","value":5}'],
      ] as const) {
        const later = await store.file(intakeDraft(body, { receivedAt: at(offset + 9) }));
        const earlier = await store.file(intakeDraft(body, { receivedAt: at(offset) }));
        expect(earlier).toMatchObject({
          replayed: true,
          records: { signal: { id: later.records.signal.id } },
        });
      }
    });
  });

  it('stores the dedup record with its window and its TTL', async () => {
    const store = new DynamoDbSignalStore(client, tableName, {
      dedupWindowSeconds: 600,
      dedupRecordRetentionSeconds: DEDUP_RECORD_RETENTION_DAYS * 86_400,
    });
    const { records } = await store.file(draftFor(SAMPLE, { idempotencyKey: 'key-5' }));

    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: deliveryKeyOf('key-5') }));

    expect(Item).toMatchObject({
      entity: 'delivery',
      signalId: records.signal.id,
      issueId: records.issue?.id,
      arrivedAt: RECEIVED_AT.getTime() / 1000,
      // Kept (TTL) until no queued copy can still arrive: 4 + 14 + 4 days after the window.
      expiresAt: RECEIVED_AT.getTime() / 1000 + 600 + 22 * 86_400,
    });
  });
});

describe('DynamoDbSignalStore failures', () => {
  it('answers 503 quickly when DynamoDB is unreachable', async () => {
    const fake = await FakeAwsEndpoint.start();
    const endpoint = fake.url;
    await fake.close();
    const store = new DynamoDbSignalStore(createDocumentClient(fakeClientConfig(endpoint)), 'table');
    const started = Date.now();

    await expect(store.file(draftFor(SAMPLE))).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  describe('with a fake DynamoDB endpoint', () => {
    let dynamoDb: FakeAwsEndpoint;
    beforeEach(async () => {
      dynamoDb = await FakeAwsEndpoint.start();
    });
    afterEach(() => dynamoDb.close());
    const store = () =>
      new DynamoDbSignalStore(createDocumentClient(fakeClientConfig(dynamoDb.url)), 'table');
    const counterReply = { status: 200, body: { Attributes: { value: { N: '7' } } } };

    it.each([
      ['throttles', awsErrorReply(400, 'ThrottlingException')],
      ['exceeds throughput', awsErrorReply(400, 'ProvisionedThroughputExceededException')],
      ['fails on its side', awsErrorReply(500, 'InternalServerError')],
      ['does not answer', { hang: true as const }],
    ])('answers 503 within 2 s when DynamoDB %s', async (_, reply) => {
      dynamoDb.reply = () => reply;
      const started = Date.now();
      await expect(store().file(draftFor(SAMPLE))).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('answers 503 when the transaction is cancelled by a conflict', async () => {
      dynamoDb.reply = (call) =>
        call.target.endsWith('UpdateItem')
          ? counterReply
          : {
              status: 400,
              body: {
                __type: 'TransactionCanceledException',
                message: 'Transaction cancelled',
                CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
              },
            };
      await expect(store().file(draftFor(SAMPLE))).rejects.toBeInstanceOf(DependencyUnavailableError);
    });

    it.each([
      ['ResourceNotFoundException', 'Requested resource not found'],
      ['AccessDeniedException', 'User is not authorized to perform: dynamodb:UpdateItem'],
      ['KMSAccessDeniedException', 'The ciphertext refers to a customer master key that is disabled'],
    ])('counts %s as storage misconfigured (held, not an answer of 500)', async (name, message) => {
      dynamoDb.reply = () => awsErrorReply(400, name, message);
      const error = await store()
        .file(draftFor(SAMPLE))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DependencyUnavailableError);
      expect((error as DependencyUnavailableError).misconfigured).toBe(true);
      expect((error as Error).message).not.toContain(message);
    });

    it('falls back to the JSON text when DynamoDB refuses the map form', async () => {
      let attempts = 0;
      dynamoDb.reply = (call) => {
        if (call.target.endsWith('UpdateItem')) return counterReply;
        attempts += 1;
        return attempts === 1
          ? awsErrorReply(400, 'ValidationException', 'Item too deep')
          : { status: 200, body: {} };
      };

      const { records } = await store().file(draftFor(SAMPLE));

      expect(records.issue?.number).toBe(7);
      const transactions = dynamoDb.calls.filter((call) => call.target.endsWith('TransactWriteItems'));
      expect(transactions).toHaveLength(2);
      const retried = transactions[1]?.body.TransactItems as { Put?: { Item: Record<string, unknown> } }[];
      const items = retried.map((entry) => entry.Put?.Item);
      expect(items[3]?.payload).toEqual({ S: SAMPLE });
      expect(items[4]?.signalPayload).toEqual({ S: SAMPLE });
    });
  });
});
