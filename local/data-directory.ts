import { join, resolve } from 'node:path';

/** Where `npm start` keeps its data (DynamoDB Local's files, the generated secret). */
export const DATA_DIRECTORY = resolve('.data');

/** The webhook secret `npm start` generates when POSTHOG_WEBHOOK_SECRET is unset. */
export const SECRET_FILE = join(DATA_DIRECTORY, 'posthog-webhook-secret');
