/**
 * The intake's ports: what it needs from the world, implemented elsewhere (storage/ by the
 * DynamoDB store, delivery-queue/ by SQS, sources/ by PostHog's reader). Apart from the operation
 * (intake.ts), so the modules that implement them depend on these types and never on the
 * operation itself: dependencies run one way.
 */
import type { KeyHeaders } from '../core/delivery-key.ts';
import type { JsonObject } from '../core/json.ts';
import type { FilingKind, LoopRecords, SignalDraft, SignalReading } from '../core/loop-records.ts';

/** One delivery as it arrived, whatever carried it. */
export interface RawDelivery {
  /** The body's bytes exactly as received. */
  readonly body: Buffer;
  /** The headers that name the delivery (Idempotency-Key, webhook-id). */
  readonly keyHeaders: KeyHeaders;
  readonly receivedAt: Date;
  /** API Gateway's request id, for the logs. */
  readonly requestId: string | undefined;
}

/**
 * Reads a parsed body as the signals it reports, at least one; throws InvalidPayloadError
 * naming what is missing or wrong.
 */
export type SourceReader = (payload: JsonObject) => readonly [SignalReading, ...SignalReading[]];

/** The outcome of storing a delivery. */
export interface StoredDelivery {
  /**
   * What it answers, `"signal": …, "issue": …` in their shapes (contract/shapes.ts), as JSON text:
   * for a repeat, the very bytes the first delivery answered.
   */
  readonly answer: string;
  readonly signalId: string;
  readonly issueId: string | null;
  /** What this delivery wrote; for a repeat (which wrote nothing), what the first one did. */
  readonly records: LoopRecords;
  /** True when this delivery repeated an earlier one and nothing new was written. */
  readonly replayed: boolean;
  /** How it was filed (for a replay: as the first delivery was). */
  readonly filing: FilingKind;
}

/** A signal every storage call of one delivery shares: when it aborts, storage counts as unavailable. */
export interface StorageBudget {
  readonly abortSignal?: AbortSignal;
}

/** Where accepted deliveries go. The intake depends on this, not on DynamoDB. */
export interface SignalStore {
  /**
   * Files the delivery's signal atomically, in a new issue or its alert's open issue (or alone,
   * for a resolution with no open issue), or, when the delivery repeats one seen within the dedup
   * window, writes nothing and returns what the first one created.
   */
  file(draft: SignalDraft, budget?: StorageBudget): Promise<StoredDelivery>;
  /**
   * Init's part: opens the connection (and resolves credentials and the endpoint) ahead of the
   * first delivery, doing work that delivery needs. Rejects when storage is unreachable; nothing
   * depends on it.
   */
  warmUp(): Promise<void>;
}

/** An authenticated delivery the service could not read, as kept. */
export interface UnreadableDelivery {
  /** The same for the same delivery: a retry of it is kept once. */
  readonly id: string;
  readonly delivery: RawDelivery;
  /** Why it could not be read (the 400's message). */
  readonly reason: string;
}

/** Where unreadable deliveries are kept for replay. */
export interface UnreadableKeeper {
  keepUnreadable(delivery: UnreadableDelivery): Promise<void>;
}

/** Where a delivery waits, durably, while storage is down, to be written later by the drain. */
export interface DeliveryQueue {
  /** Resolves once the queue holds the delivery durably; rejects when it cannot. */
  send(delivery: RawDelivery): Promise<void>;
}
