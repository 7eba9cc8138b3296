import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { DependencyUnavailableError, ServiceError } from '../core/errors.ts';

interface AwsErrorShape {
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  CancellationReasons?: ReadonlyArray<{ Code?: unknown }>;
}

// Cancellation reasons that say "busy", not "refused": a later attempt can succeed.
const CONTENTION_CODES = new Set(['ThrottlingError', 'TransactionConflict', 'ProvisionedThroughputExceeded']);

/**
 * True when an AWS SDK call failed in a way that a later retry can succeed: what the SDK's own
 * retry strategy counts as throttling, transient (timeouts, refused or reset connections, 500/502/
 * 503/504) or a server fault; plus a request that never got an answer, and DynamoDB transactions
 * cancelled only by contention. Anything else (access denied, missing resource, validation) is a
 * fault of the deployment or the request.
 */
export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError)) return true;
  if (neverAnswered(error)) return true;
  const candidate = error as AwsErrorShape;
  if (candidate.name === 'TransactionConflictException') return true;
  const reasons = candidate.CancellationReasons?.filter((reason) => reason.Code !== 'None') ?? [];
  return (
    reasons.length > 0 &&
    reasons.every((reason) => typeof reason.Code === 'string' && CONTENTION_CODES.has(reason.Code))
  );
}

/**
 * True when a request got no (complete) answer: the endpoint refused or reset the connection, or
 * did not answer within its deadline, or the caller's budget aborted it. (An SDK error without an
 * HTTP status never got one.)
 */
export function neverAnswered(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { $metadata, name, code } = error as AwsErrorShape & { code?: unknown };
  if ($metadata !== undefined && $metadata.httpStatusCode === undefined) return true;
  return (
    name === 'TimeoutError' ||
    name === 'DeadlineExceededError' ||
    name === 'AbortError' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT'
  );
}

// What an operator fixes: the resource is missing, or this function may not use it.
const MISCONFIGURATION_NAMES = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
]);

/**
 * True when a call failed because of the deployment, not the service: the table (or queue) is
 * missing, access is denied, or its KMS key refuses. A retry succeeds once the operator fixes it.
 */
function isMisconfiguration(error: unknown): boolean {
  const { name } = (error ?? {}) as { name?: unknown };
  return typeof name === 'string' && (MISCONFIGURATION_NAMES.has(name) || name.startsWith('KMS'));
}

/**
 * What callers see of a DynamoDB failure: an outage (a retry can succeed: the webhook queues the
 * delivery, the API answers 503), or a misconfiguration — the same, since the drain can keep
 * retrying for hours while the operator fixes it, and alarmed — or anything else, as it is.
 */
export function asStorageError(error: unknown): Error {
  if (error instanceof ServiceError) return error;
  if (isTransientAwsError(error)) return new DependencyUnavailableError('Storage', { cause: error });
  if (isMisconfiguration(error)) {
    return new DependencyUnavailableError('Storage', {
      cause: error,
      misconfigured: true,
      detail: 'the signals table is missing, or this function may not use it',
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
