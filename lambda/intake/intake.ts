/**
 * The one business operation: a delivery as it arrived → Loop signals and issues, whatever
 * carried it. The webhook (HTTP) and the drain (the delivery queue) both call `accept`, and keep
 * only their transport: the HTTP answer, or the batch outcome and back-off.
 *
 *   bytes ─ parse (JSON object) ─ source reading (one signal per alert the body reports)
 *         ─ dedup identity ─ store (a new issue, the alert's open issue, or a lone resolution;
 *           or the replay of an earlier delivery)
 *         ─ effects: the per-severity metric of each new signal, the delivery log's fields
 *
 * An authenticated body that cannot be read is refused, and kept (docs/http-contract.md "Nothing
 * authenticated is lost") so it can be replayed once the service learns its shape. While storage
 * is down, a delivery is handed to its `queue` (the webhook's durable queue) when there is one,
 * and counts as accepted. What it needs from the world is in ports.ts.
 */
import { createHash } from 'node:crypto';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { deliveryIdentity } from '../core/delivery-key.ts';
import { DependencyUnavailableError, InvalidPayloadError } from '../core/errors.ts';
import { ownField, parseJsonObject } from '../core/json.ts';
import { safeLinks } from '../core/links.ts';
import type { SignalDraft, SignalReading } from '../core/loop-records.ts';
import type { Severity } from '../core/severity.ts';
import { nameOf } from '../observability/error-details.ts';
import {
  STORAGE_MISCONFIGURED_METRIC,
  severityMetricName,
  UNREADABLE_METRIC,
} from '../observability/metric-names.ts';
import type {
  DeliveryQueue,
  RawDelivery,
  SignalStore,
  SourceReader,
  StoredDelivery,
  UnreadableKeeper,
} from './ports.ts';

/** What the delivery log says of an accepted delivery (never the payload). */
export interface DeliveryFacts {
  /** What the signal is about, as the source named it (a metric or alert name). */
  readonly metricName: string;
  readonly severity: Severity;
  /** How the (first) signal was filed, once stored (not for a replay, which filed nothing). */
  readonly filing?: StoredDelivery['filing'];
  /** A test delivery (stored, kept out of triage). */
  readonly test?: true;
  readonly signalId?: string;
  readonly issueId?: string | null;
  /** How many signals the body reported, when more than one. */
  readonly signals?: number;
  /** Once queued: the name of the storage failure that made it wait. */
  readonly storageFailure?: string | undefined;
}

/** What became of an accepted delivery. */
export type IntakeResult =
  | {
      readonly status: 'stored';
      /** One per signal the body reported (most bodies: one). */
      readonly stored: readonly [StoredDelivery, ...StoredDelivery[]];
      /** True when the delivery repeated an earlier one and nothing new was written. */
      readonly replayed: boolean;
      readonly facts: DeliveryFacts;
    }
  | { readonly status: 'queued'; readonly facts: DeliveryFacts };

export interface IntakeDependencies {
  readonly store: SignalStore & Partial<UnreadableKeeper>;
  /** How the sender's bodies are read (lambda/sources/). */
  readonly read: SourceReader;
  /** A self-hosted PostHog's host: its links are kept too (core/links.ts). @default PostHog Cloud's only */
  readonly posthogHost?: string | undefined;
  readonly metrics: Metrics;
  /** Keeps a delivery durably while storage is down. @default none: the outage is thrown */
  readonly queue?: DeliveryQueue;
  /**
   * The most all of one delivery's storage calls may take together, every signal of it and
   * retries included; then storage counts as unavailable (docs/http-contract.md "Deadlines").
   * @default none: each call has only its client's deadline
   */
  readonly storageBudgetMs?: number;
}

/** The intake operation, bound to its dependencies. */
export interface Intake {
  /**
   * Accepts one delivery. Throws InvalidPayloadError (unreadable; kept, see UnreadableKeeper),
   * KeyReusedError, ReplayGoneError, ConfigurationError, or DependencyUnavailableError when
   * storage (and the queue, if any) is unavailable.
   */
  accept(delivery: RawDelivery): Promise<IntakeResult>;
}

/** Builds the intake operation around the given dependencies. */
export function createIntake({
  store,
  read,
  metrics,
  queue,
  storageBudgetMs,
  posthogHost,
}: IntakeDependencies): Intake {
  const readOrKeep = async (delivery: RawDelivery): Promise<readonly [SignalDraft, ...SignalDraft[]]> => {
    try {
      return draftsOf(delivery, read, posthogHost);
    } catch (error) {
      if (!(error instanceof InvalidPayloadError) || !store.keepUnreadable) throw error;
      metrics.addMetric(UNREADABLE_METRIC, MetricUnit.Count, 1);
      const id = unreadableId(delivery);
      const kept = await store.keepUnreadable({ id, delivery, reason: error.message }).then(
        () => `kept for replay as ${id}`,
        (keepError: unknown) => `could not be kept (${nameOf(keepError)})`,
      );
      throw new InvalidPayloadError(error.message, { detail: kept });
    }
  };

  return {
    async accept(delivery) {
      const drafts = await readOrKeep(delivery);
      const [first] = drafts;
      const facts: DeliveryFacts = {
        metricName: first.reading.subject,
        severity: first.reading.severity,
        ...(drafts.length > 1 ? { signals: drafts.length } : {}),
        ...(first.test ? { test: true } : {}),
      };
      const stored: StoredDelivery[] = [];
      const budget =
        storageBudgetMs === undefined ? {} : { abortSignal: AbortSignal.timeout(storageBudgetMs) };
      try {
        for (const draft of drafts) stored.push(await store.file(draft, budget));
      } catch (error) {
        if (!queue || !isStorageOutage(error)) throw error;
        // Queued whole: the drain files it again, and what was filed already replays.
        await queue.send(delivery).catch((queueError: unknown) => {
          throw new DependencyUnavailableError('Storage', {
            cause: error.cause,
            detail: `the delivery queue is unavailable too (${nameOf(queueError)})`,
          });
        });
        if (error.misconfigured) metrics.addMetric(STORAGE_MISCONFIGURED_METRIC, MetricUnit.Count, 1);
        return { status: 'queued', facts: { ...facts, storageFailure: nameOf(error.cause) } };
      }
      for (const { records, replayed } of stored) {
        // A test is not a signal of anything: it counts as a delivery, not by severity. A repeat
        // wrote nothing, so counts nothing.
        if (!replayed && !records.signal.test) {
          metrics.addMetric(severityMetricName(records.signal.severity), MetricUnit.Count, 1);
        }
      }
      const [head, ...rest] = stored as [StoredDelivery, ...StoredDelivery[]];
      return {
        status: 'stored',
        stored: [head, ...rest],
        replayed: stored.every((one) => one.replayed),
        facts: {
          ...facts,
          // A replay filed nothing: how the first delivery was filed is not this one's fact.
          ...(head.replayed ? {} : { filing: head.filing }),
          signalId: head.signalId,
          issueId: head.issueId,
        },
      };
    },
  };
}

/**
 * The drafts of one delivery: its body read as signals (one per alert it reports), each with the
 * identity its key headers (or, without them, its bytes) give it — the n-th of several with `#n`
 * after the key. Pure; throws InvalidPayloadError for a body that is not one.
 */
export function draftsOf(
  delivery: RawDelivery,
  read: SourceReader,
  posthogHost?: string,
): readonly [SignalDraft, ...SignalDraft[]] {
  const { payload, text } = parseJsonObject(delivery.body);
  // Only safe links go any further: https, on PostHog's hosts or this deployment's own.
  const readings = read(payload).map((reading) => ({
    ...reading,
    links: safeLinks(reading.links, posthogHost),
  })) as [SignalReading, ...SignalReading[]];
  const identity = deliveryIdentity(delivery.keyHeaders, delivery.body);
  // A test delivery says so at the top of its body, in JSON's own `true` (docs/http-contract.md).
  const test = ownField(payload, 'test') === true;
  const draftOf = (reading: SignalReading, index: number): SignalDraft => ({
    reading,
    payload,
    payloadText: text,
    receivedAt: delivery.receivedAt,
    test,
    delivery: readings.length > 1 ? { ...identity, key: `${identity.key}#${index}` } : identity,
  });
  const [first, ...rest] = readings;
  return [draftOf(first, 0), ...rest.map((reading, index) => draftOf(reading, index + 1))];
}

/**
 * The id an unreadable delivery is kept under: from its dedup identity and its body, so a retry
 * is kept once, and another body under the same key is kept beside it, never over it.
 */
function unreadableId(delivery: RawDelivery): string {
  const { key, bodySha256 } = deliveryIdentity(delivery.keyHeaders, delivery.body);
  return createHash('sha256').update(`${key}\n${bodySha256}`).digest('hex').slice(0, 32);
}

function isStorageOutage(error: unknown): error is DependencyUnavailableError {
  return error instanceof DependencyUnavailableError && error.dependency === 'Storage';
}
