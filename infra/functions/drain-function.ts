import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventSourceMapping } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FilingSettings } from '../config.ts';
import { keepLogicalId } from '../constructs/logical-ids.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { FILING_ACTIONS } from './webhook-function.ts';

/** A batch of ten deliveries written in parallel, each at worst ~4 s with the fail-fast SDK settings. */
export const DRAIN_TIMEOUT = Duration.seconds(30);

export interface DrainFunctionProps {
  readonly table: ITable;
  /** The delivery queue it drains. */
  readonly queue: IQueue;
  /** The same as the webhook's: a queued delivery is filed as the webhook would have filed it. */
  readonly settings: FilingSettings;
  readonly logRetention: RetentionDays;
}

/**
 * The drain (lambda/functions/drain/): writes the deliveries queued while DynamoDB was
 * unavailable. It consumes the queue (batches of ten, two at a time, so a table that just came
 * back is not flooded), reporting each failed record, and backs off by changing visibility.
 */
export class DrainFunction extends ServiceFunction {
  constructor(scope: Construct, id: string, props: DrainFunctionProps) {
    const { table, queue } = props;
    super(scope, id, {
      name: 'drain',
      description: 'Writes the deliveries queued while DynamoDB was unavailable',
      logRetention: props.logRetention,
      timeout: DRAIN_TIMEOUT,
      settings: { ...props.settings, tableName: table.tableName, deliveryQueueUrl: queue.queueUrl },
    });
    this.allow(FILING_ACTIONS, [table.tableArn]);
    // What the event source mapping needs to consume the queue, and the back-off (visibility).
    this.allow(
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
      [queue.queueArn],
    );
    const source = new EventSourceMapping(this, 'Source', {
      target: this.function,
      eventSourceArn: queue.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
      maxConcurrency: 2,
    });
    // Lambda refuses a second mapping of one queue to one function, so a new ID would fail the upgrade.
    keepLogicalId(source, 'DrainSource0F9E3AF0');
    // The role's policy must exist before the mapping starts receiving with it.
    source.node.addDependency(this.role);
  }
}
