import type { MetricChange } from './posthog-delivery.ts';

/**
 * The triage issue's title: `PostHog: <name> <value>% (<timeframe>)`, the value in JavaScript's
 * shortest form (`inf` / `-inf` for PostHog's change from zero), line breaks folded to spaces so
 * the title stays one line.
 */
export function titleOf(change: Pick<MetricChange, 'name' | 'value' | 'timeframe'>): string {
  return `PostHog: ${oneLine(change.name)} ${valueText(change.value)}% (${oneLine(change.timeframe)})`;
}

function valueText(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}

function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}
