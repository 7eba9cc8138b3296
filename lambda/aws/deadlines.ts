/**
 * How long each call may take in all — retries and the reading of the response's body included —
 * before it counts as that dependency's outage (docs/http-contract.md "Deadlines"). The SDK's own
 * `requestTimeout` stops at the response's headers: a response that stalls after them would hang
 * the call (aws-sdk-js-v3 #8098). Budgeted so that every answer comes within PostHog's 3 s
 * whatever is down: secret 600 + storage 1,200 (one budget for all of a delivery's calls, see
 * signal-store.ts) + queue 600 ms.
 */
export const DEADLINES_MS = {
  secret: 600,
  storageCall: 1_200,
  storageDelivery: 1_200,
  queue: 600,
  /** A queued delivery at the drain: nobody waits on it, but a batch must fit the drain's 30 s. */
  drainDelivery: 10_000,
} as const;

/** A call that did not finish within its deadline: the dependency counts as unavailable. */
export class DeadlineExceededError extends Error {
  constructor(
    readonly deadlineMs: number,
    options?: { readonly cause?: unknown },
  ) {
    super(`No complete answer within ${deadlineMs} ms`, options);
    this.name = new.target.name;
  }
}

// What the SDK rejects with when a signal aborts its call: its HTTP handler's AbortError, or the
// signal's own reason (a TimeoutError) when the abort comes between retries.
const ABORT_NAMES = new Set(['AbortError', 'TimeoutError']);

interface SendsCommands {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's own signature, overloaded per command.
  send(command: any, options?: any): Promise<any>;
}

/**
 * Gives every call of `client` a deadline of `deadlineMs` (joined with any signal the caller
 * passes): on expiry the request is aborted, whatever it was waiting for, and the call rejects
 * with DeadlineExceededError.
 */
export function withDeadline<Client extends SendsCommands>(client: Client, deadlineMs: number): Client {
  const send = client.send.bind(client);
  client.send = async (command: unknown, options: { abortSignal?: AbortSignal } = {}) => {
    const deadline = AbortSignal.timeout(deadlineMs);
    const abortSignal = options.abortSignal ? AbortSignal.any([options.abortSignal, deadline]) : deadline;
    try {
      return await send(command, { ...options, abortSignal });
    } catch (error) {
      // Only the abort itself: an answer that landed as the deadline passed stays what it was.
      const name = (error as { name?: unknown } | null)?.name;
      if (abortSignal.aborted && typeof name === 'string' && ABORT_NAMES.has(name)) {
        throw new DeadlineExceededError(deadlineMs, { cause: error });
      }
      throw error;
    }
  };
  return client;
}
