import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DETAIL_TYPE_PATH,
  EVENT_SOURCE,
  INPUT_TEMPLATE,
  STREAM_FILTER,
} from '../../lambda/events/issue-event-pipe.ts';

export interface IssueEventsProps {
  /** The signals table; its stream carries the changes. */
  readonly table: ITable;
}

/** How long an event that could not be delivered is kept. */
const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * Issue events (docs/architecture.md "Events"): the table's stream → an EventBridge Pipe with the
 * filter and input template of lambda/events/issue-event-pipe.ts → the stack's own event bus. A
 * delivery never waits for EventBridge: the pipe reads the stream on its own, at least once,
 * retrying; a record it cannot publish goes to a dead-letter queue (encrypted, TLS only, 14 days),
 * alarmed by Monitoring. The pipe's role may read the one stream, put events on the one bus and
 * send to the one queue.
 */
export class IssueEvents extends Construct {
  readonly bus: EventBus;
  readonly deadLetterQueue: Queue;
  readonly pipe: CfnPipe;

  constructor(scope: Construct, id: string, props: IssueEventsProps) {
    super(scope, id);
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('IssueEvents needs a table with a stream');

    this.bus = new EventBus(this, 'Bus', {
      description: 'Loop issue events from the PostHog integration',
    });
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
      // Like the delivery queues: events waiting here are not deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the event pipe; a dead-letter queue has none of its own.',
    });

    const role = new Role(this, 'PipeRole', { assumedBy: new ServicePrincipal('pipes.amazonaws.com') });
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [streamArn],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({ actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }),
    );
    role.addToPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );

    this.pipe = new CfnPipe(this, 'Pipe', {
      description: 'Issue changes from the signals table to the event bus',
      roleArn: role.roleArn,
      source: streamArn,
      sourceParameters: {
        filterCriteria: { filters: [{ pattern: JSON.stringify(STREAM_FILTER) }] },
        dynamoDbStreamParameters: {
          startingPosition: 'LATEST',
          batchSize: 10,
          maximumRetryAttempts: 10,
          maximumRecordAgeInSeconds: 86_400,
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
      },
      target: this.bus.eventBusArn,
      targetParameters: {
        inputTemplate: INPUT_TEMPLATE,
        eventBridgeEventBusParameters: { source: EVENT_SOURCE, detailType: DETAIL_TYPE_PATH },
      },
    });
    // The role's policy must exist before the pipe starts reading with it.
    this.pipe.node.addDependency(role);
  }
}
