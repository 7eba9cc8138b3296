import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { apiGatewayEvent, type EventOptions } from '../../local/api-gateway-event.ts';

/**
 * Letters and digits, a multiple of 4 long, like the secrets the stack and `npm start` generate:
 * valid for the header and as a Standard Webhooks signing key (24 bytes).
 */
export const TEST_SECRET = 'TestSecret8f2a9c1e7bLoopPostHog0';

/**
 * An API Gateway HTTP API (2.0) event for POST /api/signals/posthog, authenticated with
 * TEST_SECRET and typed as JSON unless the options say otherwise.
 */
export function webhookEvent({
  body = {},
  headers,
  base64 = false,
}: Partial<EventOptions> = {}): APIGatewayProxyEventV2 {
  return apiGatewayEvent({
    body,
    base64,
    headers: headers ?? { 'content-type': 'application/json', 'x-posthog-secret': TEST_SECRET },
    requestId: 'request-1',
  });
}

/** Default headers with some replaced or removed (undefined removes). */
export function headersWith(changes: Record<string, string | undefined>): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-posthog-secret': TEST_SECRET,
    ...changes,
  };
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export const lambdaContext = {
  awsRequestId: 'aws-request-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** The JSON body of a handler result. */
export function bodyOf(result: { body?: string }): Record<string, unknown> {
  return JSON.parse(result.body ?? '') as Record<string, unknown>;
}
