/**
 * The queue drain's code entry (loaded by the bundle's index.mjs, see infra/bundling.ts): reads
 * the environment once, builds the intake and the queue's back-off, and hands them to the drain.
 */
import { readConfig } from './config.ts';
import { DEADLINES_MS } from './deadlines.ts';
import { createDrainHandler } from './drain-handler.ts';
import { logger, metrics } from './observability/instruments.ts';
import { deliveryQueueFor, posthogIntake, signalStoreFor } from './parts.ts';

const config = readConfig(process.env, (message) => logger.warn(message));

export const handler = createDrainHandler({
  // No PostHog waiting here: a slow table gets longer than the webhook gives it.
  intake: posthogIntake(signalStoreFor(config), undefined, DEADLINES_MS.drainDelivery),
  // Without the queue's URL, its own visibility timeout spaces the attempts instead.
  backoff: deliveryQueueFor(config) ?? { postpone: async () => undefined },
  logger,
  metrics,
});
