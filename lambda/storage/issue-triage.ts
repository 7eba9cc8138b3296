/**
 * The triage actions (docs/architecture.md "Triage"): moving an issue between Loop's statuses and
 * changing its priority, claiming the most urgent `todo` issue, and leaving a note. Each is
 * atomic, keeps every index consistent (the listing keys move with the status) and is
 * conditional on what the caller saw, so a concurrent change answers 409, never a lost update.
 * Each publishes what it changed (core/issue-changes.ts). Used by the triage API and the CLI alike.
 */
import { randomUUID } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { asStorageError } from '../aws/errors.ts';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { commentChange, moveChanges } from '../core/issue-changes.ts';
import type { Comment, CommentAuthor, Issue, IssueStatus, Move } from '../core/loop-records.ts';
import { issueFromItem, type Stored } from './items.ts';
import { keys, TABLE_DESIGN } from './table-design.ts';
import { commentPut, moveWrite } from './write-plan.ts';

/** How many of the most urgent `todo` issues a claim tries before reading the queue again. */
const CLAIM_CANDIDATES = 10;
/** Rounds of reading the queue: each claim lost to a concurrent one costs one candidate. */
const CLAIM_ROUNDS = 5;
/** Statuses an issue waits in to be picked: moved back to one, it is no longer claimed. */
const UNCLAIMED_STATUSES: readonly IssueStatus[] = ['triage', 'backlog', 'todo'];

/** Moves, claims and notes issues in the table. */
export class IssueTriage {
  private readonly settings: { readonly tableName: string };

  constructor(
    private readonly client: DynamoDBDocumentClient,
    tableName: string,
    private readonly now: () => Date = () => new Date(),
    private readonly newId: () => string = randomUUID,
  ) {
    this.settings = { tableName };
  }

  /**
   * Applies a move: NotFoundError when the issue does not exist; ConflictError when its status
   * is not `fromStatus` (whenever one is given, with a status or a priority alone), or its status
   * or priority changes between the read and the write (nothing is written then). A reason is
   * written as a comment in the same transaction. Answers with the issue as it then is.
   */
  async move(issueId: string, move: Move): Promise<Stored<Issue>> {
    try {
      const stored = await this.issue(issueId);
      const before = stored.record;
      if (move.fromStatus !== undefined && move.fromStatus !== before.status) {
        throw new ConflictError(
          `Issue #${before.number} is ${before.status}, not ${move.fromStatus}: it changed since you saw it`,
        );
      }
      const at = this.now();
      const status = move.status ?? before.status;
      // Handed back to be picked again (todo or before): nobody holds it any more.
      const returned = status !== before.status && UNCLAIMED_STATUSES.includes(status);
      const after: Issue = {
        ...before,
        status,
        priority: move.priority ?? before.priority,
        ...(returned ? { claimedBy: null, claimedAt: null } : {}),
        updatedAt: at.toISOString(),
      };
      return await this.write(stored, after, move.reason, at);
    } catch (error) {
      throw asStorageError(error);
    }
  }

  /**
   * Claims the most urgent `todo` issue (priority, then oldest) for `agent`: it becomes
   * `in_progress`, with who claimed it and when. A Query of the `todo` listing, then a write
   * conditional on the issue still being `todo`: of concurrent claims, one gets each issue, and
   * the others try the next. Undefined when nothing waits.
   */
  async claimNext(agent: string): Promise<Stored<Issue> | undefined> {
    try {
      for (let round = 0; round < CLAIM_ROUNDS; round++) {
        const candidates = await this.todo();
        if (candidates.length === 0) return undefined;
        for (const issueId of candidates) {
          const claimed = await this.claim(issueId, agent);
          if (claimed) return claimed;
        }
      }
      throw new ConflictError('Every waiting issue was claimed by someone else meanwhile; ask again');
    } catch (error) {
      throw asStorageError(error);
    }
  }

  /** Leaves a note on an issue: NotFoundError when it does not exist. Publishes `Comment Added`. */
  async comment(issueId: string, body: string, author: CommentAuthor): Promise<Comment> {
    try {
      const issue = (await this.issue(issueId)).record;
      const comment = this.commentOn(issue, body, author);
      await this.client.send(
        new PutCommand(commentPut(comment, commentChange(issue, comment, this.newId()), this.settings)),
      );
      return comment;
    } catch (error) {
      throw asStorageError(error);
    }
  }

  /** One claim attempt: the issue if this agent got it, undefined if it is no longer `todo`. */
  private async claim(issueId: string, agent: string): Promise<Stored<Issue> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.settings.tableName, Key: keys.issue(issueId), ConsistentRead: true }),
    );
    if (Item?.entity !== 'issue') return undefined;
    const stored = issueFromItem(Item);
    const before = stored.record;
    if (before.status !== 'todo') return undefined;
    const at = this.now();
    const after: Issue = {
      ...before,
      status: 'in_progress',
      claimedBy: agent,
      claimedAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
    try {
      return await this.write(stored, after, undefined, at);
    } catch (error) {
      if (error instanceof ConflictError) return undefined;
      throw error;
    }
  }

  /** The ids of the most urgent `todo` issues, from the listing (eventually consistent: checked on write). */
  private async todo(): Promise<string[]> {
    const index = TABLE_DESIGN.indexes.listings;
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.settings.tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :todo',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':todo': keys.statusListing('todo') },
        Limit: CLAIM_CANDIDATES,
      }),
    );
    return Items.map((item) => String(item.id));
  }

  /** The issue, read strongly consistent; NotFoundError when there is none. */
  private async issue(issueId: string): Promise<Stored<Issue>> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.settings.tableName, Key: keys.issue(issueId), ConsistentRead: true }),
    );
    if (Item?.entity !== 'issue') throw new NotFoundError(`No issue "${issueId.slice(0, 64)}"`);
    return issueFromItem(Item);
  }

  /**
   * Writes what changed from `before` to `after`, conditional on `before`'s status and priority:
   * one UpdateItem (answered with the issue as written, a firing that joined meanwhile included),
   * or, for more than one change or with a reason, one transaction and a read of the result.
   * Nothing changed and no reason: nothing written.
   */
  private async write(
    stored: Stored<Issue>,
    after: Issue,
    reason: Move['reason'],
    at: Date,
  ): Promise<Stored<Issue>> {
    const before = stored.record;
    const changes = moveChanges(before, after, this.newId, at);
    const [first, ...more] = changes;
    const comment = reason ? this.commentOn(after, reason.body, reason.author) : undefined;
    if (!first) {
      if (!comment) return stored;
      await this.client.send(
        new PutCommand(commentPut(comment, commentChange(before, comment, this.newId()), this.settings)),
      );
      return stored;
    }
    const plan = moveWrite(
      before,
      after,
      [first, ...more],
      comment ? { comment, change: commentChange(after, comment, this.newId()) } : undefined,
      this.settings,
    );
    try {
      if ('update' in plan) {
        const { Attributes } = await this.client.send(new UpdateCommand(plan.update));
        // As stored: a firing that joined meanwhile (its count, its time) shows.
        return Attributes ? issueFromItem(Attributes) : { ...stored, record: after };
      }
      await this.client.send(new TransactWriteCommand(plan.transaction));
    } catch (error) {
      const name = (error as Error).name;
      const refused =
        name === 'ConditionalCheckFailedException' ||
        (name === 'TransactionCanceledException' &&
          ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).some(
            (reason) => reason.Code === 'ConditionalCheckFailed',
          ));
      if (refused) {
        throw new ConflictError(`Issue #${before.number} changed while it was being moved; read it again`);
      }
      throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.settings.tableName, Key: keys.issue(after.id), ConsistentRead: true }),
    );
    return Item ? issueFromItem(Item) : { ...stored, record: after };
  }

  private commentOn(issue: Issue, body: string, author: CommentAuthor): Comment {
    return {
      id: this.newId(),
      issueId: issue.id,
      body,
      author: { name: author.name, type: author.type },
      createdAt: this.now().toISOString(),
    };
  }
}
