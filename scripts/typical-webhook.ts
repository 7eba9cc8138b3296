/**
 * The reference `npm run bench` holds the webhook's cold start against: the handler a competent
 * user would write for the same contract with the same dependencies (the AWS SDK v3 clients,
 * Middy, Powertools Logger and Metrics for the delivery log and counts), bundled the way they
 * would bundle it (esbuild's defaults: CommonJS, minified; the bench also loads it the way CDK's
 * NodejsFunction leaves it by default, unminified with the SDK from the runtime). It
 * really delivers: the secret is fetched from Secrets Manager on the first request (and cached),
 * the header compared timing-safely, the body parsed, a severity derived, then the issue counter
 * and one transaction (signal + issue) written, one log line and one metric. Not shipped; a
 * yardstick only.
 *
 * For the bench's warm comparison ("no slower than the typical implementation writing the same
 * items"), TYPICAL_TRANSACT_ITEMS may hold the shipped webhook's own transaction items (DynamoDB
 * JSON, as the bench captured them): the transaction then writes those, through the document
 * client like its own and every id in them fresh per delivery, instead of its two; the rest of
 * the handler (log line, metric) is the same.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { counterUpdate, withFreshIds } from './yardstick.ts';

const secretsManager = new SecretsManagerClient({});
const dynamoDb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TABLE = process.env.TABLE_NAME;
const SAME_ITEMS = process.env.TYPICAL_TRANSACT_ITEMS && asDocumentItems(process.env.TYPICAL_TRANSACT_ITEMS);

const logger = new Logger({ serviceName: 'posthog-signals' });
const metrics = new Metrics({ namespace: 'LoopPosthogSignals', serviceName: 'posthog-signals' });
let secret: Promise<string> | undefined;

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Transaction items in DynamoDB JSON as JSON text of plain values, for the document client. */
function asDocumentItems(text: string): string {
  const typed = new Set(['Item', 'Key', 'ExpressionAttributeValues']);
  const items = JSON.parse(text) as Record<string, Record<string, unknown>>[];
  const plain = items.map((item) =>
    Object.fromEntries(
      Object.entries(item).map(([kind, operation]) => [
        kind,
        Object.fromEntries(
          Object.entries(operation).map(([field, value]) => [
            field,
            typed.has(field) ? unmarshall(value as Record<string, AttributeValue>) : value,
          ]),
        ),
      ]),
    ),
  );
  return JSON.stringify(plain);
}

async function deliver(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  secret ??= secretsManager
    .send(new GetSecretValueCommand({ SecretId: process.env.POSTHOG_WEBHOOK_SECRET_ARN }))
    .then(({ SecretString }) => SecretString ?? '');
  const presented = event.headers['x-posthog-secret'] ?? '';
  if (!timingSafeEqual(digest(presented), digest(await secret))) {
    return { statusCode: 401, body: JSON.stringify({ error: 'Invalid webhook secret' }) };
  }
  const text = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString()
    : (event.body ?? '');
  let body: { name?: unknown; value?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return { statusCode: 400, body: JSON.stringify({ error: 'Body is not JSON' }) };
  }
  const { name, value } = body;
  if (typeof name !== 'string' || typeof value !== 'number') {
    return { statusCode: 400, body: JSON.stringify({ error: 'name and value are required' }) };
  }
  const change = Math.abs(value);
  const severity = change >= 50 ? 'critical' : change >= 25 ? 'high' : change >= 10 ? 'medium' : 'low';
  const { Attributes } = await dynamoDb.send(new UpdateCommand(counterUpdate(TABLE)));
  const now = new Date().toISOString();
  const signal = { id: randomUUID(), source: 'posthog', severity, payload: body, createdAt: now };
  const issue = {
    id: randomUUID(),
    number: Attributes?.value,
    title: `PostHog: ${name} ${value}%`,
    status: 'triage',
  };
  const TransactItems = SAME_ITEMS
    ? JSON.parse(withFreshIds(SAME_ITEMS))
    : [
        {
          Put: { TableName: TABLE, Item: { pk: `ISSUE#${issue.id}`, sk: `SIGNAL#${signal.id}`, ...signal } },
        },
        { Put: { TableName: TABLE, Item: { pk: `ISSUE#${issue.id}`, sk: 'ISSUE', ...issue } } },
      ];
  await dynamoDb.send(new TransactWriteCommand({ TransactItems }));
  metrics.addMetric('DeliveryCreated', MetricUnit.Count, 1);
  logger.info('delivery', { outcome: 'created', signalId: signal.id, issueId: issue.id, severity });
  return { statusCode: 201, body: JSON.stringify({ data: { signal, issue } }) };
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(logMetrics(metrics))
  .use(injectLambdaContext(logger))
  .handler(deliver);
