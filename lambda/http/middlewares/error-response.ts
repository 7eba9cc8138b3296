import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { answerFor } from '../http-errors.ts';
import { jsonResponse } from '../http-response.ts';

/**
 * The one error path: any thrown error becomes `{"error": message}` with the status and headers
 * `answerFor` gives it (a generic 500 for anything unexpected: no stack, no AWS text).
 * delivery-log records both.
 */
export function errorResponse(): MiddlewareObj<unknown, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const { statusCode, message, headers } = answerFor(request.error);
      request.response = jsonResponse(statusCode, JSON.stringify({ error: message }), headers);
    },
  };
}
