import { DeadlineExceededError, withDeadline } from '../../../lambda/aws/deadlines.ts';

/** A client whose send settles as told, after `afterMs`, or when its signal aborts (as the SDK does). */
function clientThat(settle: 'answers' | 'refuses' | 'hangs', afterMs = 0, { hearsAbort = true } = {}) {
  return {
    send: (_command: unknown, options: { abortSignal?: AbortSignal } = {}) =>
      new Promise((resolve, reject) => {
        if (hearsAbort) {
          options.abortSignal?.addEventListener('abort', () =>
            reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })),
          );
        }
        if (settle === 'hangs') return;
        setTimeout(() => {
          if (settle === 'answers') resolve({ ok: true });
          else
            reject(
              Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException' }),
            );
        }, afterMs);
      }),
  };
}

describe('withDeadline (docs/http-contract.md "Deadlines")', () => {
  it('rejects a call that outlasts its deadline with DeadlineExceededError, keeping the abort as its cause', async () => {
    const started = Date.now();
    const error = await withDeadline(clientThat('hangs'), 50)
      .send({})
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as DeadlineExceededError).cause).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("honours the caller's own signal (a delivery's budget) as well as the client's deadline", async () => {
    const error = await withDeadline(clientThat('hangs'), 10_000)
      .send({}, { abortSignal: AbortSignal.timeout(30) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
  });

  it('leaves an answer that lands as the deadline passes what it is, not a deadline', async () => {
    // The refusal was already being read when the budget fired: the caller must see the refusal
    // (a replay's TransactionCanceledException is an answer, not an outage).
    const client = withDeadline(clientThat('refuses', 40, { hearsAbort: false }), 10_000);
    const error = await client
      .send({}, { abortSignal: AbortSignal.timeout(5) })
      .catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('TransactionCanceledException');
  });

  it('passes an answer within the deadline through', async () => {
    await expect(withDeadline(clientThat('answers', 5), 1_000).send({})).resolves.toEqual({ ok: true });
  });
});
