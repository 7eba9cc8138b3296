import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { HttpError } from '../errors.ts';
import { jsonResponse } from '../http-response.ts';

/**
 * The one error path: a thrown HttpError becomes `{"error": message}` with its status and
 * headers; anything else a generic 500 (no stack, no AWS text). delivery-log records both.
 */
export function errorResponse(): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const error = request.error;
      request.response =
        error instanceof HttpError
          ? jsonResponse(error.statusCode, JSON.stringify({ error: error.message }), error.headers)
          : jsonResponse(500, JSON.stringify({ error: 'Internal server error' }));
    },
  };
}
