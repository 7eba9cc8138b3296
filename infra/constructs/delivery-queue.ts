import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RETRY_POLICY } from '../../lambda/delivery-queue/retry-policy.ts';

export interface DeliveryQueueProps {
  /** The drain's timeout: a received delivery stays hidden at least six times as long (AWS's advice). */
  readonly drainTimeout: Duration;
}

/**
 * Where deliveries wait while DynamoDB is unavailable (docs/architecture.md "No accepted alert is lost"): a
 * standard queue, and a dead-letter queue for those that failed every attempt, kept 14 days.
 * Both encrypted (SQS-managed keys), reachable only over TLS, and kept when the stack is deleted,
 * with whatever waits in them (docs/operations.md "Tearing a stack down").
 */
export class DeliveryQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: DeliveryQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(RETRY_POLICY.deadLetterRetentionDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the delivery queue; a dead-letter queue has none of its own.',
    });
    this.queue = new Queue(this, 'Deliveries', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(RETRY_POLICY.queueRetentionDays),
      visibilityTimeout: Duration.seconds(props.drainTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: RETRY_POLICY.maxReceiveCount },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
