/**
 * The errors the service throws on purpose. None knows about HTTP: the HTTP edge maps each to a
 * status (lambda/http/http-errors.ts), the drain to a batch outcome. Each error's name is its class
 * name (the bundle keeps names), so logs say which it was.
 */

export interface ServiceErrorOptions extends ErrorOptions {
  /** Why, for the log only: never sent to the caller. */
  readonly detail?: string;
}

/** Base of every error thrown on purpose. */
export class ServiceError extends Error {
  /** Why, for the log only: never sent to the caller. */
  readonly detail: string | undefined;

  constructor(message: string, options?: ServiceErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.detail = options?.detail;
  }
}

/**
 * The request can never succeed as sent: retrying it unchanged cannot help. Its message is
 * written for the caller.
 */
export class RefusedError extends ServiceError {}

/** The caller did not prove it knows the webhook secret. */
export class UnauthorizedError extends RefusedError {}

/** The body is not a delivery this service can read; the message names the field. */
export class InvalidPayloadError extends RefusedError {}

/** A request (not a delivery) with a parameter that cannot be used; the message names it. */
export class InvalidRequestError extends RefusedError {}

/** What a request names does not exist. */
export class NotFoundError extends RefusedError {}

/** A change made against a state that has changed since the caller saw it. */
export class ConflictError extends RefusedError {}

/** An Idempotency-Key or webhook-id seen before, with a different body. */
export class KeyReusedError extends RefusedError {}

/** A repeat of an earlier delivery whose records no longer exist. */
export class ReplayGoneError extends RefusedError {}

/** The deployment is missing something it needs; the operator must fix it. */
export class ConfigurationError extends ServiceError {}

/** The dependencies whose outages answer 503, as callers read them. */
export type Dependency = 'Secret store' | 'Storage';

/**
 * A dependency (Secrets Manager, DynamoDB) failed in a way that a retry can fix; nothing was
 * written. `misconfigured`: an operator's mistake (the table missing, access denied) rather than
 * an outage — a retry succeeds once it is fixed, and it is alarmed on its own.
 */
export class DependencyUnavailableError extends ServiceError {
  readonly misconfigured: boolean;

  constructor(
    readonly dependency: Dependency,
    options?: ServiceErrorOptions & { readonly misconfigured?: boolean },
  ) {
    super(`${dependency} is temporarily unavailable; retry later`, options);
    this.misconfigured = options?.misconfigured ?? false;
  }
}
