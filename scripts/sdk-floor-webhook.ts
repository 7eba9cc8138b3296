/**
 * The floor `npm run bench` prints beside the cold starts: the AWS SDK clients the webhook uses
 * (lambda/aws-clients.ts, same settings), bundled as the webhook is (infra/bundling.ts), doing
 * nothing but the requests a delivery cannot do without — at init the secret fetch and the issue
 * counter, as the webhook's warm-up does; on the first request one transaction of the typical
 * implementation's two items (scripts/typical-webhook.ts). No body reading, no Middy, no
 * Powertools, no dedup: what any handler built on these clients pays at the least. Not shipped;
 * a yardstick only.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDocumentClient, createSecretsManagerClient } from '../lambda/aws/clients.ts';
import { counterUpdate } from './yardstick.ts';

const TABLE = process.env.TABLE_NAME;
const secretsManager = createSecretsManagerClient();
const dynamoDb = createDocumentClient();
let secret = '';
let issueNumber = 0;

const digest = (text: string) => createHash('sha256').update(text).digest();

export async function warmUp(): Promise<void> {
  const [fetched, counted] = await Promise.all([
    secretsManager.send(new GetSecretValueCommand({ SecretId: process.env.POSTHOG_WEBHOOK_SECRET_ARN })),
    dynamoDb.send(new UpdateCommand(counterUpdate(TABLE))),
  ]);
  secret = fetched.SecretString ?? '';
  issueNumber = Number(counted.Attributes?.value);
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  if (!timingSafeEqual(digest(event.headers['x-posthog-secret'] ?? ''), digest(secret))) {
    return { statusCode: 401, body: '{"error":"Invalid webhook secret"}' };
  }
  const signalId = randomUUID();
  const issueId = randomUUID();
  await dynamoDb.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: TABLE,
            Item: { pk: `ISSUE#${issueId}`, sk: `SIGNAL#${signalId}`, payload: event.body },
          },
        },
        { Put: { TableName: TABLE, Item: { pk: `ISSUE#${issueId}`, sk: 'ISSUE', number: issueNumber } } },
      ],
    }),
  );
  return { statusCode: 201, body: JSON.stringify({ data: { signalId, issueId } }) };
}
