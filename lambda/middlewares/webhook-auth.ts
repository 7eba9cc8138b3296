import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnauthorizedError } from '../errors.ts';
import { matchesAnySecret } from '../secret/secret-match.ts';
import type { WebhookSecretSource } from '../secret/webhook-secret-source.ts';

const SECRET_HEADER = 'x-posthog-secret';

/**
 * Lets a delivery through only when its `X-PostHog-Secret` header holds the webhook secret.
 * Runs before anything reads the body, so an unauthenticated caller learns nothing about it.
 * Expects lower-cased header names (http-header-normalizer runs first).
 */
export function webhookAuth(secrets: WebhookSecretSource): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async (request) => {
      // Configuration and secret-store failures answer before any header check (SPEC §2 order).
      const accepted = await secrets.accepted();
      const presented = request.event.headers?.[SECRET_HEADER];
      if (presented === undefined || presented.trim() === '') {
        throw new UnauthorizedError('Missing X-PostHog-Secret header');
      }
      if (matchesAnySecret(presented, accepted)) return;
      const refreshed = await secrets.refreshedAfterMismatch();
      if (refreshed !== undefined && matchesAnySecret(presented, refreshed)) return;
      throw new UnauthorizedError('Invalid webhook secret');
    },
  };
}
