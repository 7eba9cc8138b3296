/**
 * The wording of a PostHog signal's issue title (docs/http-contract.md "Direction, severity, titles"): one line that
 * says what PostHog said, and no more — a percentage only where PostHog printed one, a plain
 * number with the threshold it crossed, a logs alert with its count and window.
 */
import { jsonNumber } from './fields.ts';
import type { Breach } from './insight-alert.ts';

/** The seed's title: `PostHog: <name> <value>% (<timeframe>)`, for a percentage change. */
export function changeTitle(name: string, percent: number, period: string): string {
  return `PostHog: ${oneLine(name)} ${jsonNumber(percent)}% (${oneLine(period)})`;
}

/**
 * An insight breach: a relative change as a percentage (`… -32.5% (previous day)`); a level with
 * the threshold it crossed (`… 120 (above 100, previous week)`); an absolute change with its
 * verb and threshold (`… -1,220 (fall more than 1,000, previous day)`). Numbers as printed.
 */
export function breachTitle(name: string, breach: Breach, period: string): string {
  if (breach.condition !== 'is' && breach.printed.percent && isPercentageThreshold(breach)) {
    return changeTitle(name, breach.value, period);
  }
  if (breach.condition === 'is') {
    return `PostHog: ${oneLine(name)} ${breach.printed.text} (${breach.side} ${breach.threshold.text}, ${oneLine(period)})`;
  }
  const signed = breach.condition === 'decreased' ? negated(breach.printed.text) : breach.printed.text;
  const verb = breach.condition === 'increased' ? 'rise' : 'fall';
  const comparison = breach.side === 'above' ? 'more' : 'less';
  return `PostHog: ${oneLine(name)} ${signed} (${verb} ${comparison} than ${breach.threshold.text}, ${oneLine(period)})`;
}

/**
 * True when the breach is a relative change against a percentage threshold: PostHog then prints
 * both with `%` (`{:.2%}`). A change printed with `%` by a percentage axis is an absolute change
 * of a rate, which PostHog prints the same way; both read as the change they are.
 */
export function isPercentageThreshold(breach: Breach): boolean {
  return breach.printed.percent && breach.threshold.percent;
}

/** A logs alert that fired: `PostHog: checkout errors 312 logs (above 300 in 5 min)`. */
export function logsAlertTitle(
  name: string,
  count: number,
  side: 'above' | 'below',
  threshold: number,
  windowMinutes: number,
): string {
  const noun = count === 1 ? 'log' : 'logs';
  return `PostHog: ${oneLine(name)} ${thousands(count)} ${noun} (${side} ${thousands(threshold)} in ${windowMinutes} min)`;
}

/** An alert whose check failed: `PostHog: alert "<name>" could not be checked: <reason>`. */
export function alertErrorTitle(name: string, turnedOff: boolean, reason: string | undefined): string {
  const what = turnedOff ? 'was turned off after repeated failed checks' : 'could not be checked';
  const why = reason ? `: ${oneLine(reason).slice(0, 200)}` : '';
  return `PostHog: alert "${oneLine(name)}" ${what}${why}`;
}

/** An Alertmanager alert (PostHog's alert platform): its value and threshold, or its summary. */
export function platformAlertTitle(
  name: string,
  value: string | undefined,
  threshold: { readonly side: string; readonly text: string; readonly window?: string } | undefined,
  summary: string | undefined,
): string {
  if (value !== undefined && threshold) {
    const window = threshold.window ? ` in ${threshold.window}` : '';
    return `PostHog: ${oneLine(name)} ${value} (${threshold.side} ${threshold.text}${window})`;
  }
  return `PostHog: ${oneLine(summary ?? name)}`;
}

function negated(printed: string): string {
  return printed.startsWith('-') ? printed.slice(1) : `-${printed}`;
}

/** `1,342` or `12.5`; past a quadrillion, JavaScript's shortest form (`1e+21`), so a title stays short. */
function thousands(value: number): string {
  if (Math.abs(value) >= 1e15) return String(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** Line breaks folded to spaces, so a title stays one line. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}
