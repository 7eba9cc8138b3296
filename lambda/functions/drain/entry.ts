/**
 * The queue drain's code entry (loaded by the bundle's index.mjs, see infra/bundling.ts): reads
 * the settings once, has the wiring build the intake and the queue's back-off, and hands them to
 * the drain.
 */
import { logger, metrics } from '../../observability/instruments.ts';
import { readSettings } from '../../settings.ts';
import { drainParts } from '../../wiring.ts';
import { createDrainHandler } from './handler.ts';

export const handler = createDrainHandler({
  ...drainParts(readSettings(process.env, (message) => logger.warn(message))),
  logger,
  metrics,
});
