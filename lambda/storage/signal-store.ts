import { randomUUID } from 'node:crypto';
import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isTransientAwsError } from '../aws-errors.ts';
import { assertSameMessage } from '../core/delivery-key.ts';
import { type LoopRecords, loopRecordsFor, type SignalDraft } from '../core/loop-records.ts';
import { ConfigurationError, DependencyUnavailableError, ReplayGoneError, ServiceError } from '../errors.ts';
import { type Item, issueFromItem, signalFromItem } from './items.ts';
import { encodePayload, payloadJson, type StoredPayload } from './payload-encoding.ts';
import { readIssuePartition } from './read-model.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';
import { newDeliveryTransaction, nextIssueNumberUpdate, type PlanSettings } from './write-plan.ts';

/** The outcome of storing a delivery. */
export interface StoredDelivery {
  readonly records: LoopRecords;
  /** The payload as JSON text, for the response. */
  readonly payloadJson: string;
  /** True when this delivery repeated an earlier one and nothing new was written. */
  readonly replayed: boolean;
}

/** Where accepted deliveries go. The intake depends on this, not on DynamoDB. */
export interface SignalStore {
  /**
   * Writes the signal and its issue atomically, or, when the delivery repeats one seen within
   * the dedup window, writes nothing and returns what the first one created.
   */
  createSignalWithIssue(draft: SignalDraft): Promise<StoredDelivery>;
  /**
   * Opens the connection (and resolves credentials and the endpoint) ahead of the first delivery,
   * by a read that changes nothing. Rejects when storage is unreachable; nothing depends on it.
   */
  warmUp(): Promise<void>;
}

export interface DynamoDbSignalStoreOptions {
  /** How long a delivery key is remembered. @default 600 (10 minutes) */
  readonly dedupWindowSeconds?: number;
  /**
   * How long a dedup record is kept after its window: longer than any queued copy of the delivery
   * can still arrive. @default 0
   */
  readonly dedupRecordRetentionSeconds?: number;
  /** Id generator, for tests. @default crypto.randomUUID */
  readonly newId?: () => string;
}

// Concurrent duplicates collide in DynamoDB as TransactionConflict; retrying a few times lets
// the loser see the winner's record and replay it instead of answering 503.
const CONFLICT_RETRY_DELAYS_MS = [25, 75, 150];

/**
 * DynamoDB implementation: one atomic counter update for the issue number, then the one
 * transaction of write-plan.ts. A failed transaction writes nothing, so a retry is never blocked
 * by a half-done attempt. A number taken by a failed or duplicate attempt is skipped: numbers
 * are unique and increasing, not gapless.
 */
export class DynamoDbSignalStore implements SignalStore {
  private readonly settings: PlanSettings;
  private readonly newId: () => string;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbSignalStoreOptions = {},
  ) {
    this.settings = {
      tableName,
      dedupWindowSeconds: options.dedupWindowSeconds ?? 600,
      dedupRecordRetentionSeconds: options.dedupRecordRetentionSeconds ?? 0,
    };
    this.newId = options.newId ?? randomUUID;
  }

  async createSignalWithIssue(draft: SignalDraft): Promise<StoredDelivery> {
    try {
      const { Attributes } = await this.client.send(new UpdateCommand(nextIssueNumberUpdate(this.settings)));
      const issueNumber = Number(Attributes?.value);
      const records = loopRecordsFor(draft, { signalId: this.newId(), issueId: this.newId(), issueNumber });
      const written = await this.writeWithRetries(draft, records);
      if (written.refusedBy) return await this.replay(draft, written.refusedBy);
      return { records, payloadJson: draft.payloadText, replayed: false };
    } catch (error) {
      throw asStorageError(error);
    }
  }

  async warmUp(): Promise<void> {
    await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.issueNumberCounter,
        ProjectionExpression: '#pk',
        ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey },
      }),
    );
  }

  /**
   * Writes the transaction; when a live dedup record refuses it, returns that record (DynamoDB
   * hands it back with the cancellation).
   */
  private async writeWithRetries(draft: SignalDraft, records: LoopRecords): Promise<{ refusedBy?: Item }> {
    let payload: StoredPayload = encodePayload(draft.payload, draft.payloadText);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand(newDeliveryTransaction(draft, records, payload, this.settings)),
        );
        return {};
      } catch (error) {
        const reasons = cancellationReasons(error);
        const [deliveryReason] = reasons;
        if (deliveryReason?.Code === 'ConditionalCheckFailed') {
          return { refusedBy: deliveryReason.Item ? unmarshall(deliveryReason.Item) : {} };
        }
        const delay = CONFLICT_RETRY_DELAYS_MS[attempt];
        if (reasons.some((reason) => reason.Code === 'TransactionConflict') && delay !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, delay));
          continue;
        }
        // Should DynamoDB refuse a map our checks let through, the JSON text form always fits.
        if ((error as Error).name === 'ValidationException' && typeof payload !== 'string') {
          payload = draft.payloadText;
          continue;
        }
        throw error;
      }
    }
  }

  /** Reads back what the first delivery with this key created: one Query of its issue's partition. */
  private async replay(draft: SignalDraft, delivery: Item): Promise<StoredDelivery> {
    assertSameMessage(delivery, draft.delivery);
    const partition = await readIssuePartition(this.client, this.tableName, String(delivery.issueId));
    const signal = partition?.signals.find((item) => item.id === delivery.signalId);
    if (!partition || !signal) {
      throw new ReplayGoneError('This delivery repeats an earlier one whose signal no longer exists');
    }
    return {
      records: { signal: signalFromItem(signal), issue: issueFromItem(partition.issue) },
      payloadJson: payloadJson(signal.payload as StoredPayload),
      replayed: true,
    };
  }
}

function cancellationReasons(error: unknown): CancellationReason[] {
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

function asStorageError(error: unknown): Error {
  if (error instanceof ServiceError) return error;
  if (isTransientAwsError(error)) return new DependencyUnavailableError('Storage', { cause: error });
  if ((error as Error).name === 'ResourceNotFoundException') {
    return new ConfigurationError('The signals table does not exist', { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
