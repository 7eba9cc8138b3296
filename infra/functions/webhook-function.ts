import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FilingSettings, SecretSettings } from '../config.ts';
import { ServiceFunction } from '../constructs/service-function.ts';

/**
 * What filing a delivery takes of the table (the webhook's and the drain's alike): the issue
 * counter is an UpdateItem (init takes the first number), TransactWriteItems is authorised per
 * item as PutItem (as is keeping an unreadable delivery) and ConditionCheckItem, a repeat reads
 * its issue and signal (BatchGetItem), an alert's record is a GetItem.
 */
export const FILING_ACTIONS = [
  'dynamodb:UpdateItem',
  'dynamodb:PutItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
];

export interface WebhookFunctionProps {
  readonly table: ITable;
  readonly secret: ISecret;
  /** Where a delivery waits while the table is unavailable. */
  readonly queue: IQueue;
  readonly settings: FilingSettings & SecretSettings;
  readonly logRetention: RetentionDays;
  /** Concurrency reserved for (and capping) the webhook. @default none reserved */
  readonly reservedConcurrency?: number | undefined;
}

/**
 * The webhook (lambda/functions/webhook/): `POST /api/signals/posthog[/{token}]`. It reads the
 * secret, files deliveries in the table, and only sends to the delivery queue.
 */
export class WebhookFunction extends ServiceFunction {
  constructor(scope: Construct, id: string, props: WebhookFunctionProps) {
    const { table, secret, queue } = props;
    super(scope, id, {
      name: 'webhook',
      description: 'POST /api/signals/posthog: PostHog alerts become Loop signals and triage issues',
      logRetention: props.logRetention,
      settings: {
        ...props.settings,
        tableName: table.tableName,
        secretArn: secret.secretArn,
        deliveryQueueUrl: queue.queueUrl,
      },
      ...(props.reservedConcurrency ? { reservedConcurrency: props.reservedConcurrency } : {}),
    });
    secret.grantRead(this);
    this.allow(FILING_ACTIONS, [table.tableArn]);
    // Only sending: not grantSendMessages, which adds GetQueueAttributes and GetQueueUrl.
    this.allow(['sqs:SendMessage'], [queue.queueArn]);
  }
}
