import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isTransientAwsError } from '../aws-errors.ts';
import { ConfigurationError, DependencyUnavailableError } from '../errors.ts';

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
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

interface CachedSecret {
  readonly values: readonly string[];
  readonly fetchedAt: number;
}

/**
 * The secret from AWS Secrets Manager, cached. Concurrent requests share one fetch. A failed
 * fetch is not cached, so the next request tries again.
 *
 * Hand-written rather than Powertools' `getSecret`: the early re-fetch on a mismatch needs the
 * age of the cached copy, which Powertools does not expose.
 */
export class SecretsManagerSecretSource implements WebhookSecretSource {
  private cached: CachedSecret | undefined;
  private inFlight: Promise<CachedSecret> | undefined;
  private readonly maxAgeMs: number;
  private readonly refreshAfterMismatchMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    options: SecretsManagerSourceOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 300_000;
    this.refreshAfterMismatchMs = options.refreshAfterMismatchMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  async accepted(): Promise<readonly string[]> {
    const cached = this.cached;
    if (cached && this.now() - cached.fetchedAt < this.maxAgeMs) return cached.values;
    return (await this.fetch()).values;
  }

  async refreshedAfterMismatch(): Promise<readonly string[] | undefined> {
    const cached = this.cached;
    if (cached && this.now() - cached.fetchedAt < this.refreshAfterMismatchMs) return undefined;
    return (await this.fetch()).values;
  }

  private fetch(): Promise<CachedSecret> {
    this.inFlight ??= this.fetchFromSecretsManager().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchFromSecretsManager(): Promise<CachedSecret> {
    let secret: string | undefined;
    try {
      ({ SecretString: secret } = await this.client.send(
        new GetSecretValueCommand({ SecretId: this.secretId }),
      ));
    } catch (error) {
      if (isTransientAwsError(error)) throw new DependencyUnavailableError('Secret store', { cause: error });
      throw new ConfigurationError('The webhook secret could not be read from Secrets Manager', {
        cause: error,
      });
    }
    if (!secret) throw new ConfigurationError('The webhook secret in Secrets Manager is empty or binary');
    this.cached = { values: [secret], fetchedAt: this.now() };
    return this.cached;
  }
}
