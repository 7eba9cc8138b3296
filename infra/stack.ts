import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { TABLE_DESIGN } from '../lambda/storage/table-design.ts';
import type { StackConfig } from './config.ts';
import { DeliveryQueue } from './constructs/delivery-queue.ts';
import { IssueEvents } from './constructs/issue-events.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { SignalsTable } from './constructs/signals-table.ts';
import { WebhookApi } from './constructs/webhook-api.ts';
import { WebhookSecret } from './constructs/webhook-secret.ts';

export interface PosthogSignalsStackProps extends StackProps {
  readonly config: StackConfig;
}

// A batch of ten deliveries written in parallel, each at worst ~4 s with the fail-fast SDK settings.
const DRAIN_TIMEOUT = Duration.seconds(30);

/**
 * Loop's PostHog integration: HTTP API `POST /api/signals/posthog` → the webhook function →
 * the signals table, with the webhook secret in Secrets Manager; while the table is unavailable,
 * deliveries wait in an SQS queue that the drain function writes from; alarms and a dashboard.
 */
export class PosthogSignalsStack extends Stack {
  constructor(scope: Construct, id: string, props: PosthogSignalsStackProps) {
    super(scope, id, props);
    const { config } = props;

    const { table } = new SignalsTable(this, 'Signals');
    const { secret } = new WebhookSecret(this, 'WebhookSecret', {
      ...(config.webhookSecretArn ? { existingSecretArn: config.webhookSecretArn } : {}),
    });
    const { queue, deadLetterQueue } = new DeliveryQueue(this, 'DeliveryQueue', {
      drainTimeout: DRAIN_TIMEOUT,
    });
    // What both functions need to file a delivery as the other would.
    const filing = {
      TABLE_NAME: table.tableName,
      DEDUP_WINDOW_SECONDS: String(config.dedupWindowMinutes * 60),
      GROUP_FIRINGS: String(config.groupFirings),
      EPISODE_GAP_HOURS: String(config.episodeGapHours),
    };

    const webhook = new ServiceFunction(this, 'Webhook', {
      name: 'webhook',
      description: 'POST /api/signals/posthog: PostHog alerts become Loop signals and triage issues',
      logRetention: config.logRetentionDays,
      environment: {
        ...filing,
        POSTHOG_WEBHOOK_SECRET_ARN: secret.secretArn,
        SECRET_GRACE_HOURS: String(config.secretGraceHours),
        SECRET_MAX_STALE_MINUTES: String(config.secretMaxStaleMinutes),
        DELIVERY_QUEUE_URL: queue.queueUrl,
      },
      ...(config.webhookReservedConcurrency
        ? { reservedConcurrency: config.webhookReservedConcurrency }
        : {}),
    });
    secret.grantRead(webhook);
    // The counter is an UpdateItem (init takes the first number), TransactWriteItems is
    // authorised per item as PutItem (as is keeping an unreadable delivery) and ConditionCheckItem,
    // a repeat reads its issue and signal (BatchGetItem), an alert's record is a GetItem.
    const filingActions = [
      'dynamodb:UpdateItem',
      'dynamodb:PutItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
    ];
    webhook.allow(filingActions, [table.tableArn]);
    // Only sending: not grantSendMessages, which adds GetQueueAttributes and GetQueueUrl.
    webhook.allow(['sqs:SendMessage'], [queue.queueArn]);

    const drain = new ServiceFunction(this, 'Drain', {
      name: 'drain',
      description: 'Writes the deliveries queued while DynamoDB was unavailable',
      logRetention: config.logRetentionDays,
      timeout: DRAIN_TIMEOUT,
      environment: { ...filing, DELIVERY_QUEUE_URL: queue.queueUrl },
    });
    drain.allow(filingActions, [table.tableArn]);
    // What the event source mapping needs to consume the queue, and the back-off (visibility).
    drain.allow(
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
      [queue.queueArn],
    );
    const source = new EventSourceMapping(this, 'DrainSource', {
      target: drain.function,
      eventSourceArn: queue.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
      // Two batches at a time: a table that just came back is not flooded.
      maxConcurrency: 2,
    });
    source.node.addDependency(drain);

    // The read and triage API: reads with index Queries and batch reads, moves with an UpdateItem.
    const readApi = new ServiceFunction(this, 'ReadApi', {
      name: 'api',
      description: 'GET/PATCH /api/issues, GET /api/signals: read and triage Loop issues (IAM-authorized)',
      logRetention: config.logRetentionDays,
      environment: { TABLE_NAME: table.tableName },
    });
    readApi.allow(
      ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
      [table.tableArn],
    );
    readApi.allow(
      ['dynamodb:Query'],
      Object.values(TABLE_DESIGN.indexes).map((index) => `${table.tableArn}/index/${index.name}`),
    );

    const events = new IssueEvents(this, 'Events', { table });

    const { api, webhookUrl, baseUrl, domainTarget } = new WebhookApi(this, 'Api', {
      function: webhook.function,
      readApi: readApi.function,
      stageName: config.stageName,
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      logRetention: config.logRetentionDays,
      ...(config.domainName && config.certificateArn
        ? { customDomain: { domainName: config.domainName, certificateArn: config.certificateArn } }
        : {}),
    });
    const monitoring = new Monitoring(this, 'Monitoring', {
      webhook: webhook.function,
      drain: drain.function,
      readApi: readApi.function,
      eventDeadLetterQueue: events.deadLetterQueue,
      api,
      table,
      queue,
      deadLetterQueue,
      routes: {
        ...(config.alarmEmail ? { email: config.alarmEmail } : {}),
        ...(config.alarmHttpsUrl ? { httpsUrl: config.alarmHttpsUrl } : {}),
        ...(config.slackWorkspaceId && config.slackChannelId
          ? { slack: { workspaceId: config.slackWorkspaceId, channelId: config.slackChannelId } }
          : {}),
      },
      ...(config.quietPeriodHours ? { quietPeriodHours: config.quietPeriodHours } : {}),
    });

    new CfnOutput(this, 'WebhookUrl', {
      value: webhookUrl,
      description: 'Paste into PostHog as the webhook URL (with the X-PostHog-Secret header)',
    });
    new CfnOutput(this, 'GetWebhookUrlCommand', {
      value: `AWS_REGION=${this.region} npm run signals -- webhook-url --stack ${this.stackName}`,
      description:
        'Prints the webhook URL with its token, for PostHog destinations that cannot set a header (logs alerts, the alert platform)',
    });
    new CfnOutput(this, 'WebhookSecretArn', { value: secret.secretArn });
    new CfnOutput(this, 'WebhookSecretName', { value: secret.secretName });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'GetWebhookSecretCommand', {
      value: `aws secretsmanager get-secret-value --region ${this.region} --secret-id ${secret.secretArn} --query SecretString --output text`,
      description: 'Prints the secret for the X-PostHog-Secret header in PostHog',
    });
    new CfnOutput(this, 'DeliveryQueueUrl', { value: queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: deadLetterQueue.queueUrl,
      description:
        'Deliveries that failed every attempt (see the runbook in docs/operations.md to redrive them)',
    });
    new CfnOutput(this, 'DeadLetterQueueArn', { value: deadLetterQueue.queueArn });
    new CfnOutput(this, 'ApiBaseUrl', {
      value: baseUrl,
      description:
        'The read and triage API (GET /api/issues, GET /api/issues/{id}, PATCH /api/issues/{id}, GET /api/signals), IAM-authorized: npm run signals -- triage --api <this>',
    });
    new CfnOutput(this, 'EventBusName', { value: events.bus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: events.bus.eventBusArn });
    new CfnOutput(this, 'EventDeadLetterQueueUrl', {
      value: events.deadLetterQueue.queueUrl,
      description: 'Issue events that could not be published (see the runbook in docs/operations.md)',
    });
    if (domainTarget) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: domainTarget,
        description: `Point ${config.domainName} at this (a CNAME, or an alias record in Route 53)`,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName });
  }
}
