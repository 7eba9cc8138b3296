import { createHmac, timingSafeEqual } from 'node:crypto';
import { skipDigits } from '../core/decimal-text.ts';
import { UnauthorizedError } from '../core/errors.ts';

/** Standard Webhooks allows this much clock difference between sender and receiver. */
const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/**
 * The shortest signing key accepted. A shorter (or empty) key could be guessed, and anyone who
 * guesses it can sign deliveries.
 */
export const MIN_SIGNING_KEY_BYTES = 16;

const SECRET_PREFIX = 'whsec_';

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

/** What one secret says of a signed delivery. */
export type SignatureCheck = 'match' | 'mismatch' | 'unusable-key';

/**
 * Checks a Standard Webhooks delivery's headers and returns a test of whether a given secret
 * signed it. Throws UnauthorizedError for missing headers or a timestamp outside the tolerance
 * (no secret could make those valid). The signed content is `id.timestamp.body`, keyed with
 * `signingKeyOf(secret)`; a secret that gives no usable key never matches.
 */
export function standardWebhookVerifier(
  delivery: SignedDelivery,
  nowSeconds: number,
): (secret: string) => SignatureCheck {
  const { id, timestamp } = delivery;
  if (!id?.trim() || !timestamp?.trim()) {
    throw new UnauthorizedError('Missing webhook-id or webhook-timestamp header for the webhook-signature');
  }
  const sentAt = Number(timestamp);
  if (!isDigits(timestamp.trim()) || Math.abs(nowSeconds - sentAt) > TIMESTAMP_TOLERANCE_SECONDS) {
    throw new UnauthorizedError('Webhook timestamp is missing, malformed or more than 5 minutes from now');
  }
  const presented = delivery.signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), delivery.body]);

  return (secret) => {
    const key = signingKeyOf(secret);
    if (!key) return 'unusable-key';
    const expected = createHmac('sha256', key).update(content).digest();
    let matched = false;
    for (const signature of presented) {
      // Every HMAC-SHA256 is 32 bytes: comparing lengths leaks nothing about the secret.
      matched = (signature.length === expected.length && timingSafeEqual(signature, expected)) || matched;
    }
    return matched ? 'match' : 'mismatch';
  };
}

/**
 * The HMAC key a Standard Webhooks secret stands for: the strict base64 decoding of the secret
 * after an optional `whsec_` prefix, when it is at least MIN_SIGNING_KEY_BYTES long; else
 * undefined. Strict, because Node's decoder silently skips characters outside the alphabet:
 * `!#$%&()*` would become an empty key that anyone can sign with, and `Tr0ub4dor&3` a 7-byte one.
 */
export function signingKeyOf(secret: string): Buffer | undefined {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = Buffer.from(encoded, 'base64');
  // Canonical base64 (standard alphabet, padded) re-encodes to itself; whatever Node skipped,
  // repaired or read as base64url does not.
  if (key.length < MIN_SIGNING_KEY_BYTES || key.toString('base64') !== encoded) return undefined;
  return key;
}

function isDigits(text: string): boolean {
  return text !== '' && skipDigits(text, 0) === text.length;
}
