/**
 * The read and triage API's code entry (loaded by the bundle's index.mjs, see infra/bundling.ts):
 * reads the environment once, builds the queries and the triage action over the table.
 */
import { createApiHandler } from './api-handler.ts';
import { createDocumentClient } from './aws-clients.ts';
import { readConfig } from './config.ts';
import { jsonResponse } from './http/http-response.ts';
import { logger } from './observability/instruments.ts';
import { IssueTriage } from './storage/issue-triage.ts';
import { SignalQueries } from './storage/read-model.ts';

const config = readConfig(process.env, (message) => logger.warn(message));
const client = createDocumentClient();

export const handler = config.tableName
  ? createApiHandler({
      queries: new SignalQueries(client, config.tableName),
      triage: new IssueTriage(client, config.tableName),
    })
  : async () => {
      // Answered as every unconfigured request is: 500 with what is missing.
      logger.error('TABLE_NAME not configured');
      return jsonResponse(500, JSON.stringify({ error: 'TABLE_NAME not configured' }));
    };
