import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { FakeAwsEndpoint, fakeClientConfig, sendMessageReply } from '../../../../dev/fake-aws-endpoint.ts';
import { freePort } from '../../../../dev/free-port.ts';
import { createDocumentClient } from '../../../../lambda/aws/clients.ts';
import { deliveryIdentity } from '../../../../lambda/core/delivery-key.ts';
import { encodeQueuedDelivery } from '../../../../lambda/delivery-queue/queued-delivery.ts';
import { RETRY_POLICY } from '../../../../lambda/delivery-queue/retry-policy.ts';
import { SqsDeliveryQueue } from '../../../../lambda/delivery-queue/sqs-delivery-queue.ts';
import { createDrainHandler } from '../../../../lambda/functions/drain/handler.ts';
import { StaticSecretSource } from '../../../../lambda/secret/webhook-secret-source.ts';
import { signalFromItem } from '../../../../lambda/storage/items.ts';
import { keys } from '../../../../lambda/storage/table-design.ts';
import { intakeFor } from '../../../../lambda/wiring.ts';
import { allItems, createTestTable, localDocumentClient, loopItems } from '../../../support/dynamodb.ts';
import { bodyOf, headersWith, lambdaContext, TEST_SECRET, webhookEvent } from '../../../support/events.ts';
import { captureOutputPerTest } from '../../../support/output.ts';
import { serviceStore, webhookHandler } from '../../../support/webhook.ts';

/**
 * docs/architecture.md "No accepted alert is lost": with DynamoDB unreachable every authenticated, valid
 * delivery answers 202 and waits in the queue; once DynamoDB is back the drain writes each exactly
 * once, with the time it arrived. The queue is a fake SQS over HTTP; storage is DynamoDB Local.
 */
describe('durable intake: queue while storage is down, drain exactly once', () => {
  const output = captureOutputPerTest(TEST_SECRET);
  const client = localDocumentClient();
  let sqs: FakeAwsEndpoint;
  let queue: SqsDeliveryQueue;
  let deadDynamoDb: ReturnType<typeof createDocumentClient>;
  let tableName: string;
  /** The message bodies SQS accepted (answered with success). */
  let accepted: string[];

  beforeAll(async () => {
    // Nothing listens on this port: every DynamoDB call is refused, as in an outage.
    deadDynamoDb = createDocumentClient(fakeClientConfig(`http://127.0.0.1:${await freePort()}`));
  });
  beforeEach(async () => {
    tableName = await createTestTable();
    sqs = await FakeAwsEndpoint.start();
    accepted = [];
    sqs.reply = (call) => {
      accepted.push(String(call.body.MessageBody));
      return sendMessageReply(call);
    };
    queue = new SqsDeliveryQueue(`${sqs.url}/123456789012/deliveries`, fakeClientConfig(sqs.url));
  });
  afterEach(() => sqs.close());
  afterAll(() => {
    client.destroy();
    deadDynamoDb.destroy();
  });

  const webhook = (storeClient: typeof client, now = () => new Date()) =>
    webhookHandler({
      secrets: new StaticSecretSource(TEST_SECRET),
      store: serviceStore(storeClient, tableName),
      queue,
      now,
    });
  const drain = (storeClient: typeof client = client) =>
    createDrainHandler({
      intake: intakeFor(serviceStore(storeClient, tableName)),
      backoff: queue,
      logger: new Logger({ serviceName: 'drain-test' }),
      metrics: new Metrics({ namespace: 'Test', serviceName: 'drain-test' }),
    });

  /** The messages the queue holds, as the SQS event Lambda would hand the drain. */
  const queuedEvent = (receiveCount = 1): SQSEvent => ({
    Records: accepted.map((message) => sqsRecord(message, receiveCount)),
  });

  it('answers 202 for every valid delivery while DynamoDB is down, then drains each once with its arrival time', async () => {
    const bodies = Array.from({ length: 6 }, (_, n) => `{"name":"metric_${n}","value":${n * 20}}`);
    const arrivals = bodies.map((_, n) => new Date(Date.UTC(2026, 10, 27, 10, 0, n)));
    const answers = [];
    for (const [n, body] of bodies.entries()) {
      const handler = webhook(deadDynamoDb, () => arrivals[n] as Date);
      answers.push(await handler(webhookEvent({ body }), lambdaContext));
    }
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(6).fill(202));
    expect(answers.map((answer) => bodyOf(answer))).toEqual(Array(6).fill({ data: { status: 'queued' } }));

    const first = await drain()(queuedEvent(), lambdaContext);

    expect(first.batchItemFailures).toEqual([]);
    const { signals, issues } = await loopItems(client, tableName);
    expect(
      signals
        .map((signal) => [signal.createdAt, JSON.stringify(signalFromItem(signal).record.payload)])
        .sort(),
    ).toEqual(bodies.map((body, n) => [arrivals[n]?.toISOString(), JSON.stringify(JSON.parse(body))]).sort());
    expect(issues).toHaveLength(6);

    // SQS is at-least-once: the same batch again writes nothing new.
    const again = await drain()(queuedEvent(2), lambdaContext);
    expect(again.batchItemFailures).toEqual([]);
    expect((await loopItems(client, tableName)).signals).toHaveLength(6);
    const drained = output
      .current()
      .lines()
      .filter((line) => line.outcome === 'drained');
    expect(drained.map((line) => line.replayed)).toEqual([...Array(6).fill(false), ...Array(6).fill(true)]);
  }, 30_000);

  it('answers 503 and keeps nothing anywhere when the queue is down too', async () => {
    sqs.reply = () => ({ status: 500, body: { __type: 'InternalError' } });

    const answer = await webhook(deadDynamoDb)(
      webhookEvent({ body: '{"name":"m","value":1}' }),
      lambdaContext,
    );

    expect(answer.statusCode).toBe(503);
    expect(answer.headers?.['Retry-After']).toBe('1');
    expect((await loopItems(client, tableName)).signals).toHaveLength(0);
    const { batchItemFailures } = await drain()(queuedEvent(), lambdaContext);
    expect(batchItemFailures).toEqual([]);
    expect((await loopItems(client, tableName)).signals).toHaveLength(0);
  });

  it('writes one signal when a PostHog retry got through and the queued copy is drained too', async () => {
    const body = '{"name":"signups","value":-40}';
    await webhook(deadDynamoDb)(webhookEvent({ body }), lambdaContext);
    const retry = await webhook(client)(webhookEvent({ body }), lambdaContext);
    expect(retry.statusCode).toBe(201);

    const { batchItemFailures } = await drain()(queuedEvent(), lambdaContext);

    expect(batchItemFailures).toEqual([]);
    const { signals, issues } = await loopItems(client, tableName);
    expect([signals.length, issues.length]).toEqual([1, 1]);
  });

  it('whatever the deliveries and however often each is queued and drained, stores each distinct one once', async () => {
    const delivery = fc.record({
      name: fc.string({ minLength: 1, maxLength: 12 }).filter((name) => name.trim() !== ''),
      value: fc.double({ min: -1000, max: 1000, noNaN: true }),
      key: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(delivery, { minLength: 1, maxLength: 6 }),
        fc.nat(3),
        async (sent, copies) => {
          tableName = await createTestTable();
          // What the webhook queues (its 202 path is tested above), each delivery by its identity.
          const bodiesByKey = new Map<string, Set<string>>();
          accepted.length = 0;
          for (const { name, value, key } of sent) {
            const body = Buffer.from(JSON.stringify({ name, value }));
            const keyHeaders = key ? { 'idempotency-key': key } : {};
            accepted.push(
              encodeQueuedDelivery({ body, keyHeaders, receivedAt: new Date(), requestId: undefined }),
            );
            const { key: identity } = deliveryIdentity(keyHeaders, body);
            bodiesByKey.set(identity, (bodiesByKey.get(identity) ?? new Set()).add(body.toString()));
          }

          // SQS may hand any message over again, in any order, with others in parallel.
          for (let round = 0; round <= copies; round++) {
            const { batchItemFailures } = await drain()(queuedEvent(round + 1), lambdaContext);
            expect(batchItemFailures).toEqual([]);
          }

          // One signal per identity, holding one of the bodies sent under it (the first to be
          // written; under a key, the other bodies are 422s).
          const items = await allItems(client, tableName);
          const signals = items.filter((item) => item.entity === 'signal');
          expect(signals).toHaveLength(bodiesByKey.size);
          for (const [identity, bodies] of bodiesByKey) {
            const record = items.find((item) => item.pk === keys.delivery(identity, 0).pk);
            const signal = signals.find((item) => item.id === record?.signalId);
            const payload = JSON.stringify(signalFromItem(signal ?? {}).record.payload);
            expect([...bodies].map((body) => JSON.stringify(JSON.parse(body)))).toContain(payload);
          }
        },
      ),
      { numRuns: 10 },
    );
  }, 60_000);

  it('reports exactly the records that failed, and backs each off by its attempt', async () => {
    await webhook(deadDynamoDb)(webhookEvent({ body: '{"name":"a","value":1}' }), lambdaContext);
    await webhook(deadDynamoDb)(webhookEvent({ body: '{"name":"b","value":2}' }), lambdaContext);
    const [good, other] = queuedEvent().Records;
    const malformed = sqsRecord('{"not":"a delivery"}', 3);
    sqs.calls.length = 0;
    sqs.reply = () => ({ status: 200, body: {} });

    const result = await drain()({ Records: [good, malformed, other] as SQSRecord[] }, lambdaContext);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: malformed.messageId }]);
    expect((await loopItems(client, tableName)).signals).toHaveLength(2);
    expect(
      sqs.calls.map((call) => [call.target, call.body.ReceiptHandle, call.body.VisibilityTimeout]),
    ).toEqual([['AmazonSQS.ChangeMessageVisibility', malformed.receiptHandle, 240]]);
    // The log line names what is wrong with the message, not only the error's class.
    expect(output.current().lines()).toContainEqual(
      expect.objectContaining({
        message: 'queued delivery',
        outcome: 'retried',
        error: 'MalformedQueuedDeliveryError',
        reason: 'Not a queued delivery: version undefined',
      }),
    );
  });

  it('refuses a queued arrival later than SQS says the message was sent, so a forged one cannot swallow the real delivery', async () => {
    const body = '{"name":"forged","value":30}';
    const sentAt = Date.now();
    const forgedArrival = new Date(sentAt + 2 * 86_400_000);
    const forged = sqsRecord(
      encodeQueuedDelivery({
        body: Buffer.from(body),
        keyHeaders: {},
        receivedAt: forgedArrival,
        requestId: undefined,
      }),
      1,
      sentAt,
    );
    sqs.reply = () => ({ status: 200, body: {} });

    const result = await drain()({ Records: [forged] }, lambdaContext);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: forged.messageId }]);
    expect((await loopItems(client, tableName)).signals).toHaveLength(0);
    expect(output.current().lines()).toContainEqual(
      expect.objectContaining({
        outcome: 'retried',
        reason: `Not a queued delivery: receivedAt ${forgedArrival.toISOString()} is later than the queue's SentTimestamp ${new Date(sentAt).toISOString()}`,
      }),
    );
    // The genuine delivery of the same body is filed as new.
    const genuine = await webhook(client)(webhookEvent({ body }), lambdaContext);
    expect(genuine.statusCode).toBe(201);

    // Within the skew allowed between hosts' clocks, a queued arrival is taken as it is.
    const skewed = new Date(sentAt + 30_000);
    const within = sqsRecord(
      encodeQueuedDelivery({
        body: Buffer.from('{"name":"skewed","value":5}'),
        keyHeaders: {},
        receivedAt: skewed,
        requestId: undefined,
      }),
      1,
      sentAt,
    );
    expect((await drain()({ Records: [within] }, lambdaContext)).batchItemFailures).toEqual([]);
    const stored = (await loopItems(client, tableName)).signals.map((signal) => signal.createdAt);
    expect(stored).toContain(skewed.toISOString());
  });

  it('while DynamoDB is still down, reports every record, and gives up on a record after its last attempt', async () => {
    await webhook(deadDynamoDb)(webhookEvent({ body: '{"name":"a","value":1}' }), lambdaContext);
    const [record] = queuedEvent().Records;
    const lastAttempt = sqsRecord(record?.body ?? '', RETRY_POLICY.maxReceiveCount);
    sqs.calls.length = 0;
    sqs.reply = () => ({ status: 200, body: {} });

    const result = await drain(deadDynamoDb)({ Records: [record as SQSRecord, lastAttempt] }, lambdaContext);

    expect(result.batchItemFailures).toHaveLength(2);
    expect(result.batchItemFailures).toEqual(
      expect.arrayContaining([
        { itemIdentifier: record?.messageId },
        { itemIdentifier: lastAttempt.messageId },
      ]),
    );
    // Only the record with attempts left is postponed; the other goes to the dead-letter queue.
    expect(sqs.calls.map((call) => call.body.ReceiptHandle)).toEqual([record?.receiptHandle]);
    const lines = output.current().lines();
    const outcomes = lines.filter((line) => line.message === 'queued delivery').map((line) => line.outcome);
    expect(outcomes.sort()).toEqual(['deadLettered', 'retried']);
    expect(lines).toContainEqual(expect.objectContaining({ DeliveryRetried: 1, DeliveryDeadLettered: 1 }));
  }, 20_000);

  it('logs and drops a queued delivery that can never be written (its key reused with another body: 422)', async () => {
    const headers = headersWith({ 'idempotency-key': 'alert-7' });
    await webhook(deadDynamoDb)(webhookEvent({ body: '{"name":"a","value":1}', headers }), lambdaContext);
    await webhook(client)(webhookEvent({ body: '{"name":"a","value":2}', headers }), lambdaContext);

    const result = await drain()(queuedEvent(), lambdaContext);

    expect(result.batchItemFailures).toEqual([]);
    expect(output.current().lines()).toContainEqual(
      expect.objectContaining({ message: 'queued delivery', outcome: 'rejected', error: 'KeyReusedError' }),
    );
    expect((await loopItems(client, tableName)).signals).toHaveLength(1);
  });
});

/** An SQS record as Lambda's event source mapping delivers it. */
function sqsRecord(body: string, receiveCount: number, sentAt = Date.now()): SQSRecord {
  const messageId = randomUUID();
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(sentAt),
      SenderId: 'webhook',
      ApproximateFirstReceiveTimestamp: String(sentAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:deliveries',
    awsRegion: 'us-east-1',
  };
}
