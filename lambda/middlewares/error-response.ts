import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '../errors.ts';
import { jsonResponse } from '../http-response.ts';

/**
 * The one error path: a thrown HttpError becomes `{"error": message}` with its status and
 * headers; anything else is logged and answered with a generic 500 (no stack, no AWS text).
 */
export function errorResponse(): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof HttpError) {
        if (error.statusCode >= 500) logFailure(error);
        request.response = jsonResponse(
          error.statusCode,
          JSON.stringify({ error: error.message }),
          error.headers,
        );
        return;
      }
      logFailure(error);
      request.response = jsonResponse(500, JSON.stringify({ error: 'Internal server error' }));
    },
  };
}

// Names and our own messages only: AWS error texts can echo request data.
function logFailure(error: Error | null): void {
  const cause = error?.cause instanceof Error ? error.cause : undefined;
  console.error(
    JSON.stringify({
      level: 'ERROR',
      message: 'delivery failed',
      error: error?.name,
      detail: error instanceof HttpError ? error.message : undefined,
      cause: cause?.name ?? (cause as { code?: string } | undefined)?.code,
    }),
  );
}
