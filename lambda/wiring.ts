/**
 * The one wiring of the service. Every composition root builds its parts here from the settings
 * (settings.ts): the three functions' entries, the local run (`npm start`) and the CLI, `replay`
 * included — so each of them files, reads and moves exactly as the others do. Nothing here reads
 * the environment; the roots hand in what differs (a table reached another way, a secret given
 * directly, a longer storage budget).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createSecretsManagerClient } from './aws/clients.ts';
import { DEADLINES_MS } from './aws/deadlines.ts';
import { ConfigurationError } from './core/errors.ts';
import { DEDUP_RECORD_RETENTION_DAYS } from './delivery-queue/retry-policy.ts';
import { SqsDeliveryQueue } from './delivery-queue/sqs-delivery-queue.ts';
import { createIntake, type Intake, type IntakeDependencies } from './intake/intake.ts';
import type { DeliveryQueue } from './intake/ports.ts';
import { metrics } from './observability/instruments.ts';
import { SECRET_STALE_METRIC } from './observability/metric-names.ts';
import {
  MissingSecretSource,
  SecretsManagerSecretSource,
  StaticSecretSource,
  type WebhookSecretSource,
} from './secret/webhook-secret-source.ts';
import type { FunctionSettings } from './settings.ts';
import { readPosthogDelivery } from './sources/posthog/posthog-delivery.ts';
import { IssueTriage } from './storage/issue-triage.ts';
import { SignalQueries } from './storage/read-model.ts';
import { DynamoDbSignalStore } from './storage/signal-store.ts';
import { TriageService } from './triage/triage-service.ts';

/** The signals table as the parts reach it: a document client and the table's name. */
export interface Table {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * The table the settings name, through `client` (by default the functions' fail-fast client).
 * With no table named, every call refuses with ConfigurationError — a 500 that says
 * `TABLE_NAME not configured` — so a misconfigured function still answers, and logs, each request.
 */
export function tableFor(
  settings: Pick<FunctionSettings, 'tableName'>,
  client: () => DynamoDBDocumentClient = () => createDocumentClient(),
): Table {
  if (settings.tableName) return { client: client(), tableName: settings.tableName };
  const refuse = () => Promise.reject(new ConfigurationError('TABLE_NAME not configured'));
  return { client: { send: refuse } as unknown as DynamoDBDocumentClient, tableName: '' };
}

/** The one signal store: files deliveries as the settings say (dedup window, grouping, episode gap). */
export function signalStoreFor(settings: FunctionSettings, table: Table): DynamoDbSignalStore {
  return new DynamoDbSignalStore(table.client, table.tableName, {
    dedupWindowSeconds: settings.dedupWindowSeconds,
    groupFirings: settings.groupFirings,
    episodeGapSeconds: settings.episodeGapSeconds,
    dedupRecordRetentionSeconds: DEDUP_RECORD_RETENTION_DAYS * 86_400,
  });
}

/**
 * The intake as this service runs it: PostHog's bodies, the shared metrics, the store; where there
 * is one, the queue that keeps a delivery while storage is down; and how long one delivery's
 * storage calls may take together (DEADLINES_MS).
 */
export function intakeFor(
  store: IntakeDependencies['store'],
  {
    queue,
    storageBudgetMs,
    posthogHost,
  }: {
    readonly queue?: DeliveryQueue | undefined;
    readonly storageBudgetMs?: number | undefined;
    readonly posthogHost?: string | undefined;
  } = {},
): Intake {
  return createIntake({
    store,
    read: readPosthogDelivery,
    metrics,
    posthogHost,
    ...(storageBudgetMs === undefined ? {} : { storageBudgetMs }),
    ...(queue ? { queue } : {}),
  });
}

/** Secrets Manager when an ARN is set, else the secret itself, else a source that refuses (500). */
export function secretSourceFor(settings: FunctionSettings): WebhookSecretSource {
  if (settings.secretArn) {
    return new SecretsManagerSecretSource(createSecretsManagerClient(), settings.secretArn, {
      previousGraceMs: settings.secretGraceSeconds * 1000,
      maxStaleMs: settings.secretMaxStaleSeconds * 1000,
      onStale: (ageMs) =>
        metrics.addMetric(SECRET_STALE_METRIC, MetricUnit.Seconds, Math.round(ageMs / 1000)),
    });
  }
  if (settings.secretValue) return new StaticSecretSource(settings.secretValue);
  return new MissingSecretSource();
}

/** The SQS delivery queue, when one is configured (not in the local run). */
export function deliveryQueueFor(settings: FunctionSettings): SqsDeliveryQueue | undefined {
  return settings.deliveryQueueUrl ? new SqsDeliveryQueue(settings.deliveryQueueUrl) : undefined;
}

/** What a root may hand in instead of the functions' own parts. */
export interface WiringOptions {
  /** @default the settings' table, through the functions' fail-fast client */
  readonly table?: Table;
  /** @default the function's own budget (DEADLINES_MS) */
  readonly storageBudgetMs?: number;
}

/** The webhook's parts: the secret source, the store (its init warms it up) and the intake. */
export function webhookParts(settings: FunctionSettings, options: WiringOptions = {}) {
  const store = signalStoreFor(settings, options.table ?? tableFor(settings));
  return {
    secrets: secretSourceFor(settings),
    store,
    intake: intakeFor(store, {
      queue: deliveryQueueFor(settings),
      storageBudgetMs: options.storageBudgetMs ?? DEADLINES_MS.storageDelivery,
      posthogHost: settings.posthogHost,
    }),
  };
}

/**
 * The drain's parts: the intake without a queue (a delivery that cannot be written stays on the
 * queue it came from), and the queue's back-off.
 */
export function drainParts(settings: FunctionSettings, options: WiringOptions = {}) {
  const store = signalStoreFor(settings, options.table ?? tableFor(settings));
  return {
    intake: intakeFor(store, {
      storageBudgetMs: options.storageBudgetMs ?? DEADLINES_MS.drainDelivery,
      posthogHost: settings.posthogHost,
    }),
    // Without the queue's URL, its own visibility timeout spaces the attempts instead.
    backoff: deliveryQueueFor(settings) ?? { postpone: async () => undefined },
  };
}

/**
 * What `replay` runs a kept delivery through: the webhook's store and intake, with the settings
 * of the deployment it replays into, and no queue (the operator sees an outage at once).
 */
export function replayParts(settings: FunctionSettings, table: Table, storageBudgetMs: number) {
  const store = signalStoreFor(settings, table);
  return { store, intake: intakeFor(store, { storageBudgetMs, posthogHost: settings.posthogHost }) };
}

/** What the triage board reads and moves with (lambda/board/): the read model and the triage action. */
export function boardPartsFor(table: Table): {
  readonly queries: SignalQueries;
  readonly triage: IssueTriage;
} {
  return {
    queries: new SignalQueries(table.client, table.tableName),
    triage: new IssueTriage(table.client, table.tableName),
  };
}

/** The triage operations over a table: what the triage API serves, and the CLI calls. */
export function triageServiceFor(table: Table): TriageService {
  return new TriageService(
    new SignalQueries(table.client, table.tableName),
    new IssueTriage(table.client, table.tableName),
  );
}
