/** Settings the function reads from its environment, once per instance. */
export interface FunctionConfig {
  /** DynamoDB table for signals and issues (`TABLE_NAME`). */
  readonly tableName: string | undefined;
  /** Secrets Manager secret holding the webhook secret (`POSTHOG_WEBHOOK_SECRET_ARN`). */
  readonly secretArn: string | undefined;
  /** The webhook secret itself, used only when no ARN is set (`POSTHOG_WEBHOOK_SECRET`). */
  readonly secretValue: string | undefined;
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
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
