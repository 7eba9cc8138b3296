import fc from 'fast-check';
import { readPrintedNumber } from '../../../../lambda/sources/posthog/printed-number.ts';

const INF = Number.POSITIVE_INFINITY;

/** [printed text, value, percent] for every form PostHog prints. */
const READABLE: readonly (readonly [string, number, boolean])[] = [
  // Percentage thresholds: f"{v:.2%}".
  ['32.50%', 32.5, true],
  ['-25.00%', -25, true],
  ['1250.00%', 1250, true],
  ['inf%', INF, true],
  ['-inf%', -INF, true],
  ['0.00%', 0, true],
  // Numeric axis.
  ['1,234', 1234, false],
  ['1,234.57', 1234.57, false],
  ['0.5', 0.5, false],
  ['-1,234.5', -1234.5, false],
  ['1,000,000', 1_000_000, false],
  ['5.00', 5, false],
  ['0', 0, false],
  // Raw Python floats (SQL alerts).
  ['5.0', 5, false],
  ['1234567.0', 1_234_567, false],
  ['1e+16', 1e16, false],
  ['0.30000000000000004', 0.30000000000000004, false],
  ['1.25e+06', 1.25e6, false],
  ['1e-05', 0.00001, false],
  ['1E5', 100_000, false],
  ['-1', -1, false],
  ['120.0', 120, false],
  ['50.0%', 50, true],
  // Currency.
  ['$803.77', 803.77, false],
  ['$1,000.00', 1000, false],
  ['$-1,234.50', -1234.5, false],
  ['-$5.00', -5, false],
  ['-€5.00', -5, false],
  ['€1,234.50', 1234.5, false],
  ['£5.00', 5, false],
  ['¥100.00', 100, false],
  ['CN¥100.00', 100, false],
  ['₹1,234.50', 1234.5, false],
  ['₩1,000.00', 1000, false],
  ['₽5.00', 5, false],
  ['R$12.00', 12, false],
  ['CA$12.00', 12, false],
  ['A$12.00', 12, false],
  ['NZ$12.00', 12, false],
  ['HK$12.00', 12, false],
  ['S$12.00', 12, false],
  ['MX$12.00', 12, false],
  ['₺12.00', 12, false],
  ['฿12.00', 12, false],
  ['₱12.00', 12, false],
  ['Rp1,000.00', 1000, false],
  ['₪12.00', 12, false],
  ['R12.00', 12, false],
  ['SEK 1,234.50', 1234.5, false],
  ['SEK -1,234.50', -1234.5, false],
  ['-SEK 1,234.50', -1234.5, false],
  ['CHF 10.00', 10, false],
  ['XYZ 1,234.50', 1234.5, false],
  // Durations, in seconds.
  ['1h 23m 20s', 5000, false],
  ['1h 20m', 4800, false],
  ['1h', 3600, false],
  ['1m', 60, false],
  ['1m 12s', 72, false],
  ['46s', 46, false],
  ['2.5s', 2.5, false],
  ['350ms', 0.35, false],
  ['0ms', 0, false],
  ['0s', 0, false],
  ['-1m 30s', -90, false],
  ['1d 3h', 97_200, false],
  ['1d', 86_400, false],
  ['60s', 60, false],
  // Compact ("short" axis).
  ['1.23K', 1230, false],
  ['1.23M', 1_230_000, false],
  ['2.5B', 2.5e9, false],
  ['999', 999, false],
  ['1M', 1e6, false],
  ['-1.23K', -1230, false],
  ['1T', 1e12, false],
  ['1P', 1e15, false],
  ['1E', 1e18, false],
  ['1Z', 1e21, false],
  ['1Y', 1e24, false],
  // Percentage axis.
  ['50%', 50, true],
  ['12.35%', 12.35, true],
  ['1,250%', 1250, true],
  ['-25%', -25, true],
  // Infinity.
  ['∞', INF, false],
  ['-∞', -INF, false],
  ['∞%', INF, true],
  ['~∞ reqs', INF, false],
  ['$-∞', -INF, false],
  ['inf', INF, false],
  ['-inf', -INF, false],
  // Custom axis prefix and postfix.
  ['~1,234 reqs', 1234, false],
  ['USD $94.02', 94.02, false],
  ['≈ 12.5 per user', 12.5, false],
  ['5min', 5, false],
  ['5Kb', 5, false],
];

const UNREADABLE = [
  '',
  '   ',
  'abc',
  '$',
  '-',
  '%',
  'NaN',
  'nan',
  'NaN%',
  'Infinity',
  '∞∞',
  '∞ 5',
  '12 34',
  '12 and 34',
  '1,2,3,,',
  '1,234,5',
  '--5',
  '+5',
  '- 5',
  '\u22125',
  '(5)',
  '5%%',
  '5.',
  '.5',
  '5,',
  '5-',
  'x1y2',
  '5 \u0665',
  '\uff15 5',
  '1e999',
  '1h 5',
  '1.5h',
  '1s 1m',
  '1m 1m',
  '1,000s',
  '1,000m',
  '1e3s',
  '5s%',
  '-$-5',
  '1'.repeat(65),
];

describe('readPrintedNumber', () => {
  it.each(READABLE)('reads %p as %p (percent: %p)', (text, value, percent) => {
    expect(readPrintedNumber(text)).toEqual({ value, percent, text });
  });

  it.each(UNREADABLE)('refuses %p', (text) => {
    expect(readPrintedNumber(text)).toBeUndefined();
  });

  it('ignores surrounding white space and reports the trimmed text', () => {
    expect(readPrintedNumber(' \t$1,000.00\n ')).toEqual({ value: 1000, percent: false, text: '$1,000.00' });
  });

  it('reads a negative zero as zero', () => {
    expect(Object.is(readPrintedNumber('-0.00%')?.value, 0)).toBe(true);
  });

  it('refuses text over 64 characters even when it is mostly white space', () => {
    expect(readPrintedNumber(`${' '.repeat(64)}5`)).toBeUndefined();
    expect(readPrintedNumber(`${' '.repeat(63)}5`)?.value).toBe(5);
  });

  it('never throws for a value that is not a string', () => {
    expect(readPrintedNumber(undefined as unknown as string)).toBeUndefined();
    expect(readPrintedNumber(5 as unknown as string)).toBeUndefined();
  });
});

/** Port of formatting.py's _human_friendly_number: `f"{v:,.2f}"`, trailing zeros trimmed to `minDecimals`. */
function humanFriendlyNumber(value: number, minDecimals = 0): string {
  const fixed = value.toFixed(2);
  const negative = fixed.startsWith('-');
  const [whole = '', fraction = ''] = (negative ? fixed.slice(1) : fixed).split('.');
  let trimmed = fraction;
  while (trimmed.length > minDecimals && trimmed.endsWith('0')) trimmed = trimmed.slice(0, -1);
  return `${negative ? '-' : ''}${groupThousands(whole)}${trimmed === '' ? '' : `.${trimmed}`}`;
}

function groupThousands(digits: string): string {
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return groups.join(',');
}

/** Port of formatting.py's _format_currency without a currency: "$" and two decimals, minus after the symbol. */
function formatCurrency(value: number): string {
  return `$${humanFriendlyNumber(value, 2)}`;
}

/** Port of formatting.py's _format_duration_seconds for whole, non-negative seconds. */
function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const rest = seconds % 60;
  const parts: readonly (readonly [number, string])[] =
    days > 0
      ? [
          [days, 'd'],
          [hours, 'h'],
        ]
      : [
          [hours, 'h'],
          [minutes, 'm'],
          [rest, 's'],
        ];
  return parts
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount}${unit}`)
    .join(' ');
}

/** Realistic metric values: finite, |v| < 1e12. */
const metricValue = fc.double({ min: -1e12, max: 1e12, minExcluded: true, maxExcluded: true, noNaN: true });

/** What the printed text stands for: the value rounded to two decimals. */
function roundedToCents(value: number): number {
  const rounded = Number(value.toFixed(2));
  return rounded === 0 ? 0 : rounded;
}

describe('readPrintedNumber reads back what PostHog prints', () => {
  it('reads numeric-axis values to within their printed rounding', () => {
    fc.assert(
      fc.property(metricValue, (value) => {
        const reading = readPrintedNumber(humanFriendlyNumber(value));
        expect(reading?.percent).toBe(false);
        expect(reading?.value).toBe(roundedToCents(value));
        expect(Math.abs((reading?.value ?? Number.NaN) - value)).toBeLessThanOrEqual(
          0.005 + Math.abs(value) * 1e-15,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('reads currency values, minus after the symbol, to within their printed rounding', () => {
    fc.assert(
      fc.property(metricValue, (value) => {
        const reading = readPrintedNumber(formatCurrency(value));
        expect(reading?.percent).toBe(false);
        expect(reading?.value).toBe(roundedToCents(value));
      }),
      { numRuns: 500 },
    );
  });

  it('reads durations exactly below a day, and to the hour from a day on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        const reading = readPrintedNumber(formatDuration(seconds));
        expect(reading?.percent).toBe(false);
        const value = reading?.value ?? Number.NaN;
        if (seconds < 86_400) {
          expect(value).toBe(seconds);
        } else {
          expect(seconds - value).toBeGreaterThanOrEqual(0);
          expect(seconds - value).toBeLessThan(3_600);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads the same value through any custom prefix and postfix without digits', () => {
    const prefix = fc.string({
      unit: fc.constantFrom('~', '$', '€', ' ', '≈', 'a', 'Z', 'é', '/', '*'),
      maxLength: 6,
    });
    const postfix = fc
      .string({ unit: fc.constantFrom('r', 'e', 'q', 's', ' ', '/', '-', 'µ', '.'), maxLength: 8 })
      .map((text) => ` ${text}`);
    fc.assert(
      fc.property(prefix, metricValue, postfix, (before, value, after) => {
        expect(readPrintedNumber(`${before}${humanFriendlyNumber(value)}${after}`)?.value).toBe(
          roundedToCents(value),
        );
      }),
      { numRuns: 300 },
    );
  });
});

/** The characters numbers, durations and breaches are made of, for inputs near the accepted forms. */
const PIECES = [
  '0',
  '1',
  '9',
  ',',
  '.',
  '-',
  '+',
  '%',
  ' ',
  'e',
  'E',
  'K',
  'M',
  'd',
  'h',
  'm',
  's',
  'ms',
  '$',
  '∞',
  'inf',
  '(',
  ')',
  'SEK ',
  '\u2212',
] as const;

const hostileText = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((pieces) => pieces.join('').slice(0, 64)),
);

describe('readPrintedNumber on hostile input', () => {
  it('never throws, and returns undefined or a number with its trimmed text', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const reading = readPrintedNumber(text);
        if (reading === undefined) return;
        expect(typeof reading.value).toBe('number');
        expect(Number.isNaN(reading.value)).toBe(false);
        expect(typeof reading.percent).toBe('boolean');
        expect(reading.text).toBe(text.trim());
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses 100,000 characters of number parts in well under 50 ms', () => {
    const text = '1,2 -%ms.9e∞'.repeat(10_000).slice(0, 100_000);
    const started = performance.now();
    expect(readPrintedNumber(text)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
  });

  it.each([
    ['a long grouped number', `1${',000'.repeat(15)}.00`],
    ['a long digit run', '9'.repeat(64)],
    ['a long prefix', `${'~'.repeat(63)}5`],
    ['a long postfix', `5${' reqs'.repeat(12)}abc`],
    ['a long duration', '1d 2h 3m 4s 5ms '.repeat(4)],
    ['a long mix', '1,2 -%ms.9e∞'.repeat(6).slice(0, 64)],
  ])('reads %s of 64 characters 10,000 times within a second', (_name, text) => {
    expect(text.length).toBeLessThanOrEqual(64);
    const started = performance.now();
    for (let run = 0; run < 10_000; run++) readPrintedNumber(text);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
