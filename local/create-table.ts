import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { KEY_ATTRIBUTES, TABLE_DESIGN } from '../lambda/storage/table-design.ts';

const keySchema = (partitionKey: string, sortKey?: string): KeySchemaElement[] => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
];

/** The CreateTable input for the shared table design (the CDK stack builds the same). */
function createTableInput(tableName: string): CreateTableCommand['input'] {
  const { lookup, listings } = TABLE_DESIGN.indexes;
  const indexes: GlobalSecondaryIndex[] = [
    {
      IndexName: lookup.name,
      KeySchema: keySchema(lookup.partitionKey),
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: listings.name,
      KeySchema: keySchema(listings.partitionKey, listings.sortKey),
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...listings.projection.attributes] },
    },
  ];
  const attributes: AttributeDefinition[] = KEY_ATTRIBUTES.map((name) => ({
    AttributeName: name,
    AttributeType: 'S',
  }));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_DESIGN.stream },
    KeySchema: keySchema(TABLE_DESIGN.partitionKey, TABLE_DESIGN.sortKey),
    AttributeDefinitions: attributes,
    GlobalSecondaryIndexes: indexes,
  };
}

/**
 * Creates the table (and enables TTL) unless it exists; a table kept from before it had a stream
 * gets one. Returns true when it was created.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE_DESIGN.stream },
        }),
      );
    }
    return false;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE_DESIGN.timeToLiveAttribute, Enabled: true },
    }),
  );
  return true;
}
