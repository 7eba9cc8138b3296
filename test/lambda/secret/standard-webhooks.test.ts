import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { signingKeyOf, standardWebhookVerifier } from '../../../lambda/secret/standard-webhooks.ts';
import { StaticSecretSource } from '../../../lambda/secret/webhook-secret-source.ts';
import { bodyOf, lambdaContext, TEST_SECRET, webhookEvent } from '../../support/events.ts';
import { captureOutputPerTest } from '../../support/output.ts';
import { RecordingStore } from '../../support/recording-store.ts';
import { webhookHandler } from '../../support/webhook.ts';

const now = new Date('2026-11-27T10:00:00.000Z');
const nowSeconds = now.getTime() / 1000;
const body = '{"name":"signups","value":-30,"timeframe":"previous day"}';

function setup(secret = TEST_SECRET) {
  const store = new RecordingStore();
  const handler = webhookHandler({ secrets: new StaticSecretSource(secret), store, now: () => now });
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
    'webhook-signature': new Webhook(secret).sign(id, new Date(timestamp * 1000), signedBody),
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
    [
      'signed with another secret',
      signedHeaders({ secret: 'AnotherSecret0123456789abcdefXYZ' }),
      'Invalid webhook signature',
    ],
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

  it('make webhook-id the dedup key: a re-sent message is a repeat, another body under it a 422', async () => {
    const { handler, store } = setup();
    await handler(webhookEvent({ body, headers: signedHeaders({ id: 'msg_same' }) }), lambdaContext);

    // Re-signed a minute later, as a sender's retry is: same id and body, new timestamp.
    const resent = await handler(
      webhookEvent({ body, headers: signedHeaders({ id: 'msg_same', timestamp: nowSeconds + 60 }) }),
      lambdaContext,
    );
    const otherBody = '{"name":"signups","value":-31}';
    const reused = await handler(
      webhookEvent({ body: otherBody, headers: signedHeaders({ id: 'msg_same', signedBody: otherBody }) }),
      lambdaContext,
    );

    expect(resent.statusCode).toBe(200);
    expect(reused.statusCode).toBe(422);
    expect(bodyOf(reused).error).toMatch(/^webhook-id reused with a different body/);
    expect(store.drafts).toHaveLength(1);
  });
});

/** The Standard Webhooks specification's published test vector. */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('the verifier, pinned to the specification', () => {
  it('verifies the published test vector', () => {
    const verify = standardWebhookVerifier(
      {
        id: VECTOR.id,
        timestamp: String(VECTOR.timestamp),
        signature: VECTOR.signature,
        body: Buffer.from(VECTOR.body),
      },
      VECTOR.timestamp,
    );
    expect(verify(VECTOR.secret)).toBe('match');
    expect(verify(VECTOR.secret.replace('whsec_', ''))).toBe('match');
    expect(verify('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe('mismatch');
  });

  it('agrees with the official standardwebhooks package on any message and key of 16+ bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 40 }).filter((id) => id.trim() !== '' && !id.includes('.')),
        fc.string({ unit: 'binary', maxLength: 200 }),
        (keyBytes, id, body) => {
          const secret = `whsec_${Buffer.from(keyBytes).toString('base64')}`;
          const signature = new Webhook(secret).sign(id, new Date(VECTOR.timestamp * 1000), body);
          const verify = standardWebhookVerifier(
            { id, timestamp: String(VECTOR.timestamp), signature, body: Buffer.from(body) },
            VECTOR.timestamp,
          );
          expect(verify(secret)).toBe('match');
        },
      ),
    );
  });
});

describe('signing keys are strict base64 of at least 16 bytes', () => {
  const output = captureOutputPerTest(TEST_SECRET);

  /** A delivery signed with the key Node's lenient decoder would make of `secret`. */
  function forgedHeaders(secret: string, body: string): Record<string, string> {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    const id = 'msg_forged';
    const signature = createHmac('sha256', key).update(`${id}.${nowSeconds}.${body}`).digest('base64');
    return {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(nowSeconds),
      'webhook-signature': `v1,${signature}`,
    };
  }

  it.each([
    ['punctuation only (an empty key)', '!#$%&()*,.:;<>?@[]^{|}~'],
    ['white space only (an empty key)', ' \t '],
    ['partly base64 (a 7-byte key)', 'Tr0ub4dor&3'],
    ['base64url characters', 'abcd-_efghijklmnopqrstuvwxyz0123'],
    ['valid base64 of 15 bytes', Buffer.alloc(15, 7).toString('base64')],
    ['unpadded base64', Buffer.alloc(20, 7).toString('base64').replace(/=+$/, '')],
  ])('refuses a signature made with a secret that is %s, and logs why', async (_, secret) => {
    const { handler, store } = setup(secret);
    const forgedBody = '{"name":"forged","value":60}';

    const result = await handler(
      webhookEvent({ body: forgedBody, headers: forgedHeaders(secret, forgedBody) }),
      lambdaContext,
    );

    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toEqual({ error: 'Invalid webhook signature' });
    expect(store.drafts).toHaveLength(0);
    const [line] = output
      .current()
      .lines()
      .filter((entry) => entry.message === 'delivery');
    expect(line?.detail).toMatch(/not valid base64 of at least 16 bytes/);
  });

  it('still accepts such a secret in the X-PostHog-Secret header', async () => {
    const secret = '!#$%&()*,.:;<>?@[]^{|}~';
    const { handler } = setup(secret);
    const headers = { 'content-type': 'application/json', 'x-posthog-secret': secret };
    const result = await handler(webhookEvent({ body, headers }), lambdaContext);
    expect(result.statusCode).toBe(201);
  });

  it('refuses any secret with a character outside the base64 alphabet', () => {
    const outside = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 4 })
      .filter((text) => [...text].some((character) => !/[A-Za-z0-9+/=]/.test(character)));
    fc.assert(
      fc.property(fc.base64String(), outside, fc.base64String(), (before, bad, after) => {
        expect(signingKeyOf(`${before}${bad}${after}`)).toBeUndefined();
      }),
    );
  });

  it('decodes any base64 key of 16 bytes or more exactly, with or without whsec_, and refuses shorter ones', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const encoded = Buffer.from(bytes).toString('base64');
        const expected = bytes.length >= 16 ? Buffer.from(bytes) : undefined;
        expect(signingKeyOf(encoded)).toEqual(expected);
        expect(signingKeyOf(`whsec_${encoded}`)).toEqual(expected);
      }),
    );
  });

  it('accepts the 48 letters and digits the stack generates', () => {
    expect(signingKeyOf('Zx8k2Qp4Lm7Wn1Rt5Vb9Hc3Jd6Fg0Ks2Yu4Ie8Oa1Pq7Mz5N')).toHaveLength(36);
  });
});
