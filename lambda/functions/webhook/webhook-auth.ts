import type { MiddlewareObj } from '@middy/core';
import { UnauthorizedError } from '../../core/errors.ts';
import { matchesSecret } from '../../secret/secret-match.ts';
import {
  MIN_SIGNING_KEY_BYTES,
  type SignatureCheck,
  standardWebhookVerifier,
} from '../../secret/standard-webhooks.ts';
import { urlTokenOf } from '../../secret/url-token.ts';
import type { WebhookSecretSource } from '../../secret/webhook-secret-source.ts';
import type { BodyEvent } from './json-body.ts';

const SECRET_HEADER = 'x-posthog-secret';

/**
 * Lets a delivery through only when it proves it knows the webhook secret: on the token route,
 * the URL token derived from it (url-token.ts); otherwise a Standard Webhooks signature
 * (`webhook-signature`, checked first and decisive when present: a bad signature is 401 even with
 * a correct header) or the `X-PostHog-Secret` header. Runs before anything reads the body, so an
 * unauthenticated caller learns nothing about it. Expects lower-cased header names.
 */
export function webhookAuth(
  secrets: WebhookSecretSource,
  nowSeconds: () => number = () => Date.now() / 1000,
): MiddlewareObj<BodyEvent> {
  return {
    before: async (request) => {
      // Configuration and secret-store failures answer before any header check (docs/http-contract.md "Order of checks").
      const accepted = await secrets.accepted();
      const credential = credentialOf(request.event, nowSeconds());
      let checks = accepted.map(credential.check);
      if (checks.includes('match')) return;
      // The secret may have been rotated since it was cached.
      const refreshed = await secrets.refreshedAfterMismatch();
      if (refreshed !== undefined) {
        checks = refreshed.map(credential.check);
        if (checks.includes('match')) return;
      }
      throw new UnauthorizedError(credential.failure, {
        ...(checks.every((check) => check === 'unusable-key') ? { detail: UNUSABLE_KEY } : {}),
      });
    },
  };
}

// For the log only: the caller learns nothing about the secret.
const UNUSABLE_KEY = `the configured secret is not valid base64 of at least ${MIN_SIGNING_KEY_BYTES} bytes (after an optional whsec_ prefix), so no signature can verify; header auth still works, or set a secret of letters and digits (length a multiple of 4)`;

interface Credential {
  /** Whether this secret is the one the delivery proves knowledge of. */
  readonly check: (secret: string) => SignatureCheck;
  /** What to answer when no accepted secret matches. */
  readonly failure: string;
}

function credentialOf(event: BodyEvent, nowSeconds: number): Credential {
  const token = event.pathParameters?.token;
  if (token !== undefined) {
    // The token route: the token is the credential (its senders cannot set headers). A wrong one
    // gets the same answer as a wrong header secret, after the same comparisons.
    return {
      check: (secret) => (matchesSecret(token, urlTokenOf(secret)) ? 'match' : 'mismatch'),
      failure: 'Invalid webhook secret',
    };
  }
  const headers = event.headers ?? {};
  const signature = headers['webhook-signature'];
  if (signature !== undefined) {
    const verifier = standardWebhookVerifier(
      {
        id: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        signature,
        body: event.rawBody,
      },
      nowSeconds,
    );
    return { check: verifier, failure: 'Invalid webhook signature' };
  }
  const presented = headers[SECRET_HEADER];
  if (presented === undefined || presented.trim() === '') {
    throw new UnauthorizedError('Missing X-PostHog-Secret header');
  }
  return {
    check: (secret) => (matchesSecret(presented, secret) ? 'match' : 'mismatch'),
    failure: 'Invalid webhook secret',
  };
}
