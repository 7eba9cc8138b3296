import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { WEBHOOK_ROUTE } from '../lambda/route.ts';

/** What goes into an event: the body and headers of a POST to the webhook route. */
export interface EventOptions {
  /** Raw body text; objects are JSON-encoded. */
  readonly body?: string | object;
  readonly headers: Record<string, string>;
  /** Deliver the body base64-encoded, as API Gateway does for binary media types. */
  readonly base64?: boolean;
}

/** An API Gateway HTTP API (payload format 2.0) event for POST /api/signals/posthog. */
export function apiGatewayEvent({
  body = {},
  headers,
  base64 = false,
}: EventOptions): APIGatewayProxyEventV2 {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const routeKey = `${WEBHOOK_ROUTE.method} ${WEBHOOK_ROUTE.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: WEBHOOK_ROUTE.path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'example.com',
      domainPrefix: 'example',
      http: {
        method: WEBHOOK_ROUTE.method,
        path: WEBHOOK_ROUTE.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'request-1',
      routeKey,
      stage: '$default',
      time: '27/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
    body: base64 ? Buffer.from(text, 'utf8').toString('base64') : text,
    isBase64Encoded: base64,
  };
}
