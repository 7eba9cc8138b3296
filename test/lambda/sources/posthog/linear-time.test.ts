import fc from 'fast-check';
import { parsePercentText } from '../../../../lambda/core/decimal-text.ts';
import { StaticSecretSource } from '../../../../lambda/secret/webhook-secret-source.ts';
import { decidingBreach } from '../../../../lambda/sources/posthog/insight-alert.ts';
import { readPosthogDelivery } from '../../../../lambda/sources/posthog/posthog-delivery.ts';
import { lambdaContext, TEST_SECRET, webhookEvent } from '../../../support/events.ts';
import { captureOutputPerTest } from '../../../support/output.ts';
import { RecordingStore } from '../../../support/recording-store.ts';
import { webhookHandler } from '../../../support/webhook.ts';

/**
 * docs/http-contract.md: every check is linear in the body. A linear reader takes about a
 * millisecond for 128 KiB; a backtracking one takes seconds to minutes on the right input. One
 * second per input never flakes for the first and always catches the second.
 *
 * The inputs are searched for, not hand-picked: long runs of the characters a number or a
 * breach is made of (spaces, digits, `(`, `%`, `.`, …) and of breach phrases, concatenated. Runs of
 * white space inside `( number … )` are what made the earlier patterns quadratic; a fixed list of
 * hostile texts that never put them there passed.
 */
const BODY_LIMIT = 128 * 1024;
const BOUND_MS = 1_000;

const PIECES = [
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '1',
  '0',
  '.',
  '%',
  '(',
  ')',
  '-',
  '+',
  'e',
  'inf',
  ',',
  '(1',
  '(1 ',
  '( 1.5',
  ' %',
  ' %)',
  'for previous day ',
  'for current ',
  ' is more than upper threshold ',
  ' decreased more than lower threshold (',
  'The insight value (x) for previous day (',
  '(32.50%) decreased more than upper threshold (20.00',
  '1,234',
  '$',
  'SEK ',
  '1h 2',
  'ms',
  '∞',
  'for previous day decreased (',
  ' (threshold: above ',
  'Threshold breached: 312 logs in ',
];

/** One piece repeated a few times, or enough to fill most of the body. */
const run = fc.constantFrom(...PIECES).chain((piece) => {
  const most = Math.floor(BODY_LIMIT / piece.length);
  return fc
    .oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: most }), fc.constant(most))
    .map((times) => piece.repeat(times));
});

/** Up to 128 KiB of runs, concatenated. */
const hostileText = fc
  .array(run, { minLength: 1, maxLength: 8 })
  .map((runs) => runs.join('').slice(0, BODY_LIMIT - 100));

/** Value text starts the way a number does, then anything: where a number reader spends its effort. */
const hostileValueText = fc
  .tuple(fc.stringMatching(/^[+-]?\d{0,4}(\.\d{0,3})?$/), hostileText)
  .map(([number, rest]) => `${number}${rest}`.slice(0, BODY_LIMIT - 100));

function timed(action: () => unknown): number {
  const started = performance.now();
  try {
    action();
  } catch {
    // Refusing is fine; taking long is not.
  }
  return performance.now() - started;
}

describe('readers of request text run in linear time', () => {
  it('reads any 128 KiB breaches text within a second', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        expect(timed(() => decidingBreach(text))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 150 },
    );
  });

  it('reads any 128 KiB value text within a second', () => {
    fc.assert(
      fc.property(hostileValueText, (text) => {
        expect(timed(() => parsePercentText(text))).toBeLessThan(BOUND_MS);
        expect(timed(() => readPosthogDelivery({ name: 'm', value: text }))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 150 },
    );
  });

  it('reads any 128 KiB Alertmanager description or logs alert field within a second', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const alertmanager = {
          version: '4',
          alerts: [
            {
              status: 'firing',
              labels: { alertname: 'a' },
              annotations: { description: text, value: text.slice(0, 200) },
            },
          ],
        };
        expect(timed(() => readPosthogDelivery(alertmanager))).toBeLessThan(BOUND_MS);
        const logs = {
          type: 'logs_alert.firing',
          data: { alert_name: 'a', result_count: text, threshold_count: 1 },
        };
        expect(timed(() => readPosthogDelivery(logs))).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 80 },
    );
  });

  it('reads the reports that took 7 to 25 seconds, in well under a second', () => {
    const spaces = ' '.repeat(131_000);
    const texts = [
      `(1${spaces}x`,
      `The insight value (x) for previous day (1%) decreased more than upper threshold (1${spaces}x`,
    ];
    for (const text of texts) expect(timed(() => decidingBreach(text))).toBeLessThan(BOUND_MS);
    expect(timed(() => parsePercentText(`1${spaces}x`))).toBeLessThan(BOUND_MS);
  });
});

describe('the handler answers any hostile 128 KiB body within a second', () => {
  captureOutputPerTest(TEST_SECRET);
  const handler = webhookHandler({
    secrets: new StaticSecretSource(TEST_SECRET),
    store: new RecordingStore(),
  });

  const hostileBody = fc
    .tuple(hostileText, fc.constantFrom('breaches', 'value', 'name', 'timeframe'))
    .map(([text, field]) =>
      JSON.stringify({
        insight_name: 'Signups',
        ...(field === 'breaches' ? {} : { name: 'm', value: 1 }),
        [field]: text,
      }).slice(0, BODY_LIMIT),
    );

  it('as a 2xx or a clear 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, async (body) => {
        const started = performance.now();
        const result = await handler(webhookEvent({ body }), lambdaContext);
        expect(performance.now() - started).toBeLessThan(BOUND_MS);
        expect(result.statusCode).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });
});
