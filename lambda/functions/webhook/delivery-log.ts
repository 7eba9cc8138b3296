import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ConfigurationError } from '../../core/errors.ts';
import { elapsedMs, logAnswer } from '../../http/middlewares/request-log.ts';
import type { DeliveryFacts } from '../../intake/intake.ts';
import { errorDetails } from '../../observability/error-details.ts';
import { type Outcome, outcomeMetricName } from '../../observability/metric-names.ts';

/** The Lambda context as the handler sees it: the delivery log's slot for facts. */
export interface DeliveryContext extends Context {
  delivery?: DeliveryFacts;
}

type DeliveryRequest = Request<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  DeliveryContext,
  { deliveryStartedAt?: number }
>;

/**
 * One structured log line and one outcome metric per delivery, whatever happened: outcome,
 * HTTP status, API Gateway request id (`requestId`), latency; on success metric name, severity, signal and
 * issue id (the intake counts new signals per severity). Runs outermost but for Powertools, so it
 * sees the response the error middleware made. Never logs the payload or any header value.
 */
export function deliveryLog(
  logger: Logger,
  metrics: Metrics,
  clock: () => number = () => performance.now(),
): MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  DeliveryContext,
  { deliveryStartedAt?: number }
> {
  const record = (request: DeliveryRequest) => {
    const status = request.response?.statusCode ?? 500;
    const outcome = outcomeOf(status, request.error);
    const facts = request.context.delivery;
    metrics.addMetric(outcomeMetricName(outcome), MetricUnit.Count, 1);

    logAnswer(logger, 'delivery', status, {
      outcome,
      status,
      requestId: request.event.requestContext?.requestId,
      latencyMs: elapsedMs(request.internal.deliveryStartedAt, clock),
      ...(facts && status < 300 ? facts : {}),
      ...errorDetails(request.error),
    });
  };
  return {
    before: (request) => {
      // Per request, not per middleware: the local server runs several invocations at once.
      request.internal.deliveryStartedAt = clock();
    },
    after: record,
    onError: record,
  };
}

function outcomeOf(status: number, error: Error | null): Outcome {
  if (status === 201) return 'created';
  if (status === 200) return 'duplicate';
  if (status === 202) return 'queued';
  if (status === 401) return 'unauthorized';
  if (error instanceof ConfigurationError) return 'unconfigured';
  if (status >= 400 && status < 500) return 'invalid';
  return 'failed';
}
