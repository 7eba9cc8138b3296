import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { SlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SEVERITIES } from '../../lambda/core/severity.ts';
import {
  DRAIN_OUTCOMES,
  type DrainOutcome,
  METRICS_NAMESPACE,
  OUTCOMES,
  type Outcome,
  outcomeMetricName,
  SECRET_STALE_METRIC,
  SERVICE_NAME,
  STACK_DIMENSION,
  STORAGE_MISCONFIGURED_METRIC,
  severityMetricName,
  UNREADABLE_METRIC,
} from '../../lambda/observability/metric-names.ts';

/** Where alarm notifications go besides the topic; each only when configured (docs/operations.md "Alarm routes"). */
export interface AlarmRoutes {
  /** An address subscribed by e-mail (AWS sends a confirmation first). */
  readonly email?: string;
  /** An HTTPS endpoint subscribed to the topic, e.g. an on-call tool's SNS integration URL. */
  readonly httpsUrl?: string;
  /** A Slack channel, through Amazon Q Developer in chat applications (the workspace authorised once in its console). */
  readonly slack?: { readonly workspaceId: string; readonly channelId: string };
}

export interface MonitoringProps {
  /** The webhook function. */
  readonly webhook: IFunction;
  /** The function that drains the delivery queue. */
  readonly drain: IFunction;
  /** The read and triage API's function. */
  readonly readApi: IFunction;
  /** Issue events the pipe could not publish. */
  readonly eventDeadLetterQueue: IQueue;
  readonly api: IHttpApi;
  readonly table: ITable;
  /** Deliveries waiting for storage. */
  readonly queue: IQueue;
  /** Deliveries that failed every attempt. */
  readonly deadLetterQueue: IQueue;
  /** Where notifications go besides the topic. @default none */
  readonly routes?: AlarmRoutes;
  /** Alarm when no delivery was accepted for this many hours. @default no such alarm */
  readonly quietPeriodHours?: number;
}

const FIVE_MINUTES = Duration.minutes(5);
const TABLE_OPERATIONS = [
  Operation.UPDATE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.GET_ITEM,
  Operation.QUERY,
];

interface AlarmSpec {
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
 * What on-call needs from CloudWatch alone: an SNS topic for alarms, the alarms, and a
 * dashboard of deliveries by outcome, signals by severity, latency, errors, throttles, DynamoDB
 * capacity and the delivery queue. Deliveries are bursty and often rare, so missing data never
 * alarms.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { api, table, queue, deadLetterQueue, drain, webhook, readApi, eventDeadLetterQueue } = props;

    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'Loop PostHog signals alarms',
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states only; CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer key would cost more than the data is worth protecting.',
    });
    this.routeAlarms(props.routes ?? {});
    const customMetric = (metricName: string) => this.ownMetric(metricName);

    const specs: AlarmSpec[] = [
      {
        id: 'FailedDeliveries',
        metric: customMetric(outcomeMetricName('failed')),
        threshold: 1,
        description:
          'A delivery failed (503 while Secrets Manager was unavailable, or DynamoDB and the delivery queue both; or an unexpected 500); PostHog retries up to 3 times. First check: function logs, outcome="failed", fields "cause" and "detail".',
      },
      {
        id: 'Misconfigured',
        metric: new MathExpression({
          expression: 'FILL(unconfigured, 0) + FILL(storage, 0)',
          usingMetrics: {
            unconfigured: customMetric(outcomeMetricName('unconfigured')),
            storage: customMetric(STORAGE_MISCONFIGURED_METRIC),
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
        metric: customMetric(SECRET_STALE_METRIC).with({ statistic: 'Maximum' }),
        threshold: 15 * 60,
        description:
          'A delivery was authenticated with a cached secret 15 minutes old or more: Secrets Manager has failed for at least ten minutes; past SECRET_MAX_STALE_MINUTES deliveries will be refused with 503. First check: the AWS Health Dashboard for Secrets Manager, then the function logs for the fetch error ("cause"), the secret\'s KMS key and the VPC endpoint if any.',
      },
      {
        id: 'UnauthorizedSurge',
        metric: customMetric(outcomeMetricName('unauthorized')),
        threshold: 10,
        description:
          'Many deliveries presented a wrong or missing secret: the webhook URL may have leaked, or the secret was rotated and PostHog not updated (or its grace period ended). First check: API access logs (source IPs), then the X-PostHog-Secret header in the PostHog destination.',
      },
      {
        id: 'UnreadableDeliveries',
        metric: customMetric(UNREADABLE_METRIC),
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
        metric: customMetric(outcomeMetricName('rejected')),
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
        id: 'ReadApiErrors',
        metric: readApi.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        description:
          'The read and triage API function crashed or timed out (refusals answer 4xx and do not count). First check: the ReadApi log group for "Task timed out" or uncaught errors.',
      },
    ];

    if (props.quietPeriodHours) {
      const hours = props.quietPeriodHours;
      specs.push({
        id: 'NoDeliveries',
        metric: customMetric(outcomeMetricName('created')).with({ period: Duration.hours(hours) }),
        threshold: 1,
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        // Here silence is the symptom.
        treatMissingData: TreatMissingData.BREACHING,
        description: `No delivery was accepted in ${hours} h although PostHog alerts are expected. First check: the PostHog alert and its webhook destination (URL, header), then UnauthorizedSurge and the API access logs.`,
      });
    }

    this.alarms = specs.map((spec) => {
      const alarm = new Alarm(this, spec.id, {
        alarmDescription: spec.description,
        metric: spec.metric,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods ?? 1,
        datapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods ?? 1,
        comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: spec.treatMissingData ?? TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarm.addOkAction(new SnsAction(this.topic));
      return alarm;
    });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    this.addWidgets(props);
  }

  /**
   * One of the functions' own metrics, as this stack's functions emit it: the service and the
   * stack's name are its dimensions, so another stack's deliveries never count here.
   */
  private ownMetric(metricName: string): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME, [STACK_DIMENSION]: Stack.of(this).stackName },
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
  }

  private routeAlarms({ email, httpsUrl, slack }: AlarmRoutes): void {
    if (email) this.topic.addSubscription(new EmailSubscription(email));
    if (httpsUrl) this.topic.addSubscription(new UrlSubscription(httpsUrl));
    if (slack) {
      new SlackChannelConfiguration(this, 'Slack', {
        slackChannelConfigurationName: `${Stack.of(this).stackName}-alarms`.slice(0, 128),
        slackWorkspaceId: slack.workspaceId,
        slackChannelId: slack.channelId,
        notificationTopics: [this.topic],
      });
    }
  }

  private addWidgets({ api, table, queue, deadLetterQueue, webhook }: MonitoringProps): void {
    // Labelled for the dashboard; alarms take the plain metric (a label turns it into a math expression).
    const deliveryMetric = (outcome: Outcome | DrainOutcome) =>
      this.ownMetric(outcomeMetricName(outcome)).with({ label: outcome });
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 12, height: 6 });
    this.dashboard.addWidgets(
      graph('Deliveries by outcome', [
        ...OUTCOMES.map(deliveryMetric),
        this.ownMetric(UNREADABLE_METRIC).with({ label: 'unreadable (kept)' }),
      ]),
      graph(
        'New signals by severity',
        SEVERITIES.map((severity) => this.ownMetric(severityMetricName(severity))),
      ),
      graph('Latency (ms)', [
        api.metricLatency({ statistic: 'p50', label: 'API p50' }),
        api.metricLatency({ statistic: 'p99', label: 'API p99' }),
        webhook.metricDuration({ statistic: 'p50', label: 'Lambda p50' }),
        webhook.metricDuration({ statistic: 'p99', label: 'Lambda p99' }),
      ]),
      graph('Errors', [
        api.metricServerError({ statistic: 'Sum', label: 'API 5xx' }),
        api.metricClientError({ statistic: 'Sum', label: 'API 4xx' }),
        webhook.metricErrors({ statistic: 'Sum', label: 'Lambda errors' }),
      ]),
      graph('Throttles', [
        webhook.metricThrottles({ statistic: 'Sum', label: 'Lambda throttles' }),
        table.metricThrottledRequestsForOperations({
          operations: TABLE_OPERATIONS,
          label: 'DynamoDB throttled',
        }),
      ]),
      graph('DynamoDB consumed capacity', [
        table.metricConsumedWriteCapacityUnits({ statistic: 'Sum', label: 'WCU' }),
        table.metricConsumedReadCapacityUnits({ statistic: 'Sum', label: 'RCU' }),
      ]),
      graph(
        'Delivery queue: waiting deliveries',
        [
          queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: 'waiting' }),
          queue.metricApproximateNumberOfMessagesNotVisible({ statistic: 'Maximum', label: 'being retried' }),
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            label: 'dead-lettered',
          }),
        ],
        [queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', label: 'oldest waiting (s)' })],
      ),
      graph('Queued deliveries drained, by outcome', DRAIN_OUTCOMES.map(deliveryMetric)),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
  }
}
