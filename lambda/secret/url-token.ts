import { createHmac } from 'node:crypto';

/**
 * Why a token is derived, bound into it: the same secret never yields this value for any other
 * purpose (a signing key, a header).
 */
const TOKEN_PURPOSE = 'loop-posthog-signals/url-token/v1';

/**
 * The URL token a webhook secret stands for (docs/http-contract.md "The URL token"), for senders
 * that cannot set a header of ours: HMAC-SHA256 of a fixed purpose keyed with the secret,
 * base64url — 43 characters, 256 bits, as unguessable as the secret itself (the generated one has
 * 286 bits). One-way: a leaked URL reveals neither the header secret nor a signing key. It rotates
 * with the secret, and the previous secret's token counts during the rotation grace, as the
 * secret does.
 */
export function urlTokenOf(secret: string): string {
  return createHmac('sha256', secret).update(TOKEN_PURPOSE).digest('base64url');
}
