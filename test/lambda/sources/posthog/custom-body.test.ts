import { InvalidPayloadError } from '../../../../lambda/core/errors.ts';
import type { JsonObject } from '../../../../lambda/core/json.ts';
import { readPosthogDelivery } from '../../../../lambda/sources/posthog/posthog-delivery.ts';

/** The metric change a custom body reports, as the reading holds it. */
function readMetricChange(payload: JsonObject) {
  const [reading] = readPosthogDelivery(payload);
  return {
    name: reading.subject,
    value: reading.details.value,
    timeframe: reading.details.period,
    sourceId: reading.sourceId,
  };
}

const base = { name: 'page_load_time', value: 35, timeframe: 'last_7_days' };

function invalid(payload: JsonObject): InvalidPayloadError {
  try {
    readMetricChange(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    return error as InvalidPayloadError;
  }
  throw new Error('expected the payload to be rejected');
}

describe('readMetricChange: metric name', () => {
  it('reads name, value and timeframe from a custom body', () => {
    expect(readMetricChange(base)).toEqual({
      name: 'page_load_time',
      value: 35,
      timeframe: 'last_7_days',
      sourceId: null,
    });
  });

  it('prefers event.name when it is a non-empty string', () => {
    expect(readMetricChange({ ...base, event: { name: 'signups' } }).name).toBe('signups');
  });

  it.each([[''], ['   '], [42], [null]])('falls back to name when event.name is %p', (eventName) => {
    expect(readMetricChange({ ...base, event: { name: eventName } }).name).toBe('page_load_time');
  });

  it('trims the name', () => {
    expect(readMetricChange({ ...base, name: '  signups \n' }).name).toBe('signups');
  });

  it('accepts a name of exactly 256 characters, counting an emoji as one', () => {
    const name = `${'a'.repeat(255)}😀`;
    expect(readMetricChange({ ...base, name }).name).toBe(name);
  });

  it('rejects a name over 256 characters, naming the field', () => {
    expect(invalid({ ...base, name: 'a'.repeat(257) }).message).toMatch(/name.*256/);
  });

  it.each([
    [{ value: 35 }, /Missing required field: name/],
    [{ ...base, name: null }, /Missing required field: name/],
    [{ ...base, name: '   ' }, /name must not be empty/],
    [{ ...base, name: 7 }, /name must be a string/],
    [{ ...base, name: ['x'] }, /name must be a string/],
  ])('rejects %p', (payload, message) => {
    expect(invalid(payload as JsonObject).message).toMatch(message);
  });

  it('ignores an inherited property: a payload without name does not read Object.prototype', () => {
    expect(invalid(JSON.parse('{"value": 1, "__proto__": {"name": "x"}}')).message).toMatch(
      /Missing required field: name/,
    );
  });
});

describe('readMetricChange: value', () => {
  it.each([
    [35, 35],
    [-12.5, -12.5],
    [0, 0],
    ['35', 35],
    [' -12.5 % ', -12.5],
    ['12.5%', 12.5],
    ['+7', 7],
    ['.5', 0.5],
    ['1e2', 100],
    ['0.75', 0.75],
  ])('reads %p as %p', (value, expected) => {
    expect(readMetricChange({ ...base, value }).value).toBe(expected);
  });

  it.each([
    ['abc'],
    [''],
    ['%'],
    ['12%%'],
    ['1,5'],
    ['0x10'],
    ['Infinity'],
    ['NaN'],
    ['1e999'],
    [true],
    [{}],
    [[35]],
  ])('rejects %p, naming the field', (value) => {
    expect(invalid({ ...base, value: value as JsonObject[string] }).message).toMatch(
      /^Field value must be a finite number/,
    );
  });

  it('rejects a missing or null value, naming the field', () => {
    expect(invalid({ name: 'm' }).message).toMatch(/Missing required field: value/);
    expect(invalid({ name: 'm', value: null }).message).toMatch(/Missing required field: value/);
  });
});

describe('readMetricChange: timeframe', () => {
  it.each([[undefined], [null], [''], ['  ']])('uses "recent" when the timeframe is %p', (timeframe) => {
    const payload: JsonObject = { name: 'm', value: 1 };
    if (timeframe !== undefined) payload.timeframe = timeframe;
    expect(readMetricChange(payload).timeframe).toBe('recent');
  });

  it('accepts 128 characters and rejects 129', () => {
    expect(readMetricChange({ ...base, timeframe: 't'.repeat(128) }).timeframe).toHaveLength(128);
    expect(invalid({ ...base, timeframe: 't'.repeat(129) }).message).toMatch(/timeframe.*128/);
  });

  it('rejects a timeframe that is not a string', () => {
    expect(invalid({ ...base, timeframe: 7 }).message).toMatch(/Field timeframe must be a string/);
  });
});

describe('readMetricChange: sourceId', () => {
  it.each([
    [{ alert_id: 'alert-1' }, 'alert-1'],
    [{ event: { properties: { alert_id: 'alert-2' } } }, 'alert-2'],
    [{ event: { uuid: 'event-uuid' } }, 'event-uuid'],
    [{ id: 12 }, '12'],
    [{}, null],
  ])('finds the PostHog identifier in %p', (extra, sourceId) => {
    expect(readMetricChange({ ...base, ...extra }).sourceId).toBe(sourceId);
  });
});
