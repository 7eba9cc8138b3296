/**
 * The triage API's code entry (loaded by the bundle's index.mjs, see infra/bundling.ts): reads the
 * settings once, has the wiring build the read model and the triage action over the table.
 */
import { logger } from '../../observability/instruments.ts';
import { readSettings } from '../../settings.ts';
import { tableFor, triageServiceFor } from '../../wiring.ts';
import { createTriageApiHandler } from './handler.ts';

const settings = readSettings(process.env, (message) => logger.warn(message));

export const handler = createTriageApiHandler({ service: triageServiceFor(tableFor(settings)) });
