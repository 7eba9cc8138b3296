import type { DeliveryIdentity } from './delivery-key.ts';
import type { JsonObject } from './json.ts';
import { type Priority, priorityOf, type Severity } from './severity.ts';

/** Loop's issue statuses, in the order work moves through them. */
export const ISSUE_STATUSES = ['triage', 'backlog', 'todo', 'in_progress', 'done', 'canceled'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/**
 * What a source read from one delivery: everything Loop needs to file it, nothing about how the
 * source spells it. Sources (lambda/sources/) build it; the core never reads a payload itself.
 */
export interface SignalReading {
  /** Who sent it, e.g. `posthog`. */
  readonly source: string;
  /** What kind of signal, e.g. `metric_change`. */
  readonly type: string;
  /** The source's own identifier for what fired, if the delivery names one. */
  readonly sourceId: string | null;
  readonly severity: Severity;
  /** The triage issue's title: one line. */
  readonly title: string;
  /** What the signal is about (a metric or alert name), for the delivery log. */
  readonly subject: string;
}

/** A Loop signal, as Loop names its fields. */
export interface Signal {
  readonly id: string;
  readonly source: string;
  readonly sourceId: string | null;
  readonly type: string;
  readonly severity: Severity;
  readonly payload: JsonObject;
  readonly issueId: string;
  readonly createdAt: string;
}

/** A Loop triage issue opened by a signal, as Loop names its fields. */
export interface Issue {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly type: 'signal';
  readonly status: IssueStatus;
  readonly priority: Priority;
  readonly signalSource: string;
  readonly signalPayload: JsonObject;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What one accepted delivery creates. */
export interface LoopRecords {
  readonly signal: Signal;
  readonly issue: Issue;
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
}

/** Builds the signal and its linked issue for a draft, given the identifiers storage chose. */
export function loopRecordsFor(
  draft: SignalDraft,
  ids: { readonly signalId: string; readonly issueId: string; readonly issueNumber: number },
): LoopRecords {
  const { reading } = draft;
  const createdAt = draft.receivedAt.toISOString();
  return {
    signal: {
      id: ids.signalId,
      source: reading.source,
      sourceId: reading.sourceId,
      type: reading.type,
      severity: reading.severity,
      payload: draft.payload,
      issueId: ids.issueId,
      createdAt,
    },
    issue: {
      id: ids.issueId,
      number: ids.issueNumber,
      title: reading.title,
      type: 'signal',
      status: 'triage',
      priority: priorityOf(reading.severity),
      signalSource: reading.source,
      signalPayload: draft.payload,
      createdAt,
      updatedAt: createdAt,
    },
  };
}
