import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Item } from './items.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** An issue's raw item and its signals' raw items. */
export interface IssuePartition {
  readonly issue: Item;
  readonly signals: Item[];
}

/**
 * Reads an issue together with its signals: they share a partition, so this is one strongly
 * consistent Query. Undefined when the issue does not exist.
 */
export async function readIssuePartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  issueId: string,
): Promise<IssuePartition | undefined> {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey },
      ExpressionAttributeValues: { ':pk': keys.issue(issueId)[TABLE_DESIGN.partitionKey] },
      ConsistentRead: true,
    }),
  );
  const issue = Items.find((item) => item.entity === 'issue');
  return issue ? { issue, signals: Items.filter((item) => item.entity === 'signal') } : undefined;
}
