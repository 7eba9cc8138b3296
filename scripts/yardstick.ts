/** What the bench (scripts/bench.ts) and its yardstick handlers share. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * `text` (requests or items the bench captured from the shipped webhook) with every UUID and
 * every SHA-256 (hex) in it replaced by a new one, so that writing it again makes new items.
 */
export const withFreshIds = (text: string): string =>
  text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, () => randomUUID())
    .replace(/[0-9a-f]{64}/g, () => randomBytes(32).toString('hex'));

/** The yardsticks' issue counter: one atomic ADD, the new value returned. */
export const counterUpdate = (tableName: string | undefined): UpdateCommandInput => ({
  TableName: tableName,
  Key: { pk: 'COUNTER', sk: 'ISSUE_NUMBER' },
  UpdateExpression: 'ADD #value :one',
  ExpressionAttributeNames: { '#value': 'value' },
  ExpressionAttributeValues: { ':one': 1 },
  ReturnValues: 'UPDATED_NEW',
});
