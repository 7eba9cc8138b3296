/**
 * What the CLI and its MCP server read and do — from a table (the triage service, as the API
 * runs it) or through a deployed stack's API (signed) — with the same answers either way: the
 * API's `data`, in the shapes of lambda/contract/shapes.ts. Refusals come back as the service's
 * own errors (NotFoundError, ConflictError, InvalidRequestError), whichever backend said them.
 */

import { pathOf, ROUTES } from '../lambda/contract/routes.ts';
import type { IssueRowSource, IssueSummarySource, SignalRowSource } from '../lambda/contract/shapes.ts';
import { ConflictError, InvalidRequestError, NotFoundError } from '../lambda/core/errors.ts';
import type { CommentAuthor, Issue, IssueStatus, Signal } from '../lambda/core/loop-records.ts';
import type { TriageService } from '../lambda/triage/triage-service.ts';
import { ApiRequestError, type SignedApiClient } from './signed-api-client.ts';

/**
 * An issue as every answer gives it (lambda/contract/shapes.ts ISSUE_FIELDS): a listing row, and
 * in a whole issue its type, description and payload too.
 */
export type IssueJson = IssueRowSource & Partial<Pick<Issue, 'type' | 'description' | 'signalPayload'>>;

/** A signal as every answer gives it (SIGNAL_FIELDS): a listing row, and in a whole signal what it read and its payload. */
export type SignalJson = Omit<SignalRowSource, 'test'> & {
  readonly test: boolean;
  readonly issue: IssueSummarySource | null;
} & Partial<Pick<Signal, 'reading' | 'payload'>>;

export interface CommentJson {
  readonly id: string;
  readonly issueId: string;
  readonly body: string;
  readonly author: CommentAuthor;
  readonly createdAt: string;
}

/** One page of a listing: its rows, and the cursor to the next (null: the last page). */
export interface PageJson<Row> {
  readonly rows: Row[];
  readonly cursor: string | null;
}

/** An issue with its signals (oldest first). */
export interface IssueDetailJson {
  readonly issue: IssueJson;
  readonly signals: SignalJson[];
}

/** A move as the API takes it (PATCH /api/issues/{issue}). */
export interface MoveRequest {
  readonly status?: IssueStatus;
  readonly fromStatus?: IssueStatus;
  readonly priority?: number;
  readonly reason?: { readonly body: string; readonly author: CommentAuthor };
}

export interface Backend {
  /** Where the data is, for messages. */
  readonly where: string;
  issues(status: IssueStatus, limit: number, cursor?: string): Promise<PageJson<IssueJson>>;
  issue(reference: string): Promise<IssueDetailJson>;
  move(reference: string, move: MoveRequest): Promise<IssueJson>;
  comments(reference: string, limit: number, cursor?: string): Promise<PageJson<CommentJson>>;
  comment(reference: string, body: string, author: CommentAuthor): Promise<CommentJson>;
  signals(limit: number, cursor?: string): Promise<PageJson<SignalJson>>;
  signal(signalId: string): Promise<SignalJson>;
  /** The most urgent `todo` issue, claimed for `agent`; undefined when nothing waits. */
  claim(agent: string): Promise<IssueDetailJson | undefined>;
  queue(limit: number, cursor?: string): Promise<PageJson<IssueJson>>;
}

/** A table, through the triage service: exactly what the API would answer. */
export function tableBackend(service: TriageService, where: string): Backend {
  const data = async <T>(json: Promise<string>) => JSON.parse(await json) as T;
  return {
    where,
    issues: async (status, limit, cursor) =>
      page(await data(service.issues(status, limit, cursor)), 'issues'),
    issue: (reference) => data(service.issue(reference)),
    move: async (reference, move) =>
      (
        await data<{ issue: IssueJson }>(
          service.move(reference, move as Parameters<TriageService['move']>[1]),
        )
      ).issue,
    comments: async (reference, limit, cursor) =>
      page(await data(service.comments(reference, limit, cursor)), 'comments'),
    comment: async (reference, body, author) =>
      (await data<{ comment: CommentJson }>(service.comment(reference, body, author))).comment,
    signals: async (limit, cursor) => page(await data(service.signals(limit, cursor)), 'signals'),
    signal: async (signalId) => (await data<{ signal: SignalJson }>(service.signal(signalId))).signal,
    claim: async (agent) => {
      const claimed = await service.claim(agent);
      return claimed === undefined ? undefined : (JSON.parse(claimed) as IssueDetailJson);
    },
    queue: async (limit, cursor) => page(await data(service.queue(limit, cursor)), 'issues'),
  };
}

/** A deployed stack's API (its ApiBaseUrl output), each request signed with the caller's AWS identity. */
export function apiBackend(api: SignedApiClient): Backend {
  const call = async <T>(request: () => Promise<T | undefined>): Promise<T> => {
    try {
      return (await request()) as T;
    } catch (error) {
      throw refusalOf(error);
    }
  };
  const issuePath = (reference: string) => pathOf(ROUTES.getIssue, { issue: reference });
  const commentsPath = (reference: string) => pathOf(ROUTES.listComments, { issue: reference });
  const query = (limit: number, cursor?: string) => ({ limit: String(limit), cursor });
  return {
    where: api.where,
    issues: async (status, limit, cursor) =>
      page(await call(() => api.get(ROUTES.listIssues.path, { status, ...query(limit, cursor) })), 'issues'),
    issue: (reference) => call(() => api.get<IssueDetailJson>(issuePath(reference))),
    move: async (reference, move) =>
      (await call(() => api.send<{ issue: IssueJson }>('PATCH', issuePath(reference), move))).issue,
    comments: async (reference, limit, cursor) =>
      page(await call(() => api.get(commentsPath(reference), query(limit, cursor))), 'comments'),
    comment: async (reference, body, author) =>
      (
        await call(() =>
          api.send<{ comment: CommentJson }>('POST', commentsPath(reference), { body, author }),
        )
      ).comment,
    signals: async (limit, cursor) =>
      page(await call(() => api.get(ROUTES.listSignals.path, query(limit, cursor))), 'signals'),
    signal: async (signalId) =>
      (await call(() => api.get<{ signal: SignalJson }>(pathOf(ROUTES.getSignal, { signal: signalId }))))
        .signal,
    claim: async (agent) => {
      try {
        return await api.send<IssueDetailJson>('POST', ROUTES.claimNext.path, { agent });
      } catch (error) {
        throw refusalOf(error);
      }
    },
    queue: async (limit, cursor) =>
      page(await call(() => api.get(ROUTES.dispatchQueue.path, query(limit, cursor))), 'issues'),
  };
}

function page<Row>(data: unknown, key: string): PageJson<Row> {
  const answer = data as Record<string, unknown>;
  return { rows: (answer[key] ?? []) as Row[], cursor: (answer.cursor as string | null | undefined) ?? null };
}

/** An API refusal as the service's own error, so that both backends refuse alike. */
function refusalOf(error: unknown): unknown {
  if (!(error instanceof ApiRequestError)) return error;
  if (error.status === 404) return new NotFoundError(error.message);
  if (error.status === 409) return new ConflictError(error.message);
  if (error.status === 400) return new InvalidRequestError(error.message);
  return error;
}
