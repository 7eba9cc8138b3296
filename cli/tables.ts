/**
 * What the CLI prints for a person: tables that fit the terminal and the detail of one issue.
 * Every cell and line is escaped (lambda/core/visible-text.ts) before it is measured or joined, so
 * stored text can neither drive the terminal nor forge a row; widths are the columns a terminal
 * gives each character (string-width: East Asian wide characters take two), and a title too long
 * for the width is cut with `…`.
 */
import stringWidth from 'string-width';
import { escapeControls } from '../lambda/core/visible-text.ts';
import type { CommentJson, IssueDetailJson, IssueJson, SignalJson } from './backend.ts';

/** Columns between two cells. */
const GAP = '  ';
/** The narrowest a title is cut to, whatever the width. */
const MIN_TITLE = 12;
/** The narrowest an id is cut to (its first eight characters and `…`), once the title is as narrow as it goes. */
const MIN_ID = 9;

/** How long ago, shortly: `12s`, `5m`, `3h`, `2d`. */
function age(createdAt: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(createdAt)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/**
 * A table: one header line, one line per row. With `width`, the columns of `shrink` (the title,
 * then an id, each to its narrowest) are cut in turn until no line is wider.
 */
function table(
  headers: string[],
  cells: string[][],
  shrink: readonly (readonly [column: number, narrowest: number])[],
  width: number | undefined,
): string {
  // Escaped before measuring, so that the columns line up as printed.
  const rows = cells.map((row) => row.map(escapeControls));
  const widths = headers.map((header, column) =>
    Math.max(stringWidth(header), ...rows.map((row) => stringWidth(row[column] ?? ''))),
  );
  if (width !== undefined) {
    for (const [column, narrowest] of shrink) {
      const total = widths.reduce((sum, cell) => sum + cell, 0) + GAP.length * (headers.length - 1);
      const over = total - width;
      if (over <= 0) break;
      widths[column] = Math.max(narrowest, (widths[column] ?? 0) - over);
    }
  }
  const line = (row: string[]) =>
    row
      .map((cell, column) => pad(cut(cell, widths[column] ?? 0), widths[column] ?? 0))
      .join(GAP)
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `text` cut to at most `columns` columns, ending with `…` when cut. */
export function cut(text: string, columns: number): string {
  if (stringWidth(text) <= columns) return text;
  let kept = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter().segment(text)) {
    const next = stringWidth(segment);
    if (used + next > columns - 1) break;
    kept += segment;
    used += next;
  }
  return `${kept}…`;
}

function pad(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - stringWidth(text)));
}

/** A status, and `resolved` when its alert was resolved since it last fired. */
function stateOf(status: string, resolvedAt: string | null): string {
  return resolvedAt ? `${status} (resolved)` : status;
}

/** `list`: the newest signals, with their issue and its state. */
export function signalTable(rows: SignalJson[], now: Date, width?: number): string {
  if (rows.length === 0) return 'No signals yet.';
  return table(
    ['AGE', 'SEVERITY', 'KIND', 'ISSUE', 'STATUS', 'TITLE', 'SIGNAL'],
    rows.map((row) => [
      age(row.createdAt, now),
      row.severity,
      row.test ? 'test' : row.kind,
      row.issue ? `#${row.issue.number}` : '–',
      row.issue ? stateOf(row.issue.status, row.issue.resolvedAt) : row.test ? 'no issue (test)' : '',
      row.issue?.title ?? row.title,
      row.id,
    ]),
    [
      [5, MIN_TITLE],
      [6, MIN_ID],
    ],
    width,
  );
}

/** `triage`, `issues`, `queue`: issues of one status, by priority then age. */
export function issueTable(rows: IssueJson[], now: Date, empty: string, width?: number): string {
  if (rows.length === 0) return empty;
  const claimed = rows.some((row) => row.claimedBy);
  return table(
    ['PRIORITY', 'ISSUE', 'STATUS', 'FIRINGS', 'AGE', ...(claimed ? ['CLAIMED BY'] : []), 'TITLE'],
    rows.map((row) => [
      `P${row.priority}`,
      `#${row.number}`,
      stateOf(row.status, row.resolvedAt),
      String(row.firings),
      age(row.createdAt, now),
      ...(claimed ? [row.claimedBy ?? ''] : []),
      row.title,
    ]),
    [[claimed ? 6 : 5, MIN_TITLE]],
    width,
  );
}

/** A kept unreadable delivery, as `rejected` lists it. */
export interface UnreadableRow {
  readonly id: string;
  readonly receivedAt: string;
  readonly reason: string;
  readonly size: number;
}

/** `rejected`: the unreadable deliveries kept for replay, newest first. */
export function unreadableTable(rows: UnreadableRow[], now: Date, width?: number): string {
  if (rows.length === 0) return 'No unreadable deliveries kept.';
  return table(
    ['AGE', 'BYTES', 'ID', 'REASON'],
    rows.map((row) => [age(row.receivedAt, now), String(row.size), row.id, row.reason]),
    [
      [3, MIN_TITLE],
      [2, MIN_ID],
    ],
    width,
  );
}

/** `show`: an issue, what it says (its description), its notes and its signals, each payload as JSON. */
export function issueText({ issue, signals }: IssueDetailJson, comments: CommentJson[]): string {
  // A field's line is escaped whole, so a line break inside a stored field cannot start a line;
  // Markdown's and JSON's own line breaks are layout, so their lines are escaped one by one.
  const lines: string[] = [];
  const say = (line: string) => lines.push(escapeControls(line));
  const block = (text: string) => lines.push(...text.split('\n').map(escapeControls));
  say(`Issue #${issue.number}  ${issue.title}`);
  say(
    `  ${stateOf(issue.status, issue.resolvedAt)}  P${issue.priority}  fired ${issue.firings} time${issue.firings === 1 ? '' : 's'}  id ${issue.id}  created ${issue.createdAt}`,
  );
  if (issue.claimedBy) say(`  claimed by ${issue.claimedBy} at ${issue.claimedAt}`);
  if (issue.description) {
    lines.push('');
    block(issue.description);
  }
  if (comments.length > 0) lines.push('', 'Comments:');
  for (const comment of comments) {
    say(`  ${comment.createdAt}  ${comment.author.name} (${comment.author.type}):`);
    block(comment.body.replace(/^/gm, '    '));
  }
  for (const signal of signals) lines.push('', ...signalText(signal).split('\n'));
  return lines.join('\n');
}

/** `show <signal id>`: a signal on its own (and the issue it belongs to, if any). */
export function signalText(signal: SignalJson): string {
  const lines: string[] = [];
  const say = (line: string) => lines.push(escapeControls(line));
  const json = (value: unknown) => lines.push(...indentedJson(value).split('\n').map(escapeControls));
  say(`Signal ${signal.id}  ${signal.title}`);
  say(
    `  ${signal.test ? 'test ' : ''}${signal.kind}  ${signal.severity}  source ${signal.source}${signal.sourceId ? ` (${signal.sourceId})` : ''}  type ${signal.type}  created ${signal.createdAt}`,
  );
  say(
    signal.issue
      ? `  issue #${signal.issue.number} (${stateOf(signal.issue.status, signal.issue.resolvedAt)})`
      : signal.test
        ? '  a test delivery: no issue, kept out of triage'
        : '  on its own: a resolution that found no open issue',
  );
  if (signal.reading && Object.keys(signal.reading).length > 0) {
    lines.push('', 'Read as:');
    json(signal.reading);
  }
  if (signal.payload !== undefined) {
    lines.push('', 'Payload:');
    json(signal.payload);
  }
  return lines.join('\n');
}

/** `comments`: an issue's notes, oldest first. */
export function commentsText(comments: CommentJson[]): string {
  if (comments.length === 0) return 'No comments yet.';
  const lines: string[] = [];
  for (const comment of comments) {
    lines.push(escapeControls(`${comment.createdAt}  ${comment.author.name} (${comment.author.type}):`));
    lines.push(...comment.body.replace(/^/gm, '  ').split('\n').map(escapeControls));
  }
  return lines.join('\n');
}

/**
 * JSON for `--json`, indented; JSON never writes a raw line break inside a string, so its line
 * breaks are all layout. A value nested too deeply for JSON.stringify (a payload can be: it is
 * stored as sent) comes out compact, written without recursion.
 */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return compactJson(value);
  }
}

const indentedJson = prettyJson;

/** JSON.stringify's compact output, with an explicit stack instead of recursion. */
function compactJson(value: unknown): string {
  const out: string[] = [];
  // Each entry: a value to write, or text to write as is (a separator or a closing bracket).
  const stack: ({ value: unknown } | string)[] = [{ value }];
  while (stack.length > 0) {
    const next = stack.pop() as { value: unknown } | string;
    if (typeof next === 'string') {
      out.push(next);
      continue;
    }
    const current = next.value;
    if (Array.isArray(current)) {
      out.push('[');
      stack.push(']');
      for (let index = current.length - 1; index >= 0; index--) {
        stack.push({ value: current[index] === undefined ? null : current[index] });
        if (index > 0) stack.push(',');
      }
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current).filter(([, item]) => item !== undefined);
      out.push('{');
      stack.push('}');
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, item] = entries[index] as [string, unknown];
        stack.push({ value: item });
        stack.push(`${JSON.stringify(key)}:`);
        if (index > 0) stack.push(',');
      }
    } else {
      out.push(JSON.stringify(current) ?? 'null');
    }
  }
  return out.join('');
}
