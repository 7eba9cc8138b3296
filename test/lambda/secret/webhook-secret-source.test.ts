import {
  awsErrorReply,
  FakeAwsEndpoint,
  fakeClientConfig,
  secretValueReply,
} from '../../../dev/fake-aws-endpoint.ts';
import { createSecretsManagerClient } from '../../../lambda/aws/clients.ts';
import { ConfigurationError, DependencyUnavailableError } from '../../../lambda/core/errors.ts';
import { answerFor } from '../../../lambda/http/http-errors.ts';
import { SecretsManagerSecretSource } from '../../../lambda/secret/webhook-secret-source.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:posthog-webhook-AbCdEf';

describe('SecretsManagerSecretSource (real SDK client, fake Secrets Manager over HTTP)', () => {
  let secretsManager: FakeAwsEndpoint;
  let clock: number;

  beforeEach(async () => {
    secretsManager = await FakeAwsEndpoint.start();
    clock = Date.parse('2026-11-27T10:00:00Z');
  });
  afterEach(() => secretsManager.close());

  /** The calls for the current version (the previous one is asked for alongside it at first). */
  const currentCalls = () =>
    secretsManager.calls
      .filter((call) => call.body.VersionStage === 'AWSCURRENT')
      .map(({ target, body }) => ({ target, body }));

  const source = (options = {}) =>
    new SecretsManagerSecretSource(
      createSecretsManagerClient(fakeClientConfig(secretsManager.url)),
      SECRET_ARN,
      {
        now: () => clock,
        ...options,
      },
    );

  it('fetches the secret by ARN and caches it for five minutes', async () => {
    secretsManager.reply = () => secretValueReply('first');
    const secrets = source();

    expect(await secrets.accepted()).toEqual(['first']);
    secretsManager.reply = () => secretValueReply('second');
    clock += 299_000;
    expect(await secrets.accepted()).toEqual(['first']);
    clock += 2_000;
    expect(await secrets.accepted()).toEqual(['second']);

    expect(currentCalls()).toEqual([
      { target: 'secretsmanager.GetSecretValue', body: { SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT' } },
      { target: 'secretsmanager.GetSecretValue', body: { SecretId: SECRET_ARN, VersionStage: 'AWSCURRENT' } },
    ]);
  });

  it('shares one fetch between concurrent cold requests', async () => {
    secretsManager.reply = () => secretValueReply('only');
    const secrets = source();

    const results = await Promise.all(Array.from({ length: 10 }, () => secrets.accepted()));

    expect(results.every((values) => values[0] === 'only')).toBe(true);
    expect(currentCalls()).toHaveLength(1);
  });

  it('re-fetches after a mismatch only when the cached copy is older than 30 s', async () => {
    secretsManager.reply = () => secretValueReply('old');
    const secrets = source();
    await secrets.accepted();
    secretsManager.reply = () => secretValueReply('rotated');

    clock += 29_000;
    expect(await secrets.refreshedAfterMismatch()).toBeUndefined();
    clock += 2_000;
    expect(await secrets.refreshedAfterMismatch()).toEqual(['rotated']);
    expect(await secrets.accepted()).toEqual(['rotated']);
    expect(currentCalls()).toHaveLength(2);
  });

  it.each([
    ['throttled', awsErrorReply(400, 'ThrottlingException', 'Rate exceeded')],
    ['failing on its side', awsErrorReply(500, 'InternalServiceError')],
    ['dropping the connection', { reset: true as const }],
  ])('answers 503 with Retry-After when Secrets Manager is %s', async (_, reply) => {
    secretsManager.reply = () => reply;

    const error = await source()
      .accepted()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(answerFor(error)).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '1' } });
  });

  it('answers 503 within two seconds when Secrets Manager does not answer', async () => {
    secretsManager.reply = () => ({ hang: true });
    const started = Date.now();

    const error = await source()
      .accepted()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers 503 when nothing listens at the endpoint', async () => {
    const endpoint = secretsManager.url;
    await secretsManager.close();
    const secrets = new SecretsManagerSecretSource(
      createSecretsManagerClient(fakeClientConfig(endpoint)),
      SECRET_ARN,
    );

    await expect(secrets.accepted()).rejects.toBeInstanceOf(DependencyUnavailableError);
    secretsManager = await FakeAwsEndpoint.start();
  });

  it('does not cache a failure: the next request fetches again', async () => {
    secretsManager.reply = () => awsErrorReply(400, 'ThrottlingException');
    const secrets = source();
    await expect(secrets.accepted()).rejects.toBeInstanceOf(DependencyUnavailableError);

    secretsManager.reply = () => secretValueReply('recovered');
    expect(await secrets.accepted()).toEqual(['recovered']);
  });

  it('answers 503 within a second when a response stalls after its headers, and the stuck fetch holds up no later request', async () => {
    secretsManager.reply = () => ({ stallAfterHeaders: true });
    const secrets = source();
    const started = Date.now();

    const error = await secrets.accepted().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(1_500);
    secretsManager.reply = () => secretValueReply('answered');
    const again = Date.now();
    expect(await secrets.accepted()).toEqual(['answered']);
    expect(Date.now() - again).toBeLessThan(500);
  });

  describe('a Secrets Manager blip (docs/http-contract.md "Secret")', () => {
    const MINUTE = 60_000;
    let stale: number;
    let ages: number[];
    const blipSource = (options = {}) =>
      source({
        onStale: (ageMs: number) => {
          stale += 1;
          ages.push(ageMs);
        },
        retryAfterFailureMs: 10_000,
        ...options,
      });
    beforeEach(() => {
      stale = 0;
      ages = [];
    });

    it('keeps accepting the value fetched within the bound, counting each use, and asks again every 10 s', async () => {
      secretsManager.reply = () => secretValueReply('cached');
      const secrets = blipSource();
      await secrets.accepted();
      secretsManager.reply = () => awsErrorReply(400, 'ThrottlingException', 'Rate exceeded');

      clock += 10 * MINUTE;
      expect(await secrets.accepted()).toEqual(['cached']);
      const asked = currentCalls().length;
      clock += 5_000;
      expect(await secrets.accepted()).toEqual(['cached']);
      expect(currentCalls()).toHaveLength(asked);
      clock += 6_000;
      expect(await secrets.accepted()).toEqual(['cached']);
      expect(currentCalls().length).toBeGreaterThan(asked);
      expect(stale).toBe(3);
      // Each use reports the copy's age: what the SecretStale alarm reads.
      expect(ages).toEqual([10 * MINUTE, 10 * MINUTE + 5_000, 10 * MINUTE + 11_000]);
    });

    it('takes a rotation as soon as Secrets Manager answers again', async () => {
      secretsManager.reply = () => secretValueReply('before');
      const secrets = blipSource();
      await secrets.accepted();
      secretsManager.reply = () => ({ reset: true });
      clock += 6 * MINUTE;
      expect(await secrets.accepted()).toEqual(['before']);

      secretsManager.reply = (call) =>
        call.body.VersionStage === 'AWSPREVIOUS'
          ? secretValueReply('before')
          : secretValueReply('rotated', new Date(clock));
      clock += 11_000;
      // The new value, and the old one through the rotation's grace period.
      expect(await secrets.accepted()).toEqual(['rotated', 'before']);
      expect(stale).toBe(1);
    });

    it('answers 503 once the cached value is older than the bound', async () => {
      secretsManager.reply = () => secretValueReply('cached');
      const secrets = blipSource({ maxStaleMs: 60 * MINUTE });
      await secrets.accepted();
      secretsManager.reply = () => awsErrorReply(500, 'InternalServiceError');

      clock += 60 * MINUTE;
      expect(await secrets.accepted()).toEqual(['cached']);
      clock += 11_000;
      await expect(secrets.accepted()).rejects.toBeInstanceOf(DependencyUnavailableError);
    });

    it('never serves a stale value when the bound is 0', async () => {
      secretsManager.reply = () => secretValueReply('cached');
      const secrets = blipSource({ maxStaleMs: 0 });
      await secrets.accepted();
      secretsManager.reply = () => awsErrorReply(400, 'ThrottlingException');

      clock += 6 * MINUTE;
      await expect(secrets.accepted()).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(stale).toBe(0);
    });

    it('answers a wrong secret 401 (no refresh) while Secrets Manager fails, asking it at most every 10 s', async () => {
      secretsManager.reply = () => secretValueReply('cached');
      const secrets = blipSource();
      await secrets.accepted();
      secretsManager.reply = () => awsErrorReply(400, 'ThrottlingException');
      clock += 6 * MINUTE;
      const before = currentCalls().length;

      const refreshes = [];
      for (let n = 0; n < 20; n++) {
        expect(await secrets.accepted()).toEqual(['cached']);
        refreshes.push(await secrets.refreshedAfterMismatch());
        clock += 100;
      }

      expect(refreshes).toEqual(Array(20).fill(undefined));
      // The first stale use asked once (with the SDK's own retry); nothing more within 10 s.
      expect(currentCalls().length - before).toBeLessThanOrEqual(2);
    });

    it('does not hide a deployment fault behind the cached value', async () => {
      secretsManager.reply = () => secretValueReply('cached');
      const secrets = blipSource();
      await secrets.accepted();
      secretsManager.reply = () => awsErrorReply(400, 'AccessDeniedException');

      clock += 6 * MINUTE;
      await expect(secrets.accepted()).rejects.toBeInstanceOf(ConfigurationError);
    });
  });

  it.each([
    ['access is denied', awsErrorReply(400, 'AccessDeniedException')],
    ['the secret does not exist', awsErrorReply(400, 'ResourceNotFoundException')],
  ])('answers 500 (a deployment fault, not worth retrying) when %s', async (_, reply) => {
    secretsManager.reply = () => reply;

    const error = await source()
      .accepted()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe('The webhook secret could not be read from Secrets Manager');
  });

  it('answers 500 when the secret is empty', async () => {
    secretsManager.reply = () => secretValueReply('');
    await expect(source().accepted()).rejects.toThrow(
      'The webhook secret in Secrets Manager is empty or binary',
    );
  });

  describe('rotation', () => {
    const HOUR = 3_600_000;
    /** Secrets Manager after a rotation `rotatedHoursAgo` hours ago, or never rotated. */
    function rotated(rotatedHoursAgo: number | undefined) {
      secretsManager.reply = (call) => {
        if (call.body.VersionStage === 'AWSPREVIOUS') {
          return rotatedHoursAgo === undefined
            ? awsErrorReply(
                400,
                'ResourceNotFoundException',
                "can't find the specified secret value for staging label",
              )
            : secretValueReply('old-secret');
        }
        const created = rotatedHoursAgo === undefined ? undefined : new Date(clock - rotatedHoursAgo * HOUR);
        return secretValueReply('new-secret', created);
      };
    }

    it('accepts the previous value within 24 hours of the rotation', async () => {
      rotated(1);
      expect(await source().accepted()).toEqual(['new-secret', 'old-secret']);
      expect(secretsManager.calls.map((call) => call.body.VersionStage).sort()).toEqual([
        'AWSCURRENT',
        'AWSPREVIOUS',
      ]);
    });

    it('stops accepting the previous value when the grace period ends, even from cache', async () => {
      rotated(23.99);
      const secrets = source();
      expect(await secrets.accepted()).toHaveLength(2);

      clock += 0.02 * HOUR;

      expect(await secrets.accepted()).toEqual(['new-secret']);
      expect(secretsManager.calls).toHaveLength(2);
    });

    it('asks for the current version alone on the first fetch when it is no recent rotation', async () => {
      rotated(25);
      expect(await source().accepted()).toEqual(['new-secret']);
      expect(secretsManager.calls.map((call) => call.body.VersionStage)).toEqual(['AWSCURRENT']);
    });

    it('within a known grace period, asks for both versions at once, not one after the other', async () => {
      rotated(1);
      const secrets = source();
      await secrets.accepted();
      secretsManager.reply = (call) => ({
        ...(call.body.VersionStage === 'AWSPREVIOUS'
          ? secretValueReply('old-secret')
          : secretValueReply('new-secret', new Date(clock - HOUR))),
        delayMs: 300,
      });
      clock += 301_000;
      const started = Date.now();
      expect(await secrets.accepted()).toEqual(['new-secret', 'old-secret']);
      expect(Date.now() - started).toBeLessThan(550);
    });

    it('stops asking for the previous value once the grace period is over', async () => {
      rotated(25);
      const secrets = source();
      expect(await secrets.accepted()).toEqual(['new-secret']);
      secretsManager.calls.length = 0;

      clock += 301_000;
      expect(await secrets.accepted()).toEqual(['new-secret']);

      expect(secretsManager.calls.map((call) => call.body.VersionStage)).toEqual(['AWSCURRENT']);
    });

    it('asks for the previous value when a refresh finds a rotation', async () => {
      rotated(25);
      const secrets = source();
      await secrets.accepted();
      rotated(0.1);

      clock += 301_000;

      expect(await secrets.accepted()).toEqual(['new-secret', 'old-secret']);
    });

    it('accepts only the current value of a secret never rotated', async () => {
      rotated(undefined);
      secretsManager.reply = (call) =>
        call.body.VersionStage === 'AWSPREVIOUS'
          ? awsErrorReply(400, 'ResourceNotFoundException')
          : secretValueReply('new-secret', new Date(clock - 60_000));
      expect(await source().accepted()).toEqual(['new-secret']);
    });

    it('honours a configured grace period', async () => {
      rotated(2);
      expect(await source({ previousGraceMs: 1 * HOUR }).accepted()).toEqual(['new-secret']);
      expect(await source({ previousGraceMs: 3 * HOUR }).accepted()).toEqual(['new-secret', 'old-secret']);
    });

    it('accepts the current value when the previous one cannot be read in the grace period, and reads it on a later mismatch', async () => {
      secretsManager.reply = (call) =>
        call.body.VersionStage === 'AWSPREVIOUS'
          ? awsErrorReply(400, 'ThrottlingException')
          : secretValueReply('new-secret', new Date(clock - HOUR));
      const secrets = source();
      expect(await secrets.accepted()).toEqual(['new-secret']);

      rotated(1);
      clock += 31_000;
      expect(await secrets.refreshedAfterMismatch()).toEqual(['new-secret', 'old-secret']);
    });

    it('fetches both versions within one deadline: a slow previous one is given up, the current one kept', async () => {
      secretsManager.reply = (call) => ({
        ...(call.body.VersionStage === 'AWSPREVIOUS'
          ? secretValueReply('old-secret')
          : secretValueReply('new-secret', new Date(clock - HOUR))),
        delayMs: 400,
      });
      const started = Date.now();
      expect(await source({ fetchBudgetMs: 600 }).accepted()).toEqual(['new-secret']);
      expect(Date.now() - started).toBeLessThan(900);
    });
  });
});
