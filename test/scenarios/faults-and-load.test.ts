import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { freePort } from '../../dev/free-port.ts';
import { StaticSecretSource } from '../../lambda/secret/webhook-secret-source.ts';
import type { DynamoDbSignalStore } from '../../lambda/storage/signal-store.ts';
import { ensureTable } from '../../local/create-table.ts';
import { type DynamoDbLocal, LOCAL_AWS, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { createHttpApiServer, routesServedBy } from '../../local/http-server.ts';
import { createTestTable, localDocumentClient, loopItems } from '../support/dynamodb.ts';
import { TEST_SECRET } from '../support/events.ts';
import { captureOutputPerTest } from '../support/output.ts';
import { listening, serviceStore, webhookHandler } from '../support/webhook.ts';

/** Serves a handler over the local HTTP server and returns a function that POSTs a body to it. */
async function serve(
  store: DynamoDbSignalStore,
): Promise<{ server: Server; post: (body: string) => Promise<Response> }> {
  const server = createHttpApiServer(
    routesServedBy('webhook', webhookHandler({ secrets: new StaticSecretSource(TEST_SECRET), store })),
  );
  const url = `${await listening(server)}/api/signals/posthog`;
  const post = (body: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': TEST_SECRET },
      body,
    });
  return { server, post };
}

const delivery = (n: number) =>
  JSON.stringify({ name: `metric_${n}`, value: n % 100, timeframe: 'last_hour' });

describe('DynamoDB Local stopped mid-run', () => {
  const output = captureOutputPerTest(TEST_SECRET);
  let dataDirectory: string;
  let dynamoDb: DynamoDbLocal | undefined;
  let port: number;

  beforeAll(async () => {
    dataDirectory = mkdtempSync(join(tmpdir(), 'ddb-fault-'));
    port = await freePort();
  });
  afterAll(async () => {
    await dynamoDb?.stop();
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('answers 503 + Retry-After within 2 s while it is down, leaves nothing partial, and retries succeed', async () => {
    dynamoDb = await startDynamoDbLocal({ port, dataDirectory });
    const admin = new DynamoDBClient({ endpoint: dynamoDb.endpoint, ...LOCAL_AWS });
    await ensureTable(admin, 'faults');
    admin.destroy();
    const client = localDocumentClient(dynamoDb.endpoint);
    const { server, post } = await serve(serviceStore(client, 'faults'));

    try {
      const before = await Promise.all(Array.from({ length: 10 }, (_, n) => post(delivery(n))));
      expect(before.map((response) => response.status)).toEqual(Array(10).fill(201));

      // Stop it while deliveries are in flight.
      const inFlight = Array.from({ length: 10 }, (_, n) => post(delivery(10 + n)));
      await dynamoDb.stop();
      const during = await Promise.all(inFlight);
      expect(during.every((response) => response.status === 201 || response.status === 503)).toBe(true);

      const outage: number[] = [];
      for (let n = 20; n < 25; n++) {
        const started = Date.now();
        const response = await post(delivery(n));
        outage.push(Date.now() - started);
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBe('1');
        expect(await response.json()).toEqual({ error: 'Storage is temporarily unavailable; retry later' });
      }
      expect(Math.max(...outage)).toBeLessThan(2_000);

      dynamoDb = await startDynamoDbLocal({ port, dataDirectory });
      // PostHog retries what failed; a delivery that was written before its answer was lost replays.
      const retried = await Promise.all(Array.from({ length: 15 }, (_, n) => post(delivery(10 + n))));
      expect(retried.every((response) => response.status === 201 || response.status === 200)).toBe(true);

      const { signals, issues } = await loopItems(client, 'faults');
      expect(signals).toHaveLength(25);
      expect(issues).toHaveLength(25);
      const issueIds = new Set(issues.map((issue) => issue.id));
      expect(signals.every((signal) => issueIds.has(signal.issueId))).toBe(true);
      // Each failure was logged as the outage it was.
      const failures = output
        .current()
        .lines()
        .filter((line) => line.message === 'delivery' && line.outcome === 'failed');
      expect(failures.length).toBeGreaterThanOrEqual(5);
      expect(
        failures.every((line) => line.error === 'DependencyUnavailableError' && line.status === 503),
      ).toBe(true);
    } finally {
      await new Promise((done) => server.close(done));
      client.destroy();
    }
  }, 90_000);
});

describe('load through the local HTTP server', () => {
  captureOutputPerTest(TEST_SECRET);
  it('stores a few hundred concurrent distinct deliveries exactly once each, with unique issue numbers, retried as PostHog retries', async () => {
    const count = Number(process.env.LOAD_TEST_DELIVERIES ?? 300);
    const tableName = await createTestTable();
    const client = localDocumentClient();
    const { server, post } = await serve(serviceStore(client, tableName));

    try {
      // All at once; a delivery answered 503 (busy: retry) is sent again, as PostHog retries it.
      const answers: number[][] = Array.from({ length: count }, () => []);
      await Promise.all(
        Array.from({ length: count }, async (_, n) => {
          for (let attempt = 0; attempt < 5; attempt++) {
            const { status } = await post(delivery(n));
            answers[n]?.push(status);
            if (status !== 503) return;
            await new Promise((done) => setTimeout(done, 200));
          }
        }),
      );

      // Each ends created (or, when a retry follows an answer lost in the crowd, repeated): none lost.
      expect(answers.filter((statuses) => !/^(503,)*(201|200)$/.test(statuses.join(',')))).toEqual([]);
      // A busy answer is the exception, never the rule.
      expect(answers.filter((statuses) => statuses[0] === 503).length).toBeLessThan(count / 4);
      const { signals, issues } = await loopItems(client, tableName);
      expect(signals).toHaveLength(count);
      expect(issues).toHaveLength(count);
      expect(new Set(issues.map((issue) => issue.number)).size).toBe(count);
    } finally {
      await new Promise((done) => server.close(done));
      client.destroy();
    }
  }, 120_000);
});
