import { CfnOutput, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { WEBHOOK_ROUTE } from '../lambda/route.ts';
import type { StackConfig } from './config.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { SignalsTable } from './constructs/signals-table.ts';
import { WebhookFunction } from './constructs/webhook-function.ts';

export interface PosthogSignalsStackProps extends StackProps {
  readonly config: StackConfig;
  /** Handler source, for tests. @default lambda/handler.ts */
  readonly entry?: string;
}

/**
 * Loop's PostHog integration: HTTP API `POST /api/signals/posthog` → the webhook function →
 * the signals table, with the webhook secret in Secrets Manager.
 */
export class PosthogSignalsStack extends Stack {
  constructor(scope: Construct, id: string, props: PosthogSignalsStackProps) {
    super(scope, id, props);
    const { config } = props;

    const { table } = new SignalsTable(this, 'Signals');
    const secret = this.webhookSecret(config);
    const webhook = new WebhookFunction(this, 'Webhook', {
      table,
      secret,
      logRetention: config.logRetentionDays,
      dedupWindowMinutes: config.dedupWindowMinutes,
      secretGraceHours: config.secretGraceHours,
      ...(props.entry ? { entry: props.entry } : {}),
    });

    // HTTP API: cheaper and faster than a REST API, and all a webhook needs.
    const api = new HttpApi(this, 'Api', {
      createDefaultStage: false,
      description: 'PostHog webhooks for Loop',
    });
    api.addRoutes({
      path: WEBHOOK_ROUTE.path,
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('Webhook', webhook.function),
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new HttpStage(this, 'Stage', {
      httpApi: api,
      stageName: config.stageName,
      autoDeploy: true,
      throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat() },
    });
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'PostHog webhooks cannot send IAM, JWT or Lambda-authorizer credentials; the function authenticates every delivery with the shared secret (X-PostHog-Secret or Standard Webhooks signature) before reading the body.',
    });

    const monitoring = new Monitoring(this, 'Monitoring', {
      function: webhook.function,
      api,
      table,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
      ...(config.quietPeriodHours ? { quietPeriodHours: config.quietPeriodHours } : {}),
    });

    const webhookUrl = `${stage.url.replace(/\/$/, '')}${WEBHOOK_ROUTE.path}`;
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

  private webhookSecret(config: StackConfig): ISecret {
    if (config.webhookSecretArn)
      return Secret.fromSecretCompleteArn(this, 'WebhookSecret', config.webhookSecretArn);
    const secret = new Secret(this, 'WebhookSecret', {
      description:
        'Shared secret PostHog sends in X-PostHog-Secret (also valid as a Standard Webhooks whsec_ secret)',
      // 48 letters and digits: pastes cleanly into a header and is valid base64 for whsec_ signing.
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating this secret needs PostHog updated by hand; the README runbook rotates it, and the function accepts the previous value during a grace period.',
    });
    return secret;
  }
}

function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      method: '$context.httpMethod',
      routeKey: '$context.routeKey',
      path: '$context.path',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      integrationStatus: '$context.integrationStatus',
      integrationError: '$context.integrationErrorMessage',
      userAgent: '$context.identity.userAgent',
    }),
  );
}
