import { ServiceError } from '../core/errors.ts';

/**
 * What a log line says of a failure: our own messages only, and the names of causes (AWS error
 * texts can echo request data). An unexpected error (a bug) also gets its stack frames, without
 * its message line, which could quote the payload (JSON.parse and TypeError messages do).
 */
export function errorDetails(error: Error | null): Record<string, string> {
  if (!error) return {};
  const causeName = nameOf(error.cause);
  const expected = error instanceof ServiceError || isAwsError(error);
  return {
    error: error.name,
    ...(error instanceof ServiceError ? { reason: error.message } : {}),
    ...(error instanceof ServiceError && error.detail ? { detail: error.detail } : {}),
    ...(causeName ? { cause: causeName } : {}),
    ...(expected ? {} : { stack: stackFrames(error) }),
  };
}

/** A failure's network code (`ECONNREFUSED`) or else its name (`ThrottlingException`); never its text. */
export function nameOf(failure: unknown): string | undefined {
  const { name, code } = (failure ?? {}) as { name?: unknown; code?: unknown };
  return typeof code === 'string' ? code : typeof name === 'string' ? name : undefined;
}

/** An AWS SDK service or network failure: it carries the SDK's response metadata. */
function isAwsError(error: Error): boolean {
  return '$metadata' in error;
}

function stackFrames(error: Error): string {
  return (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .map((line) => line.trim())
    .join('\n');
}
