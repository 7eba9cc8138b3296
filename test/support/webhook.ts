import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpHandler } from '../../lambda/http/routes.ts';
import type { RawDelivery, SignalStore } from '../../lambda/intake.ts';
import { posthogIntake } from '../../lambda/parts.ts';
import type { WebhookSecretSource } from '../../lambda/secret/webhook-secret-source.ts';
import { createHandler } from '../../lambda/webhook-handler.ts';

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
  readonly queue?: { send(delivery: RawDelivery): Promise<void> };
  readonly now?: () => Date;
  /** As the function sets it (DEADLINES_MS.storageDelivery). @default none */
  readonly storageBudgetMs?: number;
}): HttpHandler {
  return createHandler({
    secrets,
    intake: posthogIntake(store, queue, storageBudgetMs),
    ...(now ? { now } : {}),
  });
}

/** Starts `server` on a free port of 127.0.0.1 and answers its base URL (`http://127.0.0.1:<port>`). */
export async function listening(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
