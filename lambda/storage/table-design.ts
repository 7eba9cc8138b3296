/**
 * The one definition of the DynamoDB table, shared by the CDK stack (infra/) and the local run
 * (local/). Single-table design; every key attribute is a string.
 *
 *   item        pk               sk                gsi1pk (lookup)         gsi2pk / gsi2sk (queue)
 *   issue       ISSUE#<issueId>  ISSUE             ISSUE_NUMBER#<number>   TRIAGE / <priority>#<createdAt>#<issueId>
 *   signal      ISSUE#<issueId>  SIGNAL#<signalId> SIGNAL#<signalId>       SIGNALS / <createdAt>#<signalId>
 *   counter     COUNTER          ISSUE_NUMBER      –                       –
 *   delivery    DELIVERY#<key>   DELIVERY          –                       –      (dedup record, TTL)
 *
 * Base table: an issue and its signals share a partition, so "issue by id" is a GetItem and
 * "an issue with its signals" is one Query. `lookup` (keys only) finds a signal by id or an
 * issue by number. `queue` (a few attributes) lists the triage queue by priority then age, and
 * the newest signals; an issue leaves the queue when its status leaves `triage`.
 */
export const TABLE_DESIGN = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB TTL deletes items (dedup records) after it. */
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    lookup: { name: 'lookup', partitionKey: 'gsi1pk', projection: { type: 'KEYS_ONLY' } },
    queue: {
      name: 'queue',
      partitionKey: 'gsi2pk',
      sortKey: 'gsi2sk',
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
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi2pk', 'gsi2sk'] as const;

/** Key builders: the only place that knows how keys are spelled. */
export const keys = {
  issue: (issueId: string) => ({ pk: `ISSUE#${issueId}`, sk: 'ISSUE' }),
  issueIdOf: (issuePartitionKey: string) => issuePartitionKey.replace(/^ISSUE#/, ''),
  signal: (issueId: string, signalId: string) => ({ pk: `ISSUE#${issueId}`, sk: `SIGNAL#${signalId}` }),
  issueNumberCounter: { pk: 'COUNTER', sk: 'ISSUE_NUMBER' },
  delivery: (deliveryKey: string) => ({ pk: `DELIVERY#${deliveryKey}`, sk: 'DELIVERY' }),
  issueLookup: (issueNumber: number) => `ISSUE_NUMBER#${issueNumber}`,
  signalLookup: (signalId: string) => `SIGNAL#${signalId}`,
  triageQueue: 'TRIAGE',
  triageOrder: (priority: number, createdAt: string, issueId: string) =>
    `${priority}#${createdAt}#${issueId}`,
  signalFeed: 'SIGNALS',
  signalFeedOrder: (createdAt: string, signalId: string) => `${createdAt}#${signalId}`,
} as const;
