import {
  type Alarm,
  AlarmStatusWidget,
  CustomWidget,
  GraphWidget,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SEVERITIES } from '../../lambda/core/severity.ts';
import {
  DRAIN_OUTCOMES,
  type DrainOutcome,
  OUTCOMES,
  type Outcome,
  outcomeMetricName,
  severityMetricName,
  UNREADABLE_METRIC,
} from '../../lambda/observability/metric-names.ts';
import { type MonitoredResources, type OwnMetric, TABLE_OPERATIONS } from './monitored.ts';

/**
 * The dashboard's widgets: the triage board (a custom widget of its own: a viewer who may not
 * invoke its function sees an error in it alone, and every other widget as before), deliveries by
 * outcome, signals by severity, latency, errors, throttles, DynamoDB capacity, the delivery queue,
 * and the alarms' status.
 */
export function dashboardWidgets(
  { api, table, queue, deadLetterQueue, webhook, board }: MonitoredResources,
  ownMetric: OwnMetric,
  alarms: Alarm[],
): IWidget[] {
  // Labelled for the dashboard; alarms take the plain metric (a label turns it into a math expression).
  const deliveryMetric = (outcome: Outcome | DrainOutcome) =>
    ownMetric(outcomeMetricName(outcome)).with({ label: outcome });
  const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
    new GraphWidget({ title, left, right, width: 12, height: 6 });
  return [
    new CustomWidget({
      title: 'Triage board: open issues, most urgent first',
      functionArn: board.functionArn,
      width: 24,
      height: 10,
      updateOnRefresh: true,
      updateOnResize: false,
      updateOnTimeRangeChange: false,
    }),
    graph('Deliveries by outcome', [
      ...OUTCOMES.map(deliveryMetric),
      ownMetric(UNREADABLE_METRIC).with({ label: 'unreadable (kept)' }),
    ]),
    graph(
      'New signals by severity',
      SEVERITIES.map((severity) => ownMetric(severityMetricName(severity))),
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
    new AlarmStatusWidget({ title: 'Alarms', alarms, width: 24 }),
  ];
}
