/**
 * What each write to an issue tells the outside world (docs/architecture.md "Events"): stored on
 * a written item as `change`, from where the table's stream carries it to EventBridge. Every
 * write that changes an issue records a new change (a write that makes two — a move of both
 * status and priority, a move with its reason — stores the second on an item of its own), so no
 * stream record repeats an earlier one. The event carries ids, number, title, status, priority,
 * severity and source — never a payload or a comment's text. Every value is text: a stream
 * image holds numbers as text, and the event keeps them so.
 */
import type { Comment, Issue, Signal } from './loop-records.ts';

/** The EventBridge detail types, one per kind of change. */
export const DETAIL_TYPES = {
  opened: 'Issue Opened',
  signalAdded: 'Signal Added',
  resolved: 'Alert Resolved',
  statusChanged: 'Issue Status Changed',
  priorityChanged: 'Issue Priority Changed',
  commentAdded: 'Comment Added',
} as const;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** The fields of a change, each text ('' where it does not apply). */
export const CHANGE_FIELDS = [
  'detailType',
  'eventId',
  'at',
  'source',
  'issueId',
  'number',
  'title',
  'status',
  'fromStatus',
  'priority',
  'fromPriority',
  'claimedBy',
  'signalId',
  'kind',
  'severity',
  'commentId',
  'author',
] as const;
export type Change = Readonly<Record<(typeof CHANGE_FIELDS)[number], string>>;

/** A change with every field empty but those given. */
function change(fields: Partial<Change> & Pick<Change, 'detailType' | 'eventId' | 'at'>): Change {
  return Object.fromEntries(CHANGE_FIELDS.map((field) => [field, fields[field] ?? ''])) as Change;
}

/**
 * The change a filed signal makes: an issue opened, a signal added to an open issue, or an alert
 * resolved (on its open issue, or with none: `issueId` empty, the signal's own title).
 */
export function filingChange(
  filing: 'opened' | 'joined' | 'alone',
  signal: Signal,
  issue: Issue | null,
  eventId: string,
  at: Date,
): Change {
  const detailType =
    signal.kind === 'resolved'
      ? DETAIL_TYPES.resolved
      : filing === 'opened'
        ? DETAIL_TYPES.opened
        : DETAIL_TYPES.signalAdded;
  return change({
    ...issueFields(issue),
    title: issue?.title ?? signal.title,
    detailType,
    eventId,
    at: at.toISOString(),
    source: signal.source,
    signalId: signal.id,
    kind: signal.kind,
    severity: signal.severity,
  });
}

/**
 * The changes a move makes, each an event of its own: its status changed (from `before`; with
 * who claimed it, for a claim), its priority changed (from `before`'s), or both. `eventIds` gives
 * each its id, in that order.
 */
export function moveChanges(before: Issue, after: Issue, eventIds: () => string, at: Date): Change[] {
  const common = { ...issueFields(after), at: at.toISOString(), source: after.signalSource };
  const changes: Change[] = [];
  if (before.status !== after.status) {
    changes.push(
      change({
        ...common,
        detailType: DETAIL_TYPES.statusChanged,
        eventId: eventIds(),
        fromStatus: before.status,
        // A claim says who claimed it.
        claimedBy: after.claimedAt !== before.claimedAt ? (after.claimedBy ?? '') : '',
      }),
    );
  }
  if (before.priority !== after.priority) {
    changes.push(
      change({
        ...common,
        detailType: DETAIL_TYPES.priorityChanged,
        eventId: eventIds(),
        fromPriority: String(before.priority),
      }),
    );
  }
  return changes;
}

/** The change a comment makes: who wrote on which issue (never what: read it through the API). */
export function commentChange(issue: Issue, comment: Comment, eventId: string): Change {
  return change({
    ...issueFields(issue),
    detailType: DETAIL_TYPES.commentAdded,
    eventId,
    at: comment.createdAt,
    source: issue.signalSource,
    commentId: comment.id,
    author: `${comment.author.type}:${comment.author.name}`,
  });
}

function issueFields(issue: Issue | null) {
  return {
    issueId: issue?.id ?? '',
    number: issue ? String(issue.number) : '',
    title: issue?.title ?? '',
    status: issue?.status ?? '',
    priority: issue ? String(issue.priority) : '',
  };
}
