/**
 * What the store writes, as plain data: the items and conditions of each DynamoDB request, built
 * by pure functions so they can be read and tested without DynamoDB. The store (signal-store.ts)
 * only sends them, retries and maps errors.
 */
import type { TransactWriteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LoopRecords, SignalDraft } from '../core/loop-records.ts';
import { type Item, issueItem, signalItem } from './items.ts';
import type { StoredPayload } from './payload-encoding.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** The settings every plan depends on. */
export interface PlanSettings {
  readonly tableName: string;
  /** How long a delivery key is remembered, counted from the delivery's arrival. */
  readonly dedupWindowSeconds: number;
  /**
   * How long a dedup record is kept after its window (TTL): past the life of any queued copy of
   * the delivery, which must still find it.
   */
  readonly dedupRecordRetentionSeconds: number;
}

/** Takes the next issue number: an atomic ADD on the counter item, returning the new value. */
export function nextIssueNumberUpdate(settings: PlanSettings): UpdateCommandInput {
  return {
    TableName: settings.tableName,
    Key: keys.issueNumberCounter,
    UpdateExpression: 'ADD #value :one',
    ExpressionAttributeNames: { '#value': 'value' },
    ExpressionAttributeValues: { ':one': 1 },
    ReturnValues: 'UPDATED_NEW',
  };
}

/**
 * Files a new delivery in one transaction: its dedup record, conditional on no live record for
 * its key (a refusal hands back the record that refused it, so a repeat costs no extra read to
 * find it), then the signal and the issue, each conditional on not existing. The dedup record is
 * always first: the store reads a refusal from its position.
 */
export function newDeliveryTransaction(
  draft: SignalDraft,
  records: LoopRecords,
  payload: StoredPayload,
  settings: PlanSettings,
): TransactWriteCommandInput {
  const { tableName } = settings;
  const receivedAt = Math.floor(draft.receivedAt.getTime() / 1000);
  const dedupUntil = receivedAt + settings.dedupWindowSeconds;
  const putNew = (item: Item) => ({
    Put: {
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey },
    },
  });
  return {
    TransactItems: [
      {
        // The window is measured between arrivals, so the drain, writing a queued delivery later,
        // judges it as the webhook would have.
        Put: {
          TableName: tableName,
          Item: {
            ...keys.delivery(draft.delivery.key),
            entity: 'delivery',
            bodySha256: draft.delivery.bodySha256,
            signalId: records.signal.id,
            issueId: records.issue.id,
            createdAt: records.signal.createdAt,
            dedupUntil,
            [TABLE_DESIGN.timeToLiveAttribute]: dedupUntil + settings.dedupRecordRetentionSeconds,
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #dedupUntil <= :receivedAt',
          ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey, '#dedupUntil': 'dedupUntil' },
          ExpressionAttributeValues: { ':receivedAt': receivedAt },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      putNew(signalItem(records.signal, payload)),
      putNew(issueItem(records.issue, payload)),
    ],
  };
}
