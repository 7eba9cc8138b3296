import type { Server } from 'node:http';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ROUTES } from '../../lambda/contract/routes.ts';
import { StaticSecretSource, type WebhookSecretSource } from '../../lambda/secret/webhook-secret-source.ts';
import { createHttpApiServer, routesServedBy } from '../../local/http-server.ts';
import { createTestTable, localDocumentClient } from './dynamodb.ts';
import { TEST_SECRET } from './events.ts';
import { listening, serviceStore, webhookHandler } from './webhook.ts';

/** The webhook served for one describe block; its fields are set once the block's beforeAll ran. */
export interface ServedWebhook {
  readonly client: DynamoDBDocumentClient;
  /** The block's own table on DynamoDB Local. */
  tableName: string;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** The webhook's URL: `baseUrl` and the webhook route. */
  webhookUrl: string;
}

/**
 * For the describe block that calls it: a fresh table on DynamoDB Local and the local HTTP server
 * serving the webhook over it (accepting `secrets`, by default the test secret), closed after
 * the block.
 */
export function servedWebhook(
  secrets: WebhookSecretSource = new StaticSecretSource(TEST_SECRET),
): ServedWebhook {
  const served: ServedWebhook = { client: localDocumentClient(), tableName: '', baseUrl: '', webhookUrl: '' };
  let server: Server | undefined;
  beforeAll(async () => {
    served.tableName = await createTestTable();
    const store = serviceStore(served.client, served.tableName);
    server = createHttpApiServer(routesServedBy('webhook', webhookHandler({ secrets, store })));
    served.baseUrl = await listening(server);
    served.webhookUrl = `${served.baseUrl}${ROUTES.webhook.path}`;
  });
  afterAll(async () => {
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    served.client.destroy();
  });
  return served;
}
