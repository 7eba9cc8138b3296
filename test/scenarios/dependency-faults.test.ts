import {
  awsErrorReply,
  FakeAwsEndpoint,
  fakeClientConfig,
  type Reply,
  secretValueReply,
  sendMessageReply,
} from '../../dev/fake-aws-endpoint.ts';
import { createDocumentClient, createSecretsManagerClient } from '../../lambda/aws/clients.ts';
import { DEADLINES_MS } from '../../lambda/aws/deadlines.ts';
import { SqsDeliveryQueue } from '../../lambda/delivery-queue/sqs-delivery-queue.ts';
import { createTriageApiHandler } from '../../lambda/functions/triage-api/handler.ts';
import { STORAGE_MISCONFIGURED_METRIC } from '../../lambda/observability/metric-names.ts';
import { SecretsManagerSecretSource } from '../../lambda/secret/webhook-secret-source.ts';
import { IssueTriage } from '../../lambda/storage/issue-triage.ts';
import { SignalQueries } from '../../lambda/storage/read-model.ts';
import { TriageService } from '../../lambda/triage/triage-service.ts';
import { apiGatewayEvent } from '../../local/api-gateway-event.ts';
import { bodyOf, lambdaContext, TEST_SECRET, webhookEvent } from '../support/events.ts';
import { posthogFixture } from '../support/fixtures.ts';
import { captureOutputPerTest } from '../support/output.ts';
import { serviceStore, webhookHandler } from '../support/webhook.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:posthog-webhook-AbCdEf';
/** PostHog gives up on a delivery after 3 s and tries again (docs/http-contract.md "Deadlines"). */
const POSTHOG_TIMEOUT_MS = 3_000;

/**
 * docs/http-contract.md "Deadlines": whatever a dependency does — refuse, fail, never answer, or
 * send its headers and then stall — the webhook answers inside PostHog's 3 s, and an accepted
 * delivery is never lost: storage down → queued (202); storage and queue down → 503; Secrets
 * Manager down → 503 (or the cached secret, see the unit tests). Secrets Manager, DynamoDB and SQS
 * are fakes over HTTP, so the real SDK clients run with the functions' own deadlines.
 */
describe('dependency faults at the webhook (real SDK clients, fake AWS endpoints over HTTP)', () => {
  const output = captureOutputPerTest(TEST_SECRET);
  let secretsManager: FakeAwsEndpoint;
  let dynamoDb: FakeAwsEndpoint;
  let sqs: FakeAwsEndpoint;
  let queued: string[];

  beforeAll(async () => {
    [secretsManager, dynamoDb, sqs] = await Promise.all([
      FakeAwsEndpoint.start(),
      FakeAwsEndpoint.start(),
      FakeAwsEndpoint.start(),
    ]);
  });
  beforeEach(() => {
    queued = [];
    secretsManager.reply = () => secretValueReply(TEST_SECRET);
    sqs.reply = (call) => {
      queued.push(String(call.body.MessageBody));
      return sendMessageReply(call);
    };
  });
  afterAll(() => Promise.all([secretsManager.close(), dynamoDb.close(), sqs.close()]));

  /** The webhook with the parts and deadlines the function builds (lambda/parts.ts). */
  function webhook() {
    return webhookHandler({
      secrets: new SecretsManagerSecretSource(
        createSecretsManagerClient(fakeClientConfig(secretsManager.url)),
        SECRET_ARN,
      ),
      store: serviceStore(createDocumentClient(fakeClientConfig(dynamoDb.url)), 'signals'),
      queue: new SqsDeliveryQueue(`${sqs.url}/123456789012/deliveries`, fakeClientConfig(sqs.url)),
      storageBudgetMs: DEADLINES_MS.storageDelivery,
    });
  }

  async function timedDelivery() {
    const started = Date.now();
    const result = await webhook()(webhookEvent({ body: { name: 'fault_check', value: 40 } }), lambdaContext);
    return { result, elapsedMs: Date.now() - started };
  }

  const STALL: Reply = { stallAfterHeaders: true };
  const HANG: Reply = { hang: true };

  it.each([
    ['stalls after its headers', STALL],
    ['never answers', HANG],
    ['drops the connection', { reset: true } as Reply],
  ])('queues the delivery (202) inside 3 s when DynamoDB %s', async (_, reply) => {
    dynamoDb.reply = () => reply;

    const { result, elapsedMs } = await timedDelivery();

    expect(result.statusCode).toBe(202);
    expect(bodyOf(result)).toEqual({ data: { status: 'queued' } });
    expect(queued).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(POSTHOG_TIMEOUT_MS);
  });

  it('answers 503 inside 3 s when DynamoDB and SQS both stall after their headers, even behind a slow secret', async () => {
    secretsManager.reply = () => ({ ...secretValueReply(TEST_SECRET), delayMs: 400 }) as Reply;
    dynamoDb.reply = () => STALL;
    sqs.reply = () => STALL;

    const { result, elapsedMs } = await timedDelivery();

    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'Retry-After': expect.any(String) });
    expect(elapsedMs).toBeLessThan(POSTHOG_TIMEOUT_MS);
  });

  it('answers 503 inside a second when Secrets Manager stalls after its headers, and the next request is not held up', async () => {
    secretsManager.reply = () => STALL;
    dynamoDb.reply = () => awsErrorReply(500, 'InternalServerError');
    const handler = webhook();
    const started = Date.now();

    const stalled = await handler(webhookEvent({ body: { name: 'a', value: 1 } }), lambdaContext);

    expect(stalled.statusCode).toBe(503);
    expect(Date.now() - started).toBeLessThan(1_000 + DEADLINES_MS.secret);
    secretsManager.reply = () => secretValueReply(TEST_SECRET);
    const next = await handler(webhookEvent({ body: { name: 'b', value: 1 } }), lambdaContext);
    // Authenticated now; storage is failing, so the delivery waits in the queue.
    expect(next.statusCode).toBe(202);
  });

  it('gives all the signals of one delivery one storage budget: a slow table with ten alerts in a body still answers inside 3 s', async () => {
    const { body } = posthogFixture('alertmanager-firing-two-alerts') as unknown as {
      body: { alerts: { labels: Record<string, string> }[] };
    };
    const [alert] = body.alerts;
    const alerts = Array.from({ length: 10 }, (_, n) => ({
      ...alert,
      labels: { ...alert?.labels, instance: `i-${n}` },
    }));
    let counter = 0;
    dynamoDb.reply = (call) => ({
      status: 200,
      body: call.target.endsWith('UpdateItem') ? { Attributes: { value: { N: String(++counter) } } } : {},
      // Each signal alone would be quick (3 calls, 450 ms); all ten one after another would not.
      delayMs: 150,
    });
    const started = Date.now();

    const result = await webhook()(webhookEvent({ body: { ...body, alerts } }), lambdaContext);

    expect(result.statusCode).toBe(202);
    expect(queued).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(POSTHOG_TIMEOUT_MS);
  });

  it.each([
    [
      'the table does not exist',
      awsErrorReply(400, 'ResourceNotFoundException', 'Requested resource not found'),
    ],
    ['access to it is denied', awsErrorReply(400, 'AccessDeniedException', 'not authorized to perform')],
    ['its KMS key is disabled', awsErrorReply(400, 'KMSDisabledException', 'The key is disabled')],
  ])('queues the delivery (202) and counts StorageMisconfigured when %s', async (_, reply) => {
    dynamoDb.reply = () => reply;

    const { result } = await timedDelivery();

    expect(result.statusCode).toBe(202);
    expect(queued).toHaveLength(1);
    const emf = output
      .current()
      .lines()
      .filter((line) => '_aws' in line);
    expect(emf).toContainEqual(expect.objectContaining({ [STORAGE_MISCONFIGURED_METRIC]: 1 }));
    expect(output.current().lines()).toContainEqual(
      expect.objectContaining({ message: 'delivery', outcome: 'queued', status: 202 }),
    );
  });

  it.each([
    ['GET', '/api/issues', 'GET /api/issues', undefined],
    ['GET', '/api/issues/7', 'GET /api/issues/{issue}', { issue: '7' }],
    ['GET', '/api/signals', 'GET /api/signals', undefined],
    ['PATCH', '/api/issues/7', 'PATCH /api/issues/{issue}', { issue: '7' }],
  ])(
    'the read API answers %s %s with 503 and Retry-After while DynamoDB fails',
    async (method, path, routeKey, pathParameters) => {
      dynamoDb.reply = () => awsErrorReply(500, 'InternalServerError');
      const client = createDocumentClient(fakeClientConfig(dynamoDb.url));
      const api = createTriageApiHandler({
        service: new TriageService(new SignalQueries(client, 'signals'), new IssueTriage(client, 'signals')),
      });
      const result = await api(
        apiGatewayEvent({
          method,
          path,
          routeKey,
          headers: { 'content-type': 'application/json' },
          body: method === 'PATCH' ? { priority: 2 } : '',
          ...(pathParameters ? { pathParameters } : {}),
        }),
        lambdaContext,
      );
      expect(result.statusCode).toBe(503);
      expect(result.headers).toMatchObject({ 'Retry-After': '1' });
    },
  );
});
