import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createWebhookHandler } from '../../lambda/functions/webhook/handler.ts';
import type { HttpHandler } from '../../lambda/http/http-handler.ts';
import type { DeliveryQueue, SignalStore } from '../../lambda/intake/ports.ts';
import type { WebhookSecretSource } from '../../lambda/secret/webhook-secret-source.ts';
import { readSettings } from '../../lambda/settings.ts';
import type { DynamoDbSignalStore } from '../../lambda/storage/signal-store.ts';
import { intakeFor, signalStoreFor } from '../../lambda/wiring.ts';

/** The webhook as the service runs it (PostHog's bodies, the shared metrics) around these parts. */
export function webhookHandler({
  secrets,
  store,
  queue,
  now,
  storageBudgetMs,
}: {
  readonly secrets: WebhookSecretSource;
  readonly store: SignalStore;
  readonly queue?: DeliveryQueue;
  readonly now?: () => Date;
  /** As the function sets it (DEADLINES_MS.storageDelivery). @default none */
  readonly storageBudgetMs?: number;
}): HttpHandler {
  return createWebhookHandler({
    secrets,
    intake: intakeFor(store, { queue, storageBudgetMs }),
    ...(now ? { now } : {}),
  });
}

/** Starts `server` on a free port of 127.0.0.1 and answers its base URL (`http://127.0.0.1:<port>`). */
export async function listening(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * The signal store the service builds (lambda/wiring.ts) over a table, with the settings an
 * environment gives (by default the defaults).
 */
export function serviceStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  env: NodeJS.ProcessEnv = {},
): DynamoDbSignalStore {
  return signalStoreFor(readSettings(env), { client, tableName });
}
