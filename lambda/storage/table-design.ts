import type { IssueStatus } from '../core/loop-records.ts';

/**
 * The one definition of the DynamoDB table, shared by the CDK stack (infra/) and the local run
 * (local/). Single-table design; every key attribute is a string.
 *
 *   item        pk                 sk                gsi1pk (lookup)        gsi2pk / gsi2sk (listings)
 *   issue       ISSUE#<issueId>    ISSUE             ISSUE_NUMBER#<number>  <STATUS> / <priority>#<createdAt>#<issueId>
 *   signal      ISSUE#<issueId>    SIGNAL#<signalId> SIGNAL#<signalId>      SIGNALS / <createdAt>#<signalId>
 *     (no issue: SIGNAL#<signalId>)
 *   comment     ISSUE#<issueId>    COMMENT#<createdAt>#<commentId>  –       –
 *   change      ISSUE#<issueId>    CHANGE#<eventId>  –                      –      (a write's second event; TTL)
 *   alert       ALERT#<digest>     ALERT             –                      –      (its open issue, a copy)
 *   counter     COUNTER            ISSUE_NUMBER      –                      –
 *   delivery    DELIVERY#<key>     ARRIVED#<slice>   –                      –      (dedup record, TTL)
 *   unreadable  UNREADABLE#<id>    UNREADABLE        –                      UNREADABLE / <receivedAt>#<id>  (TTL)
 *
 * Base table: an issue, its signals and its comments share a partition, so "issue by id" is a
 * GetItem, "an issue with its signals" one Query (sort keys from ISSUE on: CHANGE# and COMMENT#
 * sort before it) and "its comments, oldest first" another (COMMENT#…). `lookup` (keys only) finds a signal by id or an
 * issue by number. `listings` (a few attributes) lists the issues of each status by priority then
 * age (`TRIAGE`, `BACKLOG`, …: an issue moves between them with its status), the newest signals,
 * and the unreadable deliveries kept for replay.
 * (Its physical name is `queue`, as first deployed: DynamoDB cannot rename an index in place.)
 */
const PARTITION_KEY = 'pk';
const SORT_KEY = 'sk';
const LOOKUP_KEY = 'gsi1pk';
const LISTING_KEY = 'gsi2pk';
const LISTING_ORDER = 'gsi2sk';

export const TABLE_DESIGN = {
  partitionKey: PARTITION_KEY,
  sortKey: SORT_KEY,
  /** Epoch seconds; DynamoDB TTL deletes items (dedup records, unreadable deliveries) after it. */
  timeToLiveAttribute: 'expiresAt',
  /** The stream the issue events come from (lambda/events/issue-event-pipe.ts): old and new images. */
  stream: 'NEW_AND_OLD_IMAGES',
  indexes: {
    lookup: { name: 'lookup', partitionKey: LOOKUP_KEY, projection: { type: 'KEYS_ONLY' } },
    listings: {
      name: 'queue',
      partitionKey: LISTING_KEY,
      sortKey: LISTING_ORDER,
      projection: {
        type: 'INCLUDE',
        attributes: [
          'entity',
          'id',
          'number',
          'title',
          'status',
          'priority',
          'severity',
          'issueId',
          'sourceId',
          'createdAt',
        ],
      },
    },
  },
} as const;

/** Every key attribute of the table and its indexes (all strings). */
export const KEY_ATTRIBUTES = [PARTITION_KEY, SORT_KEY, LOOKUP_KEY, LISTING_KEY, LISTING_ORDER] as const;

const ISSUE_PREFIX = 'ISSUE#';
const SIGNAL_PREFIX = 'SIGNAL#';

/** Key builders: the only place that knows how keys are spelled. */
export const keys = {
  issue: (issueId: string) => ({ [PARTITION_KEY]: `${ISSUE_PREFIX}${issueId}`, [SORT_KEY]: 'ISSUE' }),
  /** The issue id of an issue's partition key; undefined for any other partition. */
  issueIdOf: (partitionKey: string) =>
    partitionKey.startsWith(ISSUE_PREFIX) ? partitionKey.slice(ISSUE_PREFIX.length) : undefined,
  /** A signal: in its issue's partition, or in a partition of its own when it has no issue. */
  signal: (issueId: string | null, signalId: string) => ({
    [PARTITION_KEY]: issueId === null ? `${SIGNAL_PREFIX}${signalId}` : `${ISSUE_PREFIX}${issueId}`,
    [SORT_KEY]: `${SIGNAL_PREFIX}${signalId}`,
  }),
  issueNumberCounter: { [PARTITION_KEY]: 'COUNTER', [SORT_KEY]: 'ISSUE_NUMBER' },
  /** A dedup record: one per delivery key and dedup-window-sized slice of arrival time. */
  delivery: (deliveryKey: string, slice: number) => ({
    [PARTITION_KEY]: `DELIVERY#${deliveryKey}`,
    [SORT_KEY]: `ARRIVED#${slice}`,
  }),
  /** An alert's record (its open issue), by a digest of the source and the alert's key. */
  alert: (alertDigest: string) => ({ [PARTITION_KEY]: `ALERT#${alertDigest}`, [SORT_KEY]: 'ALERT' }),
  unreadable: (id: string) => ({ [PARTITION_KEY]: `UNREADABLE#${id}`, [SORT_KEY]: 'UNREADABLE' }),
  /** The sort key an issue item has: in its partition, the issue and then its signals sort from here on. */
  issueSortKey: 'ISSUE',
  /** The sort keys of an issue's comments begin so, then its time and id: oldest first. */
  commentPrefix: 'COMMENT#',
  /** An extra event of a write (a move's second change), in its issue's partition. */
  changeRecord: (issueId: string, eventId: string) => ({
    [PARTITION_KEY]: `${ISSUE_PREFIX}${issueId}`,
    [SORT_KEY]: `CHANGE#${eventId}`,
  }),
  issueLookup: (issueNumber: number) => `ISSUE_NUMBER#${issueNumber}`,
  signalLookup: (signalId: string) => `${SIGNAL_PREFIX}${signalId}`,
  /** The `listings` partition of issues with this status (`TRIAGE`, `BACKLOG`, `IN_PROGRESS`, …). */
  statusListing: (status: IssueStatus) => status.toUpperCase(),
  signalFeed: 'SIGNALS',
  unreadableFeed: 'UNREADABLE',
} as const;

/** All five key attributes of a signal item: its partition, `lookup` and the `SIGNALS` listing. */
export function signalKeys(signal: {
  readonly id: string;
  readonly issueId: string | null;
  readonly createdAt: string;
}) {
  return {
    ...keys.signal(signal.issueId, signal.id),
    [LOOKUP_KEY]: keys.signalLookup(signal.id),
    [LISTING_KEY]: keys.signalFeed,
    [LISTING_ORDER]: `${signal.createdAt}#${signal.id}`,
  };
}

/**
 * All five key attributes of an issue item: its partition, `lookup`, and the listing of its status
 * (by priority, then age): a status change moves it from one listing to another.
 */
export function issueKeys(issue: {
  readonly id: string;
  readonly number: number;
  readonly status: IssueStatus;
  readonly priority: number;
  readonly createdAt: string;
}) {
  return {
    ...keys.issue(issue.id),
    [LOOKUP_KEY]: keys.issueLookup(issue.number),
    [LISTING_KEY]: keys.statusListing(issue.status),
    [LISTING_ORDER]: `${issue.priority}#${issue.createdAt}#${issue.id}`,
  };
}

/** The key attributes of a kept unreadable delivery: its partition and the `UNREADABLE` listing, newest last. */
export function unreadableKeys(unreadable: { readonly id: string; readonly receivedAt: string }) {
  return {
    ...keys.unreadable(unreadable.id),
    [LISTING_KEY]: keys.unreadableFeed,
    [LISTING_ORDER]: `${unreadable.receivedAt}#${unreadable.id}`,
  };
}

/** A comment's keys: in its issue's partition, in the order written (its time, then its id). */
export function commentKeys(comment: {
  readonly issueId: string;
  readonly id: string;
  readonly createdAt: string;
}) {
  return {
    ...keys.issue(comment.issueId),
    [SORT_KEY]: `${keys.commentPrefix}${comment.createdAt}#${comment.id}`,
  };
}
