/**
 * The triage board's view (a CloudWatch dashboard custom widget, lambda/board/widget.ts): reads
 * the open issues and answers the board's HTML, its move buttons calling the action function.
 * It only reads: its role has no write on the table. One log line per showing.
 */
import {
  showBoard,
  unavailableBoard,
  type WidgetDependencies,
  type WidgetEvent,
} from '../../board/widget.ts';
import { answerFor } from '../../http/http-errors.ts';
import { logger } from '../../observability/instruments.ts';

export function createBoardHandler(
  dependencies: WidgetDependencies,
): (event: WidgetEvent) => Promise<string> {
  return async (event) => {
    const startedAt = performance.now();
    try {
      const board = await showBoard(event, dependencies);
      logger.info('board shown', { latencyMs: Math.round(performance.now() - startedAt) });
      return board;
    } catch (error) {
      const { statusCode, message } = answerFor(error);
      logger.error('board failed', { status: statusCode, error: error as Error });
      return unavailableBoard(statusCode === 500 ? 'an internal error (see the function log)' : message);
    }
  };
}
