/**
 * The local run's stand-in for the stack's event pipe: reads the table's stream on DynamoDB Local
 * and applies the very filter and template the pipe is deployed with (eventOf,
 * lambda/events/issue-event-pipe.ts) to each record, so it prints what EventBridge would receive.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { eventOf, type PipeEvent } from '../lambda/events/issue-event-pipe.ts';
import { LOCAL_AWS } from './dynamodb-local.ts';

/** Reads a table's stream: every record since `from`, through the pipe's filter and template. */
export class StreamEvents {
  private readonly table: DynamoDBClient;
  private readonly streams: DynamoDBStreamsClient;
  private readonly iterators = new Map<string, string | undefined>();
  /** The table's stream, once found: it stays the same for as long as the table does. */
  private streamArn: string | undefined;

  constructor(
    endpoint: string,
    private readonly tableName: string,
    /** Where the shards open at the first call start; a shard opened later is read from its start. */
    private from: ShardIteratorType = 'LATEST',
  ) {
    this.table = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
    this.streams = new DynamoDBStreamsClient({ endpoint, ...LOCAL_AWS });
  }

  /** The events of the records written since the last call (the first call starts at `from`). */
  async next(): Promise<PipeEvent[]> {
    this.streamArn ??= (
      await this.table.send(new DescribeTableCommand({ TableName: this.tableName }))
    ).Table?.LatestStreamArn;
    const { streamArn } = this;
    if (!streamArn) return [];
    const { StreamDescription } = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn }),
    );
    const events: PipeEvent[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = String(shard.ShardId);
      if (!this.iterators.has(shardId)) {
        const { ShardIterator } = await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: this.from,
          }),
        );
        this.iterators.set(shardId, ShardIterator);
      }
      let iterator = this.iterators.get(shardId);
      while (iterator) {
        const { Records = [], NextShardIterator } = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: iterator }),
        );
        for (const record of Records) {
          const event = eventOf(record);
          if (event) events.push(event);
        }
        iterator = NextShardIterator;
        if (Records.length === 0) break;
      }
      this.iterators.set(shardId, iterator);
    }
    this.from = 'TRIM_HORIZON';
    return events;
  }

  /** Calls `onEvent` for each event as records arrive, until `stop()`. */
  watch(onEvent: (event: PipeEvent) => void, intervalMs = 500): { stop: () => void } {
    let stopped = false;
    const poll = async () => {
      while (!stopped) {
        try {
          for (const event of await this.next()) onEvent(event);
        } catch {
          // DynamoDB Local is starting or stopping: try again on the next tick.
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    };
    void poll();
    return {
      stop: () => {
        stopped = true;
      },
    };
  }

  destroy(): void {
    this.table.destroy();
    this.streams.destroy();
  }
}
