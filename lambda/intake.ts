/**
 * The one business operation: a delivery as it arrived → a Loop signal and issue, whatever
 * carried it. The webhook (HTTP) and the drain (the delivery queue) both call `accept`, and keep
 * only their transport: the HTTP answer, or the batch outcome and back-off.
 *
 *   bytes ─ parse (JSON object) ─ source reading (name, severity, title) ─ dedup identity
 *         ─ store (signal + issue, or the replay of an earlier delivery)
 *         ─ effects: the per-severity metric of a new signal, the delivery log's fields
 *
 * While storage is down, a delivery is handed to `hold` (the webhook's durable queue) when there
 * is one, and counts as accepted.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { deliveryIdentity, type KeyHeaders } from './core/delivery-key.ts';
import { type JsonObject, parseJsonObject } from './core/json.ts';
import type { SignalDraft, SignalReading } from './core/loop-records.ts';
import type { Severity } from './core/severity.ts';
import { DependencyUnavailableError } from './errors.ts';
import { nameOf } from './observability/error-details.ts';
import { severityMetricName } from './observability/metric-names.ts';
import type { SignalStore, StoredDelivery } from './storage/signal-store.ts';

/** One delivery as it arrived, whatever carried it. */
export interface RawDelivery {
  /** The body's bytes exactly as received. */
  readonly body: Buffer;
  /** The headers that name the delivery (Idempotency-Key, webhook-id). */
  readonly keyHeaders: KeyHeaders;
  readonly receivedAt: Date;
  /** API Gateway's request id, for the logs. */
  readonly requestId: string | undefined;
}

/** What the delivery log says of an accepted delivery (never the payload). */
export interface DeliveryFacts {
  /** What the signal is about, as the source named it (a metric or alert name). */
  readonly metricName: string;
  readonly severity: Severity;
  /** Once stored. */
  readonly signalId?: string;
  readonly issueId?: string;
  /** Once held: the name of the storage failure that made it wait. */
  readonly storageFailure?: string | undefined;
}

/** What became of an accepted delivery. */
export type IntakeResult =
  | { readonly status: 'stored'; readonly stored: StoredDelivery; readonly facts: DeliveryFacts }
  | { readonly status: 'held'; readonly facts: DeliveryFacts };

/** Reads a parsed body as a signal; throws InvalidPayloadError naming what is missing or wrong. */
export type SourceReader = (payload: JsonObject) => SignalReading;

export interface IntakeDependencies {
  readonly store: SignalStore;
  /** How the sender's bodies are read (lambda/sources/). */
  readonly read: SourceReader;
  readonly metrics: Metrics;
  /** Keeps a delivery durably while storage is down. @default none: the outage is thrown */
  readonly hold?: (delivery: RawDelivery) => Promise<void>;
}

/** The intake operation, bound to its dependencies. */
export interface Intake {
  /**
   * Accepts one delivery. Throws InvalidPayloadError (unreadable), KeyReusedError,
   * ReplayGoneError, ConfigurationError, or DependencyUnavailableError when storage (and the
   * hold, if any) is unavailable.
   */
  accept(delivery: RawDelivery): Promise<IntakeResult>;
}

/** Builds the intake operation around the given dependencies. */
export function createIntake({ store, read, metrics, hold }: IntakeDependencies): Intake {
  return {
    async accept(delivery) {
      const draft = draftOf(delivery, read);
      const facts = { metricName: draft.reading.subject, severity: draft.reading.severity };
      let stored: StoredDelivery;
      try {
        stored = await store.createSignalWithIssue(draft);
      } catch (error) {
        if (!hold || !isStorageOutage(error)) throw error;
        await hold(delivery).catch((holdError: unknown) => {
          throw new DependencyUnavailableError('Storage', {
            cause: error.cause,
            detail: `the delivery queue is unavailable too (${nameOf(holdError)})`,
          });
        });
        return { status: 'held', facts: { ...facts, storageFailure: nameOf(error.cause) } };
      }
      const { signal, issue } = stored.records;
      if (!stored.replayed) metrics.addMetric(severityMetricName(signal.severity), MetricUnit.Count, 1);
      return { status: 'stored', stored, facts: { ...facts, signalId: signal.id, issueId: issue.id } };
    },
  };
}

/**
 * The draft of one delivery: its body read as a signal, and the identity its key headers (or, without
 * them, its bytes) give it. Pure; throws InvalidPayloadError for a body that is not one.
 */
export function draftOf(delivery: RawDelivery, read: SourceReader): SignalDraft {
  const { payload, text } = parseJsonObject(delivery.body);
  return {
    reading: read(payload),
    payload,
    payloadText: text,
    receivedAt: delivery.receivedAt,
    delivery: deliveryIdentity(delivery.keyHeaders, delivery.body),
  };
}

function isStorageOutage(error: unknown): error is DependencyUnavailableError {
  return error instanceof DependencyUnavailableError && error.dependency === 'Storage';
}
