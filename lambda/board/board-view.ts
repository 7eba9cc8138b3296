/**
 * What the triage board shows: the open issues (triage, backlog, todo, in progress), most urgent
 * first (priority, then oldest), each with its description, its links and when its alert fired.
 * Read with the listings' index Queries (one per status) and one Query per issue shown (its item
 * and its signals share a partition); never a scan.
 */
import type { Issue, IssueStatus } from '../core/loop-records.ts';
import type { SignalQueries } from '../storage/read-model.ts';

/** The statuses the board shows: every open one, in the order work moves through them. */
export const BOARD_STATUSES = [
  'triage',
  'backlog',
  'todo',
  'in_progress',
] as const satisfies readonly IssueStatus[];
/** The most issues the board shows. */
export const BOARD_LIMIT = 50;

/** An issue on the board: the issue, and when its alert fired (each firing's arrival, oldest first). */
export interface BoardIssue {
  readonly issue: Issue;
  readonly firedAt: readonly string[];
}

/** The board's issues, and whether more are open than it shows. */
export interface BoardIssues {
  readonly issues: readonly BoardIssue[];
  readonly more: boolean;
}

export async function boardIssues(queries: SignalQueries, limit = BOARD_LIMIT): Promise<BoardIssues> {
  const pages = await Promise.all(BOARD_STATUSES.map((status) => queries.issuesWithStatus(status, limit)));
  const rows = pages
    .flatMap((page) => page.items)
    .sort((a, b) => a.priority - b.priority || compare(a.createdAt, b.createdAt) || compare(a.id, b.id));
  const shown = rows.slice(0, limit);
  const found = await Promise.all(shown.map((row) => queries.issueWithSignals(row.id)));
  const issues = found.flatMap((detail) =>
    detail
      ? [
          {
            issue: detail.issue.record,
            firedAt: detail.signals
              .filter(({ record }) => record.kind === 'firing')
              .map(({ record }) => record.createdAt),
          },
        ]
      : [],
  );
  return { issues, more: rows.length > limit || pages.some((page) => page.cursor !== undefined) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
