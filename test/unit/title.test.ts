import { titleOf } from '../../lambda/sources/posthog/title.ts';

describe('titleOf', () => {
  it('formats the example from the spec', () => {
    expect(titleOf({ name: 'page_load_time', value: 35, timeframe: 'last_7_days' })).toBe(
      'PostHog: page_load_time 35% (last_7_days)',
    );
  });

  it.each([
    [35, '35'],
    [35.0, '35'],
    [-12.5, '-12.5'],
    [0.75, '0.75'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e21, '1e+21'],
    [-0, '0'],
  ])('writes the value %p in its shortest form %s', (value, text) => {
    expect(titleOf({ name: 'm', value, timeframe: 't' })).toBe(`PostHog: m ${text}% (t)`);
  });

  it('folds line breaks in the name and timeframe into spaces', () => {
    expect(titleOf({ name: 'signups\r\nper\nday\rnow', value: 1, timeframe: 'last\nweek' })).toBe(
      'PostHog: signups per day now 1% (last week)',
    );
  });
});
