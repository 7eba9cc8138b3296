import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConfigurationError,
  DependencyUnavailableError,
  InvalidPayloadError,
  KeyReusedError,
  ReplayGoneError,
  UnauthorizedError,
} from '../../../../lambda/core/errors.ts';
import { HttpError } from '../../../../lambda/http/http-errors.ts';
import { errorResponse } from '../../../../lambda/http/middlewares/error-response.ts';
import { lambdaContext, TEST_SECRET } from '../../../support/events.ts';

describe('errorResponse', () => {
  const failWith = (error: Error) =>
    middy<unknown, APIGatewayProxyStructuredResultV2>(() => {
      throw error;
    }).use(errorResponse());

  it('answers an outage with 503, Retry-After and its message as {error}', async () => {
    const result = await failWith(new DependencyUnavailableError('Storage'))({}, lambdaContext);
    expect(result).toEqual({
      statusCode: 503,
      headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
      body: '{"error":"Storage is temporarily unavailable; retry later"}',
    });
  });

  it.each([
    [new InvalidPayloadError('Field value must be a number'), 400],
    [new UnauthorizedError('Invalid webhook secret'), 401],
    [new ReplayGoneError('gone'), 409],
    [new HttpError(413, 'too large'), 413],
    [new HttpError(415, 'not JSON'), 415],
    [new KeyReusedError('reused'), 422],
    [new ConfigurationError('POSTHOG_WEBHOOK_SECRET not configured'), 500],
  ])('maps %p to status %i with its own message', async (error, status) => {
    const result = await failWith(error)({}, lambdaContext);
    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body ?? '')).toEqual({ error: error.message });
  });

  it('answers anything else with a generic 500 that says nothing of it', async () => {
    const result = await failWith(new Error(`internals ${TEST_SECRET}`))({}, lambdaContext);
    expect(result.statusCode).toBe(500);
    expect(result.body).toBe('{"error":"Internal server error"}');
  });
});
