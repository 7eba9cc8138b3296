import fc from 'fast-check';
import {
  awsErrorReply,
  FakeAwsEndpoint,
  fakeClientConfig,
  sendMessageReply,
} from '../../../dev/fake-aws-endpoint.ts';
import { DependencyUnavailableError, KeyReusedError } from '../../../lambda/core/errors.ts';
import {
  decodeQueuedDelivery,
  encodeQueuedDelivery,
  MalformedQueuedDeliveryError,
  type QueuedDelivery,
} from '../../../lambda/delivery-queue/queued-delivery.ts';
import { RETRY_POLICY, retryDelaySeconds } from '../../../lambda/delivery-queue/retry-policy.ts';
import { SqsDeliveryQueue } from '../../../lambda/delivery-queue/sqs-delivery-queue.ts';
import type { DeliveryQueue } from '../../../lambda/intake/ports.ts';
import { StaticSecretSource } from '../../../lambda/secret/webhook-secret-source.ts';
import { bodyOf, headersWith, lambdaContext, TEST_SECRET, webhookEvent } from '../../support/events.ts';
import { captureOutputPerTest } from '../../support/output.ts';
import { RecordingStore } from '../../support/recording-store.ts';
import { webhookHandler } from '../../support/webhook.ts';

const receivedAt = new Date('2026-11-27T10:00:00.000Z');
const body = '{"name": "signups", "value": -62.5, "timeframe": "previous day"}';

/** A queue that keeps what it is sent, or fails when told to. */
class MemoryQueue implements DeliveryQueue {
  readonly sent: QueuedDelivery[] = [];
  failWith: Error | undefined;
  async send(delivery: QueuedDelivery): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(delivery);
  }
}

function setup() {
  const store = new RecordingStore();
  const queue = new MemoryQueue();
  const handler = webhookHandler({
    secrets: new StaticSecretSource(TEST_SECRET),
    store,
    queue,
    now: () => receivedAt,
  });
  return { store, queue, handler };
}

describe('the webhook while storage is down', () => {
  const output = captureOutputPerTest(TEST_SECRET);
  const storageDown = () =>
    new DependencyUnavailableError('Storage', {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });

  it('queues the delivery and answers 202 {"data": {"status": "queued"}}', async () => {
    const { store, queue, handler } = setup();
    store.failWith = storageDown();

    const result = await handler(
      webhookEvent({
        body,
        base64: true,
        headers: headersWith({ 'idempotency-key': 'alert-1', 'x-other': 'kept out' }),
      }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(202);
    expect(result.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(bodyOf(result)).toEqual({ data: { status: 'queued' } });
    // The bytes as received, the headers of the dedup key and nothing else, the arrival, the request id.
    expect(queue.sent).toEqual([
      {
        body: Buffer.from(body),
        keyHeaders: { 'idempotency-key': 'alert-1' },
        receivedAt,
        requestId: 'request-1',
      },
    ]);
    expect(JSON.stringify(queue.sent)).not.toContain(TEST_SECRET);
    const lines = output.current().lines();
    expect(lines.filter((line) => line.message === 'delivery')).toEqual([
      expect.objectContaining({
        level: 'INFO',
        outcome: 'queued',
        status: 202,
        metricName: 'signups',
        severity: 'critical',
        storageFailure: 'ECONNREFUSED',
      }),
    ]);
    expect(lines).toContainEqual(expect.objectContaining({ DeliveryQueued: 1 }));
  });

  it('answers 503 with Retry-After when the queue is unavailable too, saying so in the log', async () => {
    const { store, queue, handler } = setup();
    store.failWith = storageDown();
    queue.failWith = Object.assign(new Error('down'), { name: 'TimeoutError' });

    const result = await handler(webhookEvent({ body }), lambdaContext);

    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBe('1');
    expect(bodyOf(result)).toEqual({ error: 'Storage is temporarily unavailable; retry later' });
    expect(queue.sent).toHaveLength(0);
    const [line] = output
      .current()
      .lines()
      .filter((entry) => entry.message === 'delivery');
    expect(line).toMatchObject({
      outcome: 'failed',
      detail: 'the delivery queue is unavailable too (TimeoutError)',
    });
  });

  it.each([
    ['the secret store is down (503)', new DependencyUnavailableError('Secret store'), 503],
    ['the key was reused (422)', new KeyReusedError('Idempotency-Key reused with a different body'), 422],
    ['something unexpected failed (500)', new TypeError('bug'), 500],
  ])('queues nothing when %s', async (_, error, status) => {
    const { store, queue, handler } = setup();
    store.failWith = error;
    const result = await handler(webhookEvent({ body }), lambdaContext);
    expect(result.statusCode).toBe(status);
    expect(queue.sent).toHaveLength(0);
  });

  it('queues nothing for a refused delivery: 401 and 400 come first', async () => {
    const { store, queue, handler } = setup();
    store.failWith = storageDown();
    const unauthorized = await handler(
      webhookEvent({ body, headers: headersWith({ 'x-posthog-secret': 'wrong' }) }),
      lambdaContext,
    );
    const invalid = await handler(webhookEvent({ body: '{"name": "m"}' }), lambdaContext);
    expect([unauthorized.statusCode, invalid.statusCode]).toEqual([401, 400]);
    expect(queue.sent).toHaveLength(0);
  });

  it('answers 503 as before when there is no queue (the local run)', async () => {
    const store = new RecordingStore();
    store.failWith = storageDown();
    const handler = webhookHandler({ secrets: new StaticSecretSource(TEST_SECRET), store });
    const result = await handler(webhookEvent({ body }), lambdaContext);
    expect(result.statusCode).toBe(503);
  });
});

describe('the queued message', () => {
  const delivery = fc.record({
    body: fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
    keyHeaders: fc.record(
      { 'idempotency-key': fc.string({ unit: 'binary' }), 'webhook-id': fc.string({ unit: 'binary' }) },
      { requiredKeys: [] },
    ),
    receivedAt: fc.date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true }),
    requestId: fc.option(fc.string(), { nil: undefined }),
  });

  it('reads back exactly what was queued, bytes included', () => {
    fc.assert(
      fc.property(delivery, (queued) => {
        expect(decodeQueuedDelivery(encodeQueuedDelivery(queued))).toEqual(queued);
      }),
    );
  });

  it('fits a 128 KiB body in an SQS message (256 KiB)', () => {
    const message = encodeQueuedDelivery({
      body: Buffer.alloc(128 * 1024, 0xff),
      keyHeaders: { 'idempotency-key': 'k'.repeat(1024) },
      receivedAt,
      requestId: 'r',
    });
    expect(Buffer.byteLength(message)).toBeLessThan(256 * 1024);
  });

  it.each([
    ['not JSON', 'nope'],
    ['another version', '{"version":2}'],
    [
      'a body that is not base64',
      '{"version":1,"body":"%%","keyHeaders":{},"receivedAt":"2026-11-27T10:00:00.000Z"}',
    ],
    [
      'an unknown header',
      '{"version":1,"body":"","keyHeaders":{"cookie":"x"},"receivedAt":"2026-11-27T10:00:00.000Z"}',
    ],
    ['a bad time', '{"version":1,"body":"","keyHeaders":{},"receivedAt":"yesterday"}'],
  ])('is refused when it is %s', (_, message) => {
    expect(() => decodeQueuedDelivery(message)).toThrow(MalformedQueuedDeliveryError);
  });
});

describe('the retry schedule', () => {
  it('doubles from a minute to an hour, spanning about four hours over the attempts', () => {
    const delays = Array.from({ length: RETRY_POLICY.maxReceiveCount - 1 }, (_, n) =>
      retryDelaySeconds(n + 1),
    );
    expect(delays).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    expect(delays.reduce((sum, delay) => sum + delay, 0) / 3600).toBeCloseTo(4.05, 1);
  });
});

describe('SqsDeliveryQueue (real SDK client, fake SQS over HTTP)', () => {
  let sqs: FakeAwsEndpoint;
  let queue: SqsDeliveryQueue;
  beforeEach(async () => {
    sqs = await FakeAwsEndpoint.start();
    queue = new SqsDeliveryQueue(`${sqs.url}/123456789012/deliveries`, fakeClientConfig(sqs.url));
  });
  afterEach(() => sqs.close());

  const queued: QueuedDelivery = { body: Buffer.from(body), keyHeaders: {}, receivedAt, requestId: 'r-1' };

  it('sends the encoded delivery to the queue', async () => {
    sqs.reply = (call) => sendMessageReply(call);
    await queue.send(queued);
    expect(sqs.calls.map(({ target, body }) => ({ target, body }))).toEqual([
      {
        target: 'AmazonSQS.SendMessage',
        body: { QueueUrl: `${sqs.url}/123456789012/deliveries`, MessageBody: encodeQueuedDelivery(queued) },
      },
    ]);
  });

  it.each([
    ['SQS fails', () => awsErrorReply(500, 'InternalError')],
    ['SQS does not answer', () => ({ hang: true }) as const],
  ])('rejects within two seconds when %s', async (_, reply) => {
    sqs.reply = reply;
    const started = Date.now();
    await expect(queue.send(queued)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('postpones a failed record by its attempt number, and shrugs off a failure to do so', async () => {
    sqs.reply = () => ({ status: 200, body: {} });
    await queue.postpone('receipt-1', 3);
    sqs.reply = () => awsErrorReply(400, 'ReceiptHandleIsInvalid');
    await expect(queue.postpone('receipt-2', 1)).resolves.toBeUndefined();
    expect(
      sqs.calls.map((call) => [call.target, call.body.ReceiptHandle, call.body.VisibilityTimeout]),
    ).toEqual([
      ['AmazonSQS.ChangeMessageVisibility', 'receipt-1', 240],
      ['AmazonSQS.ChangeMessageVisibility', 'receipt-2', 60],
    ]);
  });
});
