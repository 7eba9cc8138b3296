import { Duration } from 'aws-cdk-lib';
import {
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import {
  outcomeMetricName,
  SECRET_STALE_METRIC,
  STORAGE_MISCONFIGURED_METRIC,
  UNREADABLE_METRIC,
} from '../../lambda/observability/metric-names.ts';
import { FIVE_MINUTES, type MonitoredResources, type OwnMetric, TABLE_OPERATIONS } from './monitored.ts';

/** One alarm: what it watches, when it fires, and what on-call checks first. */
export interface AlarmSpec {
  readonly id: string;
  readonly metric: IMetric;
  readonly threshold: number;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  /** @default at or above the threshold */
  readonly comparison?: ComparisonOperator;
  /** @default missing data never alarms */
  readonly treatMissingData?: TreatMissingData;
  /** What it means and what to check first, for the on-call engineer. */
  readonly description: string;
}

/**
 * The alarms, one row each (docs/operations.md lists them; a test ties the two). Deliveries are
 * bursty and often rare, so missing data never alarms — but for NoDeliveries, where silence is the
 * symptom. `quietPeriodHours`: alarm when no delivery was accepted for that long (none when unset).
 */
export function alarmSpecs(
  { api, table, queue, deadLetterQueue, drain, webhook, triageApi, eventDeadLetterQueue }: MonitoredResources,
  ownMetric: OwnMetric,
  quietPeriodHours: number | undefined,
): AlarmSpec[] {
  const specs: AlarmSpec[] = [
    {
      id: 'FailedDeliveries',
      metric: ownMetric(outcomeMetricName('failed')),
      threshold: 1,
      description:
        'A delivery failed (503 while Secrets Manager was unavailable, or DynamoDB and the delivery queue both; or an unexpected 500); PostHog retries up to 3 times. First check: function logs, outcome="failed", fields "cause" and "detail".',
    },
    {
      id: 'Misconfigured',
      metric: new MathExpression({
        expression: 'FILL(unconfigured, 0) + FILL(storage, 0)',
        usingMetrics: {
          unconfigured: ownMetric(outcomeMetricName('unconfigured')),
          storage: ownMetric(STORAGE_MISCONFIGURED_METRIC),
        },
        label: 'deliveries refused or queued for a deployment fault',
        period: FIVE_MINUTES,
      }),
      threshold: 1,
      description:
        'The deployment is broken: a delivery was refused (500) because the secret is missing or unreadable, or queued (202) because the table is missing, access to it is denied or its KMS key refuses. Queued deliveries drain once it is fixed (the drain retries for hours, then the dead-letter queue keeps them 14 days). First check: function logs, outcome="unconfigured" (field "reason") or "queued" (field "storageFailure"); the table, the secret ARN and the IAM role.',
    },
    {
      id: 'SecretStale',
      metric: ownMetric(SECRET_STALE_METRIC).with({ statistic: 'Maximum' }),
      threshold: 15 * 60,
      description:
        'A delivery was authenticated with a cached secret 15 minutes old or more: Secrets Manager has failed for at least ten minutes; past the stack\'s secretMaxStaleMinutes deliveries will be refused with 503. First check: the AWS Health Dashboard for Secrets Manager, then the function logs for the fetch error ("cause"), the secret\'s KMS key and the VPC endpoint if any.',
    },
    {
      id: 'UnauthorizedSurge',
      metric: ownMetric(outcomeMetricName('unauthorized')),
      threshold: 10,
      description:
        'Many deliveries presented a wrong or missing secret: the webhook URL may have leaked, or the secret was rotated and PostHog not updated (or its grace period ended). First check: API access logs (source IPs), then the X-PostHog-Secret header in the PostHog destination.',
    },
    {
      id: 'UnreadableDeliveries',
      metric: ownMetric(UNREADABLE_METRIC),
      threshold: 1,
      description:
        'An authenticated delivery could not be read (an unknown PostHog body shape or event kind) and was answered 400; it is kept 14 days. First check: `npm run signals -- rejected --table <TableName>` (reason, size); after an upgrade that reads it, `npm run signals -- replay <id> --table <TableName>`.',
    },
    {
      id: 'LambdaErrors',
      metric: webhook.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 1,
      description:
        'The function crashed or timed out (handled failures answer 5xx and count as FailedDeliveries instead). First check: the function log group for "Task timed out" or uncaught errors.',
    },
    {
      id: 'LambdaThrottles',
      metric: webhook.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 1,
      description:
        'Lambda throttled invocations: the account or function concurrency is exhausted and PostHog received errors. First check: account concurrency usage by other functions.',
    },
    {
      id: 'Api5xx',
      metric: api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 3,
      description:
        'The API answered 5xx three or more times in 5 minutes (one delivery and its retries). First check: FailedDeliveries and Misconfigured, then the API access logs for integrationError.',
    },
    {
      id: 'LatencyP99',
      metric: api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
      threshold: 2_000,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description:
        "p99 latency is above 2 s, close to PostHog's 3 s delivery timeout (after which it retries). First check: cold starts (Init Duration in REPORT log lines), then DynamoDB and Secrets Manager latency.",
    },
    {
      id: 'DynamoDbThrottles',
      metric: table.metricThrottledRequestsForOperations({
        operations: TABLE_OPERATIONS,
        period: FIVE_MINUTES,
      }),
      threshold: 1,
      description:
        'DynamoDB throttled requests. On-demand tables throttle when traffic more than doubles its previous peak within 30 minutes, or when one partition (the issue-number counter, the TRIAGE/SIGNALS index partitions) passes ~1,000 writes/s. First check: ConsumedWriteCapacityUnits on the dashboard.',
    },
    {
      id: 'DynamoDbSystemErrors',
      metric: table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: FIVE_MINUTES }),
      threshold: 1,
      description:
        'DynamoDB returned server errors. First check: the AWS Health Dashboard for DynamoDB in this region.',
    },
    {
      id: 'DeadLetteredDeliveries',
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      threshold: 1,
      description:
        'A delivery accepted while DynamoDB was unavailable failed every attempt (about four hours of retries) and waits in the dead-letter queue (kept 14 days). First check: drain logs, outcome="deadLettered"; fix the cause, then redrive (docs/operations.md, runbook "Deliveries waiting, and dead-lettered deliveries").',
    },
    {
      id: 'QueuedDeliveryAge',
      metric: queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      threshold: 15 * 60,
      description:
        'A delivery has waited in the delivery queue for more than 15 minutes: DynamoDB is still unavailable to the drain, or the drain is failing. First check: drain logs, outcome="retried", field "cause"; the DynamoDbThrottles and DynamoDbSystemErrors alarms.',
    },
    {
      id: 'RejectedQueuedDeliveries',
      metric: ownMetric(outcomeMetricName('rejected')),
      threshold: 1,
      description:
        'A delivery answered 202 (queued) could not be written when drained: it was refused for good, e.g. its Idempotency-Key had been used with another body (422). First check: drain logs, outcome="rejected", fields "error" and "reason".',
    },
    {
      id: 'DrainErrors',
      metric: drain.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 1,
      description:
        'The drain function crashed or timed out (a failing delivery is reported, not thrown). First check: the drain log group for "Task timed out" or uncaught errors.',
    },
    {
      id: 'EventDeliveryFailures',
      metric: eventDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      threshold: 1,
      description:
        'An issue event could not be published to the event bus after the pipe\'s retries, and waits in the event dead-letter queue (kept 14 days). The issue itself is stored. First check: the pipe\'s state and metrics in the EventBridge console; then redrive (docs/operations.md, runbook "Issue events that could not be published").',
    },
    {
      id: 'TriageApiErrors',
      metric: triageApi.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 1,
      description:
        'The triage API function crashed or timed out (refusals answer 4xx and do not count). First check: the TriageApi function\'s log group for "Task timed out" or uncaught errors.',
    },
  ];

  if (quietPeriodHours) {
    const hours = quietPeriodHours;
    specs.push({
      id: 'NoDeliveries',
      metric: ownMetric(outcomeMetricName('created')).with({ period: Duration.hours(hours) }),
      threshold: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      // Here silence is the symptom.
      treatMissingData: TreatMissingData.BREACHING,
      description: `No delivery was accepted in ${hours} h although PostHog alerts are expected. First check: the PostHog alert and its webhook destination (URL, header), then UnauthorizedSurge and the API access logs.`,
    });
  }
  return specs;
}
