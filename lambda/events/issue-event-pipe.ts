/**
 * How a change stored on an item becomes an EventBridge event (docs/architecture.md "Events"):
 * the table's stream → an EventBridge Pipe that keeps only records carrying a change (the filter)
 * and reshapes them (the input template; the detail type from the change) → the stack's event bus.
 * The stack (infra/constructs/issue-events.ts) deploys these very values; the local run and the
 * tests apply them with `eventOf`, to the stream records DynamoDB Local gives, so what they print
 * is what the pipe would publish.
 */
import { CHANGE_FIELDS } from '../core/issue-changes.ts';

/** The events' `source`. */
export const EVENT_SOURCE = 'loop.posthog-signals';

const CHANGE_PATH = '$.dynamodb.NewImage.change.M';

/** The pipe's filter: inserts and modifications whose new image carries a change. */
export const STREAM_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { NewImage: { change: { M: { detailType: { S: [{ exists: true }] } } } } },
} as const;

/** The pipe's dynamic detail type: the change's own. */
export const DETAIL_TYPE_PATH = `${CHANGE_PATH}.detailType.S`;

/**
 * The pipe's input template: the change's fields as the event detail. Every value is quoted
 * text (Pipes puts text into quoted placeholders; the stream holds numbers as text too).
 */
export const INPUT_TEMPLATE = `{${CHANGE_FIELDS.filter((field) => field !== 'detailType')
  .map((field) => `"${field}": "<${CHANGE_PATH}.${field}.S>"`)
  .join(', ')}}`;

/** An event as the pipe publishes it. */
export interface PipeEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

/**
 * What the pipe makes of one stream record (as the stream delivers it: `eventName`, `dynamodb`
 * with `NewImage` / `OldImage` in DynamoDB's typed JSON): undefined when the filter drops it.
 */
export function eventOf(record: unknown): PipeEvent | undefined {
  if (!matches(record, STREAM_FILTER)) return undefined;
  const detailType = valueAt(record, DETAIL_TYPE_PATH);
  if (typeof detailType !== 'string') return undefined;
  const rendered = INPUT_TEMPLATE.replace(/<(\$[.\w]+)>/g, (_, path: string) => {
    const value = valueAt(record, path);
    // Inside quotes: the text, escaped as JSON escapes it.
    return JSON.stringify(typeof value === 'string' ? value : '').slice(1, -1);
  });
  return { source: EVENT_SOURCE, detailType, detail: JSON.parse(rendered) as Record<string, unknown> };
}

/** The subset of EventBridge's pattern language the filter uses: lists of values, and `exists`. */
function matches(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((candidate) =>
      typeof candidate === 'object' && candidate !== null && 'exists' in candidate
        ? (value !== undefined) === (candidate as { exists: boolean }).exists
        : value === candidate,
    );
  }
  if (typeof pattern !== 'object' || pattern === null) return false;
  if (typeof value !== 'object' || value === null) {
    // An absent field matches only patterns that ask for its absence.
    return Object.values(pattern).every((inner) => matches(undefined, inner));
  }
  return Object.entries(pattern).every(([key, inner]) =>
    matches(Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined, inner),
  );
}

function valueAt(record: unknown, path: string): unknown {
  let at: unknown = record;
  for (const step of path.slice(2).split('.')) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, step)) return undefined;
    at = (at as Record<string, unknown>)[step];
  }
  return at;
}
