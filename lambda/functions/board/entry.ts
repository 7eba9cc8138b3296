/**
 * The board view's code entry (loaded by the bundle's index.mjs, see infra/bundling.ts): reads the
 * settings once; the wiring builds the read model over the table.
 */
import { logger } from '../../observability/instruments.ts';
import { readSettings } from '../../settings.ts';
import { boardPartsFor, tableFor } from '../../wiring.ts';
import { createBoardHandler } from './handler.ts';

const settings = readSettings(process.env, (message) => logger.warn(message));
const { queries } = boardPartsFor(tableFor(settings));

export const handler = createBoardHandler({ queries, actionEndpoint: settings.boardActionArn });
