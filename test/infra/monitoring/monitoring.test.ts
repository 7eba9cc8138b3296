import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { stackConfigFrom } from '../../../infra/config.ts';
import { PosthogSignalsStack } from '../../../infra/stack.ts';
import { PROJECT_ROOT } from '../../support/fixtures.ts';
import { CDK_JSON_CONTEXT, synthStack } from '../../support/stack.ts';

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

  it('routes alarms to an HTTPS endpoint and to Slack only when each is configured', () => {
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    const { template: routed } = synthStack({
      alarmHttpsUrl: 'https://events.pagerduty.com/integration/abc123/enqueue',
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0456EFGH',
    });
    routed.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      Endpoint: 'https://events.pagerduty.com/integration/abc123/enqueue',
    });
    const slackTopic = Object.keys(routed.findResources('AWS::SNS::Topic'))[0];
    routed.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0456EFGH',
      SnsTopicArns: [{ Ref: slackTopic }],
    });
    routed.resourceCountIs('AWS::SNS::Subscription', 1);
  });

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

  it('scopes the delivery metrics to the service and stack dimensions the functions emit', () => {
    expect(alarm('FailedDeliveries').Dimensions).toEqual([
      { Name: 'service', Value: 'posthog-signals' },
      { Name: 'stack', Value: 'TestStack' },
    ]);
  });

  it('alarms Misconfigured on a refused delivery (secret) or one queued because of storage (table missing, access denied)', () => {
    const misconfigured = alarm('Misconfigured') as { Metrics: Record<string, unknown>[] };
    expect(misconfigured).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: topicId }],
    });
    const expression = misconfigured.Metrics.find((metric) => 'Expression' in metric);
    expect(expression).toMatchObject({
      Expression: 'FILL(unconfigured, 0) + FILL(storage, 0)',
      ReturnData: true,
    });
    const names = misconfigured.Metrics.flatMap((metric) =>
      'MetricStat' in metric
        ? [(metric.MetricStat as { Metric: { MetricName: string } }).Metric.MetricName]
        : [],
    );
    expect(names.sort()).toEqual(['DeliveryUnconfigured', 'StorageMisconfigured']);
  });

  it('alarms SecretStale as soon as a delivery is authenticated with a cached secret 15 minutes old', () => {
    expect(alarm('SecretStale')).toMatchObject({
      Namespace: 'LoopPosthogSignals',
      MetricName: 'SecretStale',
      Statistic: 'Maximum',
      Threshold: 900,
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
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
    expect(Object.keys(alarms)).toHaveLength(17);
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

describe('the triage board in the dashboard', () => {
  const { template } = synthStack();
  /** The dashboard's widgets, each reference written as `<LogicalId.Attribute>` (or `<LogicalId>`). */
  const widgets = () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const [, parts] = dashboards[0]?.Properties.DashboardBody['Fn::Join'] ?? ['', []];
    const text = (parts as unknown[])
      .map((part) => {
        if (typeof part === 'string') return part;
        const { 'Fn::GetAtt': attribute, Ref: ref } = part as { 'Fn::GetAtt'?: string[]; Ref?: string };
        return attribute ? `<${attribute.join('.')}>` : `<${ref}>`;
      })
      .join('');
    return (JSON.parse(text) as { widgets: { type: string; properties: Record<string, unknown> }[] }).widgets;
  };
  const boardView = Object.entries(template.findResources('AWS::Lambda::Function')).find(([, fn]) =>
    String(fn.Properties.Description).startsWith('The triage board: the open issues'),
  )?.[0];

  it('is the first widget: a custom widget of the board view function, refreshed with the dashboard', () => {
    const [first] = widgets();
    expect(first).toMatchObject({
      type: 'custom',
      properties: {
        endpoint: `<${boardView}.Arn>`,
        title: 'Triage board: open issues, most urgent first',
        updateOn: { refresh: true, resize: false, timeRange: false },
      },
    });
  });

  it('is a widget of its own: no other widget needs the board, so a viewer who may not invoke it still sees them all', () => {
    const others = widgets().slice(1);
    expect(others.length).toBeGreaterThan(8);
    expect(others.every((widget) => widget.type !== 'custom')).toBe(true);
    expect(JSON.stringify(others)).not.toContain('Board');
  });
});

describe('two stacks in one account (staging next to production)', () => {
  const app = new App({
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
  });
  const built = ['LoopPosthogSignals', 'LoopPosthogSignalsStaging'].map((name) => ({
    name,
    stack: new PosthogSignalsStack(app, name, {
      config: stackConfigFrom((key) => (key === 'stackName' ? name : app.node.tryGetContext(key))),
    }),
  }));
  // Both in one app, as one `cdk synth` would build them; then each template.
  const stacks = built.map(({ name, stack }) => ({ name, template: Template.fromStack(stack) }));

  /** The `stack` dimension of every custom metric the template reads (alarms and dashboard). */
  function stackDimensions(template: Template): string[] {
    const text = JSON.stringify(template.toJSON());
    const alarmValues = [...text.matchAll(/\{"Name":"stack","Value":"([^"]+)"\}/g)].map(
      (match) => match[1] ?? '',
    );
    // The dashboard's metric arrays: [namespace, name, "service", value, "stack", value].
    const dashboardValues = [...text.matchAll(/\\"stack\\",\\"([^\\]+)\\"/g)].map((match) => match[1] ?? '');
    return [...alarmValues, ...dashboardValues];
  }

  it.each([0, 1])('reads only its own deliveries in its alarms and dashboard (stack %#)', (index) => {
    const { name, template } = stacks[index] as (typeof stacks)[number];
    const values = stackDimensions(template);
    // Every custom metric, alarmed or graphed, is read under this stack's name and no other.
    expect(values.length).toBeGreaterThan(20);
    expect(new Set(values)).toEqual(new Set([name]));
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables.STACK_NAME).toBe(name);
    }
  });

  it('notifies its own topic only', () => {
    for (const { template } of stacks) {
      const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
      for (const { Properties } of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
        expect(Properties.AlarmActions).toEqual([{ Ref: topic }]);
      }
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
    const doc = readFileSync(join(PROJECT_ROOT, 'docs/operations.md'), 'utf8');
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
