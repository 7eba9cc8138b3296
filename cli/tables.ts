/**
 * What the CLI prints, as text for a terminal: tables and the detail of one issue. Every cell and
 * line is escaped (terminal-text.ts) before it is measured or joined, so stored text can neither
 * drive the terminal nor forge a row.
 */
import { detailJson } from '../lambda/http/http-response.ts';
import type {
  IssueDetail,
  IssueRow,
  SignalRow,
  StoredIssueDetail,
  UnreadableRow,
} from '../lambda/storage/read-model.ts';
import { escapeControls } from '../local/terminal-text.ts';

/** How long ago, shortly: `12s`, `5m`, `3h`, `2d`. */
function age(createdAt: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(createdAt)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

function table(headers: string[], cells: string[][]): string {
  // Escaped before measuring, so that the columns line up as printed.
  const rows = cells.map((row) => row.map(escapeControls));
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `list`: the newest signals, with their issue and its state. */
export function signalTable(rows: SignalRow[], now: Date): string {
  if (rows.length === 0) return 'No signals yet.';
  return table(
    ['AGE', 'SEVERITY', 'KIND', 'ISSUE', 'STATUS', 'TITLE', 'SIGNAL'],
    rows.map((row) => [
      age(row.createdAt, now),
      row.severity,
      row.kind,
      row.issueId === null ? '–' : row.issueNumber === undefined ? '?' : `#${row.issueNumber}`,
      row.status === undefined ? '' : stateOf(row.status, row.resolvedAt),
      row.title ?? '',
      row.signalId,
    ]),
  );
}

/** `triage` (and `list --status`): issues of one status, by priority then age. */
export function issueTable(rows: IssueRow[], now: Date, empty: string): string {
  if (rows.length === 0) return empty;
  return table(
    ['PRIORITY', 'ISSUE', 'STATUS', 'FIRINGS', 'AGE', 'TITLE'],
    rows.map((row) => [
      `P${row.priority}`,
      `#${row.number}`,
      stateOf(row.status, row.resolvedAt),
      String(row.firings),
      age(row.createdAt, now),
      row.title,
    ]),
  );
}

/** `rejected`: the unreadable deliveries kept for replay. */
export function unreadableTable(rows: UnreadableRow[], now: Date): string {
  if (rows.length === 0) return 'No unreadable deliveries kept.';
  return table(
    ['AGE', 'BYTES', 'ID', 'REASON'],
    rows.map((row) => [age(row.receivedAt, now), String(row.size), row.id, row.reason]),
  );
}

/** A status, and `resolved` when the alert was resolved since its last firing. */
function stateOf(status: string, resolvedAt: string | null): string {
  return resolvedAt ? `${status} (resolved)` : status;
}

/** `show`: an issue and its signals (or a signal on its own), each payload as JSON. */
export function detailText({ issue, signals }: IssueDetail): string {
  // A field's line is escaped whole, so a line break inside a stored field cannot start a line;
  // JSON's own line breaks are layout (it escapes those inside strings), so its lines are escaped one by one.
  const lines: string[] = [];
  const say = (line: string) => lines.push(escapeControls(line));
  const json = (value: unknown) => lines.push(...indentedJson(value).split('\n').map(escapeControls));
  if (issue) {
    say(`Issue #${issue.number}  ${issue.title}`);
    say(
      `  id ${issue.id}  status ${issue.status}  priority P${issue.priority}  firings ${issue.firings}  created ${issue.createdAt}`,
    );
    if (issue.lastFiredAt) say(`  last fired ${issue.lastFiredAt}`);
    if (issue.resolvedAt) say(`  resolved ${issue.resolvedAt}`);
  } else {
    say('A signal on its own: a resolution that found no open issue.');
  }
  for (const signal of signals) {
    lines.push('');
    say(`Signal ${signal.id}`);
    say(
      `  ${signal.kind}  ${signal.severity}  source ${signal.source}${signal.sourceId ? ` (${signal.sourceId})` : ''}  type ${signal.type}  created ${signal.createdAt}`,
    );
    if (Object.keys(signal.reading).length > 0) {
      lines.push('', 'Read as:');
      json(signal.reading);
    }
    lines.push('', 'Payload:');
    json(signal.payload);
  }
  return lines.join('\n');
}

/**
 * `show --json`: the issue and its signals, indented; a payload nested too deeply to serialise
 * again comes out compact, spliced in as stored (what the read API answers).
 */
export function detailJsonText(detail: IssueDetail | StoredIssueDetail): string {
  const { payloadJson: _payloadJson, ...shown } = detail as StoredIssueDetail;
  try {
    return prettyJson(shown);
  } catch (error) {
    if ('payloadJson' in detail) return detailJson(detail);
    throw error;
  }
}

/** JSON never writes a raw line break inside a string, so its line breaks are all layout. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function indentedJson(value: unknown): string {
  try {
    return prettyJson(value);
  } catch {
    return '(nested too deeply to print; read it from the table)';
  }
}
