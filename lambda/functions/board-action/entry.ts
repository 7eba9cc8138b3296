/**
 * The board action's code entry (loaded by the bundle's index.mjs, see infra/bundling.ts): reads
 * the settings once; the wiring builds the read model and the triage action over the table. Its
 * buttons call itself: the ARN Lambda invoked it by.
 */
import { logger } from '../../observability/instruments.ts';
import { readSettings } from '../../settings.ts';
import { boardPartsFor, tableFor } from '../../wiring.ts';
import { createBoardActionHandler } from './handler.ts';

const settings = readSettings(process.env, (message) => logger.warn(message));

export const handler = createBoardActionHandler(boardPartsFor(tableFor(settings)));
