import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret with the accepted ones without leaking, through timing, either
 * their content or their length: both sides are reduced to fixed-length SHA-256 digests first,
 * and every accepted value is compared (no early exit).
 */
export function matchesAnySecret(presented: string, accepted: readonly string[]): boolean {
  const presentedDigest = sha256(presented);
  let matched = false;
  for (const secret of accepted) matched = timingSafeEqual(presentedDigest, sha256(secret)) || matched;
  return matched;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
