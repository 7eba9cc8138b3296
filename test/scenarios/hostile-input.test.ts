import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { StaticSecretSource } from '../../lambda/secret/webhook-secret-source.ts';
import { issueFromItem, signalFromItem } from '../../lambda/storage/items.ts';
import { keys } from '../../lambda/storage/table-design.ts';
import { createTestTable, localDocumentClient, loopItems } from '../support/dynamodb.ts';
import { lambdaContext, TEST_SECRET, webhookEvent } from '../support/events.ts';
import { captureOutputPerTest } from '../support/output.ts';
import { serviceStore, webhookHandler } from '../support/webhook.ts';

/**
 * Property-based: whatever arrives, the function never answers 5xx for a client's mistake,
 * writes nothing for a refused delivery, and stores every accepted payload losslessly.
 */
describe('hostile and broken input against DynamoDB Local', () => {
  captureOutputPerTest(TEST_SECRET);
  const client = localDocumentClient();
  let tableName: string;
  let handler: ReturnType<typeof webhookHandler>;
  let accepted = 0;

  // Each test on a table of its own, so each can count what it wrote, alone or in any order.
  beforeEach(async () => {
    tableName = await createTestTable();
    accepted = 0;
    handler = webhookHandler({
      secrets: new StaticSecretSource(TEST_SECRET),
      store: serviceStore(client, tableName),
    });
  });
  afterAll(() => client.destroy());

  /** Exactly one signal and one issue per new delivery, and nothing for refused ones. */
  async function expectOneSignalAndIssuePerAccepted(): Promise<void> {
    const { signals, issues } = await loopItems(client, tableName);
    expect(signals).toHaveLength(accepted);
    expect(issues).toHaveLength(accepted);
  }

  /** Sends a body, checks the answer, and for a new delivery checks what was stored. */
  async function deliver(text: string): Promise<number> {
    const result = await handler(webhookEvent({ body: text }), lambdaContext);
    const status = result.statusCode ?? 0;
    expect(status).toBeLessThan(500);
    const body = JSON.parse(result.body ?? '') as {
      error?: string;
      data?: { signal: { id: string; issueId: string } };
    };
    if (status >= 400) {
      expect(typeof body.error).toBe('string');
      return status;
    }
    expect([200, 201]).toContain(status);
    if (status === 201) accepted += 1;
    const { signal } = body.data ?? { signal: { id: '', issueId: '' } };
    const stored = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.signal(signal.issueId, signal.id) }),
    );
    const issue = await client.send(
      new GetCommand({ TableName: tableName, Key: keys.issue(signal.issueId) }),
    );
    const sent = JSON.parse(text);
    expect(signalFromItem(stored.Item ?? {}).record.payload).toEqual(sent);
    expect(issueFromItem(issue.Item ?? {}).record.signalPayload).toEqual(sent);
    return status;
  }

  const anyJson = fc.jsonValue({ stringUnit: 'binary', maxDepth: 6 });

  it('answers any JSON value with 2xx or a clear 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson, async (value) => {
        await deliver(JSON.stringify(value));
      }),
      { numRuns: 80 },
    );
    await expectOneSignalAndIssuePerAccepted();
  });

  it('answers any bytes with a clear 4xx (or stores them, if they happen to be a metric change)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const event = webhookEvent();
        event.body = Buffer.from(bytes).toString('base64');
        event.isBase64Encoded = true;
        const result = await handler(event, lambdaContext);
        const status = result.statusCode ?? 0;
        expect(status).toBeLessThan(500);
        if (status >= 400) expect(JSON.parse(result.body ?? '').error).toEqual(expect.any(String));
        if (status === 201) accepted += 1;
      }),
      { numRuns: 80 },
    );
    await expectOneSignalAndIssuePerAccepted();
  });

  it('stores any metric change losslessly, whatever else the payload carries', async () => {
    const metricChange = fc.record({
      name: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((name) => name.trim() !== ''),
      value: fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.constantFrom('35', ' -12.5 % '),
      ),
      extra: fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), anyJson, { maxKeys: 6 }),
    });
    await fc.assert(
      fc.asyncProperty(metricChange, async ({ name, value, extra }) => {
        const status = await deliver(JSON.stringify({ ...extra, name, value }));
        expect([200, 201]).toContain(status);
      }),
      { numRuns: 80 },
    );
    expect(accepted).toBeGreaterThan(50);
    await expectOneSignalAndIssuePerAccepted();
  });
});
