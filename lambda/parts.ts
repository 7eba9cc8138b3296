/**
 * The production parts, built from the configuration: the entry modules (webhook-entry.ts and
 * drain-entry.ts) call these, the local run `posthogIntake` too; nothing else reads the
 * environment.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { createDocumentClient, createSecretsManagerClient } from './aws-clients.ts';
import type { FunctionConfig } from './config.ts';
import { DEDUP_RECORD_RETENTION_DAYS } from './delivery-queue/retry-policy.ts';
import { SqsDeliveryQueue } from './delivery-queue/sqs-delivery-queue.ts';
import { ConfigurationError } from './errors.ts';
import { createIntake, type Intake, type RawDelivery, type SignalStore } from './intake.ts';
import { metrics } from './observability/instruments.ts';
import { SECRET_STALE_METRIC } from './observability/metric-names.ts';
import {
  MissingSecretSource,
  SecretsManagerSecretSource,
  StaticSecretSource,
  type WebhookSecretSource,
} from './secret/webhook-secret-source.ts';
import { readPosthogDelivery } from './sources/posthog/posthog-delivery.ts';
import { DynamoDbSignalStore, type DynamoDbSignalStoreOptions } from './storage/signal-store.ts';

/**
 * The intake as this service runs it, in AWS and locally: PostHog's bodies, the shared metrics,
 * and, where there is one, the queue that holds a delivery while storage is down; and how long
 * one delivery's storage calls may take together (DEADLINES_MS; none locally).
 */
export function posthogIntake(
  store: SignalStore,
  queue?: { send(delivery: RawDelivery): Promise<void> },
  storageBudgetMs?: number,
): Intake {
  return createIntake({
    store,
    read: readPosthogDelivery,
    metrics,
    ...(queue ? { hold: (delivery: RawDelivery) => queue.send(delivery) } : {}),
    ...(storageBudgetMs === undefined ? {} : { storageBudgetMs }),
  });
}

/** Secrets Manager when an ARN is set, else the secret itself, else a source that refuses (500). */
export function secretSourceFor(config: FunctionConfig): WebhookSecretSource {
  if (config.secretArn) {
    return new SecretsManagerSecretSource(createSecretsManagerClient(), config.secretArn, {
      previousGraceMs: config.secretGraceHours * 3_600_000,
      maxStaleMs: config.secretMaxStaleMinutes * 60_000,
      onStale: (ageMs) =>
        metrics.addMetric(SECRET_STALE_METRIC, MetricUnit.Seconds, Math.round(ageMs / 1000)),
    });
  }
  if (config.secretValue) return new StaticSecretSource(config.secretValue);
  return new MissingSecretSource();
}

/** The DynamoDB store, or one that refuses every delivery (500) while no table is configured. */
export function signalStoreFor(config: FunctionConfig): SignalStore {
  const { tableName } = config;
  if (!tableName) {
    const unconfigured = () => Promise.reject(new ConfigurationError('TABLE_NAME not configured'));
    return { file: unconfigured, warmUp: unconfigured };
  }
  return new DynamoDbSignalStore(createDocumentClient(), tableName, {
    ...filingOptionsFor(config),
    dedupRecordRetentionSeconds: DEDUP_RECORD_RETENTION_DAYS * 86_400,
  });
}

/** How the configuration files deliveries (dedup window, grouping, episode gap); the local run uses it too. */
export function filingOptionsFor(config: FunctionConfig): DynamoDbSignalStoreOptions {
  return {
    dedupWindowSeconds: config.dedupWindowSeconds,
    groupFirings: config.groupFirings,
    episodeGapSeconds: config.episodeGapHours * 3_600,
  };
}

/** The SQS delivery queue, when one is configured (not in the local run). */
export function deliveryQueueFor(config: FunctionConfig): SqsDeliveryQueue | undefined {
  return config.deliveryQueueUrl ? new SqsDeliveryQueue(config.deliveryQueueUrl) : undefined;
}
