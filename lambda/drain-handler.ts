/**
 * The queue drain: writes each delivery the webhook queued while storage was down (README "No
 * accepted alert is lost"), through the same store and dedup key, with the time it arrived.
 *
 *   written, or found written already  done (a PostHog retry got through, or SQS delivered twice)
 *   refused for good (e.g. 422)        logged and done: it can never be written
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
import { parseJsonObject } from './domain/json.ts';
import { signalDraftOf } from './domain/loop-records.ts';
import { HttpError } from './errors.ts';
import { errorDetails } from './middlewares/delivery-log.ts';
import { type DrainOutcome, outcomeMetricName, severityMetricName } from './observability.ts';
import type { RetryBackoff } from './queue/delivery-queue.ts';
import { QUEUE_POLICY } from './queue/queue-policy.ts';
import { decodeQueuedDelivery } from './queue/queued-delivery.ts';
import type { SignalStore } from './storage/signal-store.ts';

export interface DrainDependencies {
  readonly store: SignalStore;
  /** Spaces out the attempts at a delivery that keeps failing. */
  readonly backoff: RetryBackoff;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The drain as Lambda invokes it: an SQS batch in, the records to retry out. */
export type DrainHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Builds the drain around the given dependencies. */
export function createDrainHandler({ store, backoff, logger, metrics }: DrainDependencies): DrainHandler {
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
      const delivery = decodeQueuedDelivery(message.body);
      const body = { ...parseJsonObject(delivery.body), raw: delivery.body };
      const draft = signalDraftOf(body, delivery.keyHeaders, delivery.receivedAt);
      const stored = await store.createSignalWithIssue(draft);
      const { signal, issue } = stored.records;
      if (!stored.replayed) metrics.addMetric(severityMetricName(signal.severity), MetricUnit.Count, 1);
      record('drained', 'info', {
        ...base,
        requestId: delivery.requestId,
        receivedAt: delivery.receivedAt.toISOString(),
        replayed: stored.replayed,
        metricName: draft.change.name,
        severity: signal.severity,
        signalId: signal.id,
        issueId: issue.id,
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      // A refusal (422, 409, 400) is the delivery's answer, not an outage: retrying cannot change it.
      if (failure instanceof HttpError && failure.statusCode < 500) {
        record('rejected', 'error', { ...base, status: failure.statusCode, ...errorDetails(failure) });
        return;
      }
      const last = receiveCount >= QUEUE_POLICY.maxReceiveCount;
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
