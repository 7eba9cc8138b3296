import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { FAST_FAIL_CLIENT_CONFIG } from '../aws-errors.ts';

/**
 * A document client that stores JavaScript numbers exactly: doubles beyond 2^53 are written as
 * their shortest decimal text (DynamoDB keeps 38 digits) and read back as numbers, not BigInt.
 * The endpoint comes from the usual AWS settings (`AWS_ENDPOINT_URL_DYNAMODB` for DynamoDB Local).
 */
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...FAST_FAIL_CLIENT_CONFIG, ...config }), {
    marshallOptions: { allowImpreciseNumbers: true },
    unmarshallOptions: { wrapNumbers: (text: string) => Number(text) },
  });
}
