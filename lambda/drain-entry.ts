/**
 * The queue drain function's entry (the module Lambda loads): reads the environment once, builds
 * the store and the queue's back-off, and hands them to the drain.
 */
import { readConfig } from './config.ts';
import { createDrainHandler } from './drain-handler.ts';
import { logger, metrics } from './observability.ts';
import { deliveryQueueFor, signalStoreFor } from './wiring.ts';

const config = readConfig(process.env, (message) => logger.warn(message));

export const handler = createDrainHandler({
  store: signalStoreFor(config),
  // Without the queue's URL, its own visibility timeout spaces the attempts instead.
  backoff: deliveryQueueFor(config) ?? { postpone: async () => undefined },
  logger,
  metrics,
});
