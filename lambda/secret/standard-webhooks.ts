import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors.ts';

/** Standard Webhooks allows this much clock difference between sender and receiver. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

export interface SignedDelivery {
  /** `webhook-id` header. */
  readonly id: string | undefined;
  /** `webhook-timestamp` header: Unix seconds. */
  readonly timestamp: string | undefined;
  /** `webhook-signature` header: space-separated `v1,<base64 HMAC-SHA256>` entries. */
  readonly signature: string;
  /** The body exactly as sent. */
  readonly body: Buffer;
}

/**
 * Checks a Standard Webhooks delivery's headers and returns a test of whether a given secret
 * signed it. Throws UnauthorizedError for missing headers or a timestamp outside the tolerance
 * (no secret could make those valid). The signed content is `id.timestamp.body`; the key is the
 * secret without its `whsec_` prefix, base64-decoded.
 */
export function standardWebhookVerifier(
  delivery: SignedDelivery,
  nowSeconds: number,
): (secret: string) => boolean {
  const { id, timestamp } = delivery;
  if (!id?.trim() || !timestamp?.trim()) {
    throw new UnauthorizedError('Missing webhook-id or webhook-timestamp header for the webhook-signature');
  }
  const sentAt = Number(timestamp);
  if (!/^\d+$/.test(timestamp.trim()) || Math.abs(nowSeconds - sentAt) > TIMESTAMP_TOLERANCE_SECONDS) {
    throw new UnauthorizedError('Webhook timestamp is missing, malformed or more than 5 minutes from now');
  }
  const presented = delivery.signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  const signedContent = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), delivery.body]);

  return (secret) => {
    const expected = createHmac('sha256', signingKey(secret)).update(signedContent).digest();
    let matched = false;
    for (const signature of presented) {
      // Every HMAC-SHA256 is 32 bytes: comparing lengths leaks nothing about the secret.
      matched = (signature.length === expected.length && timingSafeEqual(signature, expected)) || matched;
    }
    return matched;
  };
}

function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** Signs content as a Standard Webhooks sender does (tests, the delivery tool). */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestamp: number,
  body: Buffer | string,
): string {
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), Buffer.from(body)]);
  return `v1,${createHmac('sha256', signingKey(secret)).update(content).digest('base64')}`;
}
