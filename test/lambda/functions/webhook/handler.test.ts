import { ISSUE_FIELDS, SIGNAL_FIELDS } from '../../../../lambda/contract/shapes.ts';
import { DependencyUnavailableError } from '../../../../lambda/core/errors.ts';
import type { JsonObject } from '../../../../lambda/core/json.ts';
import {
  MissingSecretSource,
  StaticSecretSource,
  type WebhookSecretSource,
} from '../../../../lambda/secret/webhook-secret-source.ts';
import { bodyOf, headersWith, lambdaContext, TEST_SECRET, webhookEvent } from '../../../support/events.ts';
import { captureOutputPerTest } from '../../../support/output.ts';
import { RecordingStore } from '../../../support/recording-store.ts';
import { webhookHandler } from '../../../support/webhook.ts';

const receivedAt = new Date('2026-11-27T10:00:00.000Z');
const payload = { name: 'page_load_time', value: 35, timeframe: 'last_7_days' };

// The function logs every delivery to stdout; tests capture it (and check no secret is in it).
const output = captureOutputPerTest(TEST_SECRET);

function setup(secrets: WebhookSecretSource = new StaticSecretSource(TEST_SECRET)) {
  const store = new RecordingStore();
  const handler = webhookHandler({ secrets, store, now: () => receivedAt });
  return { store, handler };
}

describe('handler: success', () => {
  it('answers 201 with the signal and its triage issue in their shapes, fields in the documented order', async () => {
    const { handler, store } = setup();
    const sent = '{"name": "page_load_time", "value": 35, "timeframe": "last_7_days"}';

    const result = await handler(webhookEvent({ body: sent }), lambdaContext);

    expect(result.statusCode).toBe(201);
    expect(result.headers).toEqual({ 'Content-Type': 'application/json' });
    const { data } = bodyOf(result) as { data: { signal: JsonObject; issue: JsonObject } };
    expect(Object.keys(data)).toEqual(['signal', 'issue']);
    expect(Object.keys(data.signal)).toEqual([...SIGNAL_FIELDS]);
    expect(Object.keys(data.issue)).toEqual([...ISSUE_FIELDS]);
    expect(data.signal).toEqual({
      id: 'signal-1',
      title: 'PostHog: page_load_time 35% (last_7_days)',
      kind: 'firing',
      severity: 'high',
      source: 'posthog',
      sourceId: null,
      type: 'metric_change',
      test: false,
      issueId: 'issue-1',
      issue: {
        id: 'issue-1',
        number: 1,
        title: 'PostHog: page_load_time 35% (last_7_days)',
        status: 'triage',
        priority: 2,
        resolvedAt: null,
      },
      reading: {
        name: 'page_load_time',
        kind: 'firing',
        direction: 'up',
        value: 35,
        unit: 'percent',
        period: 'last_7_days',
      },
      createdAt: '2026-11-27T10:00:00.000Z',
      payload,
    });
    expect(data.issue).toEqual({
      id: 'issue-1',
      number: 1,
      title: 'PostHog: page_load_time 35% (last_7_days)',
      status: 'triage',
      priority: 2,
      type: 'signal',
      description: expect.stringContaining('page\\_load\\_time'),
      links: {},
      firings: 1,
      firstFiredAt: '2026-11-27T10:00:00.000Z',
      lastFiredAt: '2026-11-27T10:00:00.000Z',
      resolvedAt: null,
      claimedBy: null,
      claimedAt: null,
      signalSource: 'posthog',
      createdAt: '2026-11-27T10:00:00.000Z',
      updatedAt: '2026-11-27T10:00:00.000Z',
      signalPayload: payload,
    });
    // The payload as it arrived, byte for byte (its spaces and key order), not serialised again.
    expect(result.body).toContain(`"payload":${sent}`);
    expect(result.body).toContain(`"signalPayload":${sent}`);
    expect(store.drafts).toHaveLength(1);
  });

  it('reads a base64-encoded body', async () => {
    const { handler } = setup();
    const result = await handler(webhookEvent({ body: payload, base64: true }), lambdaContext);
    expect(result.statusCode).toBe(201);
  });

  it.each([['application/json; charset=utf-8'], ['Application/JSON'], ['application/json;charset=UTF-8']])(
    'accepts Content-Type %s',
    async (contentType) => {
      const { handler } = setup();
      const result = await handler(
        webhookEvent({ body: payload, headers: headersWith({ 'content-type': contentType }) }),
        lambdaContext,
      );
      expect(result.statusCode).toBe(201);
    },
  );

  it('accepts the secret header in any letter case', async () => {
    const { handler } = setup();
    const headers = { 'Content-Type': 'application/json', 'X-POSTHOG-SECRET': TEST_SECRET };
    const result = await handler(webhookEvent({ body: payload, headers }), lambdaContext);
    expect(result.statusCode).toBe(201);
  });

  it('answers with a body nested far too deep to re-serialise, and keeps it whole', async () => {
    const { handler } = setup();
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const text = `{"name":"m","value":1,"deep":${deep}}`;

    const result = await handler(webhookEvent({ body: text }), lambdaContext);

    expect(result.statusCode).toBe(201);
    expect(result.body).toContain(`"payload":${text}`);
  });
});

describe('handler: secret rotation', () => {
  it('accepts the previous secret while the source still accepts it', async () => {
    const rotating: WebhookSecretSource = {
      accepted: async () => ['new-secret', TEST_SECRET],
      refreshedAfterMismatch: async () => undefined,
    };
    const { handler } = setup(rotating);
    const result = await handler(webhookEvent({ body: payload }), lambdaContext);
    expect(result.statusCode).toBe(201);
  });

  it('re-checks against a refreshed secret before refusing a mismatch', async () => {
    const refreshed = jest.fn(async () => [TEST_SECRET]);
    const stale: WebhookSecretSource = {
      accepted: async () => ['old-secret'],
      refreshedAfterMismatch: refreshed,
    };
    const { handler } = setup(stale);

    const result = await handler(webhookEvent({ body: payload }), lambdaContext);

    expect(result.statusCode).toBe(201);
    expect(refreshed).toHaveBeenCalledTimes(1);
  });

  it('does not refresh for a missing header', async () => {
    const refreshed = jest.fn(async () => [TEST_SECRET]);
    const { handler } = setup({ accepted: async () => [TEST_SECRET], refreshedAfterMismatch: refreshed });
    await handler(
      webhookEvent({ body: payload, headers: headersWith({ 'x-posthog-secret': undefined }) }),
      lambdaContext,
    );
    expect(refreshed).not.toHaveBeenCalled();
  });
});

describe('handler: repeated deliveries', () => {
  it('answers a repeat with 200, the same body and Idempotent-Replayed: true', async () => {
    const { handler, store } = setup();
    const first = await handler(webhookEvent({ body: payload }), lambdaContext);

    const repeat = await handler(webhookEvent({ body: payload }), lambdaContext);

    expect(repeat.statusCode).toBe(200);
    expect(repeat.headers).toEqual({ 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' });
    expect(bodyOf(repeat)).toEqual(bodyOf(first));
    expect(store.drafts).toHaveLength(1);
  });

  it('refuses the same Idempotency-Key with another body: 422, nothing written', async () => {
    const { handler, store } = setup();
    const headers = headersWith({ 'idempotency-key': 'delivery-1' });
    await handler(webhookEvent({ body: payload, headers }), lambdaContext);

    const reused = await handler(webhookEvent({ body: { ...payload, value: 99 }, headers }), lambdaContext);

    expect(reused.statusCode).toBe(422);
    expect(bodyOf(reused).error).toMatch(/^Idempotency-Key reused with a different body/);
    expect(store.drafts).toHaveLength(1);
  });

  it('creates a new signal for a different body without a key', async () => {
    const { handler } = setup();
    await handler(webhookEvent({ body: payload }), lambdaContext);
    const other = await handler(webhookEvent({ body: { ...payload, value: 99 } }), lambdaContext);
    expect(other.statusCode).toBe(201);
  });
});

describe('handler: every refusal of docs/http-contract.md, in order', () => {
  async function refusal(event: ReturnType<typeof webhookEvent>, secrets?: WebhookSecretSource) {
    const { handler, store } = setup(secrets);
    const result = await handler(event, lambdaContext);
    expect(result.headers?.['Content-Type']).toBe('application/json');
    expect(store.drafts).toHaveLength(0);
    return { status: result.statusCode, body: bodyOf(result), headers: result.headers };
  }

  it('500 when no secret is configured, before looking at the request', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { status, body } = await refusal(
      webhookEvent({ body: 'not json', headers: {} }),
      new MissingSecretSource(),
    );
    errors.mockRestore();
    expect(status).toBe(500);
    expect(body).toEqual({ error: 'POSTHOG_WEBHOOK_SECRET not configured' });
  });

  it('503 with Retry-After when the secret store is unavailable', async () => {
    const unavailable: WebhookSecretSource = {
      accepted: () => Promise.reject(new DependencyUnavailableError('Secret store')),
      refreshedAfterMismatch: () => Promise.resolve(undefined),
    };
    const { status, body, headers } = await refusal(webhookEvent({ body: payload }), unavailable);
    expect(status).toBe(503);
    expect(headers?.['Retry-After']).toBe('1');
    expect(body).toEqual({ error: 'Secret store is temporarily unavailable; retry later' });
  });

  it.each([[undefined], [''], ['   ']])('401 Missing when the header is %p', async (secret) => {
    const { status, body } = await refusal(
      webhookEvent({ body: payload, headers: headersWith({ 'x-posthog-secret': secret }) }),
    );
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'Missing X-PostHog-Secret header' });
  });

  it.each([
    ['another value', 'wrong'],
    ['the secret plus a character', `${TEST_SECRET}x`],
    ['the secret less its last character', TEST_SECRET.slice(0, -1)],
    ['the secret in upper case', TEST_SECRET.toUpperCase()],
  ])('401 Invalid when the header is %s', async (_, secret) => {
    const { status, body } = await refusal(
      webhookEvent({ body: payload, headers: headersWith({ 'x-posthog-secret': secret }) }),
    );
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'Invalid webhook secret' });
  });

  it('401 before anything about the body: a bad body with a bad secret says nothing of the body', async () => {
    const { status, body } = await refusal(
      webhookEvent({
        body: '[',
        headers: headersWith({ 'content-type': 'text/plain', 'x-posthog-secret': 'wrong' }),
      }),
    );
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'Invalid webhook secret' });
  });

  it.each([
    [undefined],
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['application/jsonx'],
    ['application/vnd.api+json'],
  ])('415 when Content-Type is %p', async (contentType) => {
    const { status, body } = await refusal(
      webhookEvent({ body: payload, headers: headersWith({ 'content-type': contentType }) }),
    );
    expect(status).toBe(415);
    expect(body.error).toMatch(/Content-Type must be application\/json/);
  });

  it('415 before 413: an oversized body of the wrong type is a media-type error', async () => {
    const huge = 'x'.repeat(200 * 1024);
    const { status } = await refusal(
      webhookEvent({ body: huge, headers: headersWith({ 'content-type': 'text/plain' }) }),
    );
    expect(status).toBe(415);
  });

  it('accepts exactly 128 KiB and answers 413 one byte over, measured after base64 decoding', async () => {
    const bodyOfSize = (size: number) => {
      const prefix = '{"name":"m","value":1,"pad":"';
      return `${prefix}${'x'.repeat(size - prefix.length - 2)}"}`;
    };
    const { handler } = setup();
    const atLimit = await handler(webhookEvent({ body: bodyOfSize(131_072), base64: true }), lambdaContext);
    expect(atLimit.statusCode).toBe(201);

    const over = await refusal(webhookEvent({ body: bodyOfSize(131_073), base64: true }));
    expect(over.status).toBe(413);
    expect(over.body.error).toMatch(/131073 bytes; the limit is 131072 bytes/);
  });

  it('counts bytes, not characters: 128 KiB of multi-byte text is over the limit', async () => {
    const { status } = await refusal(webhookEvent({ body: `{"name":"${'é'.repeat(70_000)}","value":1}` }));
    expect(status).toBe(413);
  });

  it.each([[''], ['{'], ['{"name": "m", "value": 1,}'], ["{'name': 'm'}"], ['NaN'], ['{"a":1}{"b":2}']])(
    '400 when the body %p is not JSON',
    async (text) => {
      const { status, body } = await refusal(webhookEvent({ body: text }));
      expect(status).toBe(400);
      expect(body).toEqual({ error: 'Request body is not valid JSON' });
    },
  );

  it('400 when a base64 body is not UTF-8', async () => {
    const event = webhookEvent();
    event.body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('base64');
    event.isBase64Encoded = true;
    const { status, body } = await refusal(event);
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'Request body is not valid UTF-8' });
  });

  it.each([
    ['[]', 'an array'],
    ['"text"', 'a string'],
    ['42', 'a number'],
    ['null', 'null'],
    ['true', 'a boolean'],
  ])('400 when the body is %s, not an object', async (text, described) => {
    const { status, body } = await refusal(webhookEvent({ body: text }));
    expect(status).toBe(400);
    expect(body).toEqual({ error: `Request body must be a JSON object, not ${described}` });
  });

  it.each([
    [
      { value: 35 },
      'Missing required field: name (the metric name, or event.name); expected name and value (a custom body), or the body of a PostHog alert (insight_name or alert_name, and breaches; a logs alert envelope; an Alertmanager body)',
    ],
    [
      { name: 'm' },
      'Missing required field: value (the percentage change); expected name and value (a custom body), or the body of a PostHog alert (insight_name or alert_name, and breaches; a logs alert envelope; an Alertmanager body)',
    ],
    [
      { name: 'm', value: 'lots' },
      'Field value must be a finite number or numeric text such as "35" or "-12.5%"',
    ],
    [{ name: 'm', value: 1, timeframe: 5 }, 'Field timeframe must be a string'],
  ])('400 naming the field for %p', async (body, message) => {
    const result = await refusal(webhookEvent({ body }));
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: message });
  });

  it('503 with Retry-After when storage is unavailable', async () => {
    const { handler, store } = setup();
    store.failWith = new DependencyUnavailableError('Storage');
    const result = await handler(webhookEvent({ body: payload }), lambdaContext);
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBe('1');
    expect(bodyOf(result)).toEqual({ error: 'Storage is temporarily unavailable; retry later' });
  });

  it('500 without details when something unexpected fails', async () => {
    const { handler, store } = setup();
    store.failWith = new Error(`boom with internals ${TEST_SECRET}`);

    const result = await handler(webhookEvent({ body: payload }), lambdaContext);

    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toEqual({ error: 'Internal server error' });
    expect(
      output
        .current()
        .lines()
        .filter((line) => line.message === 'delivery'),
    ).toHaveLength(1);
  });
});
