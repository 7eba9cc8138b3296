/**
 * What the store writes, as plain data: how a delivery is filed (a new issue, the open issue of
 * its alert, or a signal on its own) and the items and conditions of each DynamoDB request, built
 * by pure functions so they can be read and tested without DynamoDB. The store (signal-store.ts)
 * only reads the alert's record, sends these, retries and maps errors.
 */
import { createHash } from 'node:crypto';
import type { PutCommandInput, TransactWriteCommandInput, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Change } from '../core/issue-changes.ts';
import { type Comment, type Issue, isOpen, type Signal, type SignalDraft } from '../core/loop-records.ts';
import type { UnreadableDelivery } from '../intake/ports.ts';
import { type AlertRecord, alertItem, commentItem, type Item, issueItem, signalItem } from './items.ts';
import { packText } from './packed-text.ts';
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
  /** The issue as it will be: newly opened, or the joined one updated; null for a lone signal. */
  readonly issue: Issue | null;
  /** The issue's `signalPayload` as the JSON text it arrived as (the draft's, for a new issue). */
  readonly issuePayloadText: string | null;
  /** Store the payloads in their text form: DynamoDB refused the map that passed our checks. */
  readonly payloadsAsText: boolean;
  /** What the delivery answers (contract/shapes.ts), kept on its dedup record for its repeats. */
  readonly answer: string;
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
    ...dedupChecks(write, settings),
    {
      Put: {
        ...putNew(
          signalItem(signal, draft.payloadText, issue ? undefined : write.change, write.payloadsAsText),
        ),
        TableName: tableName,
      },
    },
  ];
  if (issue && write.issuePayloadText !== null) {
    const item = issueItem(issue, write.issuePayloadText, write.change, write.payloadsAsText);
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
      items.push({ Put: alertRecordPut(write, issue, write.issuePayloadText, alert, settings) });
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
function dedupChecks({ draft, signal, filing, answer }: FilingWrite, settings: PlanSettings) {
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
          // Its repeats answer these very bytes.
          answer: packText(answer),
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
  issuePayloadText: string,
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
    issuePayloadText,
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

/**
 * Moves an issue (docs/architecture.md "Triage"), a claim included: its status and priority, the
 * listing keys that follow from them, who claimed it and when, `updatedAt` and the first change
 * it makes, conditional on the status and priority read just before — so a concurrent move, a
 * claim, or a firing that raised the priority meanwhile fails this one instead of being
 * overwritten. Answers with the issue as written (ALL_NEW) when sent alone.
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
      'SET #status = :status, #priority = :priority, #listing = :listing, #order = :order, #updatedAt = :updatedAt, #change = :change, #claimedBy = :claimedBy, #claimedAt = :claimedAt',
    ConditionExpression: 'attribute_exists(#pk) AND #status = :seen AND #priority = :seenPriority',
    ExpressionAttributeNames: {
      '#pk': TABLE_DESIGN.partitionKey,
      '#status': 'status',
      '#priority': 'priority',
      '#listing': TABLE_DESIGN.indexes.listings.partitionKey,
      '#order': TABLE_DESIGN.indexes.listings.sortKey,
      '#updatedAt': 'updatedAt',
      '#change': 'change',
      '#claimedBy': 'claimedBy',
      '#claimedAt': 'claimedAt',
    },
    ExpressionAttributeValues: {
      ':status': after.status,
      ':priority': after.priority,
      ':listing': listing[TABLE_DESIGN.indexes.listings.partitionKey],
      ':order': listing[TABLE_DESIGN.indexes.listings.sortKey],
      ':updatedAt': after.updatedAt,
      ':change': change,
      ':claimedBy': after.claimedBy,
      ':claimedAt': after.claimedAt,
      ':seen': before.status,
      ':seenPriority': before.priority,
    },
    ReturnValues: 'ALL_NEW',
  };
}

/** How long a write's extra change record is kept: the pipe reads the stream within seconds. */
const CHANGE_RECORD_RETENTION_SECONDS = 86_400;

/**
 * A write's second event (a move that changes status and priority publishes both): an item of
 * its own in the issue's partition, carrying the change to the stream; deleted by TTL a day later.
 */
export function changeRecordPut(issueId: string, change: Change, settings: Pick<PlanSettings, 'tableName'>) {
  return {
    TableName: settings.tableName,
    Item: {
      ...keys.changeRecord(issueId, change.eventId),
      entity: 'change',
      change,
      [TABLE_DESIGN.timeToLiveAttribute]: epochSeconds(new Date(change.at)) + CHANGE_RECORD_RETENTION_SECONDS,
    },
  };
}

/** A comment, with the change it makes (`Comment Added`), new. */
export function commentPut(comment: Comment, change: Change, settings: Pick<PlanSettings, 'tableName'>) {
  return { ...putNew(commentItem(comment, change)), TableName: settings.tableName };
}

/**
 * A move's write: the issue's update alone (one round trip, the issue as written in the answer),
 * or, when it makes more than one change or carries its reason, one transaction of the update,
 * a record of each further change, and the comment.
 */
export function moveWrite(
  before: Issue,
  after: Issue,
  changes: readonly [Change, ...Change[]],
  reason: { readonly comment: Comment; readonly change: Change } | undefined,
  settings: Pick<PlanSettings, 'tableName'>,
): { readonly update: UpdateCommandInput } | { readonly transaction: TransactWriteCommandInput } {
  const [first, ...more] = changes;
  const update = moveUpdate(before, after, first, settings);
  if (more.length === 0 && !reason) return { update };
  const { ReturnValues: _answer, ...conditional } = update;
  return {
    transaction: {
      TransactItems: [
        { Update: { ...conditional, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        ...more.map((change) => ({ Put: changeRecordPut(before.id, change, settings) })),
        ...(reason ? [{ Put: commentPut(reason.comment, reason.change, settings) }] : []),
      ],
    } as TransactWriteCommandInput,
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
