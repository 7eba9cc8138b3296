import type { Server } from 'node:http';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ROUTES } from '../../lambda/contract/routes.ts';
import { createTriageApiHandler } from '../../lambda/functions/triage-api/handler.ts';
import { StaticSecretSource, type WebhookSecretSource } from '../../lambda/secret/webhook-secret-source.ts';
import { boardPartsFor, triageServiceFor } from '../../lambda/wiring.ts';
import { boardRoutes } from '../../local/board-routes.ts';
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
  /** Calls the triage API: a path with its query, and a JSON body (an object, or text as sent). */
  api(method: string, path: string, body?: unknown): Promise<Answer>;
  /** Delivers a body to the webhook with the test secret. */
  deliver(body: unknown, headers?: Record<string, string>): Promise<Answer>;
}

/** An answer of the local server: its status and its JSON body (null when there is none). */
// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever the answer holds.
export type Answer = { status: number; body: any };

/**
 * For the describe block that calls it: a fresh table on DynamoDB Local and the local HTTP server
 * serving the webhook (accepting `secrets`, by default the test secret), the triage API and the
 * triage board over it, closed after the block.
 */
export function servedWebhook(
  secrets: WebhookSecretSource = new StaticSecretSource(TEST_SECRET),
): ServedWebhook {
  const answer = async (response: Response): Promise<Answer> => {
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  const served: ServedWebhook = {
    client: localDocumentClient(),
    tableName: '',
    baseUrl: '',
    webhookUrl: '',
    api: async (method, path, body) =>
      answer(
        await fetch(`${served.baseUrl}${path}`, {
          method,
          ...(body === undefined
            ? {}
            : {
                headers: { 'Content-Type': 'application/json' },
                body: typeof body === 'string' ? body : JSON.stringify(body),
              }),
        }),
      ),
    deliver: async (body, headers = {}) =>
      answer(
        await fetch(served.webhookUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-PostHog-Secret': TEST_SECRET, ...headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
  };
  let server: Server | undefined;
  beforeAll(async () => {
    served.tableName = await createTestTable();
    const table = { client: served.client, tableName: served.tableName };
    const store = serviceStore(served.client, served.tableName);
    server = createHttpApiServer([
      ...routesServedBy('webhook', webhookHandler({ secrets, store })),
      ...routesServedBy('triage-api', createTriageApiHandler({ service: triageServiceFor(table) })),
      ...boardRoutes(boardPartsFor(table)),
    ]);
    served.baseUrl = await listening(server);
    served.webhookUrl = `${served.baseUrl}${ROUTES.webhook.path}`;
  });
  afterAll(async () => {
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    served.client.destroy();
  });
  return served;
}
