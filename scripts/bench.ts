/**
 * `npm run bench`: prints performance figures on this machine (a script, not a test):
 *   1. shipped bundle size, and its module-load time against a plain esbuild-defaults bundle
 *      (CommonJS, minified) of the same handler: fresh processes, alternating, medians;
 *   2. cold delivery: a fresh process imports the shipped bundle and answers its first
 *      request against DynamoDB Local and a Secrets Manager stand-in (real SDK over HTTP);
 *   3. warm latency p50/p99 through the local HTTP server, and throughput at concurrency 8
 *      against the storage floor (DynamoDB Local doing only the writes a delivery needs);
 *   4. write capacity per delivery (ReturnConsumedCapacity) and the cost per million deliveries.
 * Run it on an idle machine. BENCH_QUICK=1 shrinks every sample for a smoke run.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildSync } from 'esbuild';
import { stackConfigFrom } from '../infra/config.ts';
import { PosthogSignalsStack } from '../infra/stack.ts';
import { createDocumentClient } from '../lambda/aws-clients.ts';
import { loopRecordsFor } from '../lambda/domain/loop-records.ts';
import { readMetricChange } from '../lambda/domain/metric-change.ts';
import { StaticSecretSource } from '../lambda/secret/webhook-secret-source.ts';
import { issueItem, signalItem } from '../lambda/storage/items.ts';
import { DynamoDbSignalStore } from '../lambda/storage/signal-store.ts';
import { keys } from '../lambda/storage/table-design.ts';
import { createHandler } from '../lambda/webhook-handler.ts';
import { ensureTable } from '../local/create-table.ts';
import { LOCAL_AWS, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { createHttpApiServer } from '../local/http-server.ts';
import { webhookEvent } from '../test/support/events.ts';
import { FakeAwsEndpoint, secretValueReply } from '../test/support/fake-aws-endpoint.ts';
import { freePort } from '../test/support/free-port.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const LOAD_RUNS = QUICK ? 3 : 21;
const COLD_RUNS = QUICK ? 2 : 9;
const WARM_REQUESTS = QUICK ? 50 : 500;
const THROUGHPUT_REQUESTS = QUICK ? 200 : 2_000;
const CONCURRENCY = 8;
const SECRET = 'bench-secret';
const ENV = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

// Prices, us-east-1, on-demand, as published on 2026-11-27 (change them here).
const PRICE = {
  httpApiPerMillion: 1.0,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillion: 0.2,
  dynamoDbPerMillionWriteUnits: 0.625,
  lambdaMemoryGb: 0.5,
};

const rows: [string, string][] = [];
function row(label: string, value: string): void {
  rows.push([label, value]);
  console.log(`| ${label.padEnd(58)} | ${value.padStart(20)} |`);
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Builds the function exactly as `cdk synth` ships it, and returns the bundle's path. */
function shippedBundle(outdir: string): string {
  const app = new App({ outdir });
  const stack = new PosthogSignalsStack(app, 'Bench', { config: stackConfigFrom(() => undefined) });
  const code = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0]?.Properties
    .Code;
  return join(outdir, `asset.${String(code.S3Key).replace(/\.zip$/, '')}`, 'index.mjs');
}

/** The same handler bundled with esbuild's defaults for Node: CommonJS, main-first, minified. */
function plainBundle(outdir: string): string {
  const outfile = join(outdir, 'plain', 'index.cjs');
  buildSync({
    entryPoints: ['lambda/webhook-entry.ts'],
    bundle: true,
    platform: 'node',
    minify: true,
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Milliseconds to import the file in a fresh Node process (what a cold start pays for code). */
function loadTimeMs(file: string): number {
  const script = `const t=performance.now();import(${JSON.stringify(`file://${file}`)}).then(()=>process.stdout.write(String(performance.now()-t)))`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...ENV, AWS_REGION: 'us-east-1' },
  });
  return Number(output.toString());
}

function benchBundle(shipped: string, plain: string): void {
  loadTimeMs(shipped);
  loadTimeMs(plain);
  const shippedTimes: number[] = [];
  const plainTimes: number[] = [];
  for (let run = 0; run < LOAD_RUNS; run++) {
    shippedTimes.push(loadTimeMs(shipped));
    plainTimes.push(loadTimeMs(plain));
  }
  row('shipped bundle (ESM, SDK inside, minified)', `${statSync(shipped).size} B`);
  row('shipped bundle, gzip', `${gzipSync(readFileSync(shipped)).length} B`);
  row('plain bundle (esbuild defaults: CJS, minified)', `${statSync(plain).size} B`);
  row(`module load, shipped (median of ${LOAD_RUNS})`, `${median(shippedTimes).toFixed(1)} ms`);
  row(`module load, plain (median of ${LOAD_RUNS})`, `${median(plainTimes).toFixed(1)} ms`);
  row(
    'module load ratio shipped / plain (target ≤ 0.6)',
    (median(shippedTimes) / median(plainTimes)).toFixed(2),
  );
}

/** Cold delivery: a fresh process imports the bundle and answers one request. */
async function benchColdDelivery(
  shipped: string,
  dynamoDbEndpoint: string,
  secretsManagerUrl: string,
  tableName: string,
): Promise<void> {
  const invoker = resolve('test/support/invoke-bundle.mjs');
  const totals: number[] = [];
  const loads: number[] = [];
  for (let run = 0; run < COLD_RUNS; run++) {
    const event = webhookEvent({
      body: { name: 'cold_start', value: run },
      headers: { 'content-type': 'application/json', 'x-posthog-secret': SECRET },
    });
    const started = performance.now();
    // Asynchronous: the Secrets Manager stand-in answers from this process's event loop.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [invoker, shipped, JSON.stringify(event)],
      {
        env: {
          PATH: process.env.PATH,
          ...ENV,
          TABLE_NAME: tableName,
          POSTHOG_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerUrl,
        },
      },
    );
    const total = performance.now() - started;
    const last = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      loadedMs: number;
      result: { statusCode: number };
    };
    if (last.result.statusCode !== 201) throw new Error(`cold delivery answered ${last.result.statusCode}`);
    totals.push(total);
    loads.push(last.loadedMs);
  }
  row(`cold delivery: process start → 201 (median of ${COLD_RUNS})`, `${median(totals).toFixed(0)} ms`);
  row('  of which module load', `${median(loads).toFixed(0)} ms`);
}

/** Runs `task` `count` times with `concurrency` workers; returns per-call latencies and elapsed ms. */
async function run(count: number, concurrency: number, task: (n: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const t = performance.now();
        await task(n);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

async function benchWarmAndThroughput(dynamoDbEndpoint: string, tableName: string): Promise<number> {
  const client = createDocumentClient({ endpoint: dynamoDbEndpoint, ...LOCAL_AWS });
  // Records the capacity every call consumes, without touching the store's code. DynamoDB Local
  // under-reports transactions, so the AWS figure re-prices their table part: 2 units per item
  // per started KB (item size estimated from its JSON), as AWS bills transactional writes.
  let writeUnits = 0;
  let awsWriteUnits = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as {
        ReturnConsumedCapacity?: string;
        TransactItems?: { Put?: { Item: unknown } }[];
      };
      input.ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      for (const entry of [consumed].flat() as ConsumedCapacity[]) {
        if (!entry) continue;
        const total = entry.CapacityUnits ?? 0;
        writeUnits += total;
        if (!input.TransactItems) {
          awsWriteUnits += total;
          continue;
        }
        const indexUnits = Object.values(entry.GlobalSecondaryIndexes ?? {}).reduce(
          (sum, index) => sum + (index.CapacityUnits ?? 0),
          0,
        );
        const itemUnits = input.TransactItems.reduce(
          (sum, item) =>
            sum + 2 * Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item.Put?.Item ?? {})) / 1024)),
          0,
        );
        awsWriteUnits += itemUnits + indexUnits;
      }
      return result;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  const store = new DynamoDbSignalStore(client, tableName);
  const server = createHttpApiServer(createHandler({ secrets: new StaticSecretSource(SECRET), store }), {
    concurrency: CONCURRENCY,
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/signals/posthog`;
  let sequence = 0;
  const post = async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': SECRET },
      body: JSON.stringify({ name: 'warm', value: 12.5, timeframe: 'last_hour', n: sequence++ }),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`warm delivery answered ${response.status}`);
  };
  // Silence the function's per-delivery log lines while measuring.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    await run(50, 1, post);
    writeUnits = 0;
    awsWriteUnits = 0;
    const warm = await run(WARM_REQUESTS, 1, post);
    const wcuPerDelivery = writeUnits / WARM_REQUESTS;
    const awsWcuPerDelivery = awsWriteUnits / WARM_REQUESTS;
    const through = await run(THROUGHPUT_REQUESTS, CONCURRENCY, post);
    const floor = await run(THROUGHPUT_REQUESTS, CONCURRENCY, (n) => minimumWrites(client, tableName, n));
    process.stdout.write = write;
    const deliveriesPerSecond = (THROUGHPUT_REQUESTS / through.elapsedMs) * 1000;
    const floorPerSecond = (THROUGHPUT_REQUESTS / floor.elapsedMs) * 1000;
    row(
      `warm latency p50, local HTTP server (${WARM_REQUESTS} sequential)`,
      `${percentile(warm.latencies, 50).toFixed(1)} ms`,
    );
    row('warm latency p99', `${percentile(warm.latencies, 99).toFixed(1)} ms`);
    row(
      `throughput at concurrency ${CONCURRENCY} (${THROUGHPUT_REQUESTS} deliveries)`,
      `${deliveriesPerSecond.toFixed(0)} /s`,
    );
    row(`storage floor at concurrency ${CONCURRENCY} (same writes only)`, `${floorPerSecond.toFixed(0)} /s`);
    row('throughput / storage floor (target ≥ 0.7)', (deliveriesPerSecond / floorPerSecond).toFixed(2));
    row('write units per delivery, as DynamoDB Local reports them', wcuPerDelivery.toFixed(2));
    row('write units per delivery, as AWS bills them (txn ×2)', awsWcuPerDelivery.toFixed(2));
    return awsWcuPerDelivery;
  } finally {
    process.stdout.write = write;
    await new Promise((done) => server.close(done));
    client.destroy();
  }
}

interface ConsumedCapacity {
  CapacityUnits?: number;
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/**
 * The storage floor: exactly the items a delivery writes (counter, then dedup record, signal and
 * issue with their index keys, in one transaction), with no HTTP, Middy or validation around them.
 */
async function minimumWrites(client: ReturnType<typeof createDocumentClient>, tableName: string, n: number) {
  const { Attributes } = await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: 'FLOOR_COUNTER', sk: 'FLOOR' },
      UpdateExpression: 'ADD #value :one',
      ExpressionAttributeNames: { '#value': 'value' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const payload = { name: 'warm', value: 12.5, timeframe: 'last_hour', n };
  const draft = {
    change: readMetricChange(payload),
    payload,
    payloadText: JSON.stringify(payload),
    receivedAt: new Date(),
    delivery: { key: `floor-${randomUUID()}`, source: 'body' as const, bodySha256: '' },
  };
  const records = loopRecordsFor(draft, {
    signalId: randomUUID(),
    issueId: randomUUID(),
    issueNumber: Number(Attributes?.value),
  });
  await client.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName, Item: { ...keys.delivery(draft.delivery.key), entity: 'delivery' } } },
        { Put: { TableName: tableName, Item: signalItem(records.signal, payload) } },
        { Put: { TableName: tableName, Item: issueItem(records.issue, payload) } },
      ],
    }),
  );
}

function costPerMillion(wcuPerDelivery: number, lambdaMs: number): void {
  const api = PRICE.httpApiPerMillion;
  const lambda =
    PRICE.lambdaPerMillion +
    1_000_000 * PRICE.lambdaMemoryGb * (lambdaMs / 1000) * PRICE.lambdaArmPerGbSecond;
  const dynamoDb = wcuPerDelivery * PRICE.dynamoDbPerMillionWriteUnits;
  row(`cost / 1M: API Gateway HTTP API ($${PRICE.httpApiPerMillion}/M)`, `$${api.toFixed(2)}`);
  row(`cost / 1M: Lambda arm64 512 MB, ${lambdaMs.toFixed(0)} ms billed`, `$${lambda.toFixed(2)}`);
  row(
    `cost / 1M: DynamoDB on-demand writes ($${PRICE.dynamoDbPerMillionWriteUnits}/M WRU)`,
    `$${dynamoDb.toFixed(2)}`,
  );
  row('cost / 1M deliveries, total', `$${(api + lambda + dynamoDb).toFixed(2)}`);
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
  console.log(`| ${'measure'.padEnd(58)} | ${'value'.padStart(20)} |`);
  console.log(`|${'-'.repeat(60)}|${'-'.repeat(22)}|`);
  const outdir = mkdtempSync(join(tmpdir(), 'bench-'));
  const dynamoDb = await startDynamoDbLocal({ port: await freePort() });
  const secretsManager = await FakeAwsEndpoint.start();
  secretsManager.reply = () => secretValueReply(SECRET);
  try {
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const shipped = shippedBundle(outdir);
    process.stdout.write = write;
    benchBundle(shipped, plainBundle(outdir));

    const admin = new DynamoDBClient({ endpoint: dynamoDb.endpoint, ...LOCAL_AWS });
    await ensureTable(admin, 'bench-cold');
    await ensureTable(admin, 'bench-warm');
    admin.destroy();
    await benchColdDelivery(shipped, dynamoDb.endpoint, secretsManager.url, 'bench-cold');
    const wcu = await benchWarmAndThroughput(dynamoDb.endpoint, 'bench-warm');
    // Lambda bills per ms; a warm invocation on AWS is dominated by the ~10 ms DynamoDB round trips.
    costPerMillion(wcu, 25);
    console.log(
      '\nPrices: us-east-1 on-demand (HTTP API $1.00/M requests; Lambda arm64 $0.0000133334/GB-s + $0.20/M; DynamoDB $0.625/M write units); Lambda duration assumed 25 ms warm at 512 MB. Logs, Secrets Manager calls (one per instance per 5 min) and data transfer not included.',
    );
  } finally {
    await secretsManager.close();
    await dynamoDb.stop();
    rmSync(outdir, { recursive: true, force: true });
  }
}

await main();
