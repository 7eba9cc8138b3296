/**
 * What each write to an issue tells the outside world (docs/architecture.md "Events"): stored on
 * the written item as `change`, from where the table's stream carries it to EventBridge. Every
 * write that changes an issue records a new change, so no stream record repeats an earlier one;
 * the event carries ids, number, title, status, priority, severity and source — never a payload.
 * Every value is text: a stream image holds numbers as text, and the event keeps them so.
 */
import type { Issue, Signal } from './loop-records.ts';

/** The EventBridge detail types, one per kind of change. */
export const DETAIL_TYPES = {
  opened: 'Issue Opened',
  signalAdded: 'Signal Added',
  resolved: 'Alert Resolved',
  statusChanged: 'Issue Status Changed',
  priorityChanged: 'Issue Priority Changed',
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
  'signalId',
  'kind',
  'severity',
] as const;
export type Change = Readonly<Record<(typeof CHANGE_FIELDS)[number], string>>;

/**
 * The change a filed signal makes: an issue opened, a signal added to an open issue, or an alert
 * resolved (on its open issue, or with none: `issueId` empty).
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
  return {
    ...issueFields(issue),
    detailType,
    eventId,
    at: at.toISOString(),
    source: signal.source,
    fromStatus: '',
    signalId: signal.id,
    kind: signal.kind,
    severity: signal.severity,
  };
}

/** The change a move makes: its status changed (from `before`), or else only its priority. */
export function moveChange(before: Issue, after: Issue, eventId: string, at: Date): Change {
  return {
    ...issueFields(after),
    detailType: before.status !== after.status ? DETAIL_TYPES.statusChanged : DETAIL_TYPES.priorityChanged,
    eventId,
    at: at.toISOString(),
    source: after.signalSource,
    fromStatus: before.status,
    signalId: '',
    kind: '',
    severity: '',
  };
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
