import { randomBytes, randomUUID } from 'node:crypto';

/**
 * `text` (requests or items the bench captured from the shipped webhook) with every UUID and
 * every SHA-256 (hex) in it replaced by a new one, so that writing it again makes new items.
 */
export const withFreshIds = (text: string): string =>
  text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, () => randomUUID())
    .replace(/[0-9a-f]{64}/g, () => randomBytes(32).toString('hex'));
