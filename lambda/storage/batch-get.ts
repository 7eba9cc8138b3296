/**
 * Items by their keys, in batches: the one batch reader that the write side (a replay reads back
 * what the first delivery wrote) and the read side (listings fill in their rows) share.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { DependencyUnavailableError } from '../core/errors.ts';
import type { Item } from './items.ts';
import { TABLE_DESIGN } from './table-design.ts';

/** Rounds of asking again for keys a BatchGetItem left unprocessed, before storage counts as unavailable. */
const BATCH_GET_ROUNDS = 5;

/**
 * Items by their keys, in the order asked (undefined where there is none): BatchGetItem requests
 * of at most 100 keys, the keys left unprocessed asked again. `attributes` projects (the key
 * attributes are read too, to match answers to keys); `consistent` reads strongly; `abortSignal`
 * is the caller's budget.
 */
export async function itemsByKey(
  client: DynamoDBDocumentClient,
  tableName: string,
  itemKeys: readonly Record<string, unknown>[],
  options: {
    readonly attributes?: readonly string[];
    readonly consistent?: boolean;
    readonly abortSignal?: AbortSignal;
  } = {},
): Promise<(Item | undefined)[]> {
  const { partitionKey, sortKey } = TABLE_DESIGN;
  const identity = (item: Record<string, unknown>) =>
    `${String(item[partitionKey])}\n${String(item[sortKey])}`;
  const projected = options.attributes && [...new Set([partitionKey, sortKey, ...options.attributes])];
  const names = projected && Object.fromEntries(projected.map((name, index) => [`#a${index}`, name]));
  const found = new Map<string, Item>();
  for (let start = 0; start < itemKeys.length; start += 100) {
    let pending: Record<string, unknown>[] = itemKeys.slice(start, start + 100);
    for (let round = 0; pending.length > 0; round++) {
      if (round === BATCH_GET_ROUNDS) {
        throw new DependencyUnavailableError('Storage', { detail: 'reads left unprocessed' });
      }
      const response: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ...(names
                ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names }
                : {}),
              ...(options.consistent ? { ConsistentRead: true } : {}),
            },
          },
        }),
        options.abortSignal ? { abortSignal: options.abortSignal } : {},
      );
      for (const item of response.Responses?.[tableName] ?? []) found.set(identity(item), item);
      pending = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  return itemKeys.map((key) => found.get(identity(key)));
}
