import type { JsonObject } from '../../lambda/core/json.ts';
import { severityOf } from '../../lambda/core/severity.ts';
import { InvalidPayloadError } from '../../lambda/errors.ts';
import { decidingBreach, relativeChangePercent } from '../../lambda/sources/posthog/insight-alert.ts';
import { readMetricChange } from '../../lambda/sources/posthog/posthog-delivery.ts';
import { titleOf } from '../../lambda/sources/posthog/title.ts';

// Breach texts as PostHog's alert checks write them (from PostHog's own tests and the spec).
const SAMPLES = {
  percentDecrease:
    'The insight value (signed_up) for previous day (32.50%) decreased more than upper threshold (20.00%)',
  percentIncreaseLess:
    'The insight value (signed_up) for previous week (-50.00%) increased less than lower threshold (50.00%)',
  percentDecreaseWeek:
    'The insight value (signed_up) for previous week (66.67%) decreased more than upper threshold (20.00%)',
  absoluteIncrease:
    'The insight value (signed_up) for previous week (2) increased more than upper threshold (1.0)',
  absoluteBelow:
    'The insight value (signed_up) for previous week (-1) increased less than lower threshold (2.0)',
  currentInterval:
    'The insight value ($pageview) for current interval (1) is more than upper threshold (0.0)',
  currentHour: 'The insight value (Double Pageviews) for current hour (3) is more than upper threshold (2)',
  sqlInsight: 'The SQL insight value (200.0) is more than upper threshold (100.0)',
};

const ALERT_URL = 'https://us.posthog.com/project/1/insights/AbC123?alert_id=0193-alert-uuid';

/** The body PostHog's alert form creates. */
const formBody = (breaches: string | string[]): JsonObject => ({
  alert_name: 'Signups dropped',
  insight_name: 'Daily signups',
  breaches,
  insight_url: 'https://us.posthog.com/project/1/insights/AbC123',
  alert_url: ALERT_URL,
});

/** The HTTP Webhook destination's default body `{"event": "{event}", "person": "{person}"}`. */
const webhookDefaultBody = (breaches: string): JsonObject => ({
  event: {
    uuid: '01932f6e-event-uuid',
    event: '$insight_alert_firing',
    distinct_id: 'alert-system',
    properties: {
      alert_id: '0193-alert-uuid',
      alert_name: 'Signups dropped',
      insight_name: 'Daily signups',
      insight_id: 'AbC123',
      state: 'Firing',
      breaches,
    },
    timestamp: '2026-11-27T10:00:00Z',
  },
  person: { id: 'person-uuid', properties: {} },
});

describe('decidingBreach', () => {
  it.each([
    ['percentDecrease', 32.5, 'previous day'],
    ['percentIncreaseLess', -50, 'previous week'],
    ['percentDecreaseWeek', 66.67, 'previous week'],
    ['absoluteIncrease', 100, 'previous week'],
    ['absoluteBelow', -150, 'previous week'],
    ['currentInterval', 100, 'current interval'],
    ['currentHour', 50, 'current hour'],
    ['sqlInsight', 100, undefined],
  ] as const)('reads %s', (sample, value, period) => {
    expect(decidingBreach(SAMPLES[sample])).toEqual({ value, period });
  });

  it.each([
    ['newlines', `${SAMPLES.percentDecrease}\n${SAMPLES.percentDecreaseWeek}\n${SAMPLES.absoluteIncrease}`],
    ['", "', `${SAMPLES.percentDecrease}, ${SAMPLES.percentDecreaseWeek}, ${SAMPLES.absoluteIncrease}`],
  ])('picks the breach with the largest absolute value among several joined by %s', (_, text) => {
    expect(decidingBreach(text)).toEqual({ value: 100, period: 'previous week' });
  });

  it('reads a list of breach strings too', () => {
    expect(decidingBreach([SAMPLES.percentDecrease, SAMPLES.percentIncreaseLess])).toEqual({
      value: -50,
      period: 'previous week',
    });
  });

  it('keeps a series name with commas or parentheses out of the value', () => {
    const text =
      'The insight value (signups (web, mobile)) for previous day (12.00%) decreased more than upper threshold (10.00%)';
    expect(decidingBreach(text)).toEqual({ value: 12, period: 'previous day' });
  });

  it.each([
    [''],
    ['firing'],
    ['The insight value (x) for previous day (n/a%) decreased more than upper threshold (20.00%)'],
    ['The insight value (x) for previous day (inf) is more than upper threshold (1)'],
    [null],
    [42],
    [{ text: SAMPLES.percentDecrease }],
    [[1, null, {}]],
  ])('yields nothing, without throwing, for %p', (breaches) => {
    expect(decidingBreach(breaches)).toBeUndefined();
  });

  it.each([
    ['(inf%)', Number.POSITIVE_INFINITY],
    ['(-inf%)', Number.NEGATIVE_INFINITY],
    ['(+inf %)', Number.POSITIVE_INFINITY],
    ['( Infinity% )', Number.POSITIVE_INFINITY],
  ])('reads %s, a change from zero, as an unbounded percentage', (value, expected) => {
    const text = `The insight value (signed_up) for previous day ${value} increased more than upper threshold (20.00%)`;
    expect(decidingBreach(text)).toEqual({ value: expected, period: 'previous day' });
  });

  it('lets an inf% breach decide over any finite one', () => {
    const text = `${SAMPLES.absoluteIncrease}\nThe insight value (x) for current hour (inf%) increased more than upper threshold (5%)`;
    expect(decidingBreach(text)).toEqual({ value: Number.POSITIVE_INFINITY, period: 'current hour' });
  });

  it.each([
    ['a plain inf (not a percentage)', '(inf)'],
    ['an overflowing literal', '(1e999%)'],
    ['nan', '(nan%)'],
  ])('does not read %s as a value', (_, value) => {
    const text = `The insight value (x) for previous day ${value} increased more than upper threshold (20%)`;
    expect(decidingBreach(text)).toBeUndefined();
  });
});

describe('relativeChangePercent', () => {
  it('is the change relative to the threshold, in percent', () => {
    expect(relativeChangePercent(150, 100)).toBe(50);
    expect(relativeChangePercent(50, 100)).toBe(-50);
    expect(relativeChangePercent(-3, -2)).toBe(-50);
  });

  it('counts any crossing of a zero threshold as ±100%', () => {
    expect(relativeChangePercent(4, 0)).toBe(100);
    expect(relativeChangePercent(-4, 0)).toBe(-100);
  });
});

describe("readMetricChange on PostHog's own alert bodies", () => {
  it('reads the alert-form body: insight name, breach percentage and period, alert id from alert_url', () => {
    expect(readMetricChange(formBody(SAMPLES.percentDecrease))).toEqual({
      name: 'Daily signups',
      value: 32.5,
      timeframe: 'previous day',
      sourceId: '0193-alert-uuid',
    });
  });

  it("reads the webhook destination's default body ($insight_alert_firing)", () => {
    expect(readMetricChange(webhookDefaultBody(SAMPLES.percentDecreaseWeek))).toEqual({
      name: 'Daily signups',
      value: 66.67,
      timeframe: 'previous week',
      sourceId: '0193-alert-uuid',
    });
  });

  it('falls back to the alert name when the insight has none', () => {
    const body = formBody(SAMPLES.percentDecrease);
    delete body.insight_name;
    expect(readMetricChange(body).name).toBe('Signups dropped');
  });

  it('lets explicit name, value and timeframe win over the alert fields', () => {
    const body = { ...formBody(SAMPLES.percentDecrease), name: 'custom', value: '7%', timeframe: 'today' };
    expect(readMetricChange(body)).toMatchObject({ name: 'custom', value: 7, timeframe: 'today' });
  });

  it('uses "recent" when the breach names no period', () => {
    expect(readMetricChange(formBody(SAMPLES.sqlInsight)).timeframe).toBe('recent');
  });

  it('never refuses an alert rising from zero: inf% is critical, titled inf', () => {
    // The body from the report: PostHog's webhook default, a percentage alert whose previous value was 0.
    const body = JSON.parse(
      '{"event":{"event":"$insight_alert_firing","properties":{"alert_id":"a-1","insight_name":"Signups","breaches":"The insight value (signed_up) for previous day (inf%) increased more than upper threshold (20.00%)"}},"person":null}',
    ) as JsonObject;
    const change = readMetricChange(body);
    expect(change).toMatchObject({
      name: 'Signups',
      value: Number.POSITIVE_INFINITY,
      timeframe: 'previous day',
    });
    expect(severityOf(change.value)).toBe('critical');
    expect(titleOf(change)).toBe('PostHog: Signups inf% (previous day)');
  });

  it('titles a fall from zero -inf', () => {
    const change = readMetricChange(
      formBody('The insight value (x) for previous week (-inf%) decreased more than lower threshold (10%)'),
    );
    expect(titleOf(change)).toBe('PostHog: Daily signups -inf% (previous week)');
  });

  it('answers a clear 400 when breaches cannot be read', () => {
    const attempt = () => readMetricChange(formBody('Alert is firing'));
    expect(attempt).toThrow(InvalidPayloadError);
    expect(attempt).toThrow(
      /^Field breaches holds no breach this service can read .*; send value explicitly$/,
    );
  });

  it('answers a 400 naming the expected fields when the body matches neither form', () => {
    expect(() => readMetricChange({ foo: 'bar' })).toThrow(
      'Missing required field: name (the metric name, or event.name); expected name and value (a custom body), or the body of a PostHog insight alert (insight_name or alert_name, and breaches)',
    );
  });
});
