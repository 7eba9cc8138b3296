/**
 * The triage action (docs/architecture.md "Triage"): one operation moves an issue between Loop's
 * statuses and changes its priority, atomically, every index kept consistent (the listing keys
 * move with the status), conditional on the status the caller saw. Used by the read API and the
 * CLI alike.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { asStorageError } from '../aws/errors.ts';
import { ConflictError, NotFoundError } from '../core/errors.ts';
import { moveChange } from '../core/issue-changes.ts';
import type { Issue, Move } from '../core/loop-records.ts';
import { issueFromItem } from './items.ts';
import { keys } from './table-design.ts';
import { moveUpdate, type PlanSettings } from './write-plan.ts';

/** What a move did. */
export interface Moved {
  /** As written; as it was when it already had that status and priority (nothing written then). */
  readonly issue: Issue;
}

/** Moves issues in the table. */
export class IssueTriage {
  private readonly settings: Pick<PlanSettings, 'tableName'>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.settings = { tableName };
  }

  /**
   * Applies a move. NotFoundError when the issue does not exist; ConflictError when its status is
   * not `fromStatus`, or its status or priority changes between the read and the write (nothing is written then).
   */
  async move(issueId: string, move: Move): Promise<Moved> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.settings.tableName,
          Key: keys.issue(issueId),
          ConsistentRead: true,
        }),
      );
      if (Item?.entity !== 'issue') throw new NotFoundError(`No issue "${issueId}"`);
      const before = issueFromItem(Item);
      if (move.status !== undefined && move.fromStatus !== before.status) {
        throw new ConflictError(
          `Issue #${before.number} is ${before.status}, not ${move.fromStatus}: it changed since you saw it`,
        );
      }
      const status = move.status ?? before.status;
      const priority = move.priority ?? before.priority;
      if (status === before.status && priority === before.priority) return { issue: before };
      const after: Issue = { ...before, status, priority, updatedAt: this.now().toISOString() };
      const change = moveChange(before, after, randomUUID(), this.now());
      let written: Issue;
      try {
        const { Attributes } = await this.client.send(
          new UpdateCommand(moveUpdate(before, after, change, this.settings)),
        );
        // As stored: a firing that joined meanwhile (its count, its time) shows.
        written = Attributes ? issueFromItem(Attributes) : after;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') {
          throw new ConflictError(`Issue #${before.number} changed while it was being moved; read it again`);
        }
        throw error;
      }
      return { issue: written };
    } catch (error) {
      throw asStorageError(error);
    }
  }
}
