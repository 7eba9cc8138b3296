/**
 * One JSON shape per resource (docs/http-contract.md "Shapes"): an issue, a signal and a comment
 * each turned into what callers see by one function here, fields in one documented order, identity
 * first — whatever asks: the webhook's answer, every API route, the CLI's `--json`, the MCP
 * server and the board. A listing row is the same shape cut to a documented subset, still keyed
 * `id`. Payloads come last, as the JSON text they arrived as (never serialised again: a document
 * nested too deeply would overflow the stack, and the text keeps the sender's key order).
 */
import type { Comment, Issue, Signal } from '../core/loop-records.ts';

/** An issue's fields, in the order every answer gives them (`signalPayload` last). */
export const ISSUE_FIELDS = [
  'id',
  'number',
  'title',
  'status',
  'priority',
  'type',
  'description',
  'links',
  'firings',
  'firstFiredAt',
  'lastFiredAt',
  'resolvedAt',
  'claimedBy',
  'claimedAt',
  'signalSource',
  'createdAt',
  'updatedAt',
  'signalPayload',
] as const;

/** A signal's fields, in the order every answer gives them (`payload` last). */
export const SIGNAL_FIELDS = [
  'id',
  'title',
  'kind',
  'severity',
  'source',
  'sourceId',
  'type',
  'test',
  'issueId',
  'issue',
  'reading',
  'createdAt',
  'payload',
] as const;

/** What a signal says of its issue, as it stands: enough to tell it and its state (resolved, status). */
export const ISSUE_SUMMARY_FIELDS = ['id', 'number', 'title', 'status', 'priority', 'resolvedAt'] as const;

/** A comment's fields, in order. */
export const COMMENT_FIELDS = ['id', 'issueId', 'body', 'author', 'createdAt'] as const;

type IssueField = (typeof ISSUE_FIELDS)[number];
type SignalField = (typeof SIGNAL_FIELDS)[number];

/** `fields` in their order, but those left out. */
export function fieldsWithout<Field extends string, Left extends Field>(
  fields: readonly Field[],
  leftOut: readonly Left[],
): readonly Exclude<Field, Left>[] {
  const left: readonly string[] = leftOut;
  return fields.filter((field): field is Exclude<Field, Left> => !left.includes(field));
}

/** An issue as a listing row: its shape without its type, description and payload. */
export const ISSUE_ROW_FIELDS = fieldsWithout(ISSUE_FIELDS, ['type', 'description', 'signalPayload']);

/** A signal as a listing row: its shape without what it read and the payload. */
export const SIGNAL_ROW_FIELDS = fieldsWithout(SIGNAL_FIELDS, ['reading', 'payload']);

/** The named fields of a record, in the order named (whatever order the record holds them in). */
function picked<Field extends string>(
  record: { readonly [Name in Field]: unknown },
  fields: readonly Field[],
): Record<Field, unknown> {
  return Object.fromEntries(fields.map((field) => [field, record[field]])) as Record<Field, unknown>;
}

/** An issue's fields but its payload (which issueJson splices in), in order. */
const ISSUE_FIELDS_BUT_PAYLOAD = fieldsWithout(ISSUE_FIELDS, ['signalPayload']);

/** An issue, every field but its payload (which issueJson splices in). */
function issueFields(issue: Issue): Record<Exclude<IssueField, 'signalPayload'>, unknown> {
  return picked(issue, ISSUE_FIELDS_BUT_PAYLOAD);
}

/** What an issue listing holds of each issue. */
export type IssueRowSource = Pick<Issue, (typeof ISSUE_ROW_FIELDS)[number]>;
/** What a signal says of its issue. */
export type IssueSummarySource = Pick<Issue, (typeof ISSUE_SUMMARY_FIELDS)[number]>;
/** What a signal listing holds of each signal. */
export type SignalRowSource = Pick<Signal, Exclude<(typeof SIGNAL_ROW_FIELDS)[number], 'issue' | 'test'>> &
  Pick<Signal, 'test'>;

/** An issue as a listing row (ISSUE_ROW_FIELDS). */
export function issueRow(issue: IssueRowSource): Record<(typeof ISSUE_ROW_FIELDS)[number], unknown> {
  return picked(issue, ISSUE_ROW_FIELDS);
}

/** What a signal says of its issue (ISSUE_SUMMARY_FIELDS); null for none. */
function issueSummary(issue: IssueSummarySource | null): Record<string, unknown> | null {
  return issue ? picked(issue, ISSUE_SUMMARY_FIELDS) : null;
}

function signalFields(
  signal: Signal,
  issue: IssueSummarySource | null,
): Record<Exclude<SignalField, 'payload'>, unknown> {
  const { createdAt, ...row } = signalRow(signal, issue);
  return { ...row, reading: signal.reading, createdAt };
}

/** A signal as a listing row (SIGNAL_ROW_FIELDS), with the issue it belongs to (null for none). */
export function signalRow(
  signal: SignalRowSource,
  issue: IssueSummarySource | null,
): Record<(typeof SIGNAL_ROW_FIELDS)[number], unknown> {
  return {
    id: signal.id,
    title: signal.title,
    kind: signal.kind,
    severity: signal.severity,
    source: signal.source,
    sourceId: signal.sourceId,
    type: signal.type,
    test: signal.test === true,
    issueId: signal.issueId,
    issue: issueSummary(issue),
    createdAt: signal.createdAt,
  };
}

/** A comment in its shape. */
export function commentShape(comment: Comment): Record<(typeof COMMENT_FIELDS)[number], unknown> {
  return {
    id: comment.id,
    issueId: comment.issueId,
    body: comment.body,
    author: { name: comment.author.name, type: comment.author.type },
    createdAt: comment.createdAt,
  };
}

/** The JSON of an issue, its payload spliced in as `payloadText` (the JSON text it is). */
export function issueJson(issue: Issue, payloadText: string): string {
  return withJsonField(issueFields(issue), 'signalPayload', payloadText);
}

/** The JSON of a signal with its issue (null for none), its payload spliced in as `payloadText`. */
export function signalJson(signal: Signal, issue: IssueSummarySource | null, payloadText: string): string {
  return withJsonField(signalFields(signal, issue), 'payload', payloadText);
}

/** The payloads' JSON texts of a signal and of its issue, as stored or as they arrived. */
export interface PayloadTexts {
  readonly signal: string;
  readonly issue: string | null;
}

/** `"signal": …, "issue": …`: what one filed signal answers (the webhook's `data`, and each of `alerts`). */
export function filedJson(signal: Signal, issue: Issue | null, payloads: PayloadTexts): string {
  const issueText = issue && payloads.issue !== null ? issueJson(issue, payloads.issue) : 'null';
  return `"signal":${signalJson(signal, issue, payloads.signal)},"issue":${issueText}`;
}

/** An issue with its signals (oldest first), as `{"issue": …, "signals": […]}`. */
export function issueDetailJson(
  issue: Issue,
  issuePayload: string,
  signals: readonly { readonly signal: Signal; readonly payload: string }[],
): string {
  const signalTexts = signals.map(({ signal, payload }) => signalJson(signal, issue, payload));
  return `{"issue":${issueJson(issue, issuePayload)},"signals":[${signalTexts.join(',')}]}`;
}

/** An object's JSON with one more field, last, whose value is already JSON text. */
function withJsonField(object: object, key: string, json: string): string {
  return `${JSON.stringify(object).slice(0, -1)},"${key}":${json}}`;
}

/**
 * What an answer says was filed, back as records: for a repeat answered with the first delivery's
 * answer, the records it names. (Every field of a record is in its shape but an issue's
 * `lastReading`, which only its description is written from.)
 */
export function recordsOfAnswer(answer: string): { signal: Signal; issue: Issue | null } {
  const { signal, issue } = JSON.parse(`{${answer}}`) as {
    signal: Signal & { issue?: unknown };
    issue: (Issue & { lastReading?: unknown }) | null;
  };
  const { issue: _summary, test, ...fields } = signal as Signal & { issue?: unknown; test?: boolean };
  return {
    signal: { ...fields, ...(test ? { test: true as const } : {}) } as Signal,
    issue: issue ? ({ ...issue, lastReading: {} } as Issue) : null,
  };
}
