/** Settings the functions read from their environment, once per instance. */
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
  /** SQS queue of deliveries waiting for storage (`DELIVERY_QUEUE_URL`); none in the local run. */
  readonly deliveryQueueUrl: string | undefined;
  /** Whether firings of one alert share its open issue (`GROUP_FIRINGS`, default true; `false` turns it off). */
  readonly groupFirings: boolean;
  /** How far apart (by arrival) firings of one episode may be (`EPISODE_GAP_HOURS`, default 24). */
  readonly episodeGapHours: number;
  /**
   * How old a cached secret may be and still be used while Secrets Manager fails
   * (`SECRET_MAX_STALE_MINUTES`, default 60; 0: never).
   */
  readonly secretMaxStaleMinutes: number;
}

/**
 * The stack the function belongs to (`STACK_NAME`, set by the stack), a dimension of its metrics;
 * `local` outside AWS.
 */
export function stackNameOf(env: NodeJS.ProcessEnv = process.env): string {
  return nonEmpty(env.STACK_NAME)?.trim() ?? 'local';
}

/**
 * Reads the configuration. Never throws: a missing value is reported per request, as a 500 with
 * a clear message, so the function still answers (and logs) while misconfigured. A malformed
 * number falls back to its default rather than failing every delivery, and `warn` names the
 * variable so the operator can fix it.
 */
export function readConfig(
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => undefined,
): FunctionConfig {
  const number = (variable: string, fallback: number): number => {
    const text = env[variable];
    if (text === undefined || text.trim() === '') return fallback;
    const value = Number(text);
    if (Number.isFinite(value) && value >= 0) return value;
    warn(`${variable} must be a number of 0 or more, not "${text}"; using the default ${fallback}`);
    return fallback;
  };
  return {
    tableName: nonEmpty(env.TABLE_NAME),
    secretArn: nonEmpty(env.POSTHOG_WEBHOOK_SECRET_ARN),
    secretValue: nonEmpty(env.POSTHOG_WEBHOOK_SECRET),
    dedupWindowSeconds: number('DEDUP_WINDOW_SECONDS', 600),
    secretGraceHours: number('SECRET_GRACE_HOURS', 24),
    deliveryQueueUrl: nonEmpty(env.DELIVERY_QUEUE_URL),
    groupFirings: nonEmpty(env.GROUP_FIRINGS)?.trim().toLowerCase() !== 'false',
    episodeGapHours: number('EPISODE_GAP_HOURS', 24),
    secretMaxStaleMinutes: number('SECRET_MAX_STALE_MINUTES', 60),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
