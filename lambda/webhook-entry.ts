/**
 * The webhook function's entry (the module Lambda loads): reads the environment once, builds the
 * production parts and hands them to the handler. SDK clients are created here, not connected.
 */
import { readConfig } from './config.ts';
import { logger } from './observability.ts';
import { createHandler } from './webhook-handler.ts';
import { deliveryQueueFor, secretSourceFor, signalStoreFor } from './wiring.ts';

const config = readConfig(process.env, (message) => logger.warn(message));
const queue = deliveryQueueFor(config);

export const handler = createHandler({
  secrets: secretSourceFor(config),
  store: signalStoreFor(config),
  ...(queue ? { queue } : {}),
});
