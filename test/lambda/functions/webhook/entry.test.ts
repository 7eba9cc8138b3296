import { FakeAwsEndpoint, secretValueReply } from '../../../../dev/fake-aws-endpoint.ts';
import { freePort } from '../../../../dev/free-port.ts';
import { bodyOf, lambdaContext, TEST_SECRET, webhookEvent } from '../../../support/events.ts';
import { captureOutputPerTest } from '../../../support/output.ts';

type Entry = typeof import('../../../../lambda/functions/webhook/entry.ts');

/**
 * docs/architecture.md "Speed": init fetches the secret and opens the connections, and never fails or hangs
 * because a dependency is down — the request path meets the failure again, with its 503.
 */
describe('the webhook entry: init does the waiting, boundedly', () => {
  captureOutputPerTest(TEST_SECRET);
  let secretsManager: FakeAwsEndpoint;
  const saved = { ...process.env };

  beforeEach(async () => {
    secretsManager = await FakeAwsEndpoint.start();
    Object.assign(process.env, {
      POSTHOG_WEBHOOK_SECRET_ARN:
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:posthog-webhook-AbCdEf',
      TABLE_NAME: 'signals',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'fake',
      AWS_SECRET_ACCESS_KEY: 'fake',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      // Nothing listens there: storage is down throughout.
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await freePort()}`,
    });
  });
  afterEach(async () => {
    process.env = { ...saved };
    await secretsManager.close();
  });

  async function loadEntry(): Promise<Entry> {
    let entry: Entry | undefined;
    await jest.isolateModulesAsync(async () => {
      entry = await import('../../../../lambda/functions/webhook/entry.ts');
    });
    return entry as Entry;
  }

  it('asks for the secret when warmed up at init, so the first request finds it cached', async () => {
    secretsManager.reply = () => secretValueReply(TEST_SECRET);
    const entry = await loadEntry();
    await entry.warmUp();
    const fetchedAtInit = secretsManager.calls.length;

    const result = await entry.handler(webhookEvent({ body: '{"name":"m","value":1}' }), lambdaContext);

    expect(fetchedAtInit).toBeGreaterThan(0);
    expect(secretsManager.calls).toHaveLength(fetchedAtInit);
    // Storage is down and there is no queue: the request itself answers 503.
    expect(result.statusCode).toBe(503);
  });

  it('is ready within about a second when Secrets Manager does not answer, and the request then answers 503', async () => {
    secretsManager.reply = () => ({ hang: true });
    const entry = await loadEntry();
    const started = Date.now();
    await entry.warmUp();
    expect(Date.now() - started).toBeLessThan(1_500);

    const result = await entry.handler(webhookEvent({ body: '{"name":"m","value":1}' }), lambdaContext);
    expect(result.statusCode).toBe(503);
    expect(bodyOf(result)).toEqual({ error: 'Secret store is temporarily unavailable; retry later' });
  }, 10_000);

  it('is ready, not failed, when Secrets Manager refuses', async () => {
    secretsManager.reply = () => ({ status: 500, body: { __type: 'InternalServiceError' } });
    const entry = await loadEntry();
    await expect(entry.warmUp()).resolves.toBeUndefined();
  });
});
