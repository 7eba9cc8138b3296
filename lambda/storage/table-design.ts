/**
 * The one definition of the DynamoDB table, shared by the CDK stack (infra/) and the local run
 * (local/). Single-table design; every key attribute is a string.
 *
 *   item        pk               sk                gsi1pk (lookup)         gsi2pk / gsi2sk (listings)
 *   issue       ISSUE#<issueId>  ISSUE             ISSUE_NUMBER#<number>   TRIAGE / <priority>#<createdAt>#<issueId>
 *   signal      ISSUE#<issueId>  SIGNAL#<signalId> SIGNAL#<signalId>       SIGNALS / <createdAt>#<signalId>
 *   counter     COUNTER          ISSUE_NUMBER      –                       –
 *   delivery    DELIVERY#<key>   DELIVERY          –                       –      (dedup record, TTL)
 *
 * Base table: an issue and its signals share a partition, so "issue by id" is a GetItem and
 * "an issue with its signals" is one Query. `lookup` (keys only) finds a signal by id or an
 * issue by number. `listings` (a few attributes) lists the triage issues by priority then age,
 * and the newest signals; an issue leaves the triage listing when its status leaves `triage`.
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
  /** Epoch seconds; DynamoDB TTL deletes items (dedup records) after it. */
  timeToLiveAttribute: 'expiresAt',
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

/** Key builders: the only place that knows how keys are spelled. */
export const keys = {
  issue: (issueId: string) => ({ [PARTITION_KEY]: `${ISSUE_PREFIX}${issueId}`, [SORT_KEY]: 'ISSUE' }),
  issueIdOf: (issuePartitionKey: string) =>
    issuePartitionKey.startsWith(ISSUE_PREFIX)
      ? issuePartitionKey.slice(ISSUE_PREFIX.length)
      : issuePartitionKey,
  signal: (issueId: string, signalId: string) => ({
    [PARTITION_KEY]: `${ISSUE_PREFIX}${issueId}`,
    [SORT_KEY]: `SIGNAL#${signalId}`,
  }),
  issueNumberCounter: { [PARTITION_KEY]: 'COUNTER', [SORT_KEY]: 'ISSUE_NUMBER' },
  delivery: (deliveryKey: string) => ({ [PARTITION_KEY]: `DELIVERY#${deliveryKey}`, [SORT_KEY]: 'DELIVERY' }),
  issueLookup: (issueNumber: number) => `ISSUE_NUMBER#${issueNumber}`,
  signalLookup: (signalId: string) => `SIGNAL#${signalId}`,
  triageListing: 'TRIAGE',
  signalFeed: 'SIGNALS',
} as const;

/** All five key attributes of a signal item: its issue's partition, `lookup` and the `SIGNALS` listing. */
export function signalKeys(signal: {
  readonly id: string;
  readonly issueId: string;
  readonly createdAt: string;
}) {
  return {
    ...keys.signal(signal.issueId, signal.id),
    [LOOKUP_KEY]: keys.signalLookup(signal.id),
    [LISTING_KEY]: keys.signalFeed,
    [LISTING_ORDER]: `${signal.createdAt}#${signal.id}`,
  };
}

/** All five key attributes of an issue item: its partition, `lookup` and the `TRIAGE` listing. */
export function issueKeys(issue: {
  readonly id: string;
  readonly number: number;
  readonly priority: number;
  readonly createdAt: string;
}) {
  return {
    ...keys.issue(issue.id),
    [LOOKUP_KEY]: keys.issueLookup(issue.number),
    [LISTING_KEY]: keys.triageListing,
    [LISTING_ORDER]: `${issue.priority}#${issue.createdAt}#${issue.id}`,
  };
}
