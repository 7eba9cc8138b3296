import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StackConfig } from './config.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { SignalsTable } from './constructs/signals-table.ts';
import { WebhookApi } from './constructs/webhook-api.ts';
import { WebhookFunction } from './constructs/webhook-function.ts';
import { WebhookSecret } from './constructs/webhook-secret.ts';

export interface PosthogSignalsStackProps extends StackProps {
  readonly config: StackConfig;
}

/**
 * Loop's PostHog integration: HTTP API `POST /api/signals/posthog` → the webhook function →
 * the signals table, with the webhook secret in Secrets Manager, alarms and a dashboard.
 */
export class PosthogSignalsStack extends Stack {
  constructor(scope: Construct, id: string, props: PosthogSignalsStackProps) {
    super(scope, id, props);
    const { config } = props;

    const { table } = new SignalsTable(this, 'Signals');
    const { secret } = new WebhookSecret(this, 'WebhookSecret', {
      ...(config.webhookSecretArn ? { existingSecretArn: config.webhookSecretArn } : {}),
    });
    const webhook = new WebhookFunction(this, 'Webhook', {
      table,
      secret,
      logRetention: config.logRetentionDays,
      dedupWindowMinutes: config.dedupWindowMinutes,
      secretGraceHours: config.secretGraceHours,
    });
    const { api, webhookUrl } = new WebhookApi(this, 'Api', {
      function: webhook.function,
      stageName: config.stageName,
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      logRetention: config.logRetentionDays,
    });
    const monitoring = new Monitoring(this, 'Monitoring', {
      function: webhook.function,
      api,
      table,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      ...(config.quietPeriodHours ? { quietPeriodHours: config.quietPeriodHours } : {}),
    });

    new CfnOutput(this, 'WebhookUrl', {
      value: webhookUrl,
      description: 'Paste into PostHog as the webhook URL',
    });
    new CfnOutput(this, 'WebhookSecretArn', { value: secret.secretArn });
    new CfnOutput(this, 'WebhookSecretName', { value: secret.secretName });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'GetWebhookSecretCommand', {
      value: `aws secretsmanager get-secret-value --region ${this.region} --secret-id ${secret.secretArn} --query SecretString --output text`,
      description: 'Prints the secret for the X-PostHog-Secret header in PostHog',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: monitoring.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: monitoring.dashboard.dashboardName });
  }
}
