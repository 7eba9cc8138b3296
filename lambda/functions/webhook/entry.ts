/**
 * The webhook function's code entry (loaded by the bundle's index.mjs, see infra/bundling.ts):
 * reads the settings once, has the wiring build the production parts, and hands them to the
 * handler.
 */
import { logger } from '../../observability/instruments.ts';
import { readSettings } from '../../settings.ts';
import { webhookParts } from '../../wiring.ts';
import { createWebhookHandler } from './handler.ts';
import { settleWithin } from './warm-up.ts';

/** The most a cold start waits for the secret and the first connections before serving. */
const INIT_WAIT_MS = 1_000;

const { secrets, store, intake } = webhookParts(readSettings(process.env, (message) => logger.warn(message)));

export const handler = createWebhookHandler({ secrets, intake });

/**
 * Init does the waiting: index.mjs (see infra/bundling.ts) calls this once, while Lambda gives
 * init a full CPU, and awaits it before the first request: the secret fetch and, at the same
 * time, the DynamoDB connection — by taking the issue number the first new delivery will use
 * (signal-store.ts `warmUp`), the one write of init. Never rejects, and waits at most
 * INIT_WAIT_MS; the first request waits for whatever is still in flight.
 */
export function warmUp(): Promise<void> {
  return settleWithin([secrets.accepted(), store.warmUp()], INIT_WAIT_MS);
}
