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
    const line = {
      route: request.event.routeKey,
      status,
      requestId: request.event.requestContext?.requestId,
      latencyMs: Math.round((clock() - (request.internal.requestStartedAt ?? clock())) * 10) / 10,
      ...errorDetails(request.error),
    };
    if (status >= 500) logger.error('api request', line);
    else if (status >= 400) logger.warn('api request', line);
    else logger.info('api request', line);
  };
  return {
    before: (request) => {
      request.internal.requestStartedAt = clock();
    },
    after: record,
    onError: record,
  };
}
