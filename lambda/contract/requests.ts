/**
 * What the triage API accepts, read once for every caller: the API's query parameters and PATCH
 * body, and the CLI's `move` (which builds the same request from its arguments). Every failure is
 * an InvalidRequestError (400) whose message names the parameter and what it accepts.
 */
import { InvalidRequestError } from '../core/errors.ts';
import { type JsonObject, ownField } from '../core/json.ts';
import { ISSUE_STATUSES, type IssueStatus, issueStatusNamed, type Move } from '../core/loop-records.ts';
import { PRIORITIES, type Priority, priorityNamed } from '../core/severity.ts';

/** The most rows one page of a listing holds. */
export const MAX_PAGE_SIZE = 100;
/** Rows per page when the caller does not say. */
export const DEFAULT_PAGE_SIZE = 20;

/** A page size (`limit`): a whole number from 1 to MAX_PAGE_SIZE; DEFAULT_PAGE_SIZE when absent. */
export function pageSizeOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PAGE_SIZE;
  const limit = Number(text);
  if (!/^\d{1,3}$/.test(text) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidRequestError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

/** The status `value` names; `field` says which parameter it came in. */
export function issueStatusOf(value: unknown, field = 'status'): IssueStatus {
  const known = issueStatusNamed(value);
  if (!known) throw new InvalidRequestError(`${field} must be one of ${ISSUE_STATUSES.join(', ')}`);
  return known;
}

/** The priority `value` names: a number, 1 to 4; `field` says which parameter it came in. */
export function priorityOf(value: unknown, field = 'priority'): Priority {
  const named = typeof value === 'number' ? priorityNamed(value) : undefined;
  if (!named) {
    throw new InvalidRequestError(
      `${field} must be ${PRIORITIES.slice(0, -1).join(', ')} or ${PRIORITIES.at(-1)}`,
    );
  }
  return named;
}

const MOVE_FIELDS = ['status', 'fromStatus', 'priority'] as const;

/**
 * A move, from the fields of a PATCH body (or the CLI's arguments): `status` with `fromStatus`
 * (the status the caller saw), and/or `priority` (a number, 1 to 4). Any other field is refused.
 */
export function moveOf(fields: JsonObject): Move {
  const unknown = Object.keys(fields).filter((key) => !(MOVE_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new InvalidRequestError(
      `Unknown field ${JSON.stringify(unknown[0]?.slice(0, 64))}: expected ${MOVE_FIELDS.join(', ')}`,
    );
  }
  const status = ownField(fields, 'status');
  const fromStatus = ownField(fields, 'fromStatus');
  const priority = ownField(fields, 'priority');
  if (status === undefined && priority === undefined) {
    throw new InvalidRequestError('Expected status (with fromStatus) or priority');
  }
  if (status !== undefined && fromStatus === undefined) {
    throw new InvalidRequestError('fromStatus (the status you saw) is required with status');
  }
  const named = typeof priority === 'number' ? priorityNamed(priority) : undefined;
  if (priority !== undefined && !named) {
    throw new InvalidRequestError(
      `priority must be ${PRIORITIES.slice(0, -1).join(', ')} or ${PRIORITIES.at(-1)}`,
    );
  }
  return {
    ...(status !== undefined
      ? { status: issueStatusOf(status, 'status'), fromStatus: issueStatusOf(fromStatus, 'fromStatus') }
      : {}),
    ...(named ? { priority: named as Priority } : {}),
  };
}
