/**
 * The AWS clients the functions use, one factory each, all with the same fail-fast settings and a
 * deadline on every call. Endpoints come from the usual AWS settings (`AWS_ENDPOINT_URL_DYNAMODB`,
 * …), which is how the local run and the tests point them at DynamoDB Local and stand-ins.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEADLINES_MS, withDeadline } from './deadlines.ts';

/** Settings shared by every AWS client: fail fast enough to answer inside PostHog's 3 s timeout. */
const FAST_FAIL_CLIENT_CONFIG = {
  // Two attempts: one retry absorbs a blip; more would push a 503 past PostHog's deadline.
  maxAttempts: 2,
  // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes.
  requestHandler: { connectionTimeout: 500, requestTimeout: 800, throwOnRequestTimeout: true },
} as const;

/**
 * How numbers read back become JavaScript values, here and wherever an item is unmarshalled by
 * hand (a refused transaction's handed-back item): numbers, never BigInt. Pass it in a fresh
 * options object each time (`{ wrapNumbers: readNumber }`): the document client adds its own
 * settings to the object it is given.
 */
export const readNumber = (text: string): number => Number(text);

/**
 * A document client that stores JavaScript numbers exactly: doubles beyond 2^53 are written as
 * their shortest decimal text (DynamoDB keeps 38 digits) and read back as numbers, not BigInt.
 */
export function createDocumentClient(
  config: DynamoDBClientConfig = {},
  deadlineMs: number = DEADLINES_MS.storageCall,
): DynamoDBDocumentClient {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...FAST_FAIL_CLIENT_CONFIG, ...config }), {
    marshallOptions: { allowImpreciseNumbers: true },
    unmarshallOptions: { wrapNumbers: readNumber },
  });
  return withDeadline(client, deadlineMs);
}

/** A Secrets Manager client. */
export function createSecretsManagerClient(
  config: SecretsManagerClientConfig = {},
  deadlineMs: number = DEADLINES_MS.secret,
): SecretsManagerClient {
  return withDeadline(new SecretsManagerClient({ ...FAST_FAIL_CLIENT_CONFIG, ...config }), deadlineMs);
}

/**
 * An SQS client, loaded on first use: only the webhook's fallback path and the drain's back-off
 * need it, so a delivery that never does pays nothing for it (the bundle keeps it in `lazy/`).
 */
export async function createSqsClient(config: SQSClientConfig = {}): Promise<SQSClient> {
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  return withDeadline(new SQSClient({ ...FAST_FAIL_CLIENT_CONFIG, ...config }), DEADLINES_MS.queue);
}
