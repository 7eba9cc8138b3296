import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { errorDetails } from '../../observability/error-details.ts';

type ApiRequest = Request<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  Context,
  { requestStartedAt?: number }
>;

/**
 * One structured log line per API request: the route API Gateway matched (never the path or the
 * query, which carry caller input), status, request id, latency, and for a failure what
 * error-details says of it (a 404's reason names the reference asked for, cut to 64 characters).
 */
export function requestLog(
  logger: Logger,
  clock: () => number = () => performance.now(),
): MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  Context,
  { requestStartedAt?: number }
> {
  const record = (request: ApiRequest) => {
    const status = request.response?.statusCode ?? 500;
    logAnswer(logger, 'api request', status, {
      route: request.event.routeKey,
      status,
      requestId: request.event.requestContext?.requestId,
      latencyMs: elapsedMs(request.internal.requestStartedAt, clock),
      ...errorDetails(request.error),
    });
  };
  return {
    before: (request) => {
      request.internal.requestStartedAt = clock();
    },
    after: record,
    onError: record,
  };
}

/** Logs an answer's line at the level its status calls for: ERROR for 5xx, WARN for 4xx, else INFO. */
export function logAnswer(
  logger: Logger,
  message: string,
  status: number,
  line: Record<string, unknown>,
): void {
  if (status >= 500) logger.error(message, line);
  else if (status >= 400) logger.warn(message, line);
  else logger.info(message, line);
}

/** Milliseconds since `startedAt` by `clock`, to a tenth (0 when the start was not seen). */
export function elapsedMs(startedAt: number | undefined, clock: () => number): number {
  const now = clock();
  return Math.round((now - (startedAt ?? now)) * 10) / 10;
}
