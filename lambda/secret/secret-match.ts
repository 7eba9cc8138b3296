import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret with the real one without leaking, through timing, either its
 * content or its length: both sides are reduced to fixed-length SHA-256 digests first.
 */
export function matchesSecret(presented: string, secret: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(secret));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
