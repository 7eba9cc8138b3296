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
import { asStorageError } from './aws-errors.ts';
import { type JsonValue, ownField, parseJsonObject } from './core/json.ts';
import { ISSUE_STATUSES, type IssueStatus, issueStatusNamed } from './core/loop-records.ts';
import { type Priority, priorityNamed } from './core/severity.ts';
import { InvalidRequestError, NotFoundError } from './errors.ts';
import { API_ROUTES } from './http/api-routes.ts';
import { detailJson, jsonResponse } from './http/http-response.ts';
import { errorResponse } from './http/middlewares/error-response.ts';
import { rawBodyOf } from './http/middlewares/request-body.ts';
import { requestLog } from './http/middlewares/request-log.ts';
import type { HttpHandler } from './http/routes.ts';
import { logger } from './observability/instruments.ts';
import type { IssueTriage, Move } from './storage/issue-triage.ts';
import type { SignalQueries } from './storage/read-model.ts';

/** What the API needs from the outside world. */
export interface ApiDependencies {
  readonly queries: SignalQueries;
  readonly triage: IssueTriage;
}

const MAX_LIMIT = 100;

/** Builds the API around the given dependencies. */
export function createApiHandler({ queries, triage }: ApiDependencies): HttpHandler {
  const ok = (data: unknown) => jsonResponse(200, JSON.stringify({ data }));
  const issueIdOf = async (reference: string | undefined): Promise<string> => {
    const issueId = reference ? await queries.issueIdOf(reference) : undefined;
    if (!issueId) throw new NotFoundError(`No issue "${(reference ?? '').slice(0, 64)}"`);
    return issueId;
  };

  const routes: Route<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>[] = [
    {
      ...API_ROUTES.listIssues,
      handler: async (event: APIGatewayProxyEventV2) => {
        const query = queryOf(event);
        const page = await queries.issuesWithStatus(
          statusParameter(query.status),
          limitOf(query),
          query.cursor,
        );
        return ok({ issues: page.items, cursor: page.cursor ?? null });
      },
    },
    {
      ...API_ROUTES.listSignals,
      handler: async (event: APIGatewayProxyEventV2) => {
        const query = queryOf(event);
        const page = await queries.newestSignals(limitOf(query), query.cursor);
        return ok({ signals: page.items, cursor: page.cursor ?? null });
      },
    },
    {
      ...API_ROUTES.getIssue,
      handler: async (event: APIGatewayProxyEventV2) => {
        const reference = event.pathParameters?.issue ?? '';
        const detail = await queries.find(reference);
        if (!detail?.issue) throw new NotFoundError(`No issue "${reference.slice(0, 64)}"`);
        return jsonResponse(200, `{"data":${detailJson(detail)}}`);
      },
    },
    {
      ...API_ROUTES.moveIssue,
      handler: async (event: APIGatewayProxyEventV2) => {
        const move = moveOf(event);
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

function limitOf(query: Query): number {
  if (query.limit === undefined) return 20;
  const limit = Number(query.limit);
  if (!/^\d{1,3}$/.test(query.limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidRequestError(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

function statusParameter(value: string | undefined): IssueStatus {
  if (value === undefined) return 'triage';
  return status(value, 'status');
}

function status(value: JsonValue | undefined, field: string): IssueStatus {
  const known = issueStatusNamed(value);
  if (!known) throw new InvalidRequestError(`${field} must be one of ${ISSUE_STATUSES.join(', ')}`);
  return known;
}

/** The body of a PATCH: `status` with `fromStatus` (the status the caller saw), and/or `priority`. */
function moveOf(event: APIGatewayProxyEventV2): Move {
  const { payload } = parseJsonObject(rawBodyOf(event));
  const unknown = Object.keys(payload).filter((key) => !['status', 'fromStatus', 'priority'].includes(key));
  if (unknown.length > 0) {
    throw new InvalidRequestError(
      `Unknown field ${JSON.stringify(unknown[0]?.slice(0, 64))}: expected status, fromStatus, priority`,
    );
  }
  const newStatus = ownField(payload, 'status');
  const fromStatus = ownField(payload, 'fromStatus');
  const priority = ownField(payload, 'priority');
  if (newStatus === undefined && priority === undefined) {
    throw new InvalidRequestError('Expected status (with fromStatus) or priority');
  }
  if (newStatus !== undefined && fromStatus === undefined) {
    throw new InvalidRequestError('fromStatus (the status you saw) is required with status');
  }
  if (priority !== undefined && !(typeof priority === 'number' && priorityNamed(priority))) {
    throw new InvalidRequestError('priority must be 1, 2, 3 or 4');
  }
  return {
    ...(newStatus !== undefined
      ? { status: status(newStatus, 'status'), fromStatus: status(fromStatus, 'fromStatus') }
      : {}),
    ...(priority !== undefined ? { priority: priority as Priority } : {}),
  };
}
