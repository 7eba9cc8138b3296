import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import type { FunctionSettings } from '../lambda/settings.ts';

const RETENTION_DAYS = Object.values(RetentionDays)
  .filter((value): value is number => typeof value === 'number' && value > 0)
  .sort((a, b) => a - b);

/** Unset, null or empty: the default applies. */
const absent = (value: unknown) => value === undefined || value === null || value === '';
const shown = (value: unknown) => JSON.stringify(value);

/** A string context value (trimmed), optionally matching `pattern`; undefined when absent. */
function text(key: string, pattern?: { readonly test: RegExp; readonly accepts: string }) {
  return z.unknown().transform((value, context): string | undefined => {
    if (absent(value)) return undefined;
    if (typeof value !== 'string') {
      context.addIssue({ code: 'custom', message: `Context ${key} must be a string, got ${shown(value)}` });
      return z.NEVER;
    }
    const trimmed = value.trim();
    if (pattern && !pattern.test.test(trimmed)) {
      context.addIssue({
        code: 'custom',
        message: `Context ${key} must be ${pattern.accepts}, got "${trimmed}"`,
      });
      return z.NEVER;
    }
    return trimmed;
  });
}

/** A whole number from `min` to `max` (a number, or text from `-c key=value`); `fallback` when absent. */
function wholeNumber<Fallback extends number | undefined>(
  key: string,
  min: number,
  max: number,
  fallback: Fallback,
) {
  return z.unknown().transform((value, context): number | Fallback => {
    if (absent(value)) return fallback;
    const number = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isInteger(number) || number < min || number > max) {
      context.addIssue({
        code: 'custom',
        message: `Context ${key} must be a whole number from ${min} to ${max}, got ${shown(value)}`,
      });
      return z.NEVER;
    }
    return number;
  });
}

/** A true/false context value (a boolean, or text from `-c key=value`); `fallback` when absent. */
function flag(key: string, fallback: boolean) {
  return z.unknown().transform((value, context): boolean => {
    if (absent(value)) return fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    context.addIssue({
      code: 'custom',
      message: `Context ${key} must be true or false, got ${shown(value)}`,
    });
    return z.NEVER;
  });
}

/**
 * Every deployment setting, from CDK context (`cdk.json` or `cdk deploy -c key=value`): the one
 * list of context keys, what each accepts and its default. A wrong value fails `cdk synth` with a
 * message naming the key, instead of failing a deployment.
 */
const STACK_CONTEXT = z
  .object({
    /** CloudFormation stack name; a second name deploys a second copy (staging, production). */
    stackName: text('stackName', {
      test: /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
      accepts: 'a CloudFormation stack name (a letter, then up to 127 letters, digits or -)',
    }).transform((name) => name ?? 'LoopPosthogSignals'),
    /** API Gateway stage; `$default` serves the API at the root of its URL. */
    stageName: text('stageName', {
      test: /^(\$default|[A-Za-z0-9_-]{1,128})$/,
      accepts: '$default or 1-128 letters, digits, - or _',
    }).transform((name) => name ?? '$default'),
    /** Steady-state requests per second the stage accepts before answering 429. */
    throttleRateLimit: wholeNumber('throttleRateLimit', 1, 10_000, 50),
    /** Burst of requests the stage accepts at once. */
    throttleBurstLimit: wholeNumber('throttleBurstLimit', 1, 5_000, 100),
    /** ARN of an existing Secrets Manager secret to use instead of generating one. */
    webhookSecretArn: text('webhookSecretArn', {
      test: /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
      accepts: 'a Secrets Manager secret ARN',
    }),
    /** Retention of the function's and the API's log groups, in days. */
    logRetentionDays: wholeNumber('logRetentionDays', 1, 3653, 30).refine(
      (days) => RETENTION_DAYS.includes(days),
      {
        error: (issue) =>
          `Context logRetentionDays must be one of CloudWatch's values (${RETENTION_DAYS.join(', ')}), got ${shown(issue.input)}`,
      },
    ),
    /** Address subscribed to alarm notifications. */
    alarmEmail: text('alarmEmail', { test: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, accepts: 'an e-mail address' }),
    /** How long a delivery is remembered, so a retry of it creates nothing new (minutes). */
    dedupWindowMinutes: wholeNumber('dedupWindowMinutes', 1, 10_080, 10),
    /** How long the previous secret stays valid after a rotation (hours; 0 turns the grace off). */
    secretGraceHours: wholeNumber('secretGraceHours', 0, 720, 24),
    /** Whether firings of one PostHog alert share its open issue (false: one issue per delivery). */
    groupFirings: flag('groupFirings', true),
    /** Firings of one alert further apart than this (hours, by arrival) start a new episode, and issue. */
    episodeGapHours: wholeNumber('episodeGapHours', 1, 720, 24),
    /** While Secrets Manager fails, a cached secret at most this old still authenticates (minutes; 0: never). */
    secretMaxStaleMinutes: wholeNumber('secretMaxStaleMinutes', 0, 1_440, 60),
    /** HTTPS endpoint (an on-call tool's SNS integration URL) subscribed to alarm notifications. */
    alarmHttpsUrl: text('alarmHttpsUrl', {
      test: /^https:\/\/[^\s/?#]+[^\s]*$/,
      accepts: 'an https:// URL',
    }),
    /** Slack workspace (team) id for alarms through Amazon Q Developer in chat applications, e.g. T0123ABCD. */
    slackWorkspaceId: text('slackWorkspaceId', {
      test: /^[A-Z0-9]{1,255}$/,
      accepts: 'a Slack workspace id (e.g. T0123ABCD)',
    }),
    /** Slack channel id for alarms, e.g. C0123ABCD (with slackWorkspaceId). */
    slackChannelId: text('slackChannelId', {
      test: /^[A-Z0-9]{1,255}$/,
      accepts: 'a Slack channel id (e.g. C0123ABCD)',
    }),
    /** A custom domain for the API (with certificateArn): the URLs PostHog holds outlive the API. */
    domainName: text('domainName', {
      test: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      accepts: 'a lower-case domain name such as signals.example.com',
    }),
    /** ACM certificate for domainName, in the stack's region. */
    certificateArn: text('certificateArn', {
      test: /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/,
      accepts: 'an ACM certificate ARN',
    }),
    /**
     * A self-hosted PostHog's host name (e.g. posthog.example.com): links to it are kept in an
     * issue's links, as links to PostHog Cloud's hosts are.
     */
    posthogHost: text('posthogHost', {
      test: /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      accepts: 'a lower-case host name such as posthog.example.com',
    }),
    /** Concurrency reserved for (and capping) the webhook function (0: none reserved). */
    webhookReservedConcurrency: wholeNumber('webhookReservedConcurrency', 0, 1_000, 0).transform(
      (count) => count || undefined,
    ),
    /** Alarm when no delivery was accepted for this many hours (0: no such alarm; CloudWatch evaluates at most 7 days). */
    quietPeriodHours: wholeNumber('quietPeriodHours', 0, 168, 0).transform((hours) => hours || undefined),
  })
  .superRefine((config, context) => {
    if (config.throttleBurstLimit < config.throttleRateLimit) {
      context.addIssue({
        code: 'custom',
        message: `Context throttleBurstLimit (${config.throttleBurstLimit}) must be at least throttleRateLimit (${config.throttleRateLimit})`,
      });
    }
    for (const [one, other] of [
      ['slackWorkspaceId', 'slackChannelId'],
      ['domainName', 'certificateArn'],
    ] as const) {
      if ((config[one] === undefined) !== (config[other] === undefined)) {
        context.addIssue({
          code: 'custom',
          message: `Context ${one} and ${other} go together: set both or neither`,
        });
      }
    }
  });

/** Deployment settings, validated, with defaults applied (see STACK_CONTEXT for each). */
export type StackConfig = Omit<z.output<typeof STACK_CONTEXT>, 'logRetentionDays'> & {
  readonly logRetentionDays: RetentionDays;
};

/** The context keys the stack reads. */
const CONTEXT_KEYS = Object.keys(STACK_CONTEXT.shape) as (keyof typeof STACK_CONTEXT.shape)[];

/**
 * Reads and validates the stack configuration. Throws an Error naming the context key and what
 * it accepts.
 */
export function stackConfigFrom(tryGetContext: (key: string) => unknown): StackConfig {
  const result = STACK_CONTEXT.safeParse(
    Object.fromEntries(CONTEXT_KEYS.map((key) => [key, tryGetContext(key)])),
  );
  if (!result.success) throw new Error(result.error.issues[0]?.message ?? 'Invalid context');
  return result.data as StackConfig;
}

/** The settings every function that files deliveries runs with (the webhook, the drain). */
export type FilingSettings = Pick<
  FunctionSettings,
  'dedupWindowSeconds' | 'groupFirings' | 'episodeGapSeconds' | 'posthogHost'
>;
/** The webhook's secret settings. */
export type SecretSettings = Pick<FunctionSettings, 'secretGraceSeconds' | 'secretMaxStaleSeconds'>;

/**
 * The functions' settings that the context gives, in the functions' unit (seconds): the one place
 * the context's minutes and hours, chosen for people, are converted.
 */
export function functionSettingsFrom(config: StackConfig): {
  readonly filing: FilingSettings;
  readonly secret: SecretSettings;
} {
  return {
    filing: {
      dedupWindowSeconds: config.dedupWindowMinutes * 60,
      groupFirings: config.groupFirings,
      episodeGapSeconds: config.episodeGapHours * 3_600,
      posthogHost: config.posthogHost,
    },
    secret: {
      secretGraceSeconds: config.secretGraceHours * 3_600,
      secretMaxStaleSeconds: config.secretMaxStaleMinutes * 60,
    },
  };
}
