import type { DeliveryIdentity } from './delivery-key.ts';
import { issueDescription } from './issue-description.ts';
import type { JsonObject } from './json.ts';
import type { Links } from './links.ts';
import { type Priority, priorityOf, type Severity } from './severity.ts';

/** Loop's issue statuses, in the order work moves through them. */
export const ISSUE_STATUSES = ['triage', 'backlog', 'todo', 'in_progress', 'done', 'canceled'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/**
 * A move of an issue: a new status and/or a new priority, conditional on the status the caller
 * saw (`fromStatus`: required with a status, and checked whenever given), with the reason kept
 * as a comment.
 */
export interface Move {
  readonly status?: IssueStatus;
  /** The status the caller saw; required with `status`. */
  readonly fromStatus?: IssueStatus;
  readonly priority?: Priority;
  /** Why, in the mover's words: stored as a comment, in the move's own write. */
  readonly reason?: { readonly body: string; readonly author: CommentAuthor };
}

/** Who writes a comment: a person or an agent, by name. */
export const AUTHOR_TYPES = ['human', 'agent'] as const;
export interface CommentAuthor {
  readonly name: string;
  readonly type: (typeof AUTHOR_TYPES)[number];
}

/** A note on an issue, oldest first (Loop's comments). */
export interface Comment {
  readonly id: string;
  readonly issueId: string;
  /** Markdown, as written. */
  readonly body: string;
  readonly author: CommentAuthor;
  readonly createdAt: string;
}

/** Statuses of an issue nobody works on any more: a new firing of its alert opens a new issue. */
const CLOSED_STATUSES: readonly IssueStatus[] = ['done', 'canceled'];

/** True while an issue is still being worked on (neither done nor canceled). */
export function isOpen(status: IssueStatus): boolean {
  return !CLOSED_STATUSES.includes(status);
}

/**
 * What a delivery says about its alert: it fires (the condition holds), it is resolved (it no
 * longer holds), or its check errored (the alert could not be evaluated, or was turned off).
 */
export const SIGNAL_KINDS = ['firing', 'resolved', 'errored'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/**
 * What a source read from one delivery: everything Loop needs to file it, nothing about how the
 * source spells it. Sources (lambda/sources/) build it; the core never reads a payload itself.
 */
export interface SignalReading {
  /** Who sent it, e.g. `posthog`. */
  readonly source: string;
  /** What kind of signal, e.g. `metric_change`. */
  readonly type: string;
  readonly kind: SignalKind;
  /** The source's own identifier for what fired, if the delivery names one. */
  readonly sourceId: string | null;
  /**
   * The alert this is about, as the source identifies it: firings of one alert share one open
   * issue (docs/http-contract.md "One open issue per alert"). Null: every delivery opens its own.
   */
  readonly alertKey: string | null;
  readonly severity: Severity;
  /** The triage issue's title, should this open one: one line. */
  readonly title: string;
  /** What the signal is about (a metric or alert name), for the delivery log. */
  readonly subject: string;
  /** What the source read, stored on the signal beside the untouched payload. */
  readonly details: JsonObject;
  /**
   * The PostHog URLs the delivery named (insight, alert, logs); the intake keeps only the safe
   * ones (links.ts) before anything is filed.
   */
  readonly links: Links;
}

/** A Loop signal, as Loop names its fields (plus what the source read of it). */
export interface Signal {
  readonly id: string;
  /** What it says, in one line (the title an issue it opens would have). */
  readonly title: string;
  readonly source: string;
  readonly sourceId: string | null;
  readonly type: string;
  readonly kind: SignalKind;
  readonly severity: Severity;
  readonly payload: JsonObject;
  readonly reading: JsonObject;
  /** The issue it belongs to; null for a resolution that found no open issue, and for a test. */
  readonly issueId: string | null;
  readonly createdAt: string;
  /** Present (true) on a test delivery's signal only. */
  readonly test?: true;
}

/** A Loop triage issue opened by a signal, as Loop names its fields (plus its alert's lifecycle). */
export interface Issue {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly type: 'signal';
  readonly status: IssueStatus;
  readonly priority: Priority;
  readonly signalSource: string;
  /** The payload of the signal that opened it. */
  readonly signalPayload: JsonObject;
  /** What fired, in words, for whoever picks it up (issue-description.ts): Markdown, ≤ 4 KB. */
  readonly description: string;
  /** Where its alert lives in PostHog: the safe links its signals named (links.ts). */
  readonly links: Links;
  /** How many firings of its alert it holds. */
  readonly firings: number;
  /** When its alert first fired (the earliest arrival of a firing), if it has. */
  readonly firstFiredAt: string | null;
  /** When its alert last fired (the arrival of the latest firing), if it has. */
  readonly lastFiredAt: string | null;
  /** When its alert was last resolved, if no firing arrived since. */
  readonly resolvedAt: string | null;
  /** The agent (or person) that claimed it from the dispatch queue, and when; null until then. */
  readonly claimedBy: string | null;
  readonly claimedAt: string | null;
  /** What the source read of the latest firing (or of the signal that opened it): the description's words. */
  readonly lastReading: JsonObject;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** How a delivery was filed: it opened an issue, joined its alert's open one, or stands alone. */
export type FilingKind = 'opened' | 'joined' | 'alone';

/** What one accepted delivery created: a signal, and the issue it opened or joined (if any). */
export interface LoopRecords {
  readonly signal: Signal;
  readonly issue: Issue | null;
}

/** Everything a delivery contributes before storage assigns ids and an issue number. */
export interface SignalDraft {
  readonly reading: SignalReading;
  /** The body as `JSON.parse` gave it. */
  readonly payload: JsonObject;
  /** The body as received: JSON text that parses to `payload`. */
  readonly payloadText: string;
  readonly receivedAt: Date;
  /** Identifies repeats of this delivery. */
  readonly delivery: DeliveryIdentity;
  /**
   * A test delivery (`"test": true` in the body, as `npm run signals -- test-delivery` sends): it is
   * stored as a signal on its own, marked, and opens, joins or tells nothing.
   */
  readonly test: boolean;
}

/** The signal a draft becomes, in the issue it belongs to (null: none). */
export function signalOf(draft: SignalDraft, signalId: string, issueId: string | null): Signal {
  const { reading } = draft;
  return {
    id: signalId,
    title: reading.title,
    source: reading.source,
    sourceId: reading.sourceId,
    type: reading.type,
    kind: reading.kind,
    severity: reading.severity,
    payload: draft.payload,
    reading: reading.details,
    issueId,
    createdAt: draft.receivedAt.toISOString(),
    ...(draft.test ? { test: true as const } : {}),
  };
}

/** The issue a draft opens, with the identifiers storage chose. */
export function issueOpenedBy(draft: SignalDraft, issueId: string, issueNumber: number): Issue {
  const { reading } = draft;
  const createdAt = draft.receivedAt.toISOString();
  const firing = reading.kind === 'firing';
  return described(
    {
      id: issueId,
      number: issueNumber,
      title: reading.title,
      type: 'signal',
      status: 'triage',
      priority: priorityOf(reading.severity),
      signalSource: reading.source,
      signalPayload: draft.payload,
      description: '',
      links: reading.links,
      firings: firing ? 1 : 0,
      firstFiredAt: firing ? createdAt : null,
      lastFiredAt: firing ? createdAt : null,
      resolvedAt: null,
      claimedBy: null,
      claimedAt: null,
      lastReading: reading.details,
      createdAt,
      updatedAt: createdAt,
    },
    reading.type,
  );
}

/**
 * The issue after a further signal of its alert joined it: a firing counts and moves the first
 * and last firing times (arrivals can come out of order: the drain writes late) and clears an
 * earlier resolution; a resolution is recorded unless a firing arrived after it; priority only
 * rises. The description follows: the latest firing's reading, the history, links the signal
 * named that the issue had not. `updatedAt` is when this happens.
 */
export function issueJoinedBy(issue: Issue, draft: SignalDraft, now: Date): Issue {
  const arrived = draft.receivedAt.toISOString();
  const { kind, severity, links } = draft.reading;
  const priority = Math.min(issue.priority, priorityOf(severity)) as Priority;
  const joined = { ...issue, links: { ...links, ...issue.links }, updatedAt: now.toISOString() };
  if (kind === 'firing') {
    const latest = issue.lastFiredAt === null || arrived >= issue.lastFiredAt;
    return described(
      {
        ...joined,
        priority,
        firings: issue.firings + 1,
        firstFiredAt: earliest(issue.firstFiredAt, arrived),
        lastFiredAt: latest ? arrived : issue.lastFiredAt,
        lastReading: latest ? draft.reading.details : issue.lastReading,
        resolvedAt: issue.resolvedAt !== null && issue.resolvedAt < arrived ? null : issue.resolvedAt,
      },
      draft.reading.type,
    );
  }
  if (kind === 'resolved') {
    const firedAfter = issue.lastFiredAt !== null && issue.lastFiredAt > arrived;
    return described(
      {
        ...joined,
        resolvedAt: firedAfter ? issue.resolvedAt : latestOf(issue.resolvedAt, arrived),
      },
      draft.reading.type,
    );
  }
  return described({ ...joined, priority }, draft.reading.type);
}

/** The issue with its description written from what it now holds. */
function described(issue: Issue, signalType: string): Issue {
  return { ...issue, description: issueDescription(issue, issue.lastReading, signalType, issue.links) };
}

function latestOf(a: string | null, b: string): string {
  return a !== null && a > b ? a : b;
}

function earliest(a: string | null, b: string): string {
  return a !== null && a < b ? a : b;
}
