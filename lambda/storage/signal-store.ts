import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isTransientAwsError } from '../aws-errors.ts';
import { type LoopRecords, loopRecordsFor, type SignalDraft } from '../domain/loop-records.ts';
import { ConfigurationError, DependencyUnavailableError, HttpError } from '../errors.ts';
import { issueItem, signalItem } from './items.ts';
import { encodePayload, type StoredPayload } from './payload-encoding.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** Where accepted deliveries go. The handler depends on this, not on DynamoDB. */
export interface SignalStore {
  /** Assigns the next issue number, then writes the signal and its issue atomically. */
  createSignalWithIssue(draft: SignalDraft): Promise<LoopRecords>;
}

/**
 * DynamoDB implementation: one atomic counter update for the issue number, then one
 * TransactWriteItems with both items. A failed transaction writes nothing (the number it took
 * is skipped, so numbers stay unique and increasing, not gapless).
 */
export class DynamoDbSignalStore implements SignalStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly newId: () => string = randomUUID,
  ) {}

  async createSignalWithIssue(draft: SignalDraft): Promise<LoopRecords> {
    try {
      const issueNumber = await this.nextIssueNumber();
      const records = loopRecordsFor(draft, { signalId: this.newId(), issueId: this.newId(), issueNumber });
      await this.writeWithFallback(
        records,
        encodePayload(draft.payload, draft.payloadText),
        draft.payloadText,
      );
      return records;
    } catch (error) {
      throw asStorageError(error);
    }
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

  // Should DynamoDB refuse a map our checks let through, the JSON text form always fits.
  private async writeWithFallback(
    records: LoopRecords,
    payload: StoredPayload,
    payloadText: string,
  ): Promise<void> {
    try {
      await this.write(records, payload);
    } catch (error) {
      if (typeof payload === 'string' || (error as Error).name !== 'ValidationException') throw error;
      await this.write(records, payloadText);
    }
  }

  private async write(records: LoopRecords, payload: StoredPayload): Promise<void> {
    const putNew = (item: Record<string, unknown>) => ({
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
          putNew(signalItem(records.signal, payload)),
          putNew(issueItem(records.issue, payload)),
        ],
      }),
    );
  }
}

function asStorageError(error: unknown): Error {
  if (error instanceof HttpError) return error;
  if (isTransientAwsError(error)) return new DependencyUnavailableError('Storage', { cause: error });
  if ((error as Error).name === 'ResourceNotFoundException') {
    return new ConfigurationError('The signals table does not exist', { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
