/**
 * How the delivery queue retries (docs/architecture.md "No accepted alert is lost"): shared by the drain, which
 * backs off and knows a record's last attempt, and the stack, which sets the queues up.
 */
export const RETRY_POLICY = {
  /** Receives before SQS moves a delivery to the dead-letter queue. */
  maxReceiveCount: 10,
  /** Wait after the first failed attempt; doubled after each further one (60 s, 2 min, 4 min, …). */
  firstRetryDelaySeconds: 60,
  /** The longest wait between attempts: ten attempts span about four hours. */
  maxRetryDelaySeconds: 3_600,
  /** How long the queue keeps a delivery (SQS's default). */
  queueRetentionDays: 4,
  /** How long the dead-letter queue keeps one (SQS's maximum). */
  deadLetterRetentionDays: 14,
} as const;

/** Seconds to wait before the next attempt, after attempt `receiveCount` (1 for the first) failed. */
export function retryDelaySeconds(receiveCount: number): number {
  const doublings = Math.max(0, Math.min(receiveCount - 1, 30));
  return Math.min(RETRY_POLICY.firstRetryDelaySeconds * 2 ** doublings, RETRY_POLICY.maxRetryDelaySeconds);
}

/**
 * How long a dedup record is kept after its window: as long as a copy of the delivery can still
 * be in the queues (the queue's retention, then the dead-letter queue's, then the queue's again
 * after a redrive), or a late copy would be written a second time.
 */
export const DEDUP_RECORD_RETENTION_DAYS =
  2 * RETRY_POLICY.queueRetentionDays + RETRY_POLICY.deadLetterRetentionDays;
