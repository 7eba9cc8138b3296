import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { runCli } from '../../cli/signals-cli.ts';
import type { FakeAwsEndpoint } from '../../dev/fake-aws-endpoint.ts';
import { environmentFor } from '../../lambda/settings.ts';
import { unreadableKeys } from '../../lambda/storage/table-design.ts';
import { awsEnvironmentFor, fakeDeployment } from '../support/deployed-stack.ts';
import { draftFor } from '../support/drafts.ts';
import { createTestTable, localDocumentClient, localEndpoint, loopItems } from '../support/dynamodb.ts';
import { serviceStore } from '../support/webhook.ts';

/**
 * `replay` files a kept delivery as the service it replays into would file a live one: with the
 * deployed webhook function's own settings (read from its environment), or the local run's.
 * Here the service does not group firings, so a firing of an alert whose issue is open opens an
 * issue of its own; with the default settings it would have joined the open one.
 */
describe('npm run signals -- replay files with the settings of the service it replays into', () => {
  const client = localDocumentClient();
  const arrived = new Date('2026-11-27T10:00:00.000Z');
  let tableName: string;

  beforeEach(async () => {
    tableName = await createTestTable();
    // The alert's issue is open (#1); a later firing of it was kept, unreadable to an older version.
    await serviceStore(client, tableName).file(
      draftFor({ name: 'signups', value: -30, alert_id: 'a-1' }, { receivedAt: arrived }),
    );
    const body = Buffer.from(JSON.stringify({ name: 'signups', value: -60, alert_id: 'a-1' }));
    const receivedAt = '2026-11-27T10:30:00.000Z';
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...unreadableKeys({ id: 'kept', receivedAt }),
          entity: 'unreadable',
          id: 'kept',
          createdAt: receivedAt,
          reason: 'kept by an older version',
          size: body.length,
          body,
          keyHeaders: {},
        },
      }),
    );
  });
  afterAll(() => client.destroy());

  const cli = async (args: string[], env: NodeJS.ProcessEnv) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { env, out: (text) => out.push(text), err: (text) => err.push(text) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const issueCount = async () => (await loopItems(client, tableName)).issues.length;

  describe('a deployed stack (--table, --stack)', () => {
    let deployment: FakeAwsEndpoint;
    let restore: () => void;
    const start = async (options: Parameters<typeof fakeDeployment>[1] = {}) => {
      deployment = await fakeDeployment(
        {
          stackName: 'Production',
          tableName,
          webhookFunctionName: 'Production-WebhookFunction',
          environment: environmentFor({ tableName, groupFirings: false, stackName: 'Production' }),
        },
        options,
      );
      restore = awsEnvironmentFor({ dynamoDb: localEndpoint(), deployment: deployment.url });
    };
    afterEach(async () => {
      restore();
      await deployment.close();
    });

    it.each([['--table'], ['--stack']])('reads the webhook function’s settings (%s)', async (option) => {
      await start();
      const reference = option === '--table' ? tableName : 'Production';

      const replayed = await cli(['replay', 'kept', option, reference], {});

      expect(replayed.err).toBe('');
      expect(replayed.out).toMatch(/^201 opened: issue #\d+ "PostHog: signups -60% \(recent\)"/);
      expect(await issueCount()).toBe(2);
      expect(
        deployment.calls.some((call) => call.path.endsWith('/Production-WebhookFunction/configuration')),
      ).toBe(true);
    });

    it('files nothing when it cannot read them, and says why', async () => {
      await start({ failLambda: { status: 403, type: 'AccessDeniedException' } });

      const replayed = await cli(['replay', 'kept', '--table', tableName], {});

      expect(replayed.code).toBe(1);
      expect(replayed.err).toMatch(/^Cannot read the deployed webhook's settings/);
      expect(await issueCount()).toBe(1);
    });
  });

  it('the local service: the settings `npm start` reads from the same environment', async () => {
    const env = { DYNAMODB_PORT: new URL(localEndpoint()).port, TABLE_NAME: tableName };

    const grouped = await cli(['replay', 'kept'], { ...env, ...environmentFor({ groupFirings: false }) });

    expect(grouped.out).toMatch(/^201 opened: /);
    expect(await issueCount()).toBe(2);
  });
});
