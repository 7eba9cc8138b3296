/**
 * When an issue's alert fired, as a small inline SVG: one mark per firing along a line from its
 * first firing to now, so a burst, a steady drip and a single spike look different at a glance.
 * Built with the escaping template (html.ts); it holds numbers and dates only.
 */
import { type Html, html } from './html.ts';

const WIDTH = 160;
const HEIGHT = 24;
const PAD = 5;
/** The shortest span drawn: firings within a few minutes still spread out. */
const MIN_SPAN_MS = 15 * 60 * 1000;

/** The chart of these firing times (ISO 8601), up to `now`; an empty line when none. */
export function firingChart(firedAt: readonly string[], now: Date): Html {
  const times = firedAt
    .map((time) => Date.parse(time))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const end = Math.max(now.getTime(), times.at(-1) ?? 0);
  const start = Math.min(times[0] ?? end, end - MIN_SPAN_MS);
  const x = (time: number) => (PAD + ((time - start) / (end - start)) * (WIDTH - 2 * PAD)).toFixed(1);
  const label =
    times.length === 0
      ? 'Never fired'
      : `${times.length} firing${times.length === 1 ? '' : 's'}, from ${new Date(times[0] ?? 0).toISOString()} to ${new Date(times.at(-1) ?? 0).toISOString()}`;
  return html`<svg class="chart" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${label}"><title>${label}</title><line x1="${PAD}" y1="${HEIGHT / 2}" x2="${WIDTH - PAD}" y2="${HEIGHT / 2}" stroke="#9aa5b1" stroke-width="1"/>${times.map((time) => html`<circle class="firing" cx="${x(time)}" cy="${HEIGHT / 2}" r="3.5" fill="#d13212" fill-opacity="0.75"/>`)}</svg>`;
}
