import { ConfigurationError, DependencyUnavailableError } from '../../../../lambda/core/errors.ts';
import { OUTCOMES, outcomeMetricName } from '../../../../lambda/observability/metric-names.ts';
import {
  MissingSecretSource,
  StaticSecretSource,
  type WebhookSecretSource,
} from '../../../../lambda/secret/webhook-secret-source.ts';
import { headersWith, lambdaContext, TEST_SECRET, webhookEvent } from '../../../support/events.ts';
import { captureOutputPerTest } from '../../../support/output.ts';
import { RecordingStore } from '../../../support/recording-store.ts';
import { webhookHandler } from '../../../support/webhook.ts';

const MARKER = 'payload-marker-3b1f';
const payload = { name: 'page_load_time', value: 35, timeframe: 'last_7_days', note: MARKER };

type Line = Record<string, unknown>;
const output = captureOutputPerTest(TEST_SECRET);
const isEmf = (line: Line) => '_aws' in line;

/** Runs one delivery and returns its log lines and EMF blobs. */
async function deliver(
  event = webhookEvent({ body: payload }),
  {
    secrets = new StaticSecretSource(TEST_SECRET) as WebhookSecretSource,
    store = new RecordingStore(),
    times = 1,
  } = {},
) {
  const handler = webhookHandler({ secrets, store });
  for (let n = 1; n < times; n++) await handler(event, lambdaContext);
  output.current().clear();
  const result = await handler(event, lambdaContext);
  const lines = output.current().lines();
  return {
    result,
    text: output.current().text(),
    logs: lines.filter((line) => !isEmf(line)),
    emf: lines.filter(isEmf),
  };
}

/** The Delivery* metrics in EMF blobs, as name → value. */
function outcomeMetrics(emf: Line[]): Record<string, unknown> {
  const names = new Set(OUTCOMES.map(outcomeMetricName));
  return Object.fromEntries(emf.flatMap((blob) => Object.entries(blob).filter(([name]) => names.has(name))));
}

describe('one log line and one outcome metric per delivery', () => {
  it('created: INFO line with metric name, severity, signal and issue; DeliveryCreated and SignalsHigh', async () => {
    const { result, logs, emf, text } = await deliver();

    expect(result.statusCode).toBe(201);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: 'INFO',
      message: 'delivery',
      service: 'posthog-signals',
      outcome: 'created',
      status: 201,
      requestId: 'request-1',
      metricName: 'page_load_time',
      severity: 'high',
      signalId: 'signal-1',
      issueId: 'issue-1',
    });
    expect(typeof logs[0]?.latencyMs).toBe('number');
    expect(outcomeMetrics(emf)).toEqual({ DeliveryCreated: 1 });
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'LoopPosthogSignals',
            Dimensions: [expect.arrayContaining(['service', 'stack'])],
            Metrics: expect.arrayContaining([
              { Name: 'DeliveryCreated', Unit: 'Count' },
              { Name: 'SignalsHigh', Unit: 'Count' },
            ]),
          },
        ],
      },
      service: 'posthog-signals',
      // The stack's name (STACK_NAME); outside AWS, `local`.
      stack: 'local',
      SignalsHigh: 1,
    });
    const blob = emf[0] as { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] } };
    expect(blob._aws.CloudWatchMetrics[0]?.Dimensions[0]).toHaveLength(2);
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain(TEST_SECRET);
  });

  it('duplicate: INFO line and DeliveryDuplicate, no severity count', async () => {
    const { result, logs, emf } = await deliver(undefined, { times: 2 });
    expect(result.statusCode).toBe(200);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'INFO', outcome: 'duplicate', status: 200, signalId: 'signal-1' }),
    ]);
    expect(outcomeMetrics(emf)).toEqual({ DeliveryDuplicate: 1 });
    expect(JSON.stringify(emf)).not.toContain('SignalsHigh');
  });

  it.each([
    [
      'a wrong secret',
      webhookEvent({ body: payload, headers: headersWith({ 'x-posthog-secret': 'wrong-guess' }) }),
      401,
      'unauthorized',
    ],
    [
      'no secret',
      webhookEvent({ body: payload, headers: headersWith({ 'x-posthog-secret': undefined }) }),
      401,
      'unauthorized',
    ],
    ['bad JSON', webhookEvent({ body: '{nope' }), 400, 'invalid'],
    ['a missing field', webhookEvent({ body: { name: 'm', note: MARKER } }), 400, 'invalid'],
    [
      'the wrong media type',
      webhookEvent({ body: payload, headers: headersWith({ 'content-type': 'text/plain' }) }),
      415,
      'invalid',
    ],
  ])('%s: WARN line with the reason, and one Delivery metric', async (_, event, status, outcome) => {
    const { result, logs, emf, text } = await deliver(event);

    expect(result.statusCode).toBe(status);
    expect(logs).toEqual([
      expect.objectContaining({ level: 'WARN', outcome, status, reason: expect.any(String) }),
    ]);
    expect(outcomeMetrics(emf)).toEqual({ [outcomeMetricName(outcome as 'invalid')]: 1 });
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain('wrong-guess');
  });

  it('unconfigured: ERROR line and DeliveryUnconfigured', async () => {
    const { result, logs, emf } = await deliver(undefined, { secrets: new MissingSecretSource() });
    expect(result.statusCode).toBe(500);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        outcome: 'unconfigured',
        error: 'ConfigurationError',
        reason: 'POSTHOG_WEBHOOK_SECRET not configured',
      }),
    ]);
    expect(outcomeMetrics(emf)).toEqual({ DeliveryUnconfigured: 1 });
  });

  it('a missing table counts as unconfigured too', async () => {
    const store = new RecordingStore();
    store.failWith = new ConfigurationError('The signals table does not exist');
    const { emf } = await deliver(undefined, { store });
    expect(outcomeMetrics(emf)).toEqual({ DeliveryUnconfigured: 1 });
  });

  it('failed: ERROR line naming the cause, and DeliveryFailed', async () => {
    const store = new RecordingStore();
    const cause = Object.assign(new Error(`throttled; echoes ${TEST_SECRET}`), {
      name: 'ThrottlingException',
    });
    store.failWith = new DependencyUnavailableError('Storage', { cause });

    const { result, logs, emf, text } = await deliver(undefined, { store });

    expect(result.statusCode).toBe(503);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        outcome: 'failed',
        status: 503,
        error: 'DependencyUnavailableError',
        cause: 'ThrottlingException',
      }),
    ]);
    expect(outcomeMetrics(emf)).toEqual({ DeliveryFailed: 1 });
    expect(logs[0]).not.toHaveProperty('stack');
    expect(text).not.toContain(TEST_SECRET);
  });

  it('an unexpected error is failed too, with a generic answer, logged with its stack but not its message', async () => {
    const store = new RecordingStore();
    store.failWith = new TypeError(`Unexpected token in "${MARKER}"`);
    const { result, logs, emf, text } = await deliver(undefined, { store });
    expect(result.statusCode).toBe(500);
    expect(logs).toEqual([expect.objectContaining({ outcome: 'failed', error: 'TypeError' })]);
    expect(logs[0]).not.toHaveProperty('reason');
    // Where it happened, to debug it; never what the message may quote of the payload.
    expect(logs[0]?.stack).toMatch(/^at .*delivery-log\.test\.ts:\d+:\d+\)?$/m);
    expect(text).not.toContain(MARKER);
    expect(outcomeMetrics(emf)).toEqual({ DeliveryFailed: 1 });
  });
});
