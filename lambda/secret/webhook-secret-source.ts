import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEADLINES_MS } from '../aws/deadlines.ts';
import { isTransientAwsError } from '../aws/errors.ts';
import { ConfigurationError, DependencyUnavailableError } from '../core/errors.ts';

/** Where the webhook secret comes from. */
export interface WebhookSecretSource {
  /** The secret values a delivery may present (from cache while fresh). */
  accepted(): Promise<readonly string[]>;
  /**
   * Called when a presented secret matched none: a newer copy of the accepted values when the
   * cached one is old enough to be worth re-fetching (a rotation may have happened), else undefined.
   */
  refreshedAfterMismatch(): Promise<readonly string[] | undefined>;
}

/** The secret given directly (environment variable `POSTHOG_WEBHOOK_SECRET`; local runs). */
export class StaticSecretSource implements WebhookSecretSource {
  constructor(private readonly secret: string) {}
  async accepted(): Promise<readonly string[]> {
    return [this.secret];
  }
  async refreshedAfterMismatch(): Promise<undefined> {
    return undefined;
  }
}

/** No secret configured: every delivery is refused with 500 until the operator sets one. */
export class MissingSecretSource implements WebhookSecretSource {
  async accepted(): Promise<never> {
    throw new ConfigurationError('POSTHOG_WEBHOOK_SECRET not configured');
  }
  async refreshedAfterMismatch(): Promise<undefined> {
    return undefined;
  }
}

export interface SecretsManagerSourceOptions {
  /** How long a fetched secret is used before it is fetched again. @default 300_000 (5 min) */
  readonly maxAgeMs?: number;
  /** A mismatch re-fetches early only when the cached copy is at least this old. @default 30_000 */
  readonly refreshAfterMismatchMs?: number;
  /**
   * After a rotation, the `AWSPREVIOUS` value stays accepted this long (counted from when the
   * current version was created), so PostHog can be updated after the secret. @default 86_400_000 (24 h)
   */
  readonly previousGraceMs?: number;
  /**
   * When Secrets Manager fails transiently, a value fetched at most this long ago is still used
   * (docs/http-contract.md "Secret"); past it, 503. 0: never. @default 3_600_000 (1 h)
   */
  readonly maxStaleMs?: number;
  /** After a failed fetch, the stale value is used without asking again for this long. @default 10_000 */
  readonly retryAfterFailureMs?: number;
  /** Called for each request answered with a stale value, with its age in ms (a metric). */
  readonly onStale?: (ageMs: number) => void;
  /** The most one fetch may take, both versions included. @default DEADLINES_MS.secret (600) */
  readonly fetchBudgetMs?: number;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

interface CachedSecret {
  readonly current: string;
  /** The pre-rotation value and until when it is accepted. */
  readonly previous?: { readonly value: string; readonly acceptedUntil: number };
  /** When the grace period of the current version's rotation ends (0: none). */
  readonly graceEndsAt: number;
  readonly fetchedAt: number;
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * The secret from AWS Secrets Manager, cached. Concurrent requests share one fetch (so a fetch
 * started during init serves the first request); every fetch has the client's deadline, so a
 * stuck one never holds up later requests. A failed fetch is not cached: while Secrets Manager
 * fails transiently, a value fetched within `maxStaleMs` keeps being accepted (asking again every
 * `retryAfterFailureMs`), and past it the request answers 503. Within the grace period after a
 * rotation, the `AWSPREVIOUS` value is accepted too; both versions are fetched at once whenever
 * the previous one may count.
 *
 * Hand-written rather than Powertools' `getSecret`: the early re-fetch on a mismatch needs the
 * age of the cached copy, and the grace period the version's creation date; Powertools exposes
 * neither.
 */
export class SecretsManagerSecretSource implements WebhookSecretSource {
  private cached: CachedSecret | undefined;
  private inFlight: Promise<CachedSecret> | undefined;
  private readonly maxAgeMs: number;
  private readonly refreshAfterMismatchMs: number;
  private readonly previousGraceMs: number;
  private readonly maxStaleMs: number;
  private readonly retryAfterFailureMs: number;
  private readonly onStale: (ageMs: number) => void;
  private readonly fetchBudgetMs: number;
  private readonly now: () => number;
  private failedAt: number | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    options: SecretsManagerSourceOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 300_000;
    this.refreshAfterMismatchMs = options.refreshAfterMismatchMs ?? 30_000;
    this.previousGraceMs = options.previousGraceMs ?? 86_400_000;
    this.maxStaleMs = options.maxStaleMs ?? 3_600_000;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 10_000;
    this.onStale = options.onStale ?? (() => undefined);
    this.fetchBudgetMs = options.fetchBudgetMs ?? DEADLINES_MS.secret;
    this.now = options.now ?? Date.now;
  }

  async accepted(): Promise<readonly string[]> {
    const cached = this.cached;
    if (cached && this.now() - cached.fetchedAt < this.maxAgeMs) return this.acceptedValues(cached);
    const stale = cached && this.now() - cached.fetchedAt <= this.maxStaleMs ? cached : undefined;
    if (stale && this.failedAt !== undefined && this.now() - this.failedAt < this.retryAfterFailureMs) {
      this.onStale(this.now() - stale.fetchedAt);
      return this.acceptedValues(stale);
    }
    try {
      const fetched = await this.fetch();
      this.failedAt = undefined;
      return this.acceptedValues(fetched);
    } catch (error) {
      if (!stale || !(error instanceof DependencyUnavailableError)) throw error;
      // A blip: the value from before it is still the secret, most likely.
      this.failedAt = this.now();
      this.onStale(this.now() - stale.fetchedAt);
      return this.acceptedValues(stale);
    }
  }

  async refreshedAfterMismatch(): Promise<readonly string[] | undefined> {
    const cached = this.cached;
    if (cached && this.now() - cached.fetchedAt < this.refreshAfterMismatchMs) return undefined;
    // While Secrets Manager fails, a wrong secret is just wrong (401), and asks it nothing more.
    if (this.failedAt !== undefined && this.now() - this.failedAt < this.retryAfterFailureMs)
      return undefined;
    try {
      const fetched = await this.fetch();
      this.failedAt = undefined;
      return this.acceptedValues(fetched);
    } catch (error) {
      if (!(error instanceof DependencyUnavailableError)) throw error;
      this.failedAt = this.now();
      return undefined;
    }
  }

  private acceptedValues({ current, previous }: CachedSecret): readonly string[] {
    return previous && this.now() < previous.acceptedUntil ? [current, previous.value] : [current];
  }

  private fetch(): Promise<CachedSecret> {
    this.inFlight ??= this.fetchFromSecretsManager().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchFromSecretsManager(): Promise<CachedSecret> {
    // One deadline for the whole fetch, both versions included (docs/http-contract.md "Deadlines").
    const budget = AbortSignal.timeout(this.fetchBudgetMs);
    // Within a known grace period both versions are fetched at once. Otherwise only the current
    // one: the previous is asked for after it only when the current one turns out to be a recent
    // rotation (one request per cold start, not two, in all but the day after a rotation).
    const previousMayCount =
      this.previousGraceMs > 0 && this.cached !== undefined && this.now() < this.cached.graceEndsAt;
    const previousFetch = previousMayCount ? settled(this.version('AWSPREVIOUS', budget)) : undefined;
    const current = await this.version('AWSCURRENT', budget);
    if (!current?.SecretString)
      throw new ConfigurationError('The webhook secret in Secrets Manager is empty or binary');
    const rotatedAt = current.CreatedDate?.getTime();
    const graceEndsAt = rotatedAt === undefined ? 0 : rotatedAt + this.previousGraceMs;
    let previous: string | undefined;
    if (this.now() < graceEndsAt) {
      // A rotation since the last fetch: the previous version was not asked for yet.
      const fetched = await (previousFetch ?? settled(this.version('AWSPREVIOUS', budget)));
      // Unreadable for now: the current version is still the secret; a presented previous one
      // is refused until a refresh after a mismatch reads it.
      if (fetched.ok) previous = fetched.value?.SecretString;
      else if (!(fetched.error instanceof DependencyUnavailableError)) throw fetched.error;
    }
    this.cached = {
      current: current.SecretString,
      ...(previous ? { previous: { value: previous, acceptedUntil: graceEndsAt } } : {}),
      graceEndsAt,
      fetchedAt: this.now(),
    };
    return this.cached;
  }

  /** One version of the secret; undefined when no version carries that stage (no rotation yet). */
  private async version(stage: 'AWSCURRENT' | 'AWSPREVIOUS', budget: AbortSignal) {
    try {
      return await this.client.send(
        new GetSecretValueCommand({ SecretId: this.secretId, VersionStage: stage }),
        { abortSignal: budget },
      );
    } catch (error) {
      if (stage === 'AWSPREVIOUS' && (error as Error).name === 'ResourceNotFoundException') return undefined;
      if (isTransientAwsError(error)) throw new DependencyUnavailableError('Secret store', { cause: error });
      throw new ConfigurationError('The webhook secret could not be read from Secrets Manager', {
        cause: error,
      });
    }
  }
}

/** A promise's outcome as a value, so one fetched alongside another never rejects unobserved. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}
