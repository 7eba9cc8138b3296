import { KEY_HEADERS, type KeyHeaders } from '../core/delivery-key.ts';
import { ServiceError } from '../core/errors.ts';
import type { RawDelivery } from '../intake/ports.ts';

/**
 * A delivery accepted while storage was down, as it waits in the queue: exactly what the drain
 * needs to write what the webhook would have — the body's bytes as received (not re-serialised:
 * the dedup hash and the lossless payload depend on them), the headers that make its dedup key,
 * when it arrived, and API Gateway's request id. Never the secret, never any other header.
 */
export type QueuedDelivery = RawDelivery;

/**
 * A queue message the drain cannot read: it was not written by this service's webhook. Its
 * message names the field (logged as `reason`); it is retried and dead-lettered, to be looked at.
 */
export class MalformedQueuedDeliveryError extends ServiceError {
  constructor(reason: string) {
    super(`Not a queued delivery: ${reason}`);
  }
}

/**
 * How far a queued delivery's arrival may lie after the queue's own send time: the webhook sends
 * after the delivery arrived, so only clock skew between hosts can put it later.
 */
const MAX_ARRIVAL_SKEW_MS = 60_000;

const FORMAT_VERSION = 1;

/**
 * The message body: JSON, the body base64-encoded (SQS takes only XML-safe characters; a 128 KiB
 * body becomes about 171 KiB, inside SQS's 256 KiB message limit).
 */
export function encodeQueuedDelivery(delivery: QueuedDelivery): string {
  return JSON.stringify({
    version: FORMAT_VERSION,
    body: delivery.body.toString('base64'),
    keyHeaders: delivery.keyHeaders,
    receivedAt: delivery.receivedAt.toISOString(),
    requestId: delivery.requestId,
  });
}

/**
 * Reads a message body back; throws MalformedQueuedDeliveryError for anything else, and for an
 * arrival later than the queue's send time (`sentAt`) allows: a message forged with a far-future
 * arrival would otherwise be filed ahead of its time and swallow the real delivery as its repeat.
 */
export function decodeQueuedDelivery(message: string, sentAt?: Date): QueuedDelivery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new MalformedQueuedDeliveryError('not JSON');
  }
  const { version, body, keyHeaders, receivedAt, requestId } = (parsed ?? {}) as Record<string, unknown>;
  if (version !== FORMAT_VERSION)
    throw new MalformedQueuedDeliveryError(`version ${String(version).slice(0, 32)}`);
  const bytes = typeof body === 'string' ? Buffer.from(body, 'base64') : undefined;
  if (!bytes || bytes.toString('base64') !== body)
    throw new MalformedQueuedDeliveryError('body is not base64');
  const arrived = typeof receivedAt === 'string' ? new Date(receivedAt) : undefined;
  if (!arrived || Number.isNaN(arrived.getTime()) || arrived.toISOString() !== receivedAt) {
    throw new MalformedQueuedDeliveryError('receivedAt is not an ISO-8601 time');
  }
  if (sentAt && arrived.getTime() > sentAt.getTime() + MAX_ARRIVAL_SKEW_MS) {
    throw new MalformedQueuedDeliveryError(
      `receivedAt ${receivedAt} is later than the queue's SentTimestamp ${sentAt.toISOString()}`,
    );
  }
  if (requestId !== undefined && typeof requestId !== 'string') {
    throw new MalformedQueuedDeliveryError('requestId is not a string');
  }
  return { body: bytes, keyHeaders: readKeyHeaders(keyHeaders), receivedAt: arrived, requestId };
}

function readKeyHeaders(value: unknown): KeyHeaders {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedQueuedDeliveryError('keyHeaders is not an object');
  }
  const headers: KeyHeaders = {};
  for (const [name, text] of Object.entries(value)) {
    const known = KEY_HEADERS.find((header) => header === name);
    if (!known || typeof text !== 'string')
      throw new MalformedQueuedDeliveryError(`keyHeaders.${name.slice(0, 64)}`);
    headers[known] = text;
  }
  return headers;
}
