import type { MetricChange } from './metric-change.ts';

/**
 * The triage issue's title: `PostHog: <name> <value>% (<timeframe>)`, the value in JavaScript's
 * shortest form, line breaks folded to spaces so the title stays one line.
 */
export function titleOf(change: Pick<MetricChange, 'name' | 'value' | 'timeframe'>): string {
  return `PostHog: ${oneLine(change.name)} ${String(change.value)}% (${oneLine(change.timeframe)})`;
}

function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
}
