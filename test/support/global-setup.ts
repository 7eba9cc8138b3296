import { freePort } from '../../dev/free-port.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

/** Starts one in-memory DynamoDB Local for the whole run; test files find it through the env. */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dynamoDb = await startDynamoDbLocal({ port: await freePort() });
  process.env.DYNAMODB_LOCAL_ENDPOINT = dynamoDb.endpoint;
  (globalThis as { dynamoDbLocal?: typeof dynamoDb }).dynamoDbLocal = dynamoDb;
}
