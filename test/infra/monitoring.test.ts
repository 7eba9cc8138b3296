import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { synthStack } from '../support/stack.ts';

describe('monitoring', () => {
  const { template } = synthStack();
  const alarms = template.findResources('AWS::CloudWatch::Alarm') as Record<
    string,
    { Properties: Record<string, unknown> & { AlarmDescription: string } }
  >;
  const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];

  /** The alarm whose logical id contains the name (ids are generated; names are ours). */
  const alarm = (name: string) => {
    const found = Object.entries(alarms).filter(([id]) => id.includes(name));
    expect(found).toHaveLength(1);
    return (found[0]?.[1].Properties ?? {}) as Record<string, unknown>;
  };

  it('has one SNS topic that requires TLS, and subscribes an e-mail address only when configured', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    const { template: withEmail } = synthStack({ alarmEmail: 'oncall@example.com' });
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it.each([
    ['FailedDeliveries', 'LoopPosthogSignals', 'DeliveryFailed', 1],
    ['Misconfigured', 'LoopPosthogSignals', 'DeliveryUnconfigured', 1],
    ['UnauthorizedSurge', 'LoopPosthogSignals', 'DeliveryUnauthorized', 10],
    ['LambdaErrors', 'AWS/Lambda', 'Errors', 1],
    ['LambdaThrottles', 'AWS/Lambda', 'Throttles', 1],
    ['Api5xx', 'AWS/ApiGateway', '5xx', 3],
    ['RejectedQueuedDeliveries', 'LoopPosthogSignals', 'DeliveryRejected', 1],
    ['DrainErrors', 'AWS/Lambda', 'Errors', 1],
  ])(
    'alarms on %s (%s %s ≥ %d in 5 minutes), notifying the topic on alarm and recovery',
    (name, namespace, metric, threshold) => {
      expect(alarm(name)).toMatchObject({
        Namespace: namespace,
        MetricName: metric,
        Threshold: threshold,
        Period: 300,
        Statistic: 'Sum',
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
    },
  );

  it('scopes the delivery metrics to the service dimension the function emits', () => {
    expect(alarm('FailedDeliveries').Dimensions).toEqual([{ Name: 'service', Value: 'posthog-signals' }]);
  });

  it('alarms when p99 latency passes 2 s in 2 of 3 five-minute periods', () => {
    expect(alarm('LatencyP99')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 2000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
  });

  it.each([
    ['DynamoDbThrottles', 'ThrottledRequests'],
    ['DynamoDbSystemErrors', 'SystemErrors'],
  ])('alarms on DynamoDB %s across the operations the function uses', (name, metric) => {
    const metrics = JSON.stringify(alarm(name).Metrics);
    for (const operation of ['UpdateItem', 'TransactWriteItems', 'GetItem', 'Query'])
      expect(metrics).toContain(operation);
    expect(metrics).toContain(metric);
    expect(alarm(name)).toMatchObject({
      Threshold: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it.each([
    ['DeadLetteredDeliveries', 'ApproximateNumberOfMessagesVisible', 1],
    ['QueuedDeliveryAge', 'ApproximateAgeOfOldestMessage', 900],
  ])('alarms on %s (%s maximum ≥ %d)', (name, metric, threshold) => {
    expect(alarm(name)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: metric,
      Statistic: 'Maximum',
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it('describes every alarm with what it means and what to check first', () => {
    expect(Object.keys(alarms)).toHaveLength(16);
    for (const { Properties } of Object.values(alarms))
      expect(Properties.AlarmDescription).toMatch(/First check: .{10,}/);
  });

  it('alarms on a quiet period only when configured: no accepted delivery in N hours, missing data breaching', () => {
    expect(Object.keys(alarms).some((id) => id.includes('NoDeliveries'))).toBe(false);
    const { template: quiet } = synthStack({ quietPeriodHours: 12 });
    quiet.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DeliveryCreated',
      Namespace: 'LoopPosthogSignals',
      Period: 43_200,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('has a dashboard of outcomes, severities, latency, errors, throttles and capacity', () => {
    const body = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: body });
    const text = JSON.stringify(body.asObject());
    for (const title of [
      'Deliveries by outcome',
      'New signals by severity',
      'Latency (ms)',
      'Errors',
      'Throttles',
      'DynamoDB consumed capacity',
      'Delivery queue: waiting deliveries',
      'Queued deliveries drained, by outcome',
      'Alarms',
    ]) {
      expect(text).toContain(title);
    }
    for (const metric of [
      'DeliveryCreated',
      'DeliveryDuplicate',
      'DeliveryUnauthorized',
      'DeliveryInvalid',
      'DeliveryUnconfigured',
      'DeliveryFailed',
      'DeliveryQueued',
      'DeliveryDrained',
      'DeliveryDeadLettered',
      'ApproximateAgeOfOldestMessage',
      'SignalsCritical',
      'SignalsLow',
      'ConsumedWriteCapacityUnits',
    ]) {
      expect(text).toContain(metric);
    }
  });
});

describe('the alarm table of docs/operations.md', () => {
  it('has exactly one row per alarm the stack can define, by name', () => {
    const { stack } = synthStack({ quietPeriodHours: 24 });
    const defined = stack.node
      .findAll()
      .filter((construct) => construct instanceof Alarm)
      .map((construct) => construct.node.id)
      .sort();
    const doc = readFileSync(join(__dirname, '../../docs/operations.md'), 'utf8');
    const table = doc.slice(doc.indexOf('| alarm |'));
    const documented = table
      .slice(0, table.indexOf('\n\n'))
      .split('\n')
      .slice(2)
      .map((line) => line.split('|')[1]?.trim().split(' ')[0] ?? '')
      .sort();

    expect(defined.length).toBeGreaterThan(10);
    expect(documented).toEqual(defined);
  });
});
