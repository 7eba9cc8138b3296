/**
 * How a board row offers its moves (render.ts MoveControls), in the two places the board is
 * shown. Locally: plain HTML forms posted to BOARD_MOVE_PATH, each carrying the page's token
 * (a page elsewhere cannot post to 127.0.0.1 without it). In the console: `cwdb-action` calls of
 * the board's action function, each behind the console's confirmation; the decline's reason is
 * a field of the widget, which the console passes in `widgetContext.forms.all`.
 */
import type { Issue } from '../core/loop-records.ts';
import { BOARD_MOVES, type BoardTarget } from './board-moves.ts';
import { Html, html } from './html.ts';
import { type MoveControls, movesOf } from './render.ts';

/** Where the local board's forms post. */
export const BOARD_MOVE_PATH = '/board/move';
/** The widget's field holding the reason to decline an issue, by its id. */
export const reasonField = (issueId: string) => `reason-${issueId}`;

const CONFIRMATIONS: Readonly<Record<BoardTarget, (number: number) => string>> = {
  todo: (number) => `Accept issue #${number} to todo?`,
  backlog: (number) => `Accept issue #${number} to the backlog?`,
  canceled: (number) => `Decline issue #${number} (canceled), with the reason given?`,
};

/** The local board's forms, each with the page's token. */
export function formControls(token: string): MoveControls {
  return {
    controls(issue: Issue): Html {
      const targets = movesOf(issue);
      if (targets.length === 0) return html``;
      const hidden = html`<input type="hidden" name="token" value="${token}"><input type="hidden" name="issue" value="${issue.id}"><input type="hidden" name="fromStatus" value="${issue.status}">`;
      const accepts = targets
        .filter((target) => target !== 'canceled')
        .map(
          (target) => html`<button type="submit" name="to" value="${target}">${BOARD_MOVES[target]}</button>`,
        );
      return html`<form method="post" action="${BOARD_MOVE_PATH}" class="accept">${hidden}${accepts}</form><form method="post" action="${BOARD_MOVE_PATH}" class="decline">${hidden}<input name="reason" required maxlength="2000" placeholder="Why decline?" aria-label="Why decline issue #${issue.number}?"><button type="submit" name="to" value="canceled">${BOARD_MOVES.canceled}</button></form>`;
    },
  };
}

/** The widget's console actions, calling the board's action function (`endpoint`, its ARN). */
export function widgetControls(endpoint: string): MoveControls {
  return {
    controls(issue: Issue): Html {
      return html`${movesOf(issue).map((target) => {
        const params = parameters({ issue: issue.id, fromStatus: issue.status, to: target });
        const reason =
          target === 'canceled'
            ? html`<input name="${reasonField(issue.id)}" maxlength="2000" placeholder="Why decline?" aria-label="Why decline issue #${issue.number}?">`
            : '';
        return html`${reason}<a class="btn${target === 'todo' ? ' btn-primary' : ''}">${BOARD_MOVES[target]}</a><cwdb-action action="call" endpoint="${endpoint}" confirmation="${CONFIRMATIONS[target](issue.number)}" display="widget">${params}</cwdb-action> `;
      })}`;
    },
  };
}

/**
 * A console action's JSON parameters, written raw (the console reads them as JSON): so only
 * values of ids and status words are allowed in, never stored text.
 */
function parameters(values: Readonly<Record<string, string>>): Html {
  for (const value of Object.values(values)) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(value))
      throw new Error('A console action parameter must be an id or a word');
  }
  return new Html(JSON.stringify(values));
}
