/**
 * The triage board as HTML, one rendering for both places it is shown: the stack's CloudWatch
 * dashboard (a custom widget: no script runs there, moves are `cwdb-action` calls of the board's
 * action function, with the console's confirmation) and `npm start`'s root page (moves are plain
 * HTML forms). Only the move controls differ (MoveControls). Everything is built with the escaping
 * template (html.ts); links are only the issue's vetted `https:` links.
 */
import { LINK_KINDS } from '../core/links.ts';
import type { Issue } from '../core/loop-records.ts';
import { BOARD_MOVES, type BoardTarget, type Notice } from './board-moves.ts';
import type { BoardIssue } from './board-view.ts';
import { firingChart } from './firing-chart.ts';
import { type Html, html } from './html.ts';

/** How a row offers its moves: HTML forms (locally) or console actions (the widget). */
export interface MoveControls {
  controls(issue: Issue): Html;
}

export interface BoardPage {
  readonly issues: readonly BoardIssue[];
  /** More issues are open than the board shows. */
  readonly more: boolean;
  readonly now: Date;
  readonly notice?: Notice | undefined;
  readonly moves: MoveControls;
}

/** The moves offered on an issue: from triage only (accept, backlog, decline). */
export function movesOf(issue: Issue): readonly BoardTarget[] {
  return issue.status === 'triage' ? (Object.keys(BOARD_MOVES) as BoardTarget[]) : [];
}

const STYLE = html`<style>
.loop-board { font: 14px/1.4 system-ui, sans-serif; color: #16191f; }
.loop-board table { border-collapse: collapse; width: 100%; }
.loop-board th, .loop-board td { border-bottom: 1px solid #e9ebed; padding: 6px 8px; text-align: left; vertical-align: top; }
.loop-board th { font-weight: 600; color: #5f6b7a; white-space: nowrap; }
.loop-board .priority { font-weight: 700; }
.loop-board .p1 { color: #d13212; } .loop-board .p2 { color: #c2410c; } .loop-board .p3 { color: #8a6d00; } .loop-board .p4 { color: #5f6b7a; }
.loop-board .title { overflow-wrap: anywhere; max-width: 42em; }
.loop-board .links a { margin-right: 8px; }
.loop-board details pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; padding: 8px; max-width: 60em; }
.loop-board .notice { padding: 8px 12px; border-radius: 4px; margin: 0 0 12px; }
.loop-board .notice-done { background: #e9f7ec; } .loop-board .notice-stale, .loop-board .notice-refused { background: #fdf3e7; }
.loop-board form { display: inline; margin: 0 4px 4px 0; }
.loop-board .decline input { width: 12em; }
.loop-board .muted { color: #5f6b7a; }
.loop-board .firings { white-space: nowrap; } .loop-board .chart { vertical-align: middle; }
.loop-board a.btn { display: inline-block; border: 1px solid #879596; border-radius: 3px; padding: 1px 8px; margin: 0 4px 4px 0; cursor: pointer; color: #16191f; text-decoration: none; }
.loop-board a.btn-primary { background: #ec7211; border-color: #ec7211; color: #fff; }
cwdb-action { display: none; }
</style>`;

/** The board: a notice (after a move), then the open issues, most urgent first. */
export function renderBoard(page: BoardPage): Html {
  const { issues, more, now, notice, moves } = page;
  return html`<div class="loop-board">${STYLE}${
    notice ? html`<p class="notice notice-${notice.kind}" role="status">${notice.text}</p>` : ''
  }${
    issues.length === 0
      ? html`<p class="empty">Nothing is open: no issue waits in triage, backlog, todo or in progress.</p>`
      : html`<table>
<thead><tr><th>P</th><th>#</th><th>Title</th><th>Status</th><th>Firings</th><th>Last fired</th><th>Resolved</th><th>Moves</th></tr></thead>
<tbody>${issues.map((shown) => row(shown, now, moves))}</tbody>
</table>`
  }${
    more
      ? html`<p class="muted more">More issues are open than the ${issues.length} most urgent shown here: <code>npm run signals -- issues --status …</code> lists them all.</p>`
      : ''
  }</div>`;
}

function row({ issue, firedAt }: BoardIssue, now: Date, moves: MoveControls): Html {
  return html`<tr class="issue" data-number="${issue.number}">
<td class="priority p${issue.priority}">P${issue.priority}</td>
<td class="number">#${issue.number}</td>
<td><div class="title">${issue.title}</div>${links(issue)}<details><summary>Description</summary><pre>${issue.description}</pre></details></td>
<td class="status">${issue.status.replace('_', ' ')}${issue.claimedBy ? html`<div class="muted">by ${issue.claimedBy}</div>` : ''}</td>
<td class="firings"><span class="count">${issue.firings}</span> ${firingChart(firedAt, now)}</td>
<td>${when(issue.lastFiredAt, now)}</td>
<td>${issue.resolvedAt ? when(issue.resolvedAt, now) : html`<span class="muted">no</span>`}</td>
<td class="moves">${moves.controls(issue)}</td>
</tr>`;
}

/** The issue's links, each only if it is an `https:` URL (the links were vetted when stored). */
function links(issue: Issue): Html {
  const shown = LINK_KINDS.flatMap((kind) => {
    const url = issue.links[kind];
    return url?.startsWith('https://')
      ? [html`<a href="${url}" target="_blank" rel="noopener noreferrer">${kind}</a>`]
      : [];
  });
  return shown.length > 0 ? html`<div class="links">${shown}</div>` : html``;
}

/** A time as how long ago, with the exact time on hover. */
function when(time: string | null, now: Date): Html {
  if (!time) return html`<span class="muted">never</span>`;
  return html`<time datetime="${time}" title="${time}">${ago(Date.parse(time), now.getTime())}</time>`;
}

function ago(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** A whole page (the local board): the board in a document of its own. */
export function boardDocument(board: Html): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loop triage board</title></head>
<body style="margin: 24px"><h1 style="font: 600 20px system-ui, sans-serif">Loop triage board <span style="font-weight: 400; color: #5f6b7a">open issues, most urgent first</span></h1>
${board}</body></html>`;
}
