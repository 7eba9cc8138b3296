import { ROUTES } from '../lambda/contract/routes.ts';
import { SETTING_VARIABLES } from '../lambda/settings.ts';

/** Where the local service runs unless told otherwise. */
const DEFAULTS = { port: 3000, dynamoDbPort: 8000, tableName: 'loop-signals' } as const;

/** How the local service is reached: read by `npm start` and by `npm run signals` alike. */
export interface LocalSettings {
  /** HTTP port of the local endpoint (`PORT`, default 3000). */
  readonly port: number;
  /** DynamoDB Local port (`DYNAMODB_PORT`, default 8000). */
  readonly dynamoDbPort: number;
  /** Table name (`TABLE_NAME`, default loop-signals). */
  readonly tableName: string;
  readonly webhookUrl: string;
  readonly dynamoDbEndpoint: string;
}

/** Reads the local settings; throws a clear Error for a port that is not one. */
export function localSettings(env: NodeJS.ProcessEnv): LocalSettings {
  const port = portFrom(env, 'PORT', DEFAULTS.port);
  const dynamoDbPort = portFrom(env, 'DYNAMODB_PORT', DEFAULTS.dynamoDbPort);
  return {
    port,
    dynamoDbPort,
    tableName: env[SETTING_VARIABLES.tableName]?.trim() || DEFAULTS.tableName,
    webhookUrl: `http://127.0.0.1:${port}${ROUTES.webhook.path}`,
    dynamoDbEndpoint: `http://127.0.0.1:${dynamoDbPort}`,
  };
}

function portFrom(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const text = env[variable]?.trim();
  if (!text) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`${variable} must be a port number (1-65535), not "${text}"`);
  }
  return port;
}

/**
 * The `export` line that points `npm run signals` at this service when it does not run on the
 * defaults (empty when it does): what another terminal needs.
 */
export function exportLine(settings: LocalSettings): string {
  const differing = [
    settings.port !== DEFAULTS.port ? `PORT=${settings.port}` : '',
    settings.dynamoDbPort !== DEFAULTS.dynamoDbPort ? `DYNAMODB_PORT=${settings.dynamoDbPort}` : '',
    settings.tableName !== DEFAULTS.tableName ? `${SETTING_VARIABLES.tableName}=${settings.tableName}` : '',
  ].filter((part) => part !== '');
  return differing.length > 0 ? `export ${differing.join(' ')}` : '';
}
