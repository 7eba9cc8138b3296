import { type DeliveryIdentity, deliveryIdentity, type KeyHeaders } from './delivery-key.ts';
import type { JsonBody, JsonObject } from './json.ts';
import { type MetricChange, readMetricChange } from './metric-change.ts';
import { type Priority, priorityOf, type Severity, severityOf } from './severity.ts';
import { titleOf } from './title.ts';

/** A Loop signal, as Loop names its fields. */
export interface Signal {
  readonly id: string;
  readonly source: 'posthog';
  readonly sourceId: string | null;
  readonly type: 'metric_change';
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
  readonly status: 'triage';
  readonly priority: Priority;
  readonly signalSource: 'posthog';
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
  readonly change: MetricChange;
  /** The body as `JSON.parse` gave it. */
  readonly payload: JsonObject;
  /** The body as received: JSON text that parses to `payload`. */
  readonly payloadText: string;
  readonly receivedAt: Date;
  /** Identifies repeats of this delivery. */
  readonly delivery: DeliveryIdentity;
}

/**
 * The draft of one delivery: the metric change its body holds, and the identity its key headers
 * (or, without them, its bytes) give it. Throws InvalidPayloadError for a body that is not one.
 */
export function signalDraftOf(
  body: JsonBody & { readonly raw: Buffer },
  keyHeaders: KeyHeaders | undefined,
  receivedAt: Date,
): SignalDraft {
  return {
    change: readMetricChange(body.payload),
    payload: body.payload,
    payloadText: body.text,
    receivedAt,
    delivery: deliveryIdentity(keyHeaders, body.raw),
  };
}

/** Builds the signal and its linked issue for a draft, given the identifiers storage chose. */
export function loopRecordsFor(
  draft: SignalDraft,
  ids: { readonly signalId: string; readonly issueId: string; readonly issueNumber: number },
): LoopRecords {
  const severity = severityOf(draft.change.value);
  const createdAt = draft.receivedAt.toISOString();
  return {
    signal: {
      id: ids.signalId,
      source: 'posthog',
      sourceId: draft.change.sourceId,
      type: 'metric_change',
      severity,
      payload: draft.payload,
      issueId: ids.issueId,
      createdAt,
    },
    issue: {
      id: ids.issueId,
      number: ids.issueNumber,
      title: titleOf(draft.change),
      type: 'signal',
      status: 'triage',
      priority: priorityOf(severity),
      signalSource: 'posthog',
      signalPayload: draft.payload,
      createdAt,
      updatedAt: createdAt,
    },
  };
}
