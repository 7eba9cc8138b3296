/**
 * The triage board as a CloudWatch dashboard custom widget. The console invokes the board's view
 * function to show it, and its action function when a move button is confirmed — each with the
 * viewer's own credentials, so who may look and who may move are separate IAM permissions. Both
 * answer the board's HTML (the console shows what the action answers in place of the widget).
 */
import { ConfigurationError } from '../core/errors.ts';
import type { IssueTriage } from '../storage/issue-triage.ts';
import type { SignalQueries } from '../storage/read-model.ts';
import { applyBoardMove, boardMoveOf, type Notice } from './board-moves.ts';
import { boardIssues } from './board-view.ts';
import { html } from './html.ts';
import { reasonField, widgetControls } from './move-controls.ts';
import { renderBoard } from './render.ts';

/** What the console sends: the widget's parameters (or an action's), and its context. */
export interface WidgetEvent {
  /** Asked when the widget is added: what it is, in Markdown. */
  readonly describe?: boolean;
  readonly widgetContext?: {
    /** The values of the widget's fields, by name. */
    readonly forms?: { readonly all?: Readonly<Record<string, unknown>> };
  };
  readonly [parameter: string]: unknown;
}

/** What the board's functions read and write with. */
export interface WidgetDependencies {
  readonly queries: SignalQueries;
  /** The action function's ARN: what the move buttons call. */
  readonly actionEndpoint: string | undefined;
  readonly now?: () => Date;
}

/** Who a move from the console is recorded as (the console passes no identity to the function). */
export const WIDGET_AUTHOR = { name: 'CloudWatch dashboard', type: 'human' } as const;

export const WIDGET_DESCRIPTION = `## Loop triage board
The open issues of this stack's Loop table (triage, backlog, todo, in progress), most urgent first, with when each alert fired.
Issues in triage can be accepted (todo, backlog) or declined with a reason; each move asks for confirmation and is refused, with a message, if the issue moved since the board was shown.
Showing needs \`lambda:InvokeFunction\` on the board function; moving needs it on the board action function as well.`;

/** The view: the board as it stands (or what it is, when the console asks). */
export async function showBoard(
  event: WidgetEvent,
  dependencies: WidgetDependencies,
  notice?: Notice,
): Promise<string> {
  if (event.describe) return WIDGET_DESCRIPTION;
  const { queries, actionEndpoint, now = () => new Date() } = dependencies;
  if (!actionEndpoint) throw new ConfigurationError('BOARD_ACTION_FUNCTION_ARN not configured');
  const { issues, more } = await boardIssues(queries);
  return renderBoard({ issues, more, now: now(), notice, moves: widgetControls(actionEndpoint) }).markup;
}

/** The action: applies the move the button named, then shows the board with what became of it. */
export async function actOnBoard(
  event: WidgetEvent,
  dependencies: WidgetDependencies & { readonly triage: IssueTriage },
): Promise<{ readonly notice: Notice; readonly html: string }> {
  const issue = typeof event.issue === 'string' ? event.issue : '';
  const reason = event.widgetContext?.forms?.all?.[reasonField(issue)];
  const move = boardMoveOf({
    issue: event.issue,
    fromStatus: event.fromStatus,
    to: event.to,
    ...(typeof reason === 'string' && reason.trim() !== '' ? { reason } : {}),
  });
  const notice = 'kind' in move ? move : await applyBoardMove(dependencies.triage, move, WIDGET_AUTHOR);
  return { notice, html: await showBoard({}, dependencies, notice) };
}

/** What the widget shows when the board cannot be read: the reason, and that a refresh retries. */
export function unavailableBoard(reason: string): string {
  return html`<p class="loop-board notice notice-refused" role="status">The triage board cannot be shown right now: ${reason}. Refresh the dashboard to try again.</p>`
    .markup;
}
