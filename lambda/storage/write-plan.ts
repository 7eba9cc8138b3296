/**
 * What the store writes, as plain data: how a delivery is filed (a new issue, the open issue of
 * its alert, or a signal on its own) and the items and conditions of each DynamoDB request, built
 * by pure functions so they can be read and tested without DynamoDB. The store (signal-store.ts)
 * only reads the alert's record, sends these, retries and maps errors.
 */
import { createHash } from 'node:crypto';
import type { PutCommandInput, TransactWriteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Change } from '../core/issue-changes.ts';
import { type Issue, isOpen, type Signal, type SignalDraft } from '../core/loop-records.ts';
import type { UnreadableDelivery } from '../intake/ports.ts';
import { type AlertRecord, type Item, issueItem, signalItem } from './items.ts';
import type { StoredPayload } from './payload-encoding.ts';
import { issueKeys, keys, TABLE_DESIGN, unreadableKeys } from './table-design.ts';

/** How long an unreadable delivery is kept for replay (docs/http-contract.md "Nothing authenticated is lost"). */
const UNREADABLE_RETENTION_DAYS = 14;

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
  /** Whether firings of one alert share its open issue (false: every firing opens one). */
  readonly groupFirings: boolean;
  /** A firing joins its alert's open issue when it arrived within this long of the episode's firings. */
  readonly episodeGapSeconds: number;
}

/** How a delivery is filed. */
export type Filing =
  /**
   * It opens an issue, and becomes its alert's open issue when it names an alert — unless it
   * arrived before the episode the alert's record holds (`past`: a replay, or a drain hours late),
   * which keeps the record, and so the live issue, as they are.
   */
  | { readonly kind: 'opened'; readonly past?: boolean }
  /** It joins the open issue of its alert. */
  | { readonly kind: 'joined'; readonly alert: AlertRecord }
  /** A resolution with no open issue to join: a signal on its own. */
  | { readonly kind: 'alone' };

/** The digest an alert's record is keyed by: any alert key, however long, gives a short key. */
export function alertDigest(source: string, alertKey: string): string {
  return createHash('sha256').update(`${source}\n${alertKey}`).digest('hex');
}

/**
 * Decides how a delivery is filed (docs/http-contract.md "One open issue per alert"): a delivery
 * that names an alert joins the alert's open issue while that issue is neither done nor canceled
 * and the delivery arrived within the episode gap of the episode's firings — a resolution however
 * long after them, since it ends the episode; otherwise a firing or an error opens an issue and a
 * resolution stands alone. Without an alert (or with grouping off) every firing and error opens
 * its own issue. A test delivery always stands alone: it is kept out of triage.
 */
export function filingFor(
  draft: SignalDraft,
  alert: AlertRecord | undefined,
  settings: PlanSettings,
): Filing {
  const { kind, alertKey } = draft.reading;
  if (draft.test) return { kind: 'alone' };
  const grouped = settings.groupFirings && alertKey !== null;
  if (grouped && alert && isOpen(alert.issue.status) && withinEpisode(draft, alert, settings)) {
    return { kind: 'joined', alert };
  }
  if (kind === 'resolved') return { kind: 'alone' };
  const past = grouped && alert !== undefined && epochSeconds(draft.receivedAt) < alert.openedAt;
  return past ? { kind: 'opened', past } : { kind: 'opened' };
}

function withinEpisode(draft: SignalDraft, alert: AlertRecord, settings: PlanSettings): boolean {
  const arrived = epochSeconds(draft.receivedAt);
  if (arrived < alert.openedAt - settings.episodeGapSeconds) return false;
  return draft.reading.kind === 'resolved' || arrived <= alert.lastActiveAt + settings.episodeGapSeconds;
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

/** Everything one filing writes. */
export interface FilingWrite {
  readonly draft: SignalDraft;
  readonly signal: Signal;
  /** The signal's payload as stored. */
  readonly payload: StoredPayload;
  /** The issue as it will be: newly opened, or the joined one updated; null for a lone signal. */
  readonly issue: Issue | null;
  /** The issue's `signalPayload` as stored. */
  readonly issuePayload: StoredPayload | null;
  /** The alert's record as read (the write is conditional on it), if the delivery names an alert. */
  readonly alert: { readonly digest: string; readonly seen: AlertRecord | undefined } | undefined;
  readonly filing: Filing;
  /**
   * What this write tells the outside world (on the issue, or on a lone signal); none for a test
   * delivery, which tells nobody.
   */
  readonly change: Change | undefined;
  /**
   * An issue number taken earlier and held (by init, or by a delivery that turned out to be a
   * repeat): the write is conditional on it still being the latest taken, so issues keep opening
   * in number order; refused, the number is skipped.
   */
  readonly heldNumber?: number | undefined;
}

/** What each item of a filing transaction is, so the store can read which condition refused it. */
export type TransactionRole = 'delivery' | 'signal' | 'issue' | 'alert' | 'counter';

/**
 * Files a delivery in one transaction (`transactionRoles` says which item is which):
 *  - its dedup record, and the checks that no record of the same key arrived within the dedup
 *    window of it, before or after (dedupChecks; a refusal hands back the record that refused it,
 *    so a repeat costs no extra read to find it);
 *  - the signal, conditional on not existing;
 *  - the issue: a new one conditional on not existing, or the joined one conditional on the
 *    status and priority this service last gave it (a refusal hands back the issue as it is);
 *  - the alert's record, conditional on the version read (or on none existing): of two
 *    concurrent firings of one alert, only one can open its issue;
 *  - with a held issue number, the check that it is still the counter's latest.
 */
export function filingTransaction(write: FilingWrite, settings: PlanSettings): TransactWriteCommandInput {
  const { tableName } = settings;
  const { draft, signal, issue, alert, filing } = write;
  const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
    ...dedupChecks(draft, signal, filing, settings),
    {
      Put: {
        ...putNew(signalItem(signal, write.payload, issue ? undefined : write.change)),
        TableName: tableName,
      },
    },
  ];
  if (issue && write.issuePayload !== null) {
    const item = issueItem(issue, write.issuePayload, write.change);
    items.push({
      Put:
        filing.kind === 'joined'
          ? {
              TableName: tableName,
              Item: item,
              ConditionExpression: '#status = :status AND #priority = :priority',
              ExpressionAttributeNames: { '#status': 'status', '#priority': 'priority' },
              ExpressionAttributeValues: {
                ':status': filing.alert.issue.status,
                ':priority': filing.alert.issue.priority,
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }
          : { ...putNew(item), TableName: tableName },
    });
    // An issue opened for a past episode leaves the record to the live one.
    const past = filing.kind === 'opened' && filing.past === true;
    if (alert && settings.groupFirings && !past) {
      items.push({ Put: alertRecordPut(write, issue, write.issuePayload, alert, settings) });
    }
  }
  if (write.heldNumber !== undefined) {
    items.push({
      ConditionCheck: {
        TableName: tableName,
        Key: keys.issueNumberCounter,
        ConditionExpression: '#value = :held',
        ExpressionAttributeNames: { '#value': 'value' },
        ExpressionAttributeValues: { ':held': write.heldNumber },
      },
    });
  }
  return { TransactItems: items };
}

/** What each item of a filing transaction is, by its key (the order of the items is the plan's). */
export function transactionRoles({ TransactItems = [] }: TransactWriteCommandInput): TransactionRole[] {
  return TransactItems.map((item) => {
    const key = (item.Put?.Item ?? item.ConditionCheck?.Key ?? item.Update?.Key ?? {}) as Item;
    const partition = String(key[TABLE_DESIGN.partitionKey]);
    const sort = String(key[TABLE_DESIGN.sortKey]);
    if (partition.startsWith('DELIVERY#')) return 'delivery';
    if (partition.startsWith('ALERT#')) return 'alert';
    if (partition === keys.issueNumberCounter[TABLE_DESIGN.partitionKey]) return 'counter';
    return sort === keys.issue('')[TABLE_DESIGN.sortKey] ? 'issue' : 'signal';
  });
}

/**
 * A delivery repeats another of the same key when their arrivals are less than the dedup window
 * apart, whichever came first and whichever is written first (docs/http-contract.md
 * "Idempotency"): a queued delivery drained hours late is judged by when it arrived. Arrival time is
 * cut into window-sized slices; each delivery's record lives in its own slice, so a record already
 * in that slice is always a repeat (the Put is conditional on none), and one in a neighbouring slice
 * is a repeat only when its arrival is within the window (two ConditionChecks). Records of
 * deliveries further apart never meet, so none overwrites another.
 */
function dedupChecks(draft: SignalDraft, signal: Signal, filing: Filing, settings: PlanSettings) {
  const arrived = epochSeconds(draft.receivedAt);
  const window = Math.max(1, settings.dedupWindowSeconds);
  const slice = Math.floor(arrived / window);
  const { key } = draft.delivery;
  const neighbour = (offset: -1 | 1) => ({
    ConditionCheck: {
      TableName: settings.tableName,
      Key: keys.delivery(key, slice + offset),
      // Absent, or arrived a whole window before (or after) this delivery.
      ConditionExpression: `attribute_not_exists(#pk) OR #arrivedAt ${offset < 0 ? '<=' : '>='} :bound`,
      ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey, '#arrivedAt': 'arrivedAt' },
      ExpressionAttributeValues: { ':bound': arrived + offset * window },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  });
  return [
    {
      Put: {
        TableName: settings.tableName,
        Item: {
          ...keys.delivery(key, slice),
          entity: 'delivery',
          bodySha256: draft.delivery.bodySha256,
          signalId: signal.id,
          issueId: signal.issueId,
          filing: filing.kind,
          createdAt: signal.createdAt,
          arrivedAt: arrived,
          // Kept past its window for as long as a queued copy of the delivery can still arrive.
          [TABLE_DESIGN.timeToLiveAttribute]: arrived + window + settings.dedupRecordRetentionSeconds,
        },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    },
    neighbour(-1),
    neighbour(1),
  ];
}

function alertRecordPut(
  write: FilingWrite,
  issue: Issue,
  issuePayload: StoredPayload,
  alert: NonNullable<FilingWrite['alert']>,
  settings: PlanSettings,
) {
  const arrived = epochSeconds(write.draft.receivedAt);
  const { seen } = alert;
  const joined = write.filing.kind === 'joined' && seen;
  const active = write.draft.reading.kind !== 'resolved';
  const record: AlertRecord = {
    version: (seen?.version ?? 0) + 1,
    openedAt: joined ? Math.min(seen.openedAt, arrived) : arrived,
    lastActiveAt: joined ? (active ? Math.max(seen.lastActiveAt, arrived) : seen.lastActiveAt) : arrived,
    issue,
    issuePayload,
  };
  return {
    TableName: settings.tableName,
    Item: alertItem(alert.digest, write.draft.reading, record),
    ConditionExpression: seen ? '#version = :version' : 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: (seen
      ? { '#version': 'version' }
      : { '#pk': TABLE_DESIGN.partitionKey }) as Record<string, string>,
    ...(seen ? { ExpressionAttributeValues: { ':version': seen.version } } : {}),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/** The table item of an alert's record. */
function alertItem(digest: string, reading: SignalDraft['reading'], record: AlertRecord): Item {
  const { issuePayload, issue, ...state } = record;
  return {
    ...keys.alert(digest),
    entity: 'alert',
    source: reading.source,
    alertKey: reading.alertKey,
    ...state,
    issue: { ...issue, signalPayload: issuePayload },
  };
}

/**
 * Moves an issue (docs/architecture.md "Triage"): its status and priority, the listing keys that
 * follow from them, `updatedAt` and the change it makes, conditional on the status and priority
 * read just before — so a concurrent move, or a firing that raised the priority meanwhile, fails
 * this one instead of being overwritten. Answers with the issue as written (ALL_NEW).
 */
export function moveUpdate(
  before: Issue,
  after: Issue,
  change: Change,
  settings: Pick<PlanSettings, 'tableName'>,
): UpdateCommandInput {
  const listing = issueKeys(after);
  return {
    TableName: settings.tableName,
    Key: keys.issue(before.id),
    UpdateExpression:
      'SET #status = :status, #priority = :priority, #listing = :listing, #order = :order, #updatedAt = :updatedAt, #change = :change',
    ConditionExpression: 'attribute_exists(#pk) AND #status = :seen AND #priority = :seenPriority',
    ExpressionAttributeNames: {
      '#pk': TABLE_DESIGN.partitionKey,
      '#status': 'status',
      '#priority': 'priority',
      '#listing': TABLE_DESIGN.indexes.listings.partitionKey,
      '#order': TABLE_DESIGN.indexes.listings.sortKey,
      '#updatedAt': 'updatedAt',
      '#change': 'change',
    },
    ExpressionAttributeValues: {
      ':status': after.status,
      ':priority': after.priority,
      ':listing': listing[TABLE_DESIGN.indexes.listings.partitionKey],
      ':order': listing[TABLE_DESIGN.indexes.listings.sortKey],
      ':updatedAt': after.updatedAt,
      ':change': change,
      ':seen': before.status,
      ':seenPriority': before.priority,
    },
    ReturnValues: 'ALL_NEW',
  };
}

/**
 * Keeps an unreadable delivery for replay: its bytes as received, the headers that name it, when
 * it arrived and why it was refused; deleted by TTL after UNREADABLE_RETENTION_DAYS. Its id comes
 * from its dedup identity, so a retry of it overwrites the same item.
 */
export function unreadablePut(unreadable: UnreadableDelivery, settings: PlanSettings): PutCommandInput {
  const { id, delivery, reason } = unreadable;
  const receivedAt = delivery.receivedAt.toISOString();
  return {
    TableName: settings.tableName,
    Item: {
      ...unreadableKeys({ id, receivedAt }),
      entity: 'unreadable',
      id,
      createdAt: receivedAt,
      reason,
      size: delivery.body.length,
      body: delivery.body,
      keyHeaders: { ...delivery.keyHeaders },
      ...(delivery.requestId ? { requestId: delivery.requestId } : {}),
      [TABLE_DESIGN.timeToLiveAttribute]:
        epochSeconds(delivery.receivedAt) + UNREADABLE_RETENTION_DAYS * 86_400,
    },
  };
}

function putNew(item: Item) {
  return {
    Item: item,
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: { '#pk': TABLE_DESIGN.partitionKey },
  };
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
