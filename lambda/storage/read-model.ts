/**
 * The read side of the table: what the CLI and the read API ask of it, as Queries and batch reads
 * on the base table and its indexes (never a Scan). Readers format; this module knows the keys.
 */
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidRequestError } from '../core/errors.ts';
import type { Issue, IssueStatus, Signal, SignalKind } from '../core/loop-records.ts';
import { itemsByKey } from './batch-get.ts';
import { type Item, signalFromItem, storedIssueFromItem } from './items.ts';
import { payloadJson, type StoredPayload } from './payload-encoding.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** An issue's raw item and its signals' raw items. */
interface IssuePartition {
  readonly issue: Item;
  readonly signals: Item[];
}

/**
 * Reads an issue together with its signals: they share a partition, so this is one strongly
 * consistent Query. Undefined when the issue does not exist.
 */
async function readIssuePartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  issueId: string,
): Promise<IssuePartition | undefined> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey },
        ExpressionAttributeValues: { ':pk': keys.issue(issueId)[TABLE_DESIGN.partitionKey] },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const issue = items.find((item) => item.entity === 'issue');
  return issue ? { issue, signals: items.filter((item) => item.entity === 'signal') } : undefined;
}

/** One page of a listing, and where the next one starts (undefined: no more). */
export interface Page<Row> {
  readonly items: Row[];
  /** Opaque: hand it back to read the next page. */
  readonly cursor: string | undefined;
}

/** A row of the signal listing: a signal with the number, title and state of its issue. */
export interface SignalRow {
  readonly signalId: string;
  readonly kind: SignalKind;
  readonly severity: string;
  readonly createdAt: string;
  readonly sourceId: string | null;
  readonly issueId: string | null;
  readonly issueNumber: number | undefined;
  readonly title: string | undefined;
  readonly status: IssueStatus | undefined;
  readonly resolvedAt: string | null;
}

/** A row of an issue listing: an issue waiting with its status. */
export interface IssueRow {
  readonly issueId: string;
  readonly number: number;
  readonly status: IssueStatus;
  readonly priority: number;
  readonly title: string;
  readonly firings: number;
  readonly resolvedAt: string | null;
  readonly createdAt: string;
}

/** An issue with its signals, or a signal on its own. */
export interface IssueDetail {
  readonly issue: Issue | null;
  readonly signals: Signal[];
}

/**
 * As read from the table: with each payload's JSON text as stored, so an answer can carry a
 * payload nested too deeply to serialise again (http-response.ts `detailJson`).
 */
export interface StoredIssueDetail extends IssueDetail {
  readonly payloadJson: { readonly issue: string | null; readonly signals: readonly string[] };
}

/** Issue ids and signal ids are UUIDs; anything longer or odder names nothing (404, not a DynamoDB error). */
const REFERENCE = /^[A-Za-z0-9-]{1,64}$/;

/** A kept unreadable delivery, as listed. */
export interface UnreadableRow {
  readonly id: string;
  readonly receivedAt: string;
  readonly reason: string;
  readonly size: number;
}

/** Read-only queries over the signals table. */
export class SignalQueries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The newest signals, newest first, each with its issue's number, title and state. */
  async newestSignals(limit: number, cursor?: string): Promise<Page<SignalRow>> {
    const page = await this.listing(keys.signalFeed, { newestFirst: true, limit, cursor });
    // Both reads take their keys from the page alone: one round trip, not two.
    const [signals, issues] = await Promise.all([
      this.batchGet(
        page.items.map((item) => ({ pk: item[TABLE_DESIGN.partitionKey], sk: item[TABLE_DESIGN.sortKey] })),
        ['id', 'kind', 'issueId'],
      ),
      this.issuesById(page.items.flatMap((item) => (typeof item.issueId === 'string' ? [item.issueId] : []))),
    ]);
    const items = page.items.map((item): SignalRow => {
      const issue = typeof item.issueId === 'string' ? issues.get(item.issueId) : undefined;
      const kind = signals.get(String(item.id))?.kind;
      return {
        signalId: String(item.id),
        kind: (kind as SignalKind | undefined) ?? 'firing',
        severity: String(item.severity),
        createdAt: String(item.createdAt),
        sourceId: (item.sourceId as string | null | undefined) ?? null,
        issueId: typeof item.issueId === 'string' ? item.issueId : null,
        issueNumber: issue?.number as number | undefined,
        title: issue?.title as string | undefined,
        status: issue?.status as IssueStatus | undefined,
        resolvedAt: (issue?.resolvedAt as string | null | undefined) ?? null,
      };
    });
    return { items, cursor: page.cursor };
  }

  /** Issues with a status: by priority (1 first), then oldest first. A Query on `listings`. */
  async issuesWithStatus(status: IssueStatus, limit: number, cursor?: string): Promise<Page<IssueRow>> {
    const page = await this.listing(keys.statusListing(status), { newestFirst: false, limit, cursor });
    const issues = await this.issuesById(page.items.map((item) => String(item.id)));
    const items = page.items.map((item): IssueRow => {
      const issue = issues.get(String(item.id));
      return {
        issueId: String(item.id),
        number: Number(item.number),
        status: item.status as IssueStatus,
        priority: Number(item.priority),
        title: String(item.title),
        firings: Number(issue?.firings ?? 1),
        resolvedAt: (issue?.resolvedAt as string | null | undefined) ?? null,
        createdAt: String(item.createdAt),
      };
    });
    return { items, cursor: page.cursor };
  }

  /** An issue and its signals, found by issue number, signal id or issue id; or a lone signal. */
  async find(reference: string): Promise<StoredIssueDetail | undefined> {
    if (!REFERENCE.test(reference)) return undefined;
    const issueId = await this.issueIdOf(reference);
    // A lone signal's id names no issue (undefined): it is read by its own key below.
    const partition = issueId ? await readIssuePartition(this.client, this.tableName, issueId) : undefined;
    if (partition) {
      const { issue, payload } = storedIssueFromItem(partition.issue);
      return {
        issue,
        signals: partition.signals.map(signalFromItem),
        payloadJson: {
          issue: payloadJson(payload),
          signals: partition.signals.map((item) => payloadJson(item.payload as StoredPayload)),
        },
      };
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.signal(null, reference), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      issue: null,
      signals: [signalFromItem(Item)],
      payloadJson: { issue: null, signals: [payloadJson(Item.payload as StoredPayload)] },
    };
  }

  /**
   * The id of the issue a reference names: an issue number, a signal's id, or an issue id;
   * undefined for a reference that cannot be one.
   */
  async issueIdOf(reference: string): Promise<string | undefined> {
    if (!REFERENCE.test(reference)) return undefined;
    if (/^\d{1,15}$/.test(reference)) return this.issueIdByLookup(keys.issueLookup(Number(reference)));
    const pk = await this.lookup(keys.signalLookup(reference));
    if (pk !== undefined) return keys.issueIdOf(pk);
    return reference;
  }

  /** The unreadable deliveries kept for replay, oldest first. */
  async unreadable(limit: number, cursor?: string): Promise<Page<UnreadableRow>> {
    const page = await this.listing(keys.unreadableFeed, { newestFirst: false, limit, cursor });
    const full = await this.batchGet(
      page.items.map((item) => ({ pk: item[TABLE_DESIGN.partitionKey], sk: item[TABLE_DESIGN.sortKey] })),
      ['id', 'reason', 'size'],
    );
    const items = page.items.map((item): UnreadableRow => {
      const kept = full.get(String(item.id));
      return {
        id: String(item.id),
        receivedAt: String(item.createdAt),
        reason: String(kept?.reason ?? ''),
        size: Number(kept?.size ?? 0),
      };
    });
    return { items, cursor: page.cursor };
  }

  /** One kept unreadable delivery, with its bytes. */
  async unreadableDelivery(id: string): Promise<Item | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.unreadable(id), ConsistentRead: true }),
    );
    return Item;
  }

  /** One page of a `listings` index partition, in sort-key order (or reversed). */
  private async listing(
    partition: string,
    { newestFirst, limit, cursor }: { newestFirst: boolean; limit: number; cursor: string | undefined },
  ): Promise<{ items: Item[]; cursor: string | undefined }> {
    const index = TABLE_DESIGN.indexes.listings;
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :partition',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':partition': partition },
        ScanIndexForward: !newestFirst,
        Limit: limit,
        ...(cursor !== undefined ? { ExclusiveStartKey: decodeCursor(cursor, partition) } : {}),
      }),
    );
    return { items: Items, cursor: LastEvaluatedKey ? encodeCursor(LastEvaluatedKey) : undefined };
  }

  private async issueIdByLookup(lookupKey: string): Promise<string | undefined> {
    const pk = await this.lookup(lookupKey);
    return pk === undefined ? undefined : keys.issueIdOf(pk);
  }

  /** The partition key an entry of the `lookup` index points at. */
  private async lookup(lookupKey: string): Promise<string | undefined> {
    const index = TABLE_DESIGN.indexes.lookup;
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :partition',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':partition': lookupKey },
        Limit: 1,
      }),
    );
    const pk = Items[0]?.[TABLE_DESIGN.partitionKey];
    return typeof pk === 'string' ? pk : undefined;
  }

  private issuesById(issueIds: string[]): Promise<Map<string, Item>> {
    return this.batchGet(
      [...new Set(issueIds)].map((id) => keys.issue(id)),
      ['id', 'number', 'title', 'status', 'firings', 'resolvedAt'],
    );
  }

  /** Items by key (see itemsByKey), by their `id`. */
  private async batchGet(
    itemKeys: Record<string, unknown>[],
    attributes: readonly string[],
  ): Promise<Map<string, Item>> {
    const items = await itemsByKey(this.client, this.tableName, itemKeys, { attributes });
    return new Map(items.flatMap((item) => (item ? [[String(item.id), item] as const] : [])));
  }
}

/** A page's end as an opaque cursor: the index key where it stopped, base64url JSON. */
function encodeCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey)).toString('base64url');
}

/**
 * A cursor back as the key to start after. Every byte of it comes from outside: it must decode to
 * exactly the key attributes of a `listings` entry of the same partition, all strings, or it is
 * refused (a cursor cannot be used to read another listing or to inject attributes).
 */
function decodeCursor(cursor: string, partition: string): Record<string, string> {
  const invalid = () => new InvalidRequestError('cursor is not one this service handed out');
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw invalid();
  const entries = Object.entries(decoded);
  const { listings } = TABLE_DESIGN.indexes;
  // Exactly the four attributes of a `listings` entry's key, each a non-empty string.
  const expected: readonly string[] = [
    TABLE_DESIGN.partitionKey,
    TABLE_DESIGN.sortKey,
    listings.partitionKey,
    listings.sortKey,
  ];
  if (
    entries.length !== expected.length ||
    entries.some(([name, value]) => !expected.includes(name) || typeof value !== 'string' || value === '') ||
    (decoded as Record<string, unknown>)[listings.partitionKey] !== partition
  ) {
    throw invalid();
  }
  return decoded as Record<string, string>;
}
