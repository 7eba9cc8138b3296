/**
 * The queue drain: writes each delivery the webhook queued while storage was down
 * (docs/architecture.md "No accepted alert is lost") through the same intake operation, with the
 * time it arrived.
 *
 *   written, or found written already  done (a PostHog retry got through, or SQS delivered twice)
 *   refused for good (RefusedError)    logged and done: it can never be written
 *   anything else (storage still down) reported in batchItemFailures and postponed with back-off;
 *                                      after the last attempt SQS moves it to the dead-letter queue
 *
 * The batch never fails as a whole: each record is reported on its own (Powertools' Batch utility).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { RefusedError } from '../../core/errors.ts';
import { decodeQueuedDelivery } from '../../delivery-queue/queued-delivery.ts';
import { RETRY_POLICY } from '../../delivery-queue/retry-policy.ts';
import type { RetryBackoff } from '../../delivery-queue/sqs-delivery-queue.ts';
import type { Intake } from '../../intake/intake.ts';
import { errorDetails } from '../../observability/error-details.ts';
import { type DrainOutcome, outcomeMetricName } from '../../observability/metric-names.ts';

export interface DrainDependencies {
  /** The intake, without a hold: a delivery that cannot be written stays on the queue. */
  readonly intake: Intake;
  /** Spaces out the attempts at a delivery that keeps failing. */
  readonly backoff: RetryBackoff;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The drain as Lambda invokes it: an SQS batch in, the records to retry out. */
export type DrainHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Builds the drain around the given dependencies. */
export function createDrainHandler({ intake, backoff, logger, metrics }: DrainDependencies): DrainHandler {
  const record = (
    outcome: DrainOutcome,
    level: 'info' | 'warn' | 'error',
    fields: Record<string, unknown>,
  ) => {
    metrics.addMetric(outcomeMetricName(outcome), MetricUnit.Count, 1);
    logger[level]('queued delivery', { outcome, ...fields });
  };

  const drainOne = async (message: SQSRecord): Promise<void> => {
    const receiveCount = Number(message.attributes.ApproximateReceiveCount);
    const base = { messageId: message.messageId, receiveCount };
    try {
      const sent = Number(message.attributes.SentTimestamp);
      const delivery = decodeQueuedDelivery(message.body, Number.isFinite(sent) ? new Date(sent) : undefined);
      const result = await intake.accept(delivery);
      record('drained', 'info', {
        ...base,
        requestId: delivery.requestId,
        receivedAt: delivery.receivedAt.toISOString(),
        replayed: result.status === 'stored' && result.replayed,
        ...result.facts,
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      // A refusal (unreadable, key reused, replay gone) is the delivery's answer, not an outage:
      // retrying cannot change it.
      if (failure instanceof RefusedError) {
        record('rejected', 'error', { ...base, ...errorDetails(failure) });
        return;
      }
      const last = receiveCount >= RETRY_POLICY.maxReceiveCount;
      record(last ? 'deadLettered' : 'retried', last ? 'error' : 'warn', {
        ...base,
        ...errorDetails(failure),
      });
      if (!last) await backoff.postpone(message.receiptHandle, receiveCount);
      throw failure;
    }
  };

  const processor = new BatchProcessor(EventType.SQS);
  const drain = middy<SQSEvent, SQSBatchResponse>()
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger))
    .handler((event, context) =>
      processPartialResponse(event, drainOne, processor, { context, throwOnFullBatchFailure: false }),
    );
  return drain as unknown as DrainHandler;
}
