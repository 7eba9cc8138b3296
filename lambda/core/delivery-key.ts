import { createHash } from 'node:crypto';
import { KeyReusedError } from './errors.ts';

/** The headers that name a delivery, in the order they are looked for (lower-cased names). */
export const KEY_HEADERS = ['idempotency-key', 'webhook-id'] as const;
export type KeyHeader = (typeof KEY_HEADERS)[number];
/** The key headers a delivery carried. */
export type KeyHeaders = Partial<Record<KeyHeader, string>>;
/** Where a delivery's key comes from: one of those headers, else the body. */
export type DeliveryKeySource = KeyHeader | 'body';

/** What tells one delivery from another (docs/http-contract.md "Idempotency"). */
export interface DeliveryIdentity {
  /** `<source>:<sha256 hex>`: sources never collide, and any header length gives a short key. */
  readonly key: string;
  readonly source: DeliveryKeySource;
  /** SHA-256 (hex) of the raw body: a repeat has the same; a reused key does not. */
  readonly bodySha256: string;
}

/**
 * The delivery's identity: keyed by the `Idempotency-Key` header, else the Standard Webhooks
 * `webhook-id` header, else the raw body. Expects lower-cased header names.
 */
export function deliveryIdentity(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  body: Buffer,
): DeliveryIdentity {
  const bodySha256 = sha256(body);
  for (const source of KEY_HEADERS) {
    const value = headers?.[source]?.trim();
    if (value) return { key: `${source}:${sha256(value)}`, source, bodySha256 };
  }
  return { key: `body:${bodySha256}`, source: 'body', bodySha256 };
}

/** Just the key headers of a request (lower-cased names), e.g. to queue a delivery without the rest. */
export function keyHeadersOf(headers: Readonly<Record<string, string | undefined>> | undefined): KeyHeaders {
  const picked: KeyHeaders = {};
  for (const name of KEY_HEADERS) {
    const value = headers?.[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

/**
 * A key names one message: an earlier delivery under the same key with another body is a
 * different message, refused (422 over HTTP) rather than answered with the first one's records
 * (as the IETF Idempotency-Key draft and Stripe do).
 */
export function assertSameMessage(
  earlier: { readonly bodySha256?: unknown },
  delivery: DeliveryIdentity,
): void {
  if (earlier.bodySha256 === delivery.bodySha256) return;
  throw new KeyReusedError(
    `${KEY_HEADER_NAMES[delivery.source]} reused with a different body: it names one message, already received within the dedup window; send a new message with a new key`,
  );
}

const KEY_HEADER_NAMES: Readonly<Record<DeliveryKeySource, string>> = {
  'idempotency-key': 'Idempotency-Key',
  'webhook-id': 'webhook-id',
  body: 'Body',
};

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
