import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ROUTES } from '../lambda/contract/routes.ts';

/** What goes into an event: one HTTP request, as API Gateway received it. */
export interface EventOptions {
  /** Raw body: bytes, text, or an object to JSON-encode. @default {} */
  readonly body?: Buffer | string | object;
  /** Header names as sent; API Gateway passes them lower-cased. */
  readonly headers: Record<string, string>;
  /** Deliver the body base64-encoded, as API Gateway does for binary media types. @default false */
  readonly base64?: boolean;
  /** @default POST */
  readonly method?: string;
  /** @default the webhook route's path */
  readonly path?: string;
  /** Without the leading `?`. @default '' */
  readonly query?: string;
  /** The route that matched, e.g. `POST /api/signals/posthog`. @default method and path */
  readonly routeKey?: string;
  /** The route's path parameters, e.g. `{ token }`. @default none */
  readonly pathParameters?: Record<string, string>;
  /** @default a random UUID */
  readonly requestId?: string;
  readonly sourceIp?: string;
  readonly protocol?: string;
}

/**
 * An API Gateway HTTP API (payload format 2.0) event: what the local server hands the function
 * for each request, and what the tests and the bench invoke it with.
 */
export function apiGatewayEvent({
  body = {},
  headers,
  base64 = false,
  method = ROUTES.webhook.method,
  path = ROUTES.webhook.path,
  query = '',
  routeKey = `${method} ${path}`,
  pathParameters,
  requestId = randomUUID(),
  sourceIp = '127.0.0.1',
  protocol = 'HTTP/1.1',
}: EventOptions): APIGatewayProxyEventV2 {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: query,
    ...(query !== '' ? { queryStringParameters: queryParameters(query) } : {}),
    headers,
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: base64 ? bytes.toString('base64') : bytes.toString('utf8'),
    isBase64Encoded: base64,
  };
}

/** A query string as API Gateway parses it: repeated names joined with commas. */
function queryParameters(query: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    parameters[name] = Object.hasOwn(parameters, name) ? `${parameters[name]},${value}` : value;
  }
  return parameters;
}
