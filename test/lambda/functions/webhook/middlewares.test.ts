import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { UnauthorizedError } from '../../../../lambda/core/errors.ts';
import { type DeliveryContext, deliveryLog } from '../../../../lambda/functions/webhook/delivery-log.ts';
import { type BodyEvent, checkJsonBody, decodeBody } from '../../../../lambda/functions/webhook/json-body.ts';
import { webhookAuth } from '../../../../lambda/functions/webhook/webhook-auth.ts';
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
