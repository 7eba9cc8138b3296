/** The Powertools Logger and Metrics both functions write through, one of each per process. */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metric-names.ts';

/** Structured JSON logs (level from `POWERTOOLS_LOG_LEVEL`, default INFO). */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/** Embedded Metric Format metrics: one `service` dimension only, to keep custom metrics few. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
