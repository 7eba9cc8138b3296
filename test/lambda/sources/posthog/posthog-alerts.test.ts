import { InvalidPayloadError } from '../../../../lambda/core/errors.ts';
import type { JsonObject, JsonValue } from '../../../../lambda/core/json.ts';
import { decidingBreach } from '../../../../lambda/sources/posthog/insight-alert.ts';
import { readPosthogDelivery } from '../../../../lambda/sources/posthog/posthog-delivery.ts';
import { posthogFixture } from '../../../support/fixtures.ts';

const fixture = posthogFixture;

const read = (payload: JsonObject) => readPosthogDelivery(payload);
const readOne = (payload: JsonObject) => {
  const [reading, ...more] = read(payload);
  expect(more).toEqual([]);
  return reading;
};

/** The body PostHog's alert form creates (frontend/src/lib/utils/alertUtils.ts buildAlertDestination). */
const formBody = (breaches: string | string[]): JsonObject => ({
  alert_name: 'Signups dropped',
  insight_name: 'Daily signups',
  breaches,
  insight_url: 'https://us.posthog.com/project/1/insights/AbC123',
  alert_url: 'https://us.posthog.com/project/1/insights/AbC123/alerts?alert_id=0193-alert-uuid',
});

describe('breach texts: every number format PostHog prints (comparator.py + formatting.py)', () => {
  // From running PostHog's own comparator._breach_messages and formatting.py (see the fixtures' report).
  it.each([
    [
      '($pageview) for previous day (60.00%) decreased more than upper threshold (50.00%)',
      'decreased',
      'above',
      -60,
      '60.00%',
      50,
      'previous day',
    ],
    [
      '($pageview) for previous week (250.00%) increased more than upper threshold (100.00%)',
      'increased',
      'above',
      250,
      '250.00%',
      100,
      'previous week',
    ],
    [
      '($pageview) for previous hour (inf%) increased more than upper threshold (50.00%)',
      'increased',
      'above',
      Number.POSITIVE_INFINITY,
      'inf%',
      50,
      'previous hour',
    ],
    [
      '($pageview) for previous day (10.00%) decreased less than lower threshold (20.00%)',
      'decreased',
      'below',
      -10,
      '10.00%',
      20,
      'previous day',
    ],
    [
      '($pageview) for previous day (12,345.68) is more than upper threshold (10,000)',
      'is',
      'above',
      12345.68,
      '12,345.68',
      10000,
      'previous day',
    ],
    [
      '(signed_up) for previous week (3) is less than lower threshold (10)',
      'is',
      'below',
      3,
      '3',
      10,
      'previous week',
    ],
    [
      '($pageview) for previous day (1,220) decreased more than upper threshold (1,000)',
      'decreased',
      'above',
      -1220,
      '1,220',
      1000,
      'previous day',
    ],
    [
      '($pageview) for previous day (-70) increased less than lower threshold (0)',
      'increased',
      'below',
      -70,
      '-70',
      0,
      'previous day',
    ],
    [
      '(Revenue) for previous day ($803.77) is less than lower threshold ($1,000.00)',
      'is',
      'below',
      803.77,
      '$803.77',
      1000,
      'previous day',
    ],
    [
      '(Revenue) for previous day (€1,234.50) is more than upper threshold (€1,000.00)',
      'is',
      'above',
      1234.5,
      '€1,234.50',
      1000,
      'previous day',
    ],
    [
      '(Revenue) for previous day (SEK 1,234.50) is more than upper threshold (SEK 1,000.00)',
      'is',
      'above',
      1234.5,
      'SEK 1,234.50',
      1000,
      'previous day',
    ],
    [
      '(Session duration) for previous day (1h 23m 20s) is more than upper threshold (1h)',
      'is',
      'above',
      5000,
      '1h 23m 20s',
      3600,
      'previous day',
    ],
    [
      '(Session duration) for previous day (1d 3h) is more than upper threshold (1d)',
      'is',
      'above',
      97200,
      '1d 3h',
      86400,
      'previous day',
    ],
    [
      '(Page load) for previous day (350ms) is less than lower threshold (1s)',
      'is',
      'below',
      0.35,
      '350ms',
      1,
      'previous day',
    ],
    [
      '(p95 latency) for previous day (2.5s) is more than upper threshold (1.5s)',
      'is',
      'above',
      2.5,
      '2.5s',
      1.5,
      'previous day',
    ],
    [
      '(Error rate) for previous day (12.35%) is more than upper threshold (10%)',
      'is',
      'above',
      12.35,
      '12.35%',
      10,
      'previous day',
    ],
    [
      '($pageview) for previous day (1.23M) is more than upper threshold (1M)',
      'is',
      'above',
      1230000,
      '1.23M',
      1000000,
      'previous day',
    ],
    [
      '(API requests) for previous day (~1,234 reqs) is more than upper threshold (~1,000 reqs)',
      'is',
      'above',
      1234,
      '~1,234 reqs',
      1000,
      'previous day',
    ],
    [
      '($pageview) for previous day (∞) is more than upper threshold (10)',
      'is',
      'above',
      Number.POSITIVE_INFINITY,
      '∞',
      10,
      'previous day',
    ],
    [
      '(Other (i.e. all remaining values)) for previous day (7) is more than upper threshold (5)',
      'is',
      'above',
      7,
      '7',
      5,
      'previous day',
    ],
    [
      '($pageview) for previous interval (2) increased more than upper threshold (1)',
      'increased',
      'above',
      2,
      '2',
      1,
      'previous interval',
    ],
  ] as const)('The insight value %s', (rest, condition, side, value, printed, threshold, period) => {
    const breach = decidingBreach(`The insight value ${rest}`);
    expect(breach).toMatchObject({ condition, side, value, period });
    expect(breach?.printed.text).toBe(printed);
    expect(breach?.threshold.value).toBe(threshold);
  });

  it.each([
    ['The SQL insight value (5.0) is less than lower threshold (10.0)', 5, 10],
    ['The SQL insight value (Burn rate 24h) (250.0) is more than upper threshold (100.0)', 250, 100],
    ['The SQL insight value (1234567.0) is more than upper threshold (1000.0)', 1234567, 1000],
    ['The funnel conversion rate (40.0%) is less than lower threshold (50.0%)', 40, 50],
  ])(
    'reads SQL and funnel breaches, which print raw Python floats and no period: %s',
    (text, value, threshold) => {
      expect(decidingBreach(text)).toMatchObject({
        value,
        period: undefined,
        threshold: { value: threshold },
      });
    },
  );

  it('reads the legacy template, raw numbers and the verb before the value', () => {
    expect(
      decidingBreach(
        'The insight value (signed_up) for previous week (-1) increased less than lower threshold (2.0)',
      ),
    ).toMatchObject({ condition: 'increased', value: -1, period: 'previous week' });
    expect(
      decidingBreach('The insight value for previous week decreased (5) more than upper threshold (2.0)'),
    ).toMatchObject({ condition: 'decreased', value: -5, period: 'previous week' });
  });

  it.each([
    ['newlines', '\n'],
    ['", " (older PostHog)', ', '],
  ])('picks the breach with the largest absolute value among several joined by %s', (_, joiner) => {
    const text = [
      'The insight value (a) for previous day (32.50%) decreased more than upper threshold (20.00%)',
      'The insight value (b) for previous week (66.67%) decreased more than upper threshold (20.00%)',
      'The insight value (c) for previous week (2) increased more than upper threshold (1.0)',
    ].join(joiner);
    expect(decidingBreach(text)).toMatchObject({ value: -66.67, period: 'previous week' });
    expect(decidingBreach(text.split(joiner))).toMatchObject({ value: -66.67 });
  });

  it('keeps the deciding breach as its own line of the text', () => {
    const text =
      'The insight value (a) for previous day (1) is more than upper threshold (0)\nThe insight value (b) for current hour (9) is more than upper threshold (0)\n...and 3 more rows breach';
    expect(decidingBreach(text)?.text).toBe(
      'The insight value (b) for current hour (9) is more than upper threshold (0)',
    );
  });

  it.each([
    [''],
    ['firing'],
    ['The insight value (x) for previous day (n/a%) decreased more than upper threshold (20.00%)'],
    ['The insight value (x) for previous day (NaN) is more than upper threshold (1)'],
    ['The insight value (x) for previous day (5) is more than upper threshold (inf)'],
    [null],
    [42],
    [{ text: 'x' }],
    [[1, null, {}]],
  ])('yields nothing, without throwing, for %p', (breaches) => {
    expect(decidingBreach(breaches as never)).toBeUndefined();
  });
});

describe('insight alerts: direction, honest numbers, severity, title', () => {
  it('a fall is negative: 32.50% decreased reads -32.5, titled -32.5%, severity from the change', () => {
    const reading = readOne(
      formBody(
        'The insight value (signed_up) for previous day (32.50%) decreased more than upper threshold (20.00%)',
      ),
    );
    expect(reading).toMatchObject({
      kind: 'firing',
      alertKey: '0193-alert-uuid',
      sourceId: '0193-alert-uuid',
      severity: 'high',
      title: 'PostHog: Daily signups -32.5% (previous day)',
      details: {
        direction: 'down',
        value: -32.5,
        unit: 'percent',
        threshold: 20,
        side: 'above',
        period: 'previous day',
      },
    });
  });

  it('a plain number is not a percentage: titled with the threshold it crossed, severity from the distance past it', () => {
    const reading = readOne(
      formBody('The insight value (signed_up) for previous week (120) is more than upper threshold (100)'),
    );
    expect(reading.title).toBe('PostHog: Daily signups 120 (above 100, previous week)');
    // 20% past the threshold: medium.
    expect(reading.severity).toBe('medium');
    expect(reading.details).toMatchObject({
      value: 120,
      unit: 'number',
      threshold: 100,
      side: 'above',
      direction: 'up',
    });
  });

  it("an absolute fall: titled with its sign and PostHog's condition, measured past its threshold", () => {
    const reading = readOne(
      formBody(
        'The insight value ($pageview) for previous day (1,220) decreased more than upper threshold (1,000)',
      ),
    );
    expect(reading.title).toBe('PostHog: Daily signups -1,220 (fall more than 1,000, previous day)');
    expect(reading.severity).toBe('medium');
    expect(reading.details).toMatchObject({ value: -1220, direction: 'down', unit: 'number' });
  });

  it('the thousands-separated value that used to be refused now reads (fixture: HTTP Webhook default body)', () => {
    const { body } = fixture('insight-webhook-default-body-thousands');
    expect(readOne(body)).toMatchObject({
      title: 'PostHog: Daily pageviews 12,345.68 (above 10,000, previous day)',
      severity: 'medium',
      alertKey: '01968f2e-4c1b-7a3d-9e58-6b2c0d4f1a77',
    });
  });

  it('reads the percentage fixture of the HTTP Webhook default body: a fall of 60%, critical', () => {
    const { body } = fixture('insight-webhook-default-body-percent-decrease');
    expect(readOne(body)).toMatchObject({
      title: 'PostHog: Daily pageviews -60% (previous day)',
      severity: 'critical',
      kind: 'firing',
    });
  });

  it('reads the alert form fixture: a currency level below its threshold', () => {
    const { body } = fixture('insight-alert-form-webhook-body');
    expect(readOne(body)).toMatchObject({
      title: 'PostHog: Daily revenue $803.77 (below $1,000.00, previous day)',
      // 19.6% under the threshold.
      severity: 'medium',
      alertKey: '01968f2e-4c1b-7a3d-9e58-6b2c0d4f1a77',
    });
  });

  it('never refuses an alert rising from zero: inf% is critical, titled inf', () => {
    const reading = readOne(
      formBody(
        'The insight value (signed_up) for previous day (inf%) increased more than upper threshold (20.00%)',
      ),
    );
    expect(reading).toMatchObject({
      severity: 'critical',
      title: 'PostHog: Daily signups inf% (previous day)',
    });
    expect(reading.details.value).toBe('inf');
  });

  it('a change from zero that decreased reads -inf', () => {
    const reading = readOne(
      formBody('The insight value (x) for previous week (inf%) decreased more than upper threshold (10.00%)'),
    );
    expect(reading.title).toBe('PostHog: Daily signups -inf% (previous week)');
  });

  it('lets explicit name, value and timeframe win over the alert fields', () => {
    const body = {
      ...formBody('The insight value (x) for previous day (5) is more than upper threshold (1)'),
      name: 'custom',
      value: '7%',
      timeframe: 'today',
    };
    expect(readOne(body)).toMatchObject({
      subject: 'custom',
      title: 'PostHog: custom 7% (today)',
      details: { value: 7, unit: 'percent' },
    });
  });

  it('uses "recent" when the breach names no period (SQL insights)', () => {
    expect(
      readOne(formBody('The SQL insight value (200.0) is more than upper threshold (100.0)')).title,
    ).toBe('PostHog: Daily signups 200.0 (above 100.0, recent)');
  });

  it('reads an $insight_alert_resolved event, should PostHog send one, as a resolution', () => {
    const body = {
      event: { event: '$insight_alert_resolved', properties: { alert_id: 'a-9', insight_name: 'Signups' } },
    };
    expect(readOne(body)).toMatchObject({ kind: 'resolved', alertKey: 'a-9', severity: 'low' });
  });

  it('answers a clear 400 when breaches cannot be read, and one naming the expected fields for neither form', () => {
    expect(() => read(formBody('Alert is firing'))).toThrow(
      /^Field breaches holds no breach this service can read/,
    );
    expect(() => read({ foo: 'bar' })).toThrow(InvalidPayloadError);
    expect(() => read({ foo: 'bar' })).toThrow(
      /^Missing required field: name .*a logs alert envelope; an Alertmanager body/,
    );
  });
});

describe("logs alerts: the managed destination's envelope (path A)", () => {
  it('firing: the count against its threshold and window, titled as logs', () => {
    const { body, headers } = fixture('logs-alert-firing');
    expect(headers).toEqual({ 'Content-Type': 'application/json', 'X-PostHog-Webhook-Version': '1' });
    expect(readOne(body)).toMatchObject({
      type: 'logs_alert',
      kind: 'firing',
      alertKey: '0196a7b4-2f3c-7d81-b5e9-4c6d8e0f1a23',
      title: 'PostHog: API 5xx errors 1,342 logs (above 1,000 in 5 min)',
      // 34.2% past the threshold.
      severity: 'high',
      details: {
        value: 1342,
        unit: 'number',
        threshold: 1000,
        side: 'above',
        period: '5 min',
        direction: 'up',
      },
    });
  });

  it('resolved: a resolution of the same alert', () => {
    expect(readOne(fixture('logs-alert-resolved').body)).toMatchObject({
      kind: 'resolved',
      alertKey: '0196a7b4-2f3c-7d81-b5e9-4c6d8e0f1a23',
      severity: 'low',
    });
  });

  it.each([
    [
      'logs-alert-errored',
      'PostHog: alert "API 5xx errors" could not be checked: Query is too expensive. Try narrower filters or a shorter window.',
    ],
    [
      'logs-alert-auto-disabled',
      'PostHog: alert "API 5xx errors" was turned off after repeated failed checks: Alert check failed unexpectedly. PostHog has been notified.',
    ],
  ])('%s: an error of the same alert, low severity, saying why', (name, title) => {
    expect(readOne(fixture(name).body)).toMatchObject({
      kind: 'errored',
      severity: 'low',
      title,
      alertKey: '0196a7b4-2f3c-7d81-b5e9-4c6d8e0f1a23',
    });
  });

  it('refuses an unknown logs alert type, naming the known ones', () => {
    const body = { ...fixture('logs-alert-firing').body, type: 'logs_alert.incident_opened' };
    expect(() => read(body)).toThrow(
      /^Field type: unknown PostHog logs alert type "incident_opened" \(known: logs_alert.firing/,
    );
  });

  it.each(['many', '0x10', '0b11', 'Infinity', '', '1e999'])(
    'refuses a count of %p, naming the field (decimal text only)',
    (count) => {
      const { body } = fixture('logs-alert-firing');
      expect(() => read({ ...body, data: { ...(body.data as JsonObject), result_count: count } })).toThrow(
        'Field data.result_count must be a finite number',
      );
    },
  );

  it('reads a count sent as decimal text, and keeps a title short for an enormous one', () => {
    const { body } = fixture('logs-alert-firing');
    const withCount = (count: JsonValue) =>
      readOne({ ...body, data: { ...(body.data as JsonObject), result_count: count } });
    expect(withCount(' 1342 ').title).toBe('PostHog: API 5xx errors 1,342 logs (above 1,000 in 5 min)');
    expect(withCount(1e308).title).toBe('PostHog: API 5xx errors 1e+308 logs (above 1,000 in 5 min)');
  });
});

describe("the alert platform's Alertmanager bodies (path C)", () => {
  it('firing: value and threshold from the annotations, one alert per body', () => {
    const { body, headers } = fixture('alertmanager-firing-two-alerts');
    expect(headers['X-PostHog-Webhook-Version']).toBe('2');
    expect(readOne(body)).toMatchObject({
      type: 'platform_alert',
      kind: 'firing',
      title: 'PostHog: API errors 312 (above 300 in 5m)',
      severity: 'low',
      sourceId: '0196b1c8-93de-7f02-a4b7-8c1d2e3f4a5b',
    });
  });

  it('resolved: the same alert as its firing (labels but the event kind)', () => {
    const firing = readOne(fixture('alertmanager-firing-two-alerts').body);
    const resolvedBody = fixture('alertmanager-resolved').body;
    const resolved = readOne(resolvedBody);
    expect(resolved.kind).toBe('resolved');
    // The resolved fixture is of the ungrouped alert; its firing would have the same labels.
    const alerts = resolvedBody.alerts as JsonObject[];
    const firingOfIt = readOne({
      ...resolvedBody,
      alerts: [
        { ...alerts[0], labels: { ...(alerts[0]?.labels as JsonObject), posthog_event_kind: 'firing' } },
      ],
    });
    expect(firingOfIt.alertKey).toBe(resolved.alertKey);
    expect(firing.alertKey).not.toBe(resolved.alertKey);
  });

  it('reads several alerts in one body, each its own signal with its own alert', () => {
    const first = fixture('alertmanager-firing-two-alerts') as unknown as {
      body: JsonObject;
      additional_posts: JsonObject[];
    };
    const second = first.additional_posts[0] as JsonObject;
    const both = {
      ...first.body,
      alerts: [...(first.body.alerts as JsonObject[]), ...(second.alerts as JsonObject[])],
    };
    const readings = read(both);
    expect(readings.map((reading) => reading.title)).toEqual([
      'PostHog: API errors 312 (above 300 in 5m)',
      'PostHog: API errors 1.25e+06 (above 300 in 5m)',
    ]);
    expect(readings[1]?.severity).toBe('critical');
    expect(new Set(readings.map((reading) => reading.alertKey)).size).toBe(2);
  });

  it('keys an alert on every label by its value, whatever its type, and refuses a label that is an object or a list', () => {
    const { body } = fixture('alertmanager-firing-two-alerts');
    const alert = (body.alerts as JsonObject[])[0] as JsonObject;
    const withLabels = (extra: JsonObject) =>
      readOne({ ...body, alerts: [{ ...alert, labels: { ...(alert.labels as JsonObject), ...extra } }] });
    const keys = [
      { instance: 1 },
      { instance: 2 },
      { instance: '1' },
      { instance: true },
      { instance: null },
    ].map((labels) => withLabels(labels).alertKey);
    expect(new Set(keys).size).toBe(5);
    expect(() => withLabels({ instance: { host: 'a' } })).toThrow(
      'Field alerts[0].labels.instance must be text, a number or a boolean',
    );
  });

  it('refuses more than ten alerts in one body, and an unknown state', () => {
    const { body } = fixture('alertmanager-firing-two-alerts');
    const alert = (body.alerts as JsonObject[])[0] as JsonObject;
    expect(() => read({ ...body, alerts: Array(11).fill(alert) })).toThrow(/holds 11 alerts; at most 10/);
    expect(() => read({ ...body, alerts: [{ ...alert, status: 'x', labels: { alertname: 'a' } }] })).toThrow(
      /unknown alert state "x"/,
    );
  });
});
