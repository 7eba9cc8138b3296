import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { functionSettingsFrom, type StackConfig } from './config.ts';
import { DeliveryQueue } from './constructs/delivery-queue.ts';
import { ServiceHttpApi } from './constructs/http-api.ts';
import { IssueEvents } from './constructs/issue-events.ts';
import { SignalsTable } from './constructs/signals-table.ts';
import { WebhookSecret } from './constructs/webhook-secret.ts';
import { BoardFunctions } from './functions/board-functions.ts';
import { DRAIN_TIMEOUT, DrainFunction } from './functions/drain-function.ts';
import { TriageApiFunction } from './functions/triage-api-function.ts';
import { WebhookFunction } from './functions/webhook-function.ts';
import { Monitoring } from './monitoring/monitoring.ts';
import { addOutputs } from './outputs.ts';

export interface PosthogSignalsStackProps extends StackProps {
  readonly config: StackConfig;
}

/**
 * Loop's PostHog integration: HTTP API `POST /api/signals/posthog` → the webhook function →
 * the signals table, with the webhook secret in Secrets Manager; while the table is unavailable,
 * deliveries wait in an SQS queue that the drain function writes from; the triage API reads and
 * moves issues behind IAM; issue events go to the stack's own bus; alarms and a dashboard, with
 * the triage board as a widget of its own (view and move are separate functions, and permissions).
 *
 * The stateful resources keep the logical IDs they were first deployed under (see
 * constructs/logical-ids.ts): an upgrade updates them in place, never replaces them.
 */
export class PosthogSignalsStack extends Stack {
  constructor(scope: Construct, id: string, props: PosthogSignalsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { filing, secret: secretSettings } = functionSettingsFrom(config);
    const logRetention = config.logRetentionDays;

    const { table } = new SignalsTable(this, 'Signals');
    const { secret } = new WebhookSecret(this, 'WebhookSecret', {
      ...(config.webhookSecretArn ? { existingSecretArn: config.webhookSecretArn } : {}),
    });
    const { queue, deadLetterQueue } = new DeliveryQueue(this, 'DeliveryQueue', {
      drainTimeout: DRAIN_TIMEOUT,
    });

    const webhook = new WebhookFunction(this, 'Webhook', {
      table,
      secret,
      queue,
      settings: { ...filing, ...secretSettings },
      logRetention,
      reservedConcurrency: config.webhookReservedConcurrency,
    });
    const drain = new DrainFunction(this, 'Drain', { table, queue, settings: filing, logRetention });
    const triageApi = new TriageApiFunction(this, 'TriageApi', { table, logRetention });
    const board = new BoardFunctions(this, 'Board', { table, logRetention });

    const events = new IssueEvents(this, 'Events', { table });
    const http = new ServiceHttpApi(this, 'Api', {
      functions: { webhook: webhook.function, 'triage-api': triageApi.function },
      stageName: config.stageName,
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      logRetention,
      ...(config.domainName && config.certificateArn
        ? { customDomain: { domainName: config.domainName, certificateArn: config.certificateArn } }
        : {}),
    });
    const monitoring = new Monitoring(this, 'Monitoring', {
      webhook: webhook.function,
      drain: drain.function,
      triageApi: triageApi.function,
      board: board.view.function,
      eventDeadLetterQueue: events.deadLetterQueue,
      api: http.api,
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

    addOutputs(this, {
      webhookUrl: http.webhookUrl,
      baseUrl: http.baseUrl,
      customDomain:
        config.domainName && http.domainTarget
          ? { name: config.domainName, target: http.domainTarget }
          : undefined,
      webhook: webhook.function,
      secret,
      table,
      queue,
      deadLetterQueue,
      bus: events.bus,
      eventDeadLetterQueue: events.deadLetterQueue,
      alarmTopic: monitoring.topic,
      dashboard: monitoring.dashboard,
      board,
    });
  }
}
