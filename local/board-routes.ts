/**
 * The triage board at `npm start`'s root (`GET /`), rendered by the same code as the stack's
 * dashboard widget (lambda/board/), with moves as plain HTML forms posted to `/board/move` — no
 * script, as in the console. The local API is open on 127.0.0.1, so a page on any other site
 * could post a form to it: the local server refuses a write a browser sends from another site
 * (local/http-server.ts), and each move must also carry the token of a page this server rendered
 * in this run. A strict Content-Security-Policy means that even a mistake in escaping could not
 * run a script.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { applyBoardMove, boardMoveOf, type Notice } from '../lambda/board/board-moves.ts';
import { boardIssues } from '../lambda/board/board-view.ts';
import { BOARD_MOVE_PATH, formControls } from '../lambda/board/move-controls.ts';
import { boardDocument, renderBoard } from '../lambda/board/render.ts';
import type { HttpHandler } from '../lambda/http/http-handler.ts';
import { rawBodyOf } from '../lambda/http/raw-body.ts';
import type { IssueTriage } from '../lambda/storage/issue-triage.ts';
import type { SignalQueries } from '../lambda/storage/read-model.ts';
import type { LocalRoute } from './http-server.ts';

/** Who a move from the local board is recorded as. */
const LOCAL_AUTHOR = { name: 'local board', type: 'human' } as const;
/** The largest form read: a reason is at most a few KB. */
const MAX_FORM_BYTES = 64 * 1024;

const HTML_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: with it a browser sends its form posts with "Origin: null".
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export interface LocalBoardParts {
  readonly queries: SignalQueries;
  readonly triage: IssueTriage;
  readonly now?: () => Date;
}

/** `GET /` and `POST /board/move`, for the local HTTP server. */
export function boardRoutes(parts: LocalBoardParts): LocalRoute[] {
  // A new token each run: pages of an earlier run (or of another site) cannot move anything.
  const token = randomBytes(24).toString('base64url');
  const page = async (status: number, notice?: Notice): Promise<APIGatewayProxyStructuredResultV2> => {
    const { issues, more } = await boardIssues(parts.queries);
    const now = parts.now?.() ?? new Date();
    const board = renderBoard({ issues, more, now, notice, moves: formControls(token) });
    return { statusCode: status, headers: HTML_HEADERS, body: boardDocument(board).markup };
  };

  const show: HttpHandler = async () => page(200);
  const move: HttpHandler = async (event) => {
    const form = formOf(event);
    if (!form) return page(413, { kind: 'refused', text: 'The form is too large. Nothing was moved.' });
    const refusal = tokenRefusal(form.token ?? '', token);
    if (refusal) return { statusCode: 403, headers: HTML_HEADERS, body: refusal };
    const read = boardMoveOf(form);
    if ('kind' in read) return page(400, read);
    const notice = await applyBoardMove(parts.triage, read, LOCAL_AUTHOR);
    return page(notice.kind === 'done' ? 200 : notice.kind === 'stale' ? 409 : 400, notice);
  };
  return [
    { method: 'GET', path: '/', functionName: 'board', handler: show },
    { method: 'POST', path: BOARD_MOVE_PATH, functionName: 'board-action', handler: move },
  ];
}

/**
 * Why a form post is refused, if it is: it carries no token of a page this server rendered in this
 * run. (A write a browser sends from another site never gets here: the local server refuses it.)
 */
function tokenRefusal(sentToken: string, token: string): string | undefined {
  const sent = Buffer.from(sentToken);
  const expected = Buffer.from(token);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    return 'Refused: this form is not from this board (reload the board and try again).';
  }
  return undefined;
}

/** The posted form's fields (an HTML form's urlencoded body), or undefined when it is too large. */
function formOf(event: APIGatewayProxyEventV2): Record<string, string> | undefined {
  const text = bodyText(event);
  if (text === undefined) return undefined;
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) if (!(name in form)) form[name] = value;
  return form;
}

function bodyText(event: APIGatewayProxyEventV2): string | undefined {
  const raw = rawBodyOf(event);
  return raw.length > MAX_FORM_BYTES ? undefined : raw.toString('utf8');
}
