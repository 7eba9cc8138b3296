/** The Powertools Logger and Metrics both functions write through, one of each per process. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { stackNameOf } from '../settings.ts';
import { METRICS_NAMESPACE, SERVICE_NAME, STACK_DIMENSION } from './metric-names.ts';

/** Structured JSON logs (level from `POWERTOOLS_LOG_LEVEL`, default INFO). */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/**
 * Embedded Metric Format metrics with two dimensions, `service` and `stack`, and no more: each
 * stack's alarms read only its own deliveries, and custom metrics stay few.
 */
export const metrics = new Metrics({
  namespace: METRICS_NAMESPACE,
  serviceName: SERVICE_NAME,
  defaultDimensions: { [STACK_DIMENSION]: stackNameOf(process.env) },
});
