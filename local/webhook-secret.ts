import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SETTING_VARIABLES } from '../lambda/settings.ts';
import { DATA_DIRECTORY, SECRET_FILE } from './data-directory.ts';

/** Where the local run's webhook secret came from, for the start-up banner. */
export interface LocalSecret {
  readonly value: string;
  readonly description: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const GENERATED_LENGTH = 48;

/**
 * The secret the local service uses: `POSTHOG_WEBHOOK_SECRET`, else the one kept in
 * `.data/posthog-webhook-secret`; undefined when neither is set.
 */
export function existingLocalSecret(env: NodeJS.ProcessEnv): LocalSecret | undefined {
  const variable = SETTING_VARIABLES.secretValue;
  const fromEnvironment = env[variable];
  if (fromEnvironment?.trim()) return { value: fromEnvironment, description: `from ${variable}` };
  if (!existsSync(SECRET_FILE)) return undefined;
  return {
    value: readFileSync(SECRET_FILE, 'utf8').trim(),
    description: `from ${SECRET_FILE} (export POSTHOG_WEBHOOK_SECRET=$(cat ${SECRET_FILE}))`,
  };
}

/** The existing local secret, or a new one generated, kept under `.data/` and shown once. */
export function localSecret(env: NodeJS.ProcessEnv): LocalSecret {
  const existing = existingLocalSecret(env);
  if (existing) return existing;
  mkdirSync(DATA_DIRECTORY, { recursive: true });
  const value = generateSecret();
  writeFileSync(SECRET_FILE, `${value}\n`, { mode: 0o600 });
  return {
    value,
    description: `generated and kept in ${SECRET_FILE}; shown this once:\n\n  export POSTHOG_WEBHOOK_SECRET=${value}\n`,
  };
}

/**
 * 48 letters and digits (about 286 bits), like the stack's generated secret: it pastes cleanly
 * into a header and is valid base64 (36 bytes), so it also works as a Standard Webhooks key.
 */
function generateSecret(): string {
  let secret = '';
  for (let index = 0; index < GENERATED_LENGTH; index++) secret += ALPHABET[randomInt(ALPHABET.length)];
  return secret;
}
