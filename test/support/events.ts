import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/**
 * Letters and digits, a multiple of 4 long, like the secrets the stack and `npm start` generate:
 * valid for the header and as a Standard Webhooks signing key (24 bytes).
 */
export const TEST_SECRET = 'TestSecret8f2a9c1e7bLoopPostHog0';

export interface EventOptions {
  /** Raw body text; objects are JSON-encoded. */
  readonly body?: string | object;
  readonly headers?: Record<string, string>;
  readonly base64?: boolean;
}

/**
 * An API Gateway HTTP API (2.0) event for POST /api/signals/posthog, authenticated with
 * TEST_SECRET and typed as JSON unless the options say otherwise.
 */
export function webhookEvent({
  body = {},
  headers,
  base64 = false,
}: EventOptions = {}): APIGatewayProxyEventV2 {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    version: '2.0',
    routeKey: 'POST /api/signals/posthog',
    rawPath: '/api/signals/posthog',
    rawQueryString: '',
    headers: headers ?? { 'content-type': 'application/json', 'x-posthog-secret': TEST_SECRET },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'example.com',
      domainPrefix: 'example',
      http: {
        method: 'POST',
        path: '/api/signals/posthog',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'request-1',
      routeKey: 'POST /api/signals/posthog',
      stage: '$default',
      time: '27/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
    body: base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
    isBase64Encoded: base64,
  };
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
