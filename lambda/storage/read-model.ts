/**
 * The read side of the table: what the CLI (and any reader) asks of it, as Queries on the base
 * table and its indexes (never a Scan). Readers format; this module knows the keys.
 */
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Issue, Signal } from '../core/loop-records.ts';
import { type Item, issueFromItem, signalFromItem } from './items.ts';
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

/** A row of `list`: a signal with the title and number of its issue. */
export interface SignalRow {
  readonly signalId: string;
  readonly severity: string;
  readonly createdAt: string;
  readonly sourceId: string | null;
  readonly issueId: string;
  readonly issueNumber: number | undefined;
  readonly title: string | undefined;
}

/** A row of `triage`: an issue waiting in triage. */
export interface TriageRow {
  readonly issueId: string;
  readonly number: number;
  readonly priority: number;
  readonly title: string;
  readonly createdAt: string;
}

/** An issue with its signals, for `show`. */
export interface IssueDetail {
  readonly issue: Issue;
  readonly signals: Signal[];
}

/** Read-only queries over the signals table. */
export class SignalQueries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The newest signals, newest first, each with its issue's number and title. */
  async newestSignals(limit: number): Promise<SignalRow[]> {
    const items = await this.listing(keys.signalFeed, { newestFirst: true, limit });
    const issues = await this.issuesById(items.map((item) => String(item.issueId)));
    return items.map((item) => {
      const issue = issues.get(String(item.issueId));
      return {
        signalId: String(item.id),
        severity: String(item.severity),
        createdAt: String(item.createdAt),
        sourceId: (item.sourceId as string | null | undefined) ?? null,
        issueId: String(item.issueId),
        issueNumber: issue?.number as number | undefined,
        title: issue?.title as string | undefined,
      };
    });
  }

  /** Issues in triage: by priority (1 first), then oldest first. A Query on the `listings` index. */
  async triageIssues(limit: number): Promise<TriageRow[]> {
    const items = await this.listing(keys.triageListing, { newestFirst: false, limit });
    return items.map((item) => ({
      issueId: String(item.id),
      number: Number(item.number),
      priority: Number(item.priority),
      title: String(item.title),
      createdAt: String(item.createdAt),
    }));
  }

  /** An issue and its signals, found by issue number, signal id or issue id. */
  async find(reference: string): Promise<IssueDetail | undefined> {
    const issueId = /^\d+$/.test(reference)
      ? await this.issueIdByLookup(keys.issueLookup(Number(reference)))
      : ((await this.issueIdByLookup(keys.signalLookup(reference))) ?? reference);
    if (!issueId) return undefined;
    const partition = await readIssuePartition(this.client, this.tableName, issueId);
    return (
      partition && { issue: issueFromItem(partition.issue), signals: partition.signals.map(signalFromItem) }
    );
  }

  /** One page of a `listings` index partition, in sort-key order (or reversed). */
  private listing(partition: string, { newestFirst, limit }: { newestFirst: boolean; limit: number }) {
    return this.queryIndex(TABLE_DESIGN.indexes.listings, partition, {
      ScanIndexForward: !newestFirst,
      Limit: limit,
    });
  }

  private async issueIdByLookup(lookupKey: string): Promise<string | undefined> {
    const [entry] = await this.queryIndex(TABLE_DESIGN.indexes.lookup, lookupKey, { Limit: 1 });
    const pk = entry?.[TABLE_DESIGN.partitionKey];
    return typeof pk === 'string' ? keys.issueIdOf(pk) : undefined;
  }

  /** Items of one partition of a secondary index. */
  private async queryIndex(
    index: { readonly name: string; readonly partitionKey: string },
    partition: string,
    options: { ScanIndexForward?: boolean; Limit: number },
  ): Promise<Item[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :partition',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':partition': partition },
        ...options,
      }),
    );
    return Items;
  }

  private async issuesById(issueIds: string[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const unique = [...new Set(issueIds)];
    // BatchGetItem takes at most 100 keys.
    for (let start = 0; start < unique.length; start += 100) {
      let request: BatchGetCommandInput['RequestItems'] = {
        [this.tableName]: {
          Keys: unique.slice(start, start + 100).map((id) => keys.issue(id)),
          // `number` is a reserved word in expressions.
          ProjectionExpression: 'id, #number, title',
          ExpressionAttributeNames: { '#number': 'number' },
        },
      };
      while (request && Object.keys(request).length > 0) {
        const response: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: request }),
        );
        for (const item of response.Responses?.[this.tableName] ?? []) found.set(String(item.id), item);
        request = response.UnprocessedKeys;
      }
    }
    return found;
  }
}
