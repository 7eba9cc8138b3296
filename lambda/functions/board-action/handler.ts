/**
 * The triage board's action function: what the widget's move buttons call (with the viewer's
 * credentials, after the console's confirmation). It applies the move — conditional on the
 * status the board showed — and answers the board again, with what became of the move on top.
 * It holds the board's only write grant. One log line per move.
 */
import type { Context } from 'aws-lambda';
import {
  actOnBoard,
  unavailableBoard,
  type WidgetDependencies,
  type WidgetEvent,
} from '../../board/widget.ts';
import { answerFor } from '../../http/http-errors.ts';
import { logger } from '../../observability/instruments.ts';
import type { IssueTriage } from '../../storage/issue-triage.ts';

export function createBoardActionHandler(
  dependencies: Omit<WidgetDependencies, 'actionEndpoint'> & { readonly triage: IssueTriage },
): (event: WidgetEvent, context: Pick<Context, 'invokedFunctionArn'>) => Promise<string> {
  return async (event, context) => {
    const startedAt = performance.now();
    try {
      // The board it answers calls this function again: by the ARN it was invoked by.
      const actionEndpoint = context.invokedFunctionArn;
      const { notice, html } = await actOnBoard(event, { ...dependencies, actionEndpoint });
      logger.info('board move', {
        outcome: notice.kind,
        to: typeof event.to === 'string' ? event.to.slice(0, 32) : undefined,
        latencyMs: Math.round(performance.now() - startedAt),
      });
      return html;
    } catch (error) {
      const { statusCode, message } = answerFor(error);
      logger.error('board move failed', { status: statusCode, error: error as Error });
      return unavailableBoard(statusCode === 500 ? 'an internal error (see the function log)' : message);
    }
  };
}
