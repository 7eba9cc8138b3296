/**
 * The one family of errors the function throws on purpose. Each carries the HTTP status it
 * answers with; `error-response` turns them into `{"error": message}`. Only errors below 500
 * expose their own message; a 5xx message is chosen here, never taken from an AWS error.
 * Each error's name is its class name (the bundle keeps names), so logs say which it was.
 */
export class HttpError extends Error {
  /** Why, for the delivery log only: never sent to the caller. */
  readonly detail: string | undefined;

  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    options?: HttpErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.detail = options?.detail;
  }
}

export interface HttpErrorOptions extends ErrorOptions {
  /** Why, for the delivery log only. */
  readonly detail?: string;
}

/** 400: the body is JSON but not a metric change we can read; the message names the field. */
export class InvalidPayloadError extends HttpError {
  constructor(message: string) {
    super(400, message);
  }
}

/** 401: the caller did not prove it knows the webhook secret. */
export class UnauthorizedError extends HttpError {
  constructor(message: string, options?: HttpErrorOptions) {
    super(401, message, {}, options);
  }
}

/** 422: an Idempotency-Key or webhook-id seen before, with a different body. */
export class KeyReusedError extends HttpError {
  constructor(message: string) {
    super(422, message);
  }
}

/** 500: the deployment is missing something it needs; the operator must fix it. */
export class ConfigurationError extends HttpError {
  constructor(message: string, options?: ErrorOptions) {
    super(500, message, {}, options);
  }
}

/** Seconds a sender should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 1;

/** The dependencies whose outages answer 503, as callers read them. */
export type Dependency = 'Secret store' | 'Storage';

/**
 * 503: a dependency (Secrets Manager, DynamoDB) failed in a way that a retry can fix;
 * nothing was written.
 */
export class DependencyUnavailableError extends HttpError {
  constructor(
    readonly dependency: Dependency,
    options?: HttpErrorOptions,
  ) {
    super(
      503,
      `${dependency} is temporarily unavailable; retry later`,
      { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      options,
    );
  }
}
