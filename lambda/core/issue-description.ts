/**
 * An issue's description (docs/http-contract.md "Issues"): Markdown, at most 4 KB, telling whoever
 * picks the issue up what fired — the alert and what it watches, the reading in words (value,
 * the threshold crossed and on which side, the period, the direction), when it first and last
 * fired and how often — and where to look in PostHog. Built from what the source read, never
 * from the payload itself; every text from outside is escaped (markdown.ts), so a hostile name
 * reads as itself.
 */
import type { JsonObject, JsonValue } from './json.ts';
import { LINK_KINDS, type LinkKind, type Links } from './links.ts';
import { escapeMarkdown } from './markdown.ts';

/** The most a description holds, in bytes of UTF-8. */
export const MAX_DESCRIPTION_BYTES = 4_096;

/** What of the issue the description tells. */
export interface DescribedIssue {
  readonly firings: number;
  readonly firstFiredAt: string | null;
  readonly lastFiredAt: string | null;
  readonly resolvedAt: string | null;
  readonly createdAt: string;
}

const SOURCES: Readonly<Record<string, string>> = {
  metric_change: 'PostHog alert',
  logs_alert: 'PostHog logs alert',
  platform_alert: 'PostHog alert (alert platform)',
};
const LINK_LABELS: Readonly<Record<LinkKind, string>> = { insight: 'Insight', alert: 'Alert', logs: 'Logs' };

/**
 * The description of `issue`, from the reading of its alert's latest firing (or of the signal
 * that opened it) and its links. Lines that would take it past MAX_DESCRIPTION_BYTES are left out
 * (the breach text, then links: `links` holds them all anyway); what still does not fit is cut.
 */
export function issueDescription(
  issue: DescribedIssue,
  reading: JsonObject,
  signalType: string,
  links: Links,
): string {
  const text = (key: string) => textOf(reading[key]);
  const alertName = text('alertName') ?? text('name');
  const insightName = text('insightName');
  const alertId = text('alertId');
  const what = [
    '### What fired',
    `- ${SOURCES[signalType] ?? 'Alert'}: ${quoted(alertName ?? 'unnamed')}${alertId ? ` (id ${escapeMarkdown(alertId)})` : ''}`,
    ...(insightName && insightName !== alertName ? [`- Insight: ${quoted(insightName)}`] : []),
    ...(reading.kind === 'errored'
      ? [
          `- The alert could not be evaluated${text('error') ? `: ${escapeMarkdown(text('error') ?? '')}` : ''}`,
        ]
      : []),
  ];
  const measured = readingLines(reading);
  // After a label, never at the start of a line: no text can open a heading or a list.
  const breach = text('breach') ?? text('summary');
  const history = [
    '### History',
    `- ${firedLine(issue)}`,
    ...(issue.resolvedAt ? [`- Resolved at ${issue.resolvedAt}: the alert no longer fires`] : []),
  ];
  // The URL is normalised (links.ts): no space, quote or angle bracket can end the destination.
  const linkLines = LINK_KINDS.flatMap((kind) => {
    const url = links[kind];
    return url ? [`- [${LINK_LABELS[kind]}](<${url}>)`] : [];
  });

  const compose = (withBreach: boolean, withLinks: boolean) =>
    [
      what.join('\n'),
      ...(measured.length > 0 || (withBreach && breach)
        ? [
            [
              '### The reading',
              ...measured,
              ...(withBreach && breach ? [`- As PostHog wrote it: ${escapeMarkdown(breach)}`] : []),
            ].join('\n'),
          ]
        : []),
      history.join('\n'),
      ...(withLinks && linkLines.length > 0 ? [['### Links', ...linkLines].join('\n')] : []),
    ].join('\n\n');
  // Lines that do not fit are left out, the breach text first (it repeats the reading), then links.
  for (const [withBreach, withLinks] of [
    [true, true],
    [false, true],
    [false, false],
  ] as const) {
    const description = compose(withBreach, withLinks);
    if (Buffer.byteLength(description) <= MAX_DESCRIPTION_BYTES) return description;
  }
  return fitted(compose(false, false));
}

/** The reading in words: value and direction, the threshold crossed and its side, the period. */
function readingLines(reading: JsonObject): string[] {
  const lines: string[] = [];
  const value = readingValue(reading);
  const direction = reading.direction === 'up' ? 'up' : reading.direction === 'down' ? 'down' : undefined;
  if (value !== undefined) {
    const how =
      reading.condition === 'is'
        ? 'level'
        : direction === 'up'
          ? 'a rise'
          : direction === 'down'
            ? 'a fall'
            : undefined;
    lines.push(`- Value: ${escapeMarkdown(value)}${how ? ` (${how})` : ''}`);
  }
  const threshold = textOf(reading.thresholdText) ?? textOf(reading.threshold);
  if (threshold !== undefined) {
    const side =
      reading.side === 'above'
        ? 'above the upper'
        : reading.side === 'below'
          ? 'below the lower'
          : 'past the';
    lines.push(`- Threshold crossed: ${side} threshold of ${escapeMarkdown(threshold)}`);
  }
  const period = textOf(reading.period);
  if (period !== undefined) lines.push(`- Period: ${escapeMarkdown(period)}`);
  return lines;
}

/** The value as PostHog printed it, else as read (a percentage with its sign, or a number). */
function readingValue(reading: JsonObject): string | undefined {
  const printed = textOf(reading.valueText);
  if (printed !== undefined) return printed;
  const value = reading.value;
  if (typeof value === 'number') return reading.unit === 'percent' ? `${value}%` : String(value);
  return textOf(value);
}

function firedLine({ firings, firstFiredAt, lastFiredAt }: DescribedIssue): string {
  if (firings === 0 || !lastFiredAt) return 'Not fired yet (opened by an error of the alert)';
  const times = firings === 1 ? 'once' : `${firings} times`;
  if (firings === 1 || firstFiredAt === lastFiredAt) return `Fired ${times}, at ${lastFiredAt}`;
  return `Fired ${times}: first at ${firstFiredAt ?? 'unknown'}, last at ${lastFiredAt}`;
}

function textOf(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function quoted(text: string): string {
  return `“${escapeMarkdown(text)}”`;
}

/** At most MAX_DESCRIPTION_BYTES: cut after a whole character, never inside an escape, marked `…`. */
function fitted(description: string): string {
  if (Buffer.byteLength(description) <= MAX_DESCRIPTION_BYTES) return description;
  const room = MAX_DESCRIPTION_BYTES - Buffer.byteLength('…');
  let bytes = 0;
  let cut = '';
  for (const character of description) {
    bytes += Buffer.byteLength(character);
    if (bytes > room) break;
    cut += character;
  }
  while (cut.endsWith('\\')) cut = cut.slice(0, -1);
  return `${cut}…`;
}
