import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Severity } from './domain/severity.ts';

/** Service name on every log line and metric (Powertools `service` key / dimension). */
export const SERVICE_NAME = 'posthog-signals';
/** CloudWatch namespace of the delivery metrics; the stack's alarms and dashboard read it. */
export const METRICS_NAMESPACE = 'LoopPosthogSignals';

/** What became of a delivery; each has a metric `Delivery<Outcome>`. */
export const OUTCOMES = [
  'created',
  'duplicate',
  'unauthorized',
  'invalid',
  'unconfigured',
  'failed',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Metric counting deliveries with this outcome, e.g. `DeliveryCreated`. */
export function outcomeMetricName(outcome: Outcome): string {
  return `Delivery${capitalised(outcome)}`;
}

/** Metric counting created signals of this severity, e.g. `SignalsCritical`. */
export function severityMetricName(severity: Severity): string {
  return `Signals${capitalised(severity)}`;
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Structured JSON logs (level from `POWERTOOLS_LOG_LEVEL`, default INFO). */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/** Embedded Metric Format metrics: one `service` dimension only, to keep custom metrics few. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
