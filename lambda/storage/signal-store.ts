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
import { assertSameMessage } from '../domain/delivery-key.ts';
import { type LoopRecords, loopRecordsFor, type SignalDraft } from '../domain/loop-records.ts';
import { ConfigurationError, DependencyUnavailableError, HttpError } from '../errors.ts';
import { QUEUED_COPY_LIFETIME_DAYS } from '../queue/queue-policy.ts';
import { readIssuePartition } from './issue-partition.ts';
import { type Item, issueFromItem, issueItem, signalFromItem, signalItem } from './items.ts';
import { encodePayload, payloadJson, type StoredPayload } from './payload-encoding.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** The outcome of storing a delivery. */
export interface StoredDelivery {
  readonly records: LoopRecords;
  /** The payload as JSON text, for the response. */
  readonly payloadJson: string;
  /** True when this delivery repeated an earlier one and nothing new was written. */
  readonly replayed: boolean;
}

/** Where accepted deliveries go. The handler depends on this, not on DynamoDB. */
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
  /** Id generator, for tests. @default crypto.randomUUID */
  readonly newId?: () => string;
}

// Concurrent duplicates collide in DynamoDB as TransactionConflict; retrying a few times lets
// the loser see the winner's record and replay it instead of answering 503.
const CONFLICT_RETRY_DELAYS_MS = [25, 75, 150];

/**
 * DynamoDB implementation: one atomic counter update for the issue number, then one
 * TransactWriteItems with the dedup record (conditional on no live record for the key), the
 * signal and the issue. A failed transaction writes none of them, so a retry is never blocked
 * by a half-done attempt. A number taken by a failed or duplicate attempt is skipped: numbers
 * are unique and increasing, not gapless.
 */
export class DynamoDbSignalStore implements SignalStore {
  private readonly dedupWindowSeconds: number;
  private readonly newId: () => string;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbSignalStoreOptions = {},
  ) {
    this.dedupWindowSeconds = options.dedupWindowSeconds ?? 600;
    this.newId = options.newId ?? randomUUID;
  }

  async createSignalWithIssue(draft: SignalDraft): Promise<StoredDelivery> {
    try {
      const issueNumber = await this.nextIssueNumber();
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

  private async nextIssueNumber(): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.issueNumberCounter,
        UpdateExpression: 'ADD #value :one',
        ExpressionAttributeNames: { '#value': 'value' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.value);
  }

  /**
   * Writes the transaction; when a live dedup record refuses it, returns that record (DynamoDB
   * hands it back with the cancellation, so a repeat costs no extra read to find it).
   */
  private async writeWithRetries(draft: SignalDraft, records: LoopRecords): Promise<{ refusedBy?: Item }> {
    let payload = encodePayload(draft.payload, draft.payloadText);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.write(draft, records, payload);
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

  private async write(draft: SignalDraft, records: LoopRecords, payload: StoredPayload): Promise<void> {
    const receivedAt = Math.floor(draft.receivedAt.getTime() / 1000);
    const dedupUntil = receivedAt + this.dedupWindowSeconds;
    const putNew = (item: Item) => ({
      Put: {
        TableName: this.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey },
      },
    });
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            // The window is measured between arrivals, so the drain, writing a queued delivery
            // later, judges it as the webhook would have. The record itself lives on (TTL) until
            // no queued copy of the delivery can still arrive.
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.delivery(draft.delivery.key),
                entity: 'delivery',
                bodySha256: draft.delivery.bodySha256,
                signalId: records.signal.id,
                issueId: records.issue.id,
                createdAt: records.signal.createdAt,
                dedupUntil,
                [TABLE_DESIGN.timeToLiveAttribute]: dedupUntil + QUEUED_COPY_LIFETIME_DAYS * 86_400,
              },
              // Records written before `dedupUntil` existed expired with the window.
              ConditionExpression:
                'attribute_not_exists(#pk) OR #dedupUntil <= :receivedAt OR (attribute_not_exists(#dedupUntil) AND #expiresAt <= :receivedAt)',
              ExpressionAttributeNames: {
                '#pk': TABLE_DESIGN.partitionKey,
                '#dedupUntil': 'dedupUntil',
                '#expiresAt': TABLE_DESIGN.timeToLiveAttribute,
              },
              ExpressionAttributeValues: { ':receivedAt': receivedAt },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          putNew(signalItem(records.signal, payload)),
          putNew(issueItem(records.issue, payload)),
        ],
      }),
    );
  }

  /** Reads back what the first delivery with this key created: one Query of its issue's partition. */
  private async replay(draft: SignalDraft, delivery: Item): Promise<StoredDelivery> {
    assertSameMessage(delivery, draft.delivery);
    const partition = await readIssuePartition(this.client, this.tableName, String(delivery.issueId));
    const signal = partition?.signals.find((item) => item.id === delivery.signalId);
    if (!partition || !signal) {
      throw new HttpError(409, 'This delivery repeats an earlier one whose signal no longer exists');
    }
    const { issue } = partition;
    return {
      records: { signal: signalFromItem(signal), issue: issueFromItem(issue) },
      payloadJson: payloadJson(signal.payload as StoredPayload),
      replayed: true,
    };
  }
}

function cancellationReasons(error: unknown): CancellationReason[] {
  return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

function asStorageError(error: unknown): Error {
  if (error instanceof HttpError) return error;
  if (isTransientAwsError(error)) return new DependencyUnavailableError('Storage', { cause: error });
  if ((error as Error).name === 'ResourceNotFoundException') {
    return new ConfigurationError('The signals table does not exist', { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
