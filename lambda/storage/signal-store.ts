import { randomUUID } from 'node:crypto';
import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { readNumber } from '../aws/clients.ts';
import { asStorageError } from '../aws/errors.ts';
import { filedJson, recordsOfAnswer } from '../contract/shapes.ts';
import { assertSameMessage } from '../core/delivery-key.ts';
import { DependencyUnavailableError, ReplayGoneError } from '../core/errors.ts';
import { filingChange } from '../core/issue-changes.ts';
import {
  type Issue,
  issueJoinedBy,
  issueOpenedBy,
  type SignalDraft,
  signalOf,
} from '../core/loop-records.ts';
import type {
  SignalStore,
  StorageBudget,
  StoredDelivery,
  UnreadableDelivery,
  UnreadableKeeper,
} from '../intake/ports.ts';
import { itemsByKey } from './batch-get.ts';
import { type AlertRecord, alertRecordFromItem, type Item, issueFromItem, signalFromItem } from './items.ts';
import { unpackText } from './packed-text.ts';
import { keys } from './table-design.ts';
import {
  alertDigest,
  filingFor,
  filingTransaction,
  nextIssueNumberUpdate,
  type PlanSettings,
  type TransactionRole,
  transactionRoles,
  unreadablePut,
} from './write-plan.ts';

export interface DynamoDbSignalStoreOptions {
  /** How long a delivery key is remembered. @default 600 (10 minutes) */
  readonly dedupWindowSeconds?: number;
  /**
   * How long a dedup record is kept after its window: longer than any queued copy of the delivery
   * can still arrive. @default 0
   */
  readonly dedupRecordRetentionSeconds?: number;
  /** Whether firings of one alert share its open issue. @default true */
  readonly groupFirings?: boolean;
  /** How far apart (by arrival) firings of one episode may be. @default 86_400 (24 h) */
  readonly episodeGapSeconds?: number;
  /** Id generator, for tests. @default crypto.randomUUID */
  readonly newId?: () => string;
  /** Clock for `updatedAt`, for tests. @default () => new Date() */
  readonly now?: () => Date;
}

// A write refused by a concurrent one is planned again from what won: at once when the refusal
// hands back the winner's write (each round, one of the contenders wins; past the first few rounds
// after a short random pause, so a crowd thins out), after a delay with jitter when DynamoDB only
// reports a conflict. Bounded both ways; a delivery still refused after them is held (queued) as
// storage being busy, never answered 500.
const MAX_ATTEMPTS = 24;
// Attempts at taking an issue number while a transaction that checks the counter is in flight.
const COUNTER_ATTEMPTS = 5;
const IMMEDIATE_REPLANS = 4;
const REPLAN_PAUSE_MS = 30;
const CONFLICT_DELAYS_MS = [10, 20, 40, 80, 120, 160, 200, 250];

function again(attempt: number): boolean {
  return attempt < MAX_ATTEMPTS;
}

/**
 * DynamoDB implementation. A delivery that names an alert first reads the alert's record (which
 * issue is open); an issue number is taken (an atomic counter update) only when one is opened;
 * then one transaction writes everything (write-plan.ts). A failed transaction writes nothing, so
 * a retry is never blocked by a half-done attempt. A number taken by an attempt that did not
 * open its issue is skipped: numbers are unique and increasing, not gapless.
 */
export class DynamoDbSignalStore implements SignalStore, UnreadableKeeper {
  private readonly settings: PlanSettings;
  private readonly newId: () => string;
  private readonly now: () => Date;
  /** An issue number taken and not used yet: by init, or by a delivery that did not open an issue. */
  private held: number | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbSignalStoreOptions = {},
  ) {
    this.settings = {
      tableName,
      dedupWindowSeconds: options.dedupWindowSeconds ?? 600,
      dedupRecordRetentionSeconds: options.dedupRecordRetentionSeconds ?? 0,
      groupFirings: options.groupFirings ?? true,
      episodeGapSeconds: options.episodeGapSeconds ?? 86_400,
    };
    this.newId = options.newId ?? randomUUID;
    this.now = options.now ?? (() => new Date());
  }

  async file(draft: SignalDraft, budget: StorageBudget = {}): Promise<StoredDelivery> {
    try {
      return await this.fileWithRetries(draft, budget);
    } catch (error) {
      throw asStorageError(error);
    }
  }

  async keepUnreadable(unreadable: UnreadableDelivery): Promise<void> {
    try {
      await this.client.send(new PutCommand(unreadablePut(unreadable, this.settings)));
    } catch (error) {
      throw asStorageError(error);
    }
  }

  /** Forgets a kept unreadable delivery (once a replay has filed it). */
  async forgetUnreadable(id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keys.unreadable(id) }));
  }

  /**
   * Init's part (functions/webhook/entry.ts): takes the next issue number, which opens the
   * connection and pays the SDK's first request, and holds it for the first issue this instance
   * opens — so the first new delivery needs one round trip, its transaction.
   */
  async warmUp(): Promise<void> {
    if (this.held !== undefined) return;
    this.hold(await this.takeIssueNumber({}));
  }

  /** Files a draft; every call shares `budget` (its signal aborts whatever is in flight). */
  private async fileWithRetries(draft: SignalDraft, budget: StorageBudget): Promise<StoredDelivery> {
    const { source, alertKey } = draft.reading;
    const digest =
      this.settings.groupFirings && alertKey !== null ? alertDigest(source, alertKey) : undefined;
    let seen = digest ? await this.readAlert(digest, budget) : undefined;
    let payloadsAsText = false;
    const signalId = this.newId();
    // The issue's id and number, once a plan opens one; `held`: a number taken before this
    // delivery, used only while it is still the latest taken (the transaction checks).
    let opened: { readonly id: string; number: number; held: boolean } | undefined;

    let conflicts = 0;
    for (let attempt = 1; ; attempt++) {
      const filing = filingFor(draft, seen, this.settings);
      let issue: Issue | null = null;
      let issuePayloadText: string | null = null;
      if (filing.kind === 'opened') {
        opened ??= { id: this.newId(), ...(await this.issueNumber(budget)) };
        issue = issueOpenedBy(draft, opened.id, opened.number);
        issuePayloadText = draft.payloadText;
      } else if (filing.kind === 'joined') {
        issue = issueJoinedBy(filing.alert.issue, draft, this.now());
        issuePayloadText = filing.alert.issuePayloadText;
      }
      const signal = signalOf(draft, signalId, issue?.id ?? null);
      const answer = filedJson(signal, issue, { signal: draft.payloadText, issue: issuePayloadText });
      const write = {
        draft,
        signal,
        issue,
        issuePayloadText,
        payloadsAsText,
        answer,
        alert: digest ? { digest, seen } : undefined,
        filing,
        change: draft.test ? undefined : filingChange(filing.kind, signal, issue, randomUUID(), this.now()),
        heldNumber: issue && opened?.held ? opened.number : undefined,
      };
      const transaction = filingTransaction(write, this.settings);
      try {
        await this.client.send(new TransactWriteCommand(transaction), budget);
      } catch (error) {
        const refusal = refusalOf(error, transactionRoles(transaction));
        if (refusal.delivery) {
          // A repeat opens nothing: the number it took waits for the next issue this store opens
          // (unless another issue opened since it was taken: then it is skipped).
          if (opened && !refusal.counter) this.hold(opened.number);
          return await this.replay(draft, refusal.delivery, budget);
        }
        if (refusal.counter && opened && again(attempt)) {
          // Another issue opened after this number was taken: it is skipped, and a fresh one taken.
          opened = { id: opened.id, number: await this.takeIssueNumber(budget), held: false };
          continue;
        }
        if ((refusal.alert || refusal.issue) && again(attempt) && attempt > IMMEDIATE_REPLANS) {
          await new Promise((resolve) => setTimeout(resolve, REPLAN_PAUSE_MS * Math.random()));
        }
        if (refusal.alert && again(attempt)) {
          // Another firing of the alert wrote first: plan again from what it wrote — and from the
          // issue as it is when that refused too, but only if the winner's record still names
          // the issue this write meant to join (it may have opened another since).
          seen = refusal.alert.item ? alertRecordFromItem(refusal.alert.item) : undefined;
          const sameIssue = filing.kind === 'joined' && seen?.issue.id === filing.alert.issue.id;
          if (seen && refusal.issue && sameIssue) seen = { ...seen, ...issueAsItIs(refusal.issue.item) };
          continue;
        }
        if (refusal.issue && filing.kind === 'joined' && again(attempt)) {
          // Moved or closed since this service last wrote it: plan again with the issue as it is.
          seen = { ...filing.alert, ...issueAsItIs(refusal.issue.item) };
          continue;
        }
        const delay = CONFLICT_DELAYS_MS[conflicts++];
        if (refusal.conflict && again(attempt) && delay !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
          if (digest) seen = await this.readAlert(digest, budget);
          continue;
        }
        // Should DynamoDB refuse a map our checks let through, the JSON text form always fits.
        if ((error as Error).name === 'ValidationException' && !payloadsAsText) {
          payloadsAsText = true;
          continue;
        }
        if (opened) this.hold(opened.number);
        if (
          refusal.alert ||
          (refusal.issue && filing.kind === 'joined') ||
          refusal.conflict ||
          refusal.counter
        ) {
          throw new DependencyUnavailableError('Storage', {
            cause: error,
            detail: `still contended after ${attempt} attempts (concurrent writes to one alert or issue)`,
          });
        }
        throw error;
      }
      // Written: the answer is built outside the try, so nothing in it can plan a retry. A number
      // taken for a plan that ended up joining an issue instead waits for the next one.
      if (opened && filing.kind !== 'opened') this.hold(opened.number);
      return {
        answer,
        signalId,
        issueId: issue?.id ?? null,
        records: { signal, issue },
        replayed: false,
        filing: filing.kind,
      };
    }
  }

  /** The number this store holds, if any (to be checked as still the latest); else the next one. */
  private async issueNumber(budget: StorageBudget): Promise<{ number: number; held: boolean }> {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) return { number: held, held: true };
    return { number: await this.takeIssueNumber(budget), held: false };
  }

  /**
   * Keeps a number taken and not used, for the next issue this store opens (which checks that
   * it is still the latest). Of two, the later is kept: the earlier is overtaken already.
   */
  private hold(number: number): void {
    this.held = this.held === undefined ? number : Math.max(this.held, number);
  }

  /**
   * Takes the next issue number (an atomic ADD). DynamoDB refuses the update while a transaction
   * that checks the counter is in flight (TransactionConflict): asked again after a short pause.
   */
  private async takeIssueNumber(budget: StorageBudget): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand(nextIssueNumberUpdate(this.settings)),
          budget,
        );
        return Number(Attributes?.value);
      } catch (error) {
        if ((error as Error).name !== 'TransactionConflictException' || attempt === COUNTER_ATTEMPTS)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + 20 * Math.random()));
      }
    }
  }

  /** The alert's record, read strongly consistent: the write that follows is conditional on it. */
  private async readAlert(digest: string, budget: StorageBudget): Promise<AlertRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: keys.alert(digest), ConsistentRead: true }),
      budget,
    );
    return Item ? alertRecordFromItem(Item) : undefined;
  }

  /**
   * What a repeat answers: the first delivery's answer, as the refusal handed back its dedup record
   * — no read at all. A record written before answers were kept: what the first delivery created,
   * read back by key in one request (its issue and its signal; a signal without an issue, one
   * GetItem) — never the issue's whole partition, which grows with every firing.
   */
  private async replay(draft: SignalDraft, delivery: Item, budget: StorageBudget): Promise<StoredDelivery> {
    assertSameMessage(delivery, draft.delivery);
    const signalId = String(delivery.signalId);
    const issueId = typeof delivery.issueId === 'string' ? delivery.issueId : null;
    const filing = delivery.filing === 'joined' ? 'joined' : issueId === null ? 'alone' : 'opened';
    const replayed = { signalId, issueId, replayed: true, filing } as const;
    const kept = unpackText(delivery.answer);
    if (kept !== undefined) return { ...replayed, answer: kept, records: recordsOfAnswer(kept) };

    const gone = () =>
      new ReplayGoneError('This delivery repeats an earlier one whose signal no longer exists');
    const [signalItem, issueItem] = await itemsByKey(
      this.client,
      this.tableName,
      [keys.signal(issueId, signalId), ...(issueId === null ? [] : [keys.issue(issueId)])],
      { consistent: true, ...budget },
    );
    if (!signalItem || (issueId !== null && !issueItem)) throw gone();
    const signal = signalFromItem(signalItem);
    const issue = issueItem ? issueFromItem(issueItem) : undefined;
    return {
      ...replayed,
      records: { signal: signal.record, issue: issue?.record ?? null },
      answer: filedJson(signal.record, issue?.record ?? null, {
        signal: signal.payloadText,
        issue: issue?.payloadText ?? null,
      }),
    };
  }
}

/** The issue part of an alert's record, from the issue item that refused a join. */
function issueAsItIs(item: Item | undefined): Pick<AlertRecord, 'issue' | 'issuePayloadText'> {
  if (!item) {
    // Deleted since: treated as closed, so the firing opens a new issue.
    return { issue: { status: 'canceled' } as Issue, issuePayloadText: '{}' };
  }
  const { record, payloadText } = issueFromItem(item);
  return { issue: record, issuePayloadText: payloadText };
}

interface Refusal {
  readonly item: Item | undefined;
}

/** Which conditions refused a transaction (its items' roles in order), with the items DynamoDB handed back. */
function refusalOf(
  error: unknown,
  roles: readonly TransactionRole[],
): {
  readonly delivery?: Item;
  readonly issue?: Refusal;
  readonly alert?: Refusal;
  readonly counter: boolean;
  readonly conflict: boolean;
} {
  const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  const refused = (role: TransactionRole): Refusal | undefined => {
    const reason = reasons.find(
      (candidate, position) => roles[position] === role && candidate.Code === 'ConditionalCheckFailed',
    );
    if (!reason) return undefined;
    return { item: reason.Item ? unmarshall(reason.Item, { wrapNumbers: readNumber }) : undefined };
  };
  const delivery = refused('delivery');
  const issue = refused('issue');
  const alert = refused('alert');
  return {
    ...(delivery ? { delivery: delivery.item ?? {} } : {}),
    ...(issue ? { issue } : {}),
    ...(alert ? { alert } : {}),
    counter: refused('counter') !== undefined,
    conflict: reasons.some((reason) => reason.Code === 'TransactionConflict'),
  };
}
