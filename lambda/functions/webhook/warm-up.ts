/**
 * Waits until every task has settled or `withinMs` has passed, whichever comes first; never
 * rejects. Init uses it to do the waiting for the secret and the first connections
 * (docs/architecture.md "Speed") without ever failing or hanging because a dependency is down: a task still running
 * goes on, and a request that needs it waits for the same promise; a failed one is tried again
 * on the request path, with the usual 503.
 */
export async function settleWithin(tasks: readonly Promise<unknown>[], withinMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, withinMs);
    // Never the reason the process stays alive.
    timer.unref();
  });
  await Promise.race([Promise.allSettled(tasks), timeUp]);
  clearTimeout(timer);
}
