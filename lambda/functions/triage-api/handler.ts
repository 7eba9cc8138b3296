/**
 * The triage API (docs/http-contract.md "Read and triage API"), for agents and tools that work from Loop's
 * issues without table access — every route of contract/routes.ts served by this function:
 *
 *   GET   /api/issues?status=&limit=&cursor=       issues of a status (default triage), by priority then age
 *   GET   /api/issues/{issue}                      an issue (by number or id) with its signals
 *   PATCH /api/issues/{issue}                      {"status", "fromStatus", "priority", "reason"}: move it
 *                                                  (409 when its status is no longer fromStatus)
 *   GET   /api/issues/{issue}/comments             its notes, oldest first
 *   POST  /api/issues/{issue}/comments             {"body", "author": {"name", "type"}}: leave one (201)
 *   GET   /api/signals?limit=&cursor=              the newest signals
 *   GET   /api/signals/{signal}                    a signal with its issue
 *   POST  /api/dispatch/next                       {"agent"}: claim the most urgent todo issue (200; 204: none)
 *   GET   /api/dispatch/queue?limit=&cursor=       what a claim would take, in order
 *   GET   /api/openapi.json                        the OpenAPI 3.1 document of every route
 *
 * Every input is read with its schema (contract/requests.ts: an unknown parameter or field is a
 * 400 that names it); the operations are the triage service's, whose answers are the shapes of
 * contract/shapes.ts. Answers as the webhook's: `{"data": …}`, errors `{"error": …}` with the
 * status the one mapping gives. IAM (SigV4) authorizes every route at API Gateway.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { asStorageError } from '../../aws/errors.ts';
import { MAX_API_BODY_BYTES } from '../../contract/limits.ts';
import { openApiJson } from '../../contract/openapi.ts';
import { moveOf, parseRequest, ROUTE_INPUTS } from '../../contract/requests.ts';
import { ROUTES } from '../../contract/routes.ts';
import { NotFoundError } from '../../core/errors.ts';
import { parseJsonObject } from '../../core/json.ts';
import { HttpError } from '../../http/http-errors.ts';
import type { HttpHandler } from '../../http/http-handler.ts';
import { jsonResponse } from '../../http/http-response.ts';
import { isJsonMediaType } from '../../http/media-type.ts';
import { errorResponse } from '../../http/middlewares/error-response.ts';
import { requestLog } from '../../http/middlewares/request-log.ts';
import { rawBodyOf } from '../../http/raw-body.ts';
import { logger } from '../../observability/instruments.ts';
import type { TriageService } from '../../triage/triage-service.ts';

/** What the API needs from the outside world. */
export interface TriageApiDependencies {
  readonly service: TriageService;
}

type RouteName = keyof typeof ROUTE_INPUTS;
type Inputs<Name extends RouteName> = {
  readonly [Part in keyof (typeof ROUTE_INPUTS)[Name]]: (typeof ROUTE_INPUTS)[Name][Part] extends z.ZodType
    ? z.output<(typeof ROUTE_INPUTS)[Name][Part]>
    : never;
};
/**
 * What a route answers: the `data` as JSON text (200, or `status`), a whole document (200), or
 * nothing (204).
 */
type Answer =
  | string
  | { readonly status: number; readonly data: string }
  | { readonly document: string }
  | undefined;

/** Builds the API around the given dependencies. */
export function createTriageApiHandler({ service }: TriageApiDependencies): HttpHandler {
  const operations: { readonly [Name in RouteName]: (input: Inputs<Name>) => Promise<Answer> } = {
    listIssues: ({ query }) => service.issues(query.status ?? 'triage', query.limit ?? 20, query.cursor),
    getIssue: ({ path }) => service.issue(path.issue),
    moveIssue: ({ path, body }) => service.move(path.issue, moveOf(body)),
    listComments: ({ path, query }) => service.comments(path.issue, query.limit ?? 20, query.cursor),
    addComment: async ({ path, body }) => ({
      status: 201,
      data: await service.comment(path.issue, body.body, body.author),
    }),
    listSignals: ({ query }) => service.signals(query.limit ?? 20, query.cursor),
    getSignal: ({ path }) => service.signal(path.signal),
    claimNext: ({ body }) => service.claim(body.agent),
    dispatchQueue: ({ query }) => service.queue(query.limit ?? 20, query.cursor),
    openApi: async () => ({ document: openApiJson() }),
  };

  const routes = (Object.keys(operations) as RouteName[]).map(
    (name): Route<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
      method: ROUTES[name].method,
      path: ROUTES[name].path,
      handler: async (event: APIGatewayProxyEventV2) => {
        const operation = operations[name] as (input: unknown) => Promise<Answer>;
        return answered(await operation(inputsOf(name, event)));
      },
    }),
  );
  const router = httpRouterHandler({
    routes,
    notFoundResponse: ({ method, path }) => {
      throw new NotFoundError(`No route ${method} ${path.slice(0, 200)}`);
    },
  });
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger))
    .use(requestLog(logger))
    .use(httpHeaderNormalizer())
    .use(errorResponse())
    .handler(async (event, context) => {
      try {
        return await router(event, context);
      } catch (error) {
        // A DynamoDB outage is a 503 the caller can retry, as on every route.
        throw asStorageError(error);
      }
    });
  return chain as unknown as HttpHandler;
}

/** A route's inputs, each read with its schema (contract/requests.ts). */
function inputsOf(name: RouteName, event: APIGatewayProxyEventV2): unknown {
  const schemas: { path?: z.ZodType; query: z.ZodType; body?: z.ZodType } = ROUTE_INPUTS[name];
  return {
    ...(schemas.path ? { path: parseRequest(schemas.path, event.pathParameters ?? {}, 'query') } : {}),
    query: parseRequest(schemas.query, event.queryStringParameters ?? {}, 'query'),
    ...(schemas.body ? { body: parseRequest(schemas.body, bodyOf(event), 'body') } : {}),
  };
}

/** A request's JSON body (an object): sent as JSON, within MAX_API_BODY_BYTES. */
function bodyOf(event: APIGatewayProxyEventV2): unknown {
  if (!isJsonMediaType(event.headers['content-type'])) {
    throw new HttpError(415, 'Unsupported Media Type: Content-Type must be application/json');
  }
  const raw = rawBodyOf(event);
  if (raw.length > MAX_API_BODY_BYTES) {
    throw new HttpError(413, `Request body is ${raw.length} bytes; the limit is ${MAX_API_BODY_BYTES} bytes`);
  }
  return parseJsonObject(raw).payload;
}

function answered(answer: Answer): APIGatewayProxyStructuredResultV2 {
  if (answer === undefined) return { statusCode: 204 };
  if (typeof answer === 'string') return jsonResponse(200, `{"data":${answer}}`);
  if ('document' in answer) return jsonResponse(200, answer.document);
  return jsonResponse(answer.status, `{"data":${answer.data}}`);
}
