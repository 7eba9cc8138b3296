/**
 * The moves the triage board offers on an issue in triage: accept it to `todo` or `backlog`, or
 * decline it to `canceled` with a reason (kept as a comment, in the move's own write). Every move
 * is conditional on the status the board showed: when the issue moved meanwhile, nothing is
 * written and the board says so — a stale board never loses an update.
 */
import { z } from 'zod';
import { MAX_COMMENT_BYTES } from '../contract/requests.ts';
import { ConflictError, InvalidRequestError, NotFoundError } from '../core/errors.ts';
import type { CommentAuthor } from '../core/loop-records.ts';
import type { IssueTriage } from '../storage/issue-triage.ts';

/** Where the board moves an issue, by the word on its button. */
export const BOARD_MOVES = { todo: 'Accept', backlog: 'Backlog', canceled: 'Decline' } as const;
export type BoardTarget = keyof typeof BOARD_MOVES;

/** A move as the board sends it: which issue, the status it showed, where to, and why (a decline). */
export const BOARD_MOVE = z.object({
  issue: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'issue must be an issue id' }),
  // The board moves issues out of triage only: a move from any other status is not one it offers.
  fromStatus: z.literal('triage', { error: 'The board moves issues in triage only' }),
  to: z.enum(Object.keys(BOARD_MOVES) as [BoardTarget, ...BoardTarget[]], {
    error: 'to must be todo, backlog or canceled',
  }),
  reason: z
    .string()
    .trim()
    .refine((text) => Buffer.byteLength(text) <= MAX_COMMENT_BYTES, {
      error: `The reason must be at most ${MAX_COMMENT_BYTES} bytes`,
    })
    .optional(),
});
export type BoardMove = z.output<typeof BOARD_MOVE>;

/** What the board says above its rows after a move: done, stale (it moved meanwhile), or refused. */
export interface Notice {
  readonly kind: 'done' | 'stale' | 'refused';
  readonly text: string;
}

/** Reads a move from what the board sent; a notice saying what is wrong when it cannot. */
export function boardMoveOf(input: unknown): BoardMove | Notice {
  const read = BOARD_MOVE.safeParse(input);
  if (!read.success) return { kind: 'refused', text: read.error.issues[0]?.message ?? 'Not a move' };
  if (read.data.to === 'canceled' && !read.data.reason) {
    return {
      kind: 'refused',
      text: 'Say why you decline it: the reason is kept as a comment. Nothing was moved.',
    };
  }
  return read.data;
}

/** Applies a board move, by `author`; what to tell the person who made it. */
export async function applyBoardMove(
  triage: IssueTriage,
  move: BoardMove,
  author: CommentAuthor,
): Promise<Notice> {
  try {
    const { record } = await triage.move(move.issue, {
      status: move.to,
      fromStatus: move.fromStatus,
      ...(move.reason ? { reason: { body: move.reason, author } } : {}),
    });
    const word =
      move.to === 'canceled'
        ? 'declined (canceled); the reason is kept as a comment'
        : `accepted to ${move.to}`;
    return { kind: 'done', text: `Issue #${record.number} ${word}.` };
  } catch (error) {
    if (error instanceof ConflictError) {
      return { kind: 'stale', text: `${error.message}. Nothing was moved; the board below is current.` };
    }
    if (error instanceof NotFoundError || error instanceof InvalidRequestError) {
      return { kind: 'refused', text: `${error.message}. Nothing was moved.` };
    }
    throw error;
  }
}
