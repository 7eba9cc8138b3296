const TRANSIENT_ERROR_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'InternalServerError',
  'InternalFailure',
  'InternalServiceError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

const TRANSIENT_CANCELLATION_CODES = new Set([
  'ThrottlingError',
  'TransactionConflict',
  'ProvisionedThroughputExceeded',
]);

interface AwsErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  CancellationReasons?: ReadonlyArray<{ Code?: unknown }>;
}

/**
 * True when an AWS SDK call failed in a way that a later retry can succeed: throttling,
 * timeouts, refused or reset connections, server-side faults, transaction conflicts.
 * Anything else (access denied, missing resource, validation) is a fault of the deployment.
 */
export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as AwsErrorShape;
  if (typeof candidate.name === 'string' && TRANSIENT_ERROR_NAMES.has(candidate.name)) return true;
  if (typeof candidate.code === 'string' && NETWORK_ERROR_CODES.has(candidate.code)) return true;
  if (candidate.$fault === 'server') return true;
  // An SDK error without an HTTP status never got an answer: refused, reset or timed out.
  if (candidate.$metadata !== undefined && candidate.$metadata.httpStatusCode === undefined) return true;
  const status = candidate.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  // A transaction cancelled only by throttling or conflicts (no failed condition) is worth retrying.
  const reasons = candidate.CancellationReasons?.filter((reason) => reason.Code !== 'None') ?? [];
  return (
    reasons.length > 0 &&
    reasons.every(
      (reason) => typeof reason.Code === 'string' && TRANSIENT_CANCELLATION_CODES.has(reason.Code),
    )
  );
}

/** Settings shared by every AWS client: fail fast enough to answer inside PostHog's 3 s timeout. */
export const FAST_FAIL_CLIENT_CONFIG = {
  // Two attempts: one retry absorbs a blip; more would push a 503 past PostHog's deadline.
  maxAttempts: 2,
  // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes.
  requestHandler: { connectionTimeout: 500, requestTimeout: 800, throwOnRequestTimeout: true },
} as const;
