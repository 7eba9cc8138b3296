import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Severity } from '../domain/severity.ts';
import { ConfigurationError, HttpError } from '../errors.ts';
import { type Outcome, outcomeMetricName, severityMetricName } from '../observability.ts';

/** What the handler tells the delivery log about an accepted delivery. */
export interface DeliveryFacts {
  readonly metricName: string;
  readonly severity: Severity;
  /** Once stored. */
  readonly signalId?: string;
  readonly issueId?: string;
  /** Once queued: the name of the storage failure that made it wait. */
  readonly storageFailure?: string | undefined;
}

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
 * issue id (plus a per-severity count for new signals). Runs outermost but for Powertools, so it
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
    if (outcome === 'created' && facts)
      metrics.addMetric(severityMetricName(facts.severity), MetricUnit.Count, 1);

    const startedAt = request.internal.deliveryStartedAt ?? clock();
    const line = {
      outcome,
      status,
      requestId: request.event.requestContext?.requestId,
      latencyMs: Math.round((clock() - startedAt) * 10) / 10,
      ...(facts && status < 300 ? facts : {}),
      ...errorDetails(request.error),
    };
    if (status >= 500) logger.error('delivery', line);
    else if (status >= 400) logger.warn('delivery', line);
    else logger.info('delivery', line);
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

/**
 * What a log line says of a failure: our own messages only, and the names of causes (AWS error
 * texts can echo request data). An unexpected error (a bug) also gets its stack frames, without
 * its message line, which could quote the payload (JSON.parse and TypeError messages do).
 */
export function errorDetails(error: Error | null): Record<string, string> {
  if (!error) return {};
  const causeName = nameOf(error.cause);
  const expected = error instanceof HttpError || isAwsError(error);
  return {
    error: error.name,
    ...(error instanceof HttpError ? { reason: error.message } : {}),
    ...(error instanceof HttpError && error.detail ? { detail: error.detail } : {}),
    ...(causeName ? { cause: causeName } : {}),
    ...(expected ? {} : { stack: stackFrames(error) }),
  };
}

/** A failure's network code (`ECONNREFUSED`) or else its name (`ThrottlingException`); never its text. */
export function nameOf(failure: unknown): string | undefined {
  const { name, code } = (failure ?? {}) as { name?: unknown; code?: unknown };
  return typeof code === 'string' ? code : typeof name === 'string' ? name : undefined;
}

/** An AWS SDK service or network failure: it carries the SDK's response metadata. */
function isAwsError(error: Error): boolean {
  return '$metadata' in error;
}

function stackFrames(error: Error): string {
  return (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .map((line) => line.trim())
    .join('\n');
}
