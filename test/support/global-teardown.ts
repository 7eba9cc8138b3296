import type { DynamoDbLocal } from '../../local/dynamodb-local.ts';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { dynamoDbLocal?: DynamoDbLocal }).dynamoDbLocal?.stop();
}
