/**
 * The read side of the table: what the triage API and the CLI ask of it, as Queries and batch
 * reads on the base table and its indexes (never a Scan). Answers are records (core/); the
 * caller shapes them (contract/shapes.ts). This module knows the keys.
 */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { fieldsWithout, ISSUE_ROW_FIELDS, SIGNAL_ROW_FIELDS } from '../contract/shapes.ts';
import { InvalidRequestError } from '../core/errors.ts';
import type { Comment, Issue, IssueStatus, Signal } from '../core/loop-records.ts';
import { itemsByKey } from './batch-get.ts';
import {
  commentFromItem,
  fieldsOfEarlierIssues,
  type Item,
  issueFromItem,
  type Stored,
  signalFromItem,
} from './items.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';

/** One page of a listing, and where the next one starts (undefined: this is the last page). */
export interface Page<Row> {
  readonly items: Row[];
  /** Opaque: hand it back to read the next page. */
  readonly cursor: string | undefined;
}

/** An issue as a listing reads it: every field but its payload, its description and what it read. */
export type IssueRecordRow = Omit<Issue, 'signalPayload' | 'description' | 'lastReading'>;

/** A signal as a listing reads it (no payload, no reading), with the issue it belongs to. */
export interface SignalRecordRow {
  readonly signal: Omit<Signal, 'payload' | 'reading'>;
  readonly issue: IssueRecordRow | null;
}

/** An issue with its signals (oldest first), as stored: each with its payload's text. */
export interface IssueWithSignals {
  readonly issue: Stored<Issue>;
  readonly signals: Stored<Signal>[];
}

/** A signal with the issue it belongs to (null for none). */
export interface SignalWithIssue {
  readonly signal: Stored<Signal>;
  readonly issue: Issue | null;
}

/** A kept unreadable delivery, as listed. */
export interface UnreadableRow {
  readonly id: string;
  readonly receivedAt: string;
  readonly reason: string;
  readonly size: number;
}

/** Issue ids and signal ids are UUIDs; anything longer or odder names nothing (404, not a DynamoDB error). */
const ID = /^[A-Za-z0-9-]{1,64}$/;
const NUMBER = /^[0-9]{1,15}$/;

/**
 * What an issue listing reads of each issue (the listing's index holds only a few attributes): the
 * fields of its row (contract/shapes.ts), and its type, which the record has.
 */
const ISSUE_ROW_ATTRIBUTES = [...ISSUE_ROW_FIELDS, 'type'] as const;
/** What a signal listing reads of each signal: the fields of its row but its issue (read apart). */
const SIGNAL_ROW_ATTRIBUTES = fieldsWithout(SIGNAL_ROW_FIELDS, ['issue']);

/** Read-only queries over the signals table. */
export class SignalQueries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Issues with a status: by priority (1 first), then oldest first. A Query on `listings`. */
  async issuesWithStatus(status: IssueStatus, limit: number, cursor?: string): Promise<Page<IssueRecordRow>> {
    const page = await this.listing(keys.statusListing(status), { newestFirst: false, limit, cursor });
    const issues = await this.issueRows(page.items.map((item) => String(item.id)));
    return {
      items: page.items.flatMap((item) => {
        const issue = issues.get(String(item.id));
        return issue ? [issue] : [];
      }),
      cursor: page.cursor,
    };
  }

  /** The newest signals, newest first, each with the issue it belongs to. */
  async newestSignals(limit: number, cursor?: string): Promise<Page<SignalRecordRow>> {
    const page = await this.listing(keys.signalFeed, { newestFirst: true, limit, cursor });
    // Both reads take their keys from the page alone: one round trip, not two.
    const [signals, issues] = await Promise.all([
      this.batchGet(
        page.items.map((item) => ({ pk: item[TABLE_DESIGN.partitionKey], sk: item[TABLE_DESIGN.sortKey] })),
        SIGNAL_ROW_ATTRIBUTES,
      ),
      this.issueRows(page.items.flatMap((item) => (typeof item.issueId === 'string' ? [item.issueId] : []))),
    ]);
    const items = page.items.flatMap((item): SignalRecordRow[] => {
      const signal = signals.get(String(item.id));
      if (!signal) return [];
      const issueId = typeof signal.issueId === 'string' ? signal.issueId : null;
      return [
        {
          // Signals stored before they had a title of their own have an empty one (the CLI shows their issue's).
          signal: {
            kind: 'firing',
            title: '',
            sourceId: null,
            issueId: null,
            ...signal,
          } as unknown as Omit<Signal, 'payload' | 'reading'>,
          issue: issueId === null ? null : (issues.get(issueId) ?? null),
        },
      ];
    });
    return { items, cursor: page.cursor };
  }

  /**
   * The id of the issue a reference names: an issue number or an issue id (never another kind
   * of id: a signal's id names no issue). Undefined when none exists.
   */
  async issueIdOf(reference: string): Promise<string | undefined> {
    if (NUMBER.test(reference)) {
      const pk = await this.lookup(keys.issueLookup(Number(reference)));
      return pk === undefined ? undefined : keys.issueIdOf(pk);
    }
    if (!ID.test(reference)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.issue(reference),
        ProjectionExpression: '#entity',
        ExpressionAttributeNames: { '#entity': 'entity' },
        ConsistentRead: true,
      }),
    );
    return Item?.entity === 'issue' ? reference : undefined;
  }

  /**
   * An issue with its signals: they share a partition, so this is one strongly consistent Query
   * (from the issue's sort key on, so its comments and change records are not read). Undefined
   * when the issue does not exist.
   */
  async issueWithSignals(issueId: string): Promise<IssueWithSignals | undefined> {
    if (!ID.test(issueId)) return undefined;
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk >= :issue',
          ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey, '#sk': TABLE_DESIGN.sortKey },
          ExpressionAttributeValues: {
            ':pk': keys.issue(issueId)[TABLE_DESIGN.partitionKey],
            ':issue': keys.issueSortKey,
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const issue = items.find((item) => item.entity === 'issue');
    if (!issue) return undefined;
    const signals = items
      .filter((item) => item.entity === 'signal')
      .map(signalFromItem)
      .sort((a, b) => compare(a.record.createdAt, b.record.createdAt) || compare(a.record.id, b.record.id));
    return { issue: issueFromItem(issue), signals };
  }

  /** A signal by its id, with the issue it belongs to (null for none); undefined when none exists. */
  async signal(signalId: string): Promise<SignalWithIssue | undefined> {
    if (!ID.test(signalId)) return undefined;
    const pk = await this.lookup(keys.signalLookup(signalId));
    if (pk === undefined) return undefined;
    const issueId = keys.issueIdOf(pk) ?? null;
    const [signal, issue] = await itemsByKey(
      this.client,
      this.tableName,
      [keys.signal(issueId, signalId), ...(issueId === null ? [] : [keys.issue(issueId)])],
      { consistent: true },
    );
    if (!signal) return undefined;
    return { signal: signalFromItem(signal), issue: issue ? issueFromItem(issue).record : null };
  }

  /** An issue's comments, oldest first: a Query of its partition's COMMENT# items. */
  async comments(issueId: string, limit: number, cursor?: string): Promise<Page<Comment>> {
    const partition = keys.issue(issueId)[TABLE_DESIGN.partitionKey];
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :comment)',
        ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey, '#sk': TABLE_DESIGN.sortKey },
        ExpressionAttributeValues: { ':pk': partition, ':comment': keys.commentPrefix },
        ConsistentRead: true,
        // One more than asked: whether a next page exists is known without reading an empty one.
        Limit: limit + 1,
        ...(cursor !== undefined
          ? {
              ExclusiveStartKey: decodeCursor(cursor, [TABLE_DESIGN.partitionKey, TABLE_DESIGN.sortKey], {
                [TABLE_DESIGN.partitionKey]: (value) => value === partition,
                [TABLE_DESIGN.sortKey]: (value) => value.startsWith(keys.commentPrefix),
              }),
            }
          : {}),
      }),
    );
    return pageOf(Items, limit, [TABLE_DESIGN.partitionKey, TABLE_DESIGN.sortKey], commentFromItem);
  }

  /** The unreadable deliveries kept for replay, newest first. */
  async unreadable(limit: number, cursor?: string): Promise<Page<UnreadableRow>> {
    const page = await this.listing(keys.unreadableFeed, { newestFirst: true, limit, cursor });
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
    if (!ID.test(id)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.unreadable(id), ConsistentRead: true }),
    );
    return Item;
  }

  /** One page of a `listings` index partition, in sort-key order (or reversed). */
  private async listing(
    partition: string,
    { newestFirst, limit, cursor }: { newestFirst: boolean; limit: number; cursor: string | undefined },
  ): Promise<Page<Item>> {
    const index = TABLE_DESIGN.indexes.listings;
    const keyAttributes = [
      TABLE_DESIGN.partitionKey,
      TABLE_DESIGN.sortKey,
      index.partitionKey,
      index.sortKey,
    ];
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :partition',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':partition': partition },
        ScanIndexForward: !newestFirst,
        // One more than asked: whether a next page exists is known without reading an empty one.
        Limit: limit + 1,
        ...(cursor !== undefined
          ? {
              ExclusiveStartKey: decodeCursor(cursor, keyAttributes, {
                [index.partitionKey]: (value) => value === partition,
              }),
            }
          : {}),
      }),
    );
    return pageOf(Items, limit, keyAttributes, (item) => item);
  }

  /** Issues by id, as listing rows. */
  private async issueRows(issueIds: string[]): Promise<Map<string, IssueRecordRow>> {
    const items = await this.batchGet(
      [...new Set(issueIds)].map((id) => keys.issue(id)),
      ISSUE_ROW_ATTRIBUTES,
    );
    const rows = new Map<string, IssueRecordRow>();
    for (const [id, item] of items) {
      rows.set(id, { ...fieldsOfEarlierIssues(), ...item } as unknown as IssueRecordRow);
    }
    return rows;
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

  /** Items by key (see itemsByKey), by their `id`. */
  private async batchGet(
    itemKeys: Record<string, unknown>[],
    attributes: readonly string[],
  ): Promise<Map<string, Item>> {
    const items = await itemsByKey(this.client, this.tableName, itemKeys, { attributes });
    return new Map(items.flatMap((item) => (item ? [[String(item.id), item] as const] : [])));
  }
}

/**
 * A page from a Query asked for one item more than `limit`: the first `limit` items, and a cursor
 * after the last of them only when the extra one shows that more remain.
 */
function pageOf<Row>(
  items: Item[],
  limit: number,
  keyAttributes: readonly string[],
  row: (item: Item) => Row,
): Page<Row> {
  const page = items.slice(0, limit);
  const last = page.at(-1);
  const more = items.length > limit && last !== undefined;
  return {
    items: page.map(row),
    cursor: more
      ? encodeCursor(Object.fromEntries(keyAttributes.map((name) => [name, last[name]])))
      : undefined,
  };
}

/** A page's end as an opaque cursor: the key where it stopped, base64url JSON. */
function encodeCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey)).toString('base64url');
}

/**
 * A cursor back as the key to start after. Every byte of it comes from outside: it must decode to
 * exactly `attributes`, each a non-empty string that `checks` (by attribute) accept, or it is
 * refused (a cursor cannot be used to read another listing or to inject attributes).
 */
function decodeCursor(
  cursor: string,
  attributes: readonly string[],
  checks: Readonly<Record<string, (value: string) => boolean>>,
): Record<string, string> {
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
  if (
    entries.length !== attributes.length ||
    entries.some(
      ([name, value]) =>
        !attributes.includes(name) ||
        typeof value !== 'string' ||
        value === '' ||
        (Object.hasOwn(checks, name) && !checks[name]?.(value)),
    )
  ) {
    throw invalid();
  }
  return decoded as Record<string, string>;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
