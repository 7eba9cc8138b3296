import { createHandler } from '../../lambda/handler.ts';
import { signStandardWebhook } from '../../lambda/secret/standard-webhooks.ts';
import { StaticSecretSource } from '../../lambda/secret/webhook-secret-source.ts';
import { bodyOf, lambdaContext, TEST_SECRET, webhookEvent } from '../support/events.ts';
import { captureOutputPerTest } from '../support/output.ts';
import { RecordingStore } from '../support/recording-store.ts';

const now = new Date('2026-11-27T10:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const body = '{"name":"signups","value":-30,"timeframe":"previous day"}';

function setup(secret = TEST_SECRET) {
  const store = new RecordingStore();
  const handler = createHandler({ secrets: new StaticSecretSource(secret), store, now: () => now });
  return { handler, store };
}

/** Headers of a delivery signed per Standard Webhooks, without X-PostHog-Secret. */
function signedHeaders({
  secret = TEST_SECRET,
  id = 'msg_2Xyz',
  timestamp = nowSeconds,
  signedBody = body,
  extra = {},
}: {
  secret?: string;
  id?: string;
  timestamp?: number;
  signedBody?: string;
  extra?: Record<string, string>;
} = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signStandardWebhook(secret, id, timestamp, signedBody),
    ...extra,
  };
}

describe('Standard Webhooks signatures', () => {
  captureOutputPerTest(TEST_SECRET);

  it('accept a correctly signed delivery without the X-PostHog-Secret header', async () => {
    const { handler } = setup();
    const result = await handler(webhookEvent({ body, headers: signedHeaders() }), lambdaContext);
    expect(result.statusCode).toBe(201);
  });

  it('verify the bytes as sent, for a base64-encoded body', async () => {
    const { handler } = setup();
    const unicodeBody = '{"name":"café ☕","value":12}';
    const result = await handler(
      webhookEvent({ body: unicodeBody, base64: true, headers: signedHeaders({ signedBody: unicodeBody }) }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(201);
  });

  it('use the secret without its whsec_ prefix as the base64 key', async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const { handler } = setup(secret);
    const result = await handler(webhookEvent({ body, headers: signedHeaders({ secret }) }), lambdaContext);
    expect(result.statusCode).toBe(201);
  });

  it('accept when any one of several signatures matches', async () => {
    const { handler } = setup();
    const headers = signedHeaders();
    headers['webhook-signature'] =
      `v1,${Buffer.alloc(32).toString('base64')} v1a,ignored ${headers['webhook-signature']}`;
    const result = await handler(webhookEvent({ body, headers }), lambdaContext);
    expect(result.statusCode).toBe(201);
  });

  it.each([
    [
      'signed for another body',
      signedHeaders({ signedBody: '{"name":"x","value":1}' }),
      'Invalid webhook signature',
    ],
    ['signed with another secret', signedHeaders({ secret: 'another-secret' }), 'Invalid webhook signature'],
    [
      'bad even though X-PostHog-Secret is right',
      signedHeaders({ signedBody: '{}', extra: { 'x-posthog-secret': TEST_SECRET } }),
      'Invalid webhook signature',
    ],
    [
      'signed 6 minutes ago',
      signedHeaders({ timestamp: nowSeconds - 360 }),
      'Webhook timestamp is missing, malformed or more than 5 minutes from now',
    ],
    [
      'signed 6 minutes in the future',
      signedHeaders({ timestamp: nowSeconds + 360 }),
      'Webhook timestamp is missing, malformed or more than 5 minutes from now',
    ],
    [
      'without webhook-id',
      { ...signedHeaders(), 'webhook-id': '' },
      'Missing webhook-id or webhook-timestamp header for the webhook-signature',
    ],
    ['an empty signature', { ...signedHeaders(), 'webhook-signature': '' }, 'Invalid webhook signature'],
    [
      'a signature of the wrong length',
      { ...signedHeaders(), 'webhook-signature': 'v1,AAAA' },
      'Invalid webhook signature',
    ],
  ])('refuse a delivery %s with 401', async (_, headers, message) => {
    const { handler, store } = setup();
    const result = await handler(webhookEvent({ body, headers }), lambdaContext);
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({ error: message });
    expect(store.drafts).toHaveLength(0);
  });

  it('accept a timestamp 4 minutes old', async () => {
    const { handler } = setup();
    const result = await handler(
      webhookEvent({ body, headers: signedHeaders({ timestamp: nowSeconds - 240 }) }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(201);
  });

  it('make webhook-id the dedup key: a re-sent message is a repeat', async () => {
    const { handler, store } = setup();
    await handler(webhookEvent({ body, headers: signedHeaders({ id: 'msg_same' }) }), lambdaContext);

    const otherBody = '{"name":"signups","value":-31}';
    const repeat = await handler(
      webhookEvent({ body: otherBody, headers: signedHeaders({ id: 'msg_same', signedBody: otherBody }) }),
      lambdaContext,
    );

    expect(repeat.statusCode).toBe(200);
    expect(store.drafts).toHaveLength(1);
  });
});
