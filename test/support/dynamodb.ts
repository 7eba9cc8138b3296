import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambda/aws/clients.ts';
import { ensureTable } from '../../local/create-table.ts';
import { LOCAL_AWS } from '../../local/dynamodb-local.ts';

/** The DynamoDB Local that global-setup started. */
export function localEndpoint(): string {
  const endpoint = process.env.DYNAMODB_LOCAL_ENDPOINT;
  if (!endpoint)
    throw new Error('DYNAMODB_LOCAL_ENDPOINT is not set: run the tests through jest (global-setup)');
  return endpoint;
}

/**
 * Timeouts for DynamoDB Local on a loaded two-core machine, where a JVM pause can outlast the
 * function's fail-fast 800 ms: the tests of DynamoDB behaviour must not fail on it. The tests of
 * those fail-fast settings build their clients with them, against stand-ins.
 */
const DYNAMODB_LOCAL_TEST_SETTINGS = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
} as const;

/** A document client for DynamoDB Local, configured like the function's but for its timeouts. */
export function localDocumentClient(endpoint = localEndpoint()): DynamoDBDocumentClient {
  return createDocumentClient({ endpoint, ...LOCAL_AWS, ...DYNAMODB_LOCAL_TEST_SETTINGS }, 60_000);
}

/**
 * A DynamoDB Local client that records the name of each command it sends (`UpdateItem`,
 * `TransactWriteItems`, …): what the round-trip tests count.
 */
export function countingDocumentClient(): { client: DynamoDBDocumentClient; commands: string[] } {
  const client = localDocumentClient();
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize' },
  );
  return { client, commands };
}

/** Creates a fresh table from the shared design and returns its name. */
export async function createTestTable(): Promise<string> {
  const tableName = `test-${randomUUID()}`;
  const client = new DynamoDBClient({ endpoint: localEndpoint(), ...LOCAL_AWS });
  try {
    await ensureTable(client, tableName);
  } finally {
    client.destroy();
  }
  return tableName;
}

/** Every item in a table (tests only: tables here are small). */
export async function allItems(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** The signal and issue items only (not the counter). */
export async function loopItems(client: DynamoDBDocumentClient, tableName: string) {
  const items = await allItems(client, tableName);
  return {
    signals: items.filter((item) => item.entity === 'signal'),
    issues: items.filter((item) => item.entity === 'issue'),
  };
}
