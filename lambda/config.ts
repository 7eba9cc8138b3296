/** Settings the function reads from its environment, once per instance. */
export interface FunctionConfig {
  /** DynamoDB table for signals and issues (`TABLE_NAME`). */
  readonly tableName: string | undefined;
  /** Secrets Manager secret holding the webhook secret (`POSTHOG_WEBHOOK_SECRET_ARN`). */
  readonly secretArn: string | undefined;
  /** The webhook secret itself, used only when no ARN is set (`POSTHOG_WEBHOOK_SECRET`). */
  readonly secretValue: string | undefined;
  /** How long a delivery is remembered for deduplication (`DEDUP_WINDOW_SECONDS`, default 600). */
  readonly dedupWindowSeconds: number;
  /** How long the previous secret stays valid after a rotation (`SECRET_GRACE_HOURS`, default 24). */
  readonly secretGraceHours: number;
}

/**
 * Reads the configuration. Never throws: a missing value is reported per request, as a 500 with
 * a clear message, so the function still answers (and logs) while misconfigured.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  return {
    tableName: nonEmpty(env.TABLE_NAME),
    secretArn: nonEmpty(env.POSTHOG_WEBHOOK_SECRET_ARN),
    secretValue: nonEmpty(env.POSTHOG_WEBHOOK_SECRET),
    dedupWindowSeconds: positiveNumber(env.DEDUP_WINDOW_SECONDS, 600),
    secretGraceHours: positiveNumber(env.SECRET_GRACE_HOURS, 24),
  };
}

// A malformed value falls back to the default rather than failing every delivery.
function positiveNumber(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(number) && number >= 0
    ? number
    : fallback;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
