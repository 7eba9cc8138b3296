/**
 * What agents and people do with issues (docs/http-contract.md "Read and triage API"), as one set of
 * operations: find work (listings, the dispatch queue), understand it (an issue with its signals,
 * a signal with its issue), claim it, leave notes, move it. The triage API routes to these; the
 * CLI calls them directly when it reads a table (and through the API otherwise); so answers are
 * the same whoever asks. Each answer is the `data` of an API answer, as JSON text in the shapes of
 * contract/shapes.ts (payloads spliced in as the text they arrived as).
 */

import {
  commentShape,
  issueDetailJson,
  issueJson,
  issueRow,
  signalJson,
  signalRow,
} from '../contract/shapes.ts';
import { NotFoundError } from '../core/errors.ts';
import type { CommentAuthor, IssueStatus, Move } from '../core/loop-records.ts';
import type { IssueTriage } from '../storage/issue-triage.ts';
import type { Page, SignalQueries } from '../storage/read-model.ts';

/** A page of rows as every listing answers it: its rows under `key`, and the cursor (null: the last page). */
function pageJson<Row>(key: string, page: Page<Row>, shape: (row: Row) => unknown): string {
  return JSON.stringify({ [key]: page.items.map(shape), cursor: page.cursor ?? null });
}

export class TriageService {
  constructor(
    private readonly queries: SignalQueries,
    private readonly triage: IssueTriage,
  ) {}

  /** `{"issues": [rows], "cursor"}`: issues of a status, by priority then age. */
  async issues(status: IssueStatus, limit: number, cursor?: string): Promise<string> {
    return pageJson('issues', await this.queries.issuesWithStatus(status, limit, cursor), issueRow);
  }

  /** `{"issue", "signals"}`: an issue (by number or id) with its signals, oldest first; NotFoundError. */
  async issue(reference: string): Promise<string> {
    const found = await this.queries.issueWithSignals(await this.issueIdOf(reference));
    if (!found) throw notFound(reference);
    return issueDetailJson(
      found.issue.record,
      found.issue.payloadText,
      found.signals.map(({ record, payloadText }) => ({ signal: record, payload: payloadText })),
    );
  }

  /** `{"issue"}`: the issue moved (409 when it changed since the caller saw it). */
  async move(reference: string, move: Move): Promise<string> {
    const { record, payloadText } = await this.triage.move(await this.issueIdOf(reference), move);
    return `{"issue":${issueJson(record, payloadText)}}`;
  }

  /** `{"signals": [rows], "cursor"}`: the newest signals, each with its issue as it stands. */
  async signals(limit: number, cursor?: string): Promise<string> {
    return pageJson('signals', await this.queries.newestSignals(limit, cursor), ({ signal, issue }) =>
      signalRow(signal, issue),
    );
  }

  /** `{"signal"}`: a signal by its id, with its issue as it stands; NotFoundError. */
  async signal(signalId: string): Promise<string> {
    const found = await this.queries.signal(signalId);
    if (!found) throw new NotFoundError(`No signal "${signalId.slice(0, 64)}"`);
    return `{"signal":${signalJson(found.signal.record, found.issue, found.signal.payloadText)}}`;
  }

  /** `{"comments": [...], "cursor"}`: an issue's notes, oldest first. */
  async comments(reference: string, limit: number, cursor?: string): Promise<string> {
    const issueId = await this.issueIdOf(reference);
    return pageJson('comments', await this.queries.comments(issueId, limit, cursor), commentShape);
  }

  /** `{"comment"}`: a note left on an issue. */
  async comment(reference: string, body: string, author: CommentAuthor): Promise<string> {
    const comment = await this.triage.comment(await this.issueIdOf(reference), body, author);
    return JSON.stringify({ comment: commentShape(comment) });
  }

  /**
   * `{"issue", "signals"}`: the most urgent `todo` issue, claimed for `agent` (now `in_progress`);
   * undefined when nothing waits.
   */
  async claim(agent: string): Promise<string | undefined> {
    const claimed = await this.triage.claimNext(agent);
    return claimed ? await this.issue(claimed.record.id) : undefined;
  }

  /** `{"issues": [rows], "cursor"}`: what a claim would take, in order, without claiming. */
  async queue(limit: number, cursor?: string): Promise<string> {
    return await this.issues('todo', limit, cursor);
  }

  private async issueIdOf(reference: string): Promise<string> {
    const issueId = await this.queries.issueIdOf(reference);
    if (!issueId) throw notFound(reference);
    return issueId;
  }
}

function notFound(reference: string): NotFoundError {
  return new NotFoundError(`No issue "${reference.slice(0, 64)}" (an issue number, or an issue id)`);
}
