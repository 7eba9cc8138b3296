import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type RouteFunction, routesOf } from '../lambda/contract/routes.ts';
import type { HttpHandler } from '../lambda/http/http-handler.ts';
import { apiGatewayEvent } from './api-gateway-event.ts';

// API Gateway HTTP APIs refuse payloads over 10 MB before the function sees them.
const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const FUNCTION_TIMEOUT_MS = 10_000;

/** One route of the API: API Gateway's method and path template (`{name}` is one segment). */
export interface LocalRoute {
  readonly method: string;
  readonly path: string;
  /** The function behind it, as its Lambda context names it (`<name>-local`). */
  readonly functionName: string;
  readonly handler: HttpHandler;
}

/** The routes one function serves (lambda/contract/routes.ts), served locally by `handler`, without IAM. */
export function routesServedBy(served: RouteFunction, handler: HttpHandler): LocalRoute[] {
  return routesOf(served).map((route) => ({
    method: route.method,
    path: route.path,
    functionName: served,
    handler,
  }));
}

/** A request as it was answered, for the local run's terminal: the route, never the path (it can hold a token). */
export interface AnsweredRequest {
  readonly method: string;
  /** The route's path template (`/api/signals/posthog/{token}`); undefined when none matched. */
  readonly route: string | undefined;
  readonly functionName: string | undefined;
  readonly status: number;
  readonly ms: number;
  /** The answer's body, as text. */
  readonly body: string;
}

export interface HttpApiServerOptions {
  /**
   * Invocations running at once; further requests wait their turn, as they would for free Lambda
   * instances. Without a limit a burst would queue inside one SDK client and trip its fail-fast
   * timeouts, which a real Lambda instance (one request at a time) never does. @default 8
   */
  readonly concurrency?: number;
  /** Called with each request once it is answered. @default nothing */
  readonly onAnswer?: (answer: AnsweredRequest) => void;
}

/**
 * Serves handlers the way API Gateway HTTP API does: a request that matches a route becomes a
 * payload-format-2.0 event (body always base64, so bytes reach the handler untouched; the route's
 * key and path parameters set as API Gateway sets them); any other method or path answers 404.
 */
export function createHttpApiServer(
  routes: readonly LocalRoute[],
  { concurrency = 8, onAnswer }: HttpApiServerOptions = {},
): Server {
  const limit = concurrencyLimit(concurrency);
  return createServer((request, response) => {
    const startedAt = performance.now();
    serve(routes, limit, request, response)
      .then((answered) =>
        onAnswer?.({
          method: request.method ?? '',
          route: answered.route?.path,
          functionName: answered.route?.functionName,
          status: answered.result.statusCode ?? 200,
          ms: Math.round(performance.now() - startedAt),
          body: answered.result.isBase64Encoded ? '' : (answered.result.body ?? ''),
        }),
      )
      .catch((error: unknown) => {
        console.error(
          JSON.stringify({ level: 'ERROR', message: 'local server failure', error: (error as Error).name }),
        );
        if (!response.headersSent)
          send(response, { statusCode: 500, body: '{"message":"Internal Server Error"}' });
      });
  });
}

/** Answers one request; says which route (if any) answered it, and how. */
async function serve(
  routes: readonly LocalRoute[],
  limit: <T>(task: () => Promise<T>) => Promise<T>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<{ route: LocalRoute | undefined; result: APIGatewayProxyStructuredResultV2 }> {
  const answer = (result: APIGatewayProxyStructuredResultV2, route?: LocalRoute) => {
    send(response, result);
    return { route, result };
  };
  if (!isLoopbackHost(request)) {
    request.resume();
    return answer({ statusCode: 403, body: '{"message":"Forbidden"}' });
  }
  if (crossSiteWrite(request)) {
    request.resume();
    return answer({ statusCode: 403, body: '{"message":"Forbidden: a write from a page of another site"}' });
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const matched = matchRoute(routes, request.method ?? '', url.pathname);
  if (!matched) {
    request.resume();
    return answer({ statusCode: 404, body: '{"message":"Not Found"}' });
  }
  const body = await readBody(request);
  if (body === undefined) {
    return answer({ statusCode: 413, body: '{"message":"Request Entity Too Large"}' }, matched.route);
  }
  const requestId = randomUUID();
  const event = toEvent(request, url, body, requestId, matched);
  // Lambda's timeout starts when an instance takes the invocation, not while it waits for one.
  const invoke = () =>
    matched.route.handler(event, lambdaContext(requestId, `${matched.route.functionName}-local`));
  return answer(await limit(invoke), matched.route);
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether the request names this machine and this server's port in its Host header. The local
 * API has no authentication, so a web page must not reach it through DNS rebinding (a name of
 * its own resolving to 127.0.0.1): its requests carry that name, and are refused (403).
 */
function isLoopbackHost(request: IncomingMessage): boolean {
  const host = request.headers.host ?? '';
  const colon = host.lastIndexOf(':');
  if (colon < 0) return false;
  return (
    LOOPBACK_NAMES.has(host.slice(0, colon).toLowerCase()) &&
    host.slice(colon + 1) === String(request.socket.localPort)
  );
}

/**
 * Whether a browser sends this request from a page of another site: a write (any method but GET
 * and HEAD) whose Origin is not this server, or that the browser marks as cross-site or same-site
 * (Sec-Fetch-Site). Locally the API has no IAM, and a page anywhere can post a form or a no-cors
 * fetch to 127.0.0.1 without asking first. Programs (PostHog, curl, the CLI) send neither header.
 */
function crossSiteWrite(request: IncomingMessage): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return false;
  const { origin, host } = request.headers;
  const site = request.headers['sec-fetch-site'];
  return (
    (origin !== undefined && origin !== `http://${host}`) ||
    (site !== undefined && site !== 'same-origin' && site !== 'none')
  );
}

interface Matched {
  readonly route: LocalRoute;
  readonly pathParameters: Record<string, string> | undefined;
}

/** The route a request matches, as API Gateway matches it: each `{name}` is one non-empty segment. */
function matchRoute(routes: readonly LocalRoute[], method: string, path: string): Matched | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const template = route.path.split('/');
    if (template.length !== segments.length) continue;
    const parameters: Record<string, string> = {};
    const fits = template.every((part, index) => {
      const segment = segments[index] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        parameters[part.slice(1, -1)] = decodeURIComponentOr(segment);
        return segment !== '';
      }
      return part === segment;
    });
    if (fits) return { route, pathParameters: Object.keys(parameters).length > 0 ? parameters : undefined };
  }
  return undefined;
}

function decodeURIComponentOr(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Runs at most `limit` tasks at once; the others wait their turn, in order. */
function concurrencyLimit(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running < limit) running += 1;
    else await new Promise<void>((resume) => waiting.push(resume));
    try {
      return await task();
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

function toEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  requestId: string,
  { route, pathParameters }: Matched,
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
    routeKey: `${route.method} ${route.path}`,
    ...(pathParameters ? { pathParameters } : {}),
    requestId,
    sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
    protocol: `HTTP/${request.httpVersion}`,
  });
}

function lambdaContext(requestId: string, functionName: string): Context {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
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
