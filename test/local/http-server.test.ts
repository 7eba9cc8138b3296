import type { Server } from 'node:http';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHttpApiServer } from '../../local/http-server.ts';
import { listening } from '../support/webhook.ts';

// README.md "Quick start": the local server runs a few invocations at once, as free Lambda
// instances would; a request that waits for one is not charged for the wait.
describe('the local HTTP server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    server = undefined;
  });

  it("starts an invocation's time budget when it runs, not while it waits its turn", async () => {
    const budgets: number[] = [];
    const handler = async (_event: unknown, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
      budgets.push(context.getRemainingTimeInMillis());
      await new Promise((done) => setTimeout(done, 1_500));
      return { statusCode: 200, body: '{}' };
    };
    server = createHttpApiServer([{ method: 'GET', path: '/slow', functionName: 'slow', handler }], {
      concurrency: 1,
    });
    const base = await listening(server);
    const answers = await Promise.all([fetch(`${base}/slow`), fetch(`${base}/slow`)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    // The second waited 1.5 s for the first; its budget is still (nearly) Lambda's whole 10 s.
    expect(budgets).toHaveLength(2);
    expect(Math.min(...budgets)).toBeGreaterThan(9_500);
  });
});
