import { createHash } from 'node:crypto';

/**
 * What makes two deliveries "the same" (SPEC §5): the `Idempotency-Key` header, else the
 * Standard Webhooks `webhook-id` header, else the raw body. Returned as `<source>:<sha256 hex>`
 * so keys from different sources never collide and any header length gives a short key.
 * Expects lower-cased header names.
 */
export function deliveryKey(
  headers: Readonly<Record<string, string | undefined>> | undefined,
  body: string,
): string {
  const idempotencyKey = headers?.['idempotency-key']?.trim();
  if (idempotencyKey) return `idempotency-key:${sha256(idempotencyKey)}`;
  const webhookId = headers?.['webhook-id']?.trim();
  if (webhookId) return `webhook-id:${sha256(webhookId)}`;
  return `body:${sha256(body)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
