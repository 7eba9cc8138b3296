/**
 * The read and triage API (docs/http-contract.md "Read and triage API"), for agents and tools
 * that use Loop's data without table access:
 *
 *   GET   /api/issues?status=&limit=&cursor=   issues of a status (default triage), by priority then age
 *   GET   /api/issues/{id or number}           an issue with its signals
 *   PATCH /api/issues/{id or number}           {"status", "fromStatus", "priority"}: move it (409 when
 *                                              its status is not fromStatus any more)
 *   GET   /api/signals?limit=&cursor=          the newest signals
 *
 * Answers as the webhook's: `{"data": …}`, errors `{"error": …}` with the status the one mapping
 * gives (400 for bad input, 404, 409). Lists are index Queries (never a Scan) of at most 100 rows,
 * with an opaque cursor to the next page. IAM (SigV4) authorizes every route at API Gateway.
 */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { asStorageError } from '../../aws/errors.ts';
import { issueStatusOf, moveOf, pageSizeOf } from '../../contract/requests.ts';
import { ROUTES } from '../../contract/routes.ts';
import { NotFoundError } from '../../core/errors.ts';
import { parseJsonObject } from '../../core/json.ts';
import type { HttpHandler } from '../../http/http-handler.ts';
import { detailJson, jsonResponse } from '../../http/http-response.ts';
import { errorResponse } from '../../http/middlewares/error-response.ts';
import { requestLog } from '../../http/middlewares/request-log.ts';
import { rawBodyOf } from '../../http/raw-body.ts';
import { logger } from '../../observability/instruments.ts';
import type { IssueTriage } from '../../storage/issue-triage.ts';
import type { SignalQueries } from '../../storage/read-model.ts';

/** What the API needs from the outside world. */
export interface TriageApiDependencies {
  readonly queries: SignalQueries;
  readonly triage: IssueTriage;
}

/** Builds the API around the given dependencies. */
export function createTriageApiHandler({ queries, triage }: TriageApiDependencies): HttpHandler {
  const ok = (data: unknown) => jsonResponse(200, JSON.stringify({ data }));
  const issueIdOf = async (reference: string | undefined): Promise<string> => {
    const issueId = reference ? await queries.issueIdOf(reference) : undefined;
    if (!issueId) throw new NotFoundError(`No issue "${(reference ?? '').slice(0, 64)}"`);
    return issueId;
  };

  const routes: Route<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>[] = [
    {
      ...ROUTES.listIssues,
      handler: async (event: APIGatewayProxyEventV2) => {
        const query = queryOf(event);
        const status = query.status === undefined ? 'triage' : issueStatusOf(query.status);
        const page = await queries.issuesWithStatus(status, pageSizeOf(query.limit), query.cursor);
        return ok({ issues: page.items, cursor: page.cursor ?? null });
      },
    },
    {
      ...ROUTES.listSignals,
      handler: async (event: APIGatewayProxyEventV2) => {
        const query = queryOf(event);
        const page = await queries.newestSignals(pageSizeOf(query.limit), query.cursor);
        return ok({ signals: page.items, cursor: page.cursor ?? null });
      },
    },
    {
      ...ROUTES.getIssue,
      handler: async (event: APIGatewayProxyEventV2) => {
        const reference = event.pathParameters?.issue ?? '';
        const detail = await queries.find(reference);
        if (!detail?.issue) throw new NotFoundError(`No issue "${reference.slice(0, 64)}"`);
        return jsonResponse(200, `{"data":${detailJson(detail)}}`);
      },
    },
    {
      ...ROUTES.moveIssue,
      handler: async (event: APIGatewayProxyEventV2) => {
        const move = moveOf(parseJsonObject(rawBodyOf(event)).payload);
        const issueId = await issueIdOf(event.pathParameters?.issue);
        const { issue } = await triage.move(issueId, move);
        return ok({ issue });
      },
    },
  ];

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

type Query = Partial<Record<string, string>>;

function queryOf(event: APIGatewayProxyEventV2): Query {
  return event.queryStringParameters ?? {};
}
