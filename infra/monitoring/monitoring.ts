import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAME, STACK_DIMENSION } from '../../lambda/observability/metric-names.ts';
import { type AlarmRoutes, routeAlarms } from './alarm-routes.ts';
import { alarmSpecs } from './alarm-specs.ts';
import { dashboardWidgets } from './dashboard-widgets.ts';
import { FIVE_MINUTES, type MonitoredResources } from './monitored.ts';

export interface MonitoringProps extends MonitoredResources {
  /** Where notifications go besides the topic. @default none */
  readonly routes?: AlarmRoutes;
  /** Alarm when no delivery was accepted for this many hours. @default no such alarm */
  readonly quietPeriodHours?: number;
}

/**
 * What on-call needs from CloudWatch alone: an SNS topic for alarms (and its routes,
 * alarm-routes.ts), the alarms (alarm-specs.ts, each notifying on alarm and on OK), and a
 * dashboard (dashboard-widgets.ts). Every custom metric carries the stack's name, so another
 * stack's deliveries never count here.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'Loop PostHog signals alarms',
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states only; CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer key would cost more than the data is worth protecting.',
    });
    routeAlarms(this, this.topic, props.routes ?? {});
    const ownMetric = (metricName: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME, [STACK_DIMENSION]: Stack.of(this).stackName },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      });

    this.alarms = alarmSpecs(props, ownMetric, props.quietPeriodHours).map((spec) => {
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
    this.dashboard.addWidgets(...dashboardWidgets(props, ownMetric, this.alarms));
  }
}
