/**
 * The names of what the functions log and count: pure, so the stack (alarms, dashboard) reads the
 * same names without building Powertools' instances.
 */
import type { Severity } from '../core/severity.ts';

/** Service name on every log line and metric (Powertools `service` key / dimension). */
export const SERVICE_NAME = 'posthog-signals';
/**
 * The dimension naming the stack (its functions' `STACK_NAME`), next to `service` on every metric:
 * two stacks in one account (staging, production) never share a metric, alarm or dashboard line.
 */
export const STACK_DIMENSION = 'stack';
/** CloudWatch namespace of the delivery metrics; the stack's alarms and dashboard read it. */
export const METRICS_NAMESPACE = 'LoopPosthogSignals';

/** What became of a delivery at the webhook; each has a metric `Delivery<Outcome>`. */
export const OUTCOMES = [
  'created',
  'duplicate',
  'queued',
  'unauthorized',
  'invalid',
  'unconfigured',
  'failed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * What became of a queued delivery at the drain: written (or found written already), rejected
 * for good (e.g. its key was reused with another body), to be retried, or given up on (its last
 * attempt failed: SQS moves it to the dead-letter queue). Each has a metric `Delivery<Outcome>`.
 */
export const DRAIN_OUTCOMES = ['drained', 'rejected', 'retried', 'deadLettered'] as const;
export type DrainOutcome = (typeof DRAIN_OUTCOMES)[number];

/** Metric counting deliveries with this outcome, e.g. `DeliveryCreated`, `DeliveryDeadLettered`. */
export function outcomeMetricName(outcome: Outcome | DrainOutcome): string {
  return `Delivery${capitalised(outcome)}`;
}

/**
 * Metric counting authenticated deliveries that could not be read (a 400 after authentication):
 * each is kept for replay (docs/http-contract.md "Nothing authenticated is lost").
 */
export const UNREADABLE_METRIC = 'DeliveryUnreadable';

/**
 * Metric of each request authenticated with a cached secret past its age because Secrets Manager
 * failed (docs/http-contract.md "Secret"), valued at the copy's age in seconds: its sample count
 * counts them, its maximum is alarmed once the copy is 15 minutes old (Secrets Manager has failed
 * for ten).
 */
export const SECRET_STALE_METRIC = 'SecretStale';

/**
 * Metric counting deliveries queued because the table is missing or access to it is denied: an
 * operator's mistake, not an outage (they drain once it is fixed).
 */
export const STORAGE_MISCONFIGURED_METRIC = 'StorageMisconfigured';

/** Metric counting created signals of this severity, e.g. `SignalsCritical`. */
export function severityMetricName(severity: Severity): string {
  return `Signals${capitalised(severity)}`;
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
