import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { BoardFunctions } from './functions/board-functions.ts';

/** What the stack's outputs name. */
export interface StackOutputs {
  /** The webhook's full URL, and the stage's base URL (the custom domain's when there is one). */
  readonly webhookUrl: string;
  readonly baseUrl: string;
  /** With a custom domain: its name, and the name its DNS record points at. */
  readonly customDomain?: { readonly name: string; readonly target: string } | undefined;
  readonly webhook: IFunction;
  readonly secret: ISecret;
  readonly table: ITable;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly bus: IEventBus;
  readonly eventDeadLetterQueue: IQueue;
  readonly alarmTopic: ITopic;
  readonly dashboard: Dashboard;
  readonly board: BoardFunctions;
}

/**
 * The stack's outputs: what an operator pastes into PostHog, the commands that print the secret
 * and the token URL, and the names the CLI (`--stack`, `--table`), the runbooks and agents use.
 */
export function addOutputs(stack: Stack, outputs: StackOutputs): void {
  const output = (id: string, value: string, description?: string) =>
    new CfnOutput(stack, id, { value, ...(description ? { description } : {}) });
  output(
    'WebhookUrl',
    outputs.webhookUrl,
    'Paste into PostHog as the webhook URL (with the X-PostHog-Secret header)',
  );
  output(
    'GetWebhookUrlCommand',
    `AWS_REGION=${stack.region} npm run signals -- webhook-url --stack ${stack.stackName}`,
    'Prints the webhook URL with its token, for PostHog destinations that cannot set a header (logs alerts, the alert platform)',
  );
  output('WebhookSecretArn', outputs.secret.secretArn);
  output('WebhookSecretName', outputs.secret.secretName);
  output(
    'WebhookFunctionName',
    outputs.webhook.functionName,
    'The webhook function: `npm run signals -- replay` files as it does, with its settings',
  );
  output('TableName', outputs.table.tableName);
  output(
    'GetWebhookSecretCommand',
    `aws secretsmanager get-secret-value --region ${stack.region} --secret-id ${outputs.secret.secretArn} --query SecretString --output text`,
    'Prints the secret for the X-PostHog-Secret header in PostHog',
  );
  output('DeliveryQueueUrl', outputs.queue.queueUrl);
  output(
    'DeadLetterQueueUrl',
    outputs.deadLetterQueue.queueUrl,
    'Deliveries that failed every attempt (see the runbook in docs/operations.md to redrive them)',
  );
  output('DeadLetterQueueArn', outputs.deadLetterQueue.queueArn);
  output(
    'ApiBaseUrl',
    outputs.baseUrl,
    'The triage API (issues, signals, comments, dispatch; GET /api/openapi.json describes every route), IAM-authorized: npm run signals -- triage --api <this>',
  );
  output('EventBusName', outputs.bus.eventBusName);
  output('EventBusArn', outputs.bus.eventBusArn);
  output(
    'EventDeadLetterQueueUrl',
    outputs.eventDeadLetterQueue.queueUrl,
    'Issue events that could not be published (see the runbook in docs/operations.md)',
  );
  if (outputs.customDomain) {
    output(
      'CustomDomainTarget',
      outputs.customDomain.target,
      `Point ${outputs.customDomain.name} at this (a CNAME, or an alias record in Route 53)`,
    );
  }
  output('AlarmTopicArn', outputs.alarmTopic.topicArn);
  output('DashboardName', outputs.dashboard.dashboardName, 'Its first widget is the triage board');
  output(
    'BoardViewerPolicyArn',
    outputs.board.viewerPolicy.managedPolicyArn,
    'Attach to see the triage board in the dashboard',
  );
  output(
    'BoardTriagerPolicyArn',
    outputs.board.triagerPolicy.managedPolicyArn,
    'Attach to see the triage board and accept or decline issues from it',
  );
}
