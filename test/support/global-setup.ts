import { chromiumPath } from '../../dev/chromium.ts';
import { freePort } from '../../dev/free-port.ts';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

/**
 * Checks what the tests need from the machine (Chromium; Java, as DynamoDB Local starts), saying
 * what to install, before any test runs; then starts one in-memory DynamoDB Local for the whole
 * run, which test files find through the env.
 */
export default async function globalSetup(): Promise<void> {
  process.env.CHROMIUM_PATH = chromiumPath();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const dynamoDb = await startDynamoDbLocal({ port: await freePort() });
  process.env.DYNAMODB_LOCAL_ENDPOINT = dynamoDb.endpoint;
  (globalThis as { dynamoDbLocal?: typeof dynamoDb }).dynamoDbLocal = dynamoDb;
}
