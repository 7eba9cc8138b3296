import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  ConfigurationError,
  DependencyUnavailableError,
  InvalidPayloadError,
  KeyReusedError,
  ReplayGoneError,
  UnauthorizedError,
} from '../../../../lambda/core/errors.ts';
import { type DeliveryContext, deliveryLog } from '../../../../lambda/functions/webhook/delivery-log.ts';
import { type BodyEvent, checkJsonBody, decodeBody } from '../../../../lambda/functions/webhook/json-body.ts';
import { webhookAuth } from '../../../../lambda/functions/webhook/webhook-auth.ts';
import { HttpError } from '../../../../lambda/http/http-errors.ts';
import { errorResponse } from '../../../../lambda/http/middlewares/error-response.ts';
import { StaticSecretSource } from '../../../../lambda/secret/webhook-secret-source.ts';
import { headersWith, lambdaContext, TEST_SECRET, webhookEvent } from '../../../support/events.ts';
import { captureOutputPerTest } from '../../../support/output.ts';

/** Each middleware on its own around an identity handler, as Middy tests its own. */
const identity = (event: unknown) => event;

describe('decodeBody and checkJsonBody', () => {
  const parse = middy(identity).use(decodeBody()).use(checkJsonBody()) as unknown as (
    event: APIGatewayProxyEventV2,
    context: typeof lambdaContext,
  ) => Promise<BodyEvent>;

  it('hands on the raw bytes, decoded once from base64', async () => {
    const event = await parse(webhookEvent({ body: '{"a": "é"}', base64: true }), lambdaContext);
    expect(event.rawBody).toEqual(Buffer.from('{"a": "é"}'));
  });

  it('leaves reading the body to the intake: broken JSON passes these checks', async () => {
    const event = await parse(webhookEvent({ body: '{' }), lambdaContext);
    expect(event.rawBody.toString()).toBe('{');
  });

  it.each([
    ['text/plain', '{}', 415],
    ['application/json', `"${'x'.repeat(128 * 1024)}"`, 413],
  ])('refuses Content-Type %s with body of that kind: %p', async (contentType, body, status) => {
    const event = webhookEvent({ body, headers: headersWith({ 'content-type': contentType }) });
    await expect(parse(event, lambdaContext)).rejects.toMatchObject({ statusCode: status });
  });
});

describe('webhookAuth', () => {
  const check = middy(identity).use(webhookAuth(new StaticSecretSource(TEST_SECRET))) as unknown as (
    event: APIGatewayProxyEventV2,
    context: typeof lambdaContext,
  ) => Promise<unknown>;

  it('passes the event on untouched when the header holds the secret', async () => {
    const event = webhookEvent();
    await expect(check(event, lambdaContext)).resolves.toBe(event);
  });

  it('refuses a wrong secret before anything looks at the body', async () => {
    const event = webhookEvent({ body: 'not json', headers: headersWith({ 'x-posthog-secret': 'wrong' }) });
    await expect(check(event, lambdaContext)).rejects.toThrow(UnauthorizedError);
  });
});

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

describe('deliveryLog', () => {
  const output = captureOutputPerTest(TEST_SECRET);
  const logger = new Logger({ serviceName: 'test' });
  const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
  let clock = 0;

  it('writes one line with outcome, status, request id and latency for a response', async () => {
    const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, DeliveryContext>(
      () => {
        clock += 12.5;
        return { statusCode: 201, body: '{}' };
      },
    ).use(deliveryLog(logger, metrics, () => clock));

    await handler(webhookEvent(), lambdaContext as DeliveryContext);

    const lines = output
      .current()
      .lines()
      .filter((line) => line.message === 'delivery');
    expect(lines).toEqual([
      expect.objectContaining({ outcome: 'created', status: 201, requestId: 'request-1', latencyMs: 12.5 }),
    ]);
  });
});
