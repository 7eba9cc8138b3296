/**
 * The production parts, built from the configuration: the entry modules (webhook-entry.ts and
 * drain-entry.ts) call these; nothing else reads the environment.
 */
import { createDocumentClient, createSecretsManagerClient } from './aws-clients.ts';
import type { FunctionConfig } from './config.ts';
import { ConfigurationError } from './errors.ts';
import { SqsDeliveryQueue } from './queue/delivery-queue.ts';
import {
  MissingSecretSource,
  SecretsManagerSecretSource,
  StaticSecretSource,
  type WebhookSecretSource,
} from './secret/webhook-secret-source.ts';
import { DynamoDbSignalStore, type SignalStore } from './storage/signal-store.ts';

/** Secrets Manager when an ARN is set, else the secret itself, else a source that refuses (500). */
export function secretSourceFor(config: FunctionConfig): WebhookSecretSource {
  if (config.secretArn) {
    return new SecretsManagerSecretSource(createSecretsManagerClient(), config.secretArn, {
      previousGraceMs: config.secretGraceHours * 3_600_000,
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
    return { createSignalWithIssue: unconfigured, warmUp: unconfigured };
  }
  return new DynamoDbSignalStore(createDocumentClient(), tableName, {
    dedupWindowSeconds: config.dedupWindowSeconds,
  });
}

/** The SQS delivery queue, when one is configured (not in the local run). */
export function deliveryQueueFor(config: FunctionConfig): SqsDeliveryQueue | undefined {
  return config.deliveryQueueUrl ? new SqsDeliveryQueue(config.deliveryQueueUrl) : undefined;
}
