import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { WEBHOOK_ROUTE, WEBHOOK_TOKEN_ROUTE } from '../lambda/http/routes.ts';
import type { WebhookHandler } from '../lambda/webhook-handler.ts';
import { apiGatewayEvent } from './api-gateway-event.ts';

// API Gateway HTTP APIs refuse payloads over 10 MB before the function sees them.
const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const FUNCTION_TIMEOUT_MS = 10_000;

export interface HttpApiServerOptions {
  /**
   * Invocations running at once; further requests wait their turn, as they would for free Lambda
   * instances. Without a limit a burst would queue inside one SDK client and trip its fail-fast
   * timeouts, which a real Lambda instance (one request at a time) never does. @default 8
   */
  readonly concurrency?: number;
}

/**
 * Serves a handler the way API Gateway HTTP API does: the webhook routes become 2.0 events (body
 * always base64, so bytes reach the handler untouched); any other method or path answers 404.
 */
export function createHttpApiServer(
  handler: WebhookHandler,
  { concurrency = 8 }: HttpApiServerOptions = {},
): Server {
  const invoke = limitConcurrency(handler, concurrency);
  return createServer((request, response) => {
    serve(invoke, request, response).catch((error: unknown) => {
      console.error(
        JSON.stringify({ level: 'ERROR', message: 'local server failure', error: (error as Error).name }),
      );
      if (!response.headersSent)
        send(response, { statusCode: 500, body: '{"message":"Internal Server Error"}' });
    });
  });
}

async function serve(
  handler: WebhookHandler,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const route = request.method === WEBHOOK_ROUTE.method ? webhookRouteOf(url.pathname) : undefined;
  if (!route) {
    request.resume();
    send(response, { statusCode: 404, body: '{"message":"Not Found"}' });
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    send(response, { statusCode: 413, body: '{"message":"Request Entity Too Large"}' });
    return;
  }
  const requestId = randomUUID();
  const result = await handler(toEvent(request, url, body, requestId, route), lambdaContext(requestId));
  send(response, result);
}

function limitConcurrency(handler: WebhookHandler, limit: number): WebhookHandler {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (event, context) => {
    if (running < limit) running += 1;
    else await new Promise<void>((resume) => waiting.push(resume));
    try {
      return await handler(event, context);
    } finally {
      // Hand the slot straight to the next waiter, so a newcomer cannot overtake it.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= API_GATEWAY_MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size <= API_GATEWAY_MAX_PAYLOAD_BYTES ? Buffer.concat(chunks) : undefined),
    );
    request.on('error', reject);
  });
}

/** The webhook route a path matches, as API Gateway matches it: `{token}` is one non-empty segment. */
function webhookRouteOf(path: string): Route | undefined {
  if (path === WEBHOOK_ROUTE.path) return { key: `${WEBHOOK_ROUTE.method} ${WEBHOOK_ROUTE.path}` };
  const prefix = `${WEBHOOK_ROUTE.path}/`;
  const token = path.startsWith(prefix) ? path.slice(prefix.length) : '';
  if (token === '' || token.includes('/')) return undefined;
  return {
    key: `${WEBHOOK_TOKEN_ROUTE.method} ${WEBHOOK_TOKEN_ROUTE.path}`,
    pathParameters: { token: decodeURIComponentOr(token) },
  };
}

interface Route {
  readonly key: string;
  readonly pathParameters?: Record<string, string>;
}

function decodeURIComponentOr(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function toEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  requestId: string,
  route: Route,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  // Node lower-cases names; repeated headers are joined with commas, as API Gateway does.
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // Body always base64, so bytes reach the handler untouched.
  return apiGatewayEvent({
    body,
    headers,
    base64: true,
    method: request.method ?? 'POST',
    path: url.pathname,
    query: url.search.slice(1),
    routeKey: route.key,
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    requestId,
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    protocol: `HTTP/${request.httpVersion}`,
  });
}

function lambdaContext(requestId: string): Context {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'posthog-webhook-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:posthog-webhook-local',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  const body = result.isBase64Encoded
    ? Buffer.from(result.body ?? '', 'base64')
    : Buffer.from(result.body ?? '', 'utf8');
  response.writeHead(result.statusCode ?? 200, { ...headers, 'content-length': String(body.length) });
  response.end(body);
}
