/**
 * The functions' settings, and the one place their environment variables are named: the stack
 * writes them (`environmentFor`, called by infra/functions/), the function entries read them
 * (`readSettings`), and so do the local run and the CLI when it files as a deployed function
 * would. Durations are seconds throughout; the stack's context, in minutes and hours for people,
 * is converted once, where it is read (infra/config.ts).
 */

/** Each setting: its environment variable, how its text is read, and its default. */
const SETTINGS = {
  /** DynamoDB table for signals and issues. */
  tableName: { variable: 'TABLE_NAME', kind: 'text' },
  /** Secrets Manager secret holding the webhook secret. */
  secretArn: { variable: 'POSTHOG_WEBHOOK_SECRET_ARN', kind: 'text' },
  /** The webhook secret itself, used only when no ARN is set (local runs). */
  secretValue: { variable: 'POSTHOG_WEBHOOK_SECRET', kind: 'text' },
  /** SQS queue of deliveries waiting for storage; none in the local run. */
  deliveryQueueUrl: { variable: 'DELIVERY_QUEUE_URL', kind: 'text' },
  /**
   * A self-hosted PostHog's host name (e.g. posthog.example.com): links to it are kept on issues,
   * beside those to PostHog Cloud (core/links.ts).
   */
  posthogHost: { variable: 'POSTHOG_HOST', kind: 'text' },
  /** The triage board's action function, which its widget's move buttons call (the board view's only). */
  boardActionArn: { variable: 'BOARD_ACTION_FUNCTION_ARN', kind: 'text' },
  /** The stack the function belongs to: a dimension of its metrics. */
  stackName: { variable: 'STACK_NAME', kind: 'text', fallback: 'local' },
  /** How long a delivery is remembered for deduplication. */
  dedupWindowSeconds: { variable: 'DEDUP_WINDOW_SECONDS', kind: 'seconds', fallback: 600 },
  /** Whether firings of one alert share its open issue (`false` turns it off). */
  groupFirings: { variable: 'GROUP_FIRINGS', kind: 'flag', fallback: true },
  /** How far apart (by arrival) firings of one episode may be. */
  episodeGapSeconds: { variable: 'EPISODE_GAP_SECONDS', kind: 'seconds', fallback: 86_400 },
  /** How long the previous secret stays valid after a rotation. */
  secretGraceSeconds: { variable: 'SECRET_GRACE_SECONDS', kind: 'seconds', fallback: 86_400 },
  /** How old a cached secret may be and still be used while Secrets Manager fails (0: never). */
  secretMaxStaleSeconds: { variable: 'SECRET_MAX_STALE_SECONDS', kind: 'seconds', fallback: 3_600 },
} as const;

type Spec = (typeof SETTINGS)[keyof typeof SETTINGS];
type ValueOf<S extends Spec> = S extends { kind: 'seconds' }
  ? number
  : S extends { kind: 'flag' }
    ? boolean
    : S extends { fallback: string }
      ? string
      : string | undefined;

/** What the functions are configured with (see SETTINGS for each). */
export type FunctionSettings = { readonly [Name in keyof typeof SETTINGS]: ValueOf<(typeof SETTINGS)[Name]> };
export type SettingName = keyof FunctionSettings;

/** Every setting's environment variable, by setting: e.g. to say which one to set. */
export const SETTING_VARIABLES = Object.fromEntries(
  Object.entries(SETTINGS).map(([name, spec]) => [name, spec.variable]),
) as { readonly [Name in SettingName]: (typeof SETTINGS)[Name]['variable'] };

/**
 * Reads the settings from an environment. Never throws: a missing value is reported per request,
 * as a 500 with a clear message, so the function still answers (and logs) while misconfigured. A
 * malformed number falls back to its default rather than failing every delivery, and `warn`
 * names the variable so the operator can fix it.
 */
export function readSettings(
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => undefined,
): FunctionSettings {
  const settings: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, Spec][]) {
    const text = env[spec.variable];
    const given = text === undefined || text.trim() === '' ? undefined : text;
    settings[name] = readOne(spec, given, warn);
  }
  return settings as FunctionSettings;
}

function readOne(spec: Spec, text: string | undefined, warn: (message: string) => void): unknown {
  const fallback = 'fallback' in spec ? spec.fallback : undefined;
  if (text === undefined) return fallback;
  switch (spec.kind) {
    case 'text':
      return spec.variable === SETTINGS.stackName.variable ? text.trim() : text;
    case 'flag':
      return text.trim().toLowerCase() !== 'false';
    case 'seconds': {
      const value = Number(text);
      if (Number.isFinite(value) && value >= 0) return value;
      warn(`${spec.variable} must be a number of 0 or more, not "${text}"; using the default ${fallback}`);
      return fallback;
    }
  }
}

/**
 * The environment that gives a function these settings: what the stack sets on each function
 * (only the settings it is given; a function reads the defaults of the others).
 */
export function environmentFor(settings: Partial<FunctionSettings>): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings)) {
    if (value !== undefined) environment[SETTING_VARIABLES[name as SettingName]] = String(value);
  }
  return environment;
}

/** The stack the function belongs to (`local` outside AWS), read alone: metrics need it at load. */
export function stackNameOf(env: NodeJS.ProcessEnv = process.env): string {
  return env[SETTINGS.stackName.variable]?.trim() || SETTINGS.stackName.fallback;
}
