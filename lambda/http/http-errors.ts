import {
  ConfigurationError,
  ConflictError,
  DependencyUnavailableError,
  InvalidPayloadError,
  InvalidRequestError,
  KeyReusedError,
  NotFoundError,
  RefusedError,
  ReplayGoneError,
  UnauthorizedError,
} from '../core/errors.ts';

/** Seconds a sender should wait before retrying after a 503. */
const RETRY_AFTER_SECONDS = 1;

/** A refusal that only the HTTP edge makes (413, 415), with its status. */
export class HttpError extends RefusedError {
  constructor(
    readonly statusCode: number,
    message: string,
    options?: ConstructorParameters<typeof RefusedError>[1],
  ) {
    super(message, options);
  }
}

/** What an error answers over HTTP. */
export interface ErrorAnswer {
  readonly statusCode: number;
  /** Sent to the caller as `{"error": message}`. */
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
}

// Each service error's status; the first class an error is an instance of decides.
const STATUS_BY_ERROR: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, number]> = [
  [InvalidPayloadError, 400],
  [InvalidRequestError, 400],
  [UnauthorizedError, 401],
  [NotFoundError, 404],
  [ReplayGoneError, 409],
  [ConflictError, 409],
  [KeyReusedError, 422],
  [ConfigurationError, 500],
  [DependencyUnavailableError, 503],
];

/**
 * The one mapping from errors to HTTP answers. Service errors carry messages written for the
 * caller; anything else (a bug, an unclassified AWS failure) is a generic 500 with no text of its
 * own, so no stack, AWS error text or secret can reach the caller.
 */
export function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof HttpError)
    return { statusCode: error.statusCode, message: error.message, headers: {} };
  for (const [type, statusCode] of STATUS_BY_ERROR) {
    if (error instanceof type) {
      const headers: Record<string, string> =
        statusCode === 503 ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {};
      return { statusCode, message: (error as Error).message, headers };
    }
  }
  return { statusCode: 500, message: 'Internal server error', headers: {} };
}
