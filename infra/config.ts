import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Deployment settings, from CDK context (`cdk.json` or `cdk deploy -c key=value`). */
export interface StackConfig {
  /** API Gateway stage; `$default` serves the API at the root of its URL. @default '$default' */
  readonly stageName: string;
  /** Steady-state requests per second the stage accepts before answering 429. @default 50 */
  readonly throttleRateLimit: number;
  /** Burst of requests the stage accepts at once. @default 100 */
  readonly throttleBurstLimit: number;
  /** ARN of an existing Secrets Manager secret to use instead of generating one. @default undefined */
  readonly webhookSecretArn?: string;
  /** Retention of the function's and the API's log groups, in days. @default 30 */
  readonly logRetentionDays: RetentionDays;
  /** Address subscribed to alarm notifications. @default undefined (no subscription) */
  readonly alarmEmail?: string;
  /** How long a delivery is remembered, so a retry of it creates nothing new. @default 10 */
  readonly dedupWindowMinutes: number;
  /** How long the previous secret stays valid after a rotation. @default 24 */
  readonly secretGraceHours: number;
  /** Alarm when no delivery was accepted for this many hours. @default undefined (no such alarm) */
  readonly quietPeriodHours?: number;
}

/** Context keys, with what each accepts. */
export const CONTEXT_KEYS = {
  stageName: 'stageName',
  throttleRateLimit: 'throttleRateLimit',
  throttleBurstLimit: 'throttleBurstLimit',
  webhookSecretArn: 'webhookSecretArn',
  logRetentionDays: 'logRetentionDays',
  alarmEmail: 'alarmEmail',
  dedupWindowMinutes: 'dedupWindowMinutes',
  secretGraceHours: 'secretGraceHours',
  quietPeriodHours: 'quietPeriodHours',
} as const;

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number' && value > 0),
);
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const STAGE_NAME = /^(\$default|[A-Za-z0-9_-]{1,128})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads and validates the stack configuration. Throws an Error naming the context key and what
 * it accepts, so a wrong `-c` value fails `cdk synth` instead of a deployment.
 */
export function stackConfigFrom(tryGetContext: (key: string) => unknown): StackConfig {
  const text = (key: string): string | undefined => {
    const value = tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string')
      throw new Error(`Context ${key} must be a string, got ${JSON.stringify(value)}`);
    return value.trim();
  };
  const whole = (key: string, fallback: number, min: number, max: number): number => {
    const value = tryGetContext(key);
    if (value === undefined || value === null || value === '') return fallback;
    const number = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isInteger(number) || number < min || number > max) {
      throw new Error(
        `Context ${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    }
    return number;
  };

  const stageName = text(CONTEXT_KEYS.stageName) ?? '$default';
  if (!STAGE_NAME.test(stageName)) {
    throw new Error(
      `Context stageName must be $default or 1-128 letters, digits, - or _, got "${stageName}"`,
    );
  }
  const throttleRateLimit = whole(CONTEXT_KEYS.throttleRateLimit, 50, 1, 10_000);
  const throttleBurstLimit = whole(CONTEXT_KEYS.throttleBurstLimit, 100, 1, 5_000);
  if (throttleBurstLimit < throttleRateLimit) {
    throw new Error(
      `Context throttleBurstLimit (${throttleBurstLimit}) must be at least throttleRateLimit (${throttleRateLimit})`,
    );
  }
  const webhookSecretArn = text(CONTEXT_KEYS.webhookSecretArn);
  if (webhookSecretArn !== undefined && !SECRET_ARN.test(webhookSecretArn)) {
    throw new Error(
      `Context webhookSecretArn must be a Secrets Manager secret ARN, got "${webhookSecretArn}"`,
    );
  }
  const logRetentionDays = whole(CONTEXT_KEYS.logRetentionDays, 30, 1, 3653);
  if (!RETENTION_DAYS.has(logRetentionDays)) {
    throw new Error(
      `Context logRetentionDays must be one of CloudWatch's values (${[...RETENTION_DAYS].sort((a, b) => a - b).join(', ')}), got ${logRetentionDays}`,
    );
  }
  const alarmEmail = text(CONTEXT_KEYS.alarmEmail);
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    throw new Error(`Context alarmEmail must be an e-mail address, got "${alarmEmail}"`);
  }
  const dedupWindowMinutes = whole(CONTEXT_KEYS.dedupWindowMinutes, 10, 1, 10_080);
  const secretGraceHours = whole(CONTEXT_KEYS.secretGraceHours, 24, 0, 720);
  // CloudWatch evaluates one period of at most 7 days.
  const quietPeriodHours = whole(CONTEXT_KEYS.quietPeriodHours, 0, 0, 168);
  return {
    stageName,
    throttleRateLimit,
    throttleBurstLimit,
    dedupWindowMinutes,
    secretGraceHours,
    logRetentionDays: logRetentionDays as RetentionDays,
    ...(webhookSecretArn === undefined ? {} : { webhookSecretArn }),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    ...(quietPeriodHours > 0 ? { quietPeriodHours } : {}),
  };
}
