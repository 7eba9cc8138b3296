/**
 * POST /api/signals/posthog — a PostHog alert becomes a Loop signal and triage issue.
 *
 *   201 {"data": {"signal", "issue"}}   created
 *   200 same body + Idempotent-Replayed  a repeat of a delivery seen within the dedup window
 *   202 {"data": {"status": "queued"}}   storage unavailable: kept in the delivery queue, written later
 *   400 / 413 / 415                      body is not a readable metric change
 *   401                                  X-PostHog-Secret missing or wrong, or a Standard Webhooks
 *                                        signature invalid or stale
 *   409                                  a repeat whose original signal no longer exists
 *   422                                  Idempotency-Key / webhook-id reused with another body
 *   500                                  deployment misconfigured (e.g. no secret)
 *   503 + Retry-After                    Secrets Manager unavailable, or storage and the queue both;
 *                                        nothing written
 *
 * Only the transport lives here: the Middy chain (auth, body checks, one log line per delivery,
 * the one error path) around the intake operation (lambda/intake.ts), and the HTTP answer to what
 * it did. The dependencies are handed in: webhook-entry.ts builds the production ones, the local
 * run and the tests their own.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { keyHeadersOf } from '../../core/delivery-key.ts';
import type { HttpHandler } from '../../http/http-handler.ts';
import { jsonResponse, recordsJson } from '../../http/http-response.ts';
import { errorResponse } from '../../http/middlewares/error-response.ts';
import type { Intake } from '../../intake/intake.ts';
import { logger, metrics } from '../../observability/instruments.ts';
import type { WebhookSecretSource } from '../../secret/webhook-secret-source.ts';
import { type DeliveryContext, deliveryLog } from './delivery-log.ts';
import { type BodyEvent, checkJsonBody, decodeBody } from './json-body.ts';
import { webhookAuth } from './webhook-auth.ts';

/** What the handler needs from the outside world. */
export interface HandlerDependencies {
  readonly secrets: WebhookSecretSource;
  readonly intake: Intake;
  readonly now?: () => Date;
}

const QUEUED = '{"data":{"status":"queued"}}';

/** Builds the Middy-wrapped handler around the given dependencies. */
export function createWebhookHandler({
  secrets,
  intake,
  now = () => new Date(),
}: HandlerDependencies): HttpHandler {
  const chain = middy<BodyEvent, APIGatewayProxyStructuredResultV2, Error, DeliveryContext>()
    // after/onError run in reverse: the delivery log sees the final response, then metrics flush.
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger))
    .use(deliveryLog(logger, metrics))
    .use(httpHeaderNormalizer())
    .use(errorResponse())
    .use(decodeBody())
    .use(webhookAuth(secrets, () => now().getTime() / 1000))
    .use(checkJsonBody())
    .handler(async (event, context) => {
      const result = await intake.accept({
        body: event.rawBody,
        keyHeaders: keyHeadersOf(event.headers),
        receivedAt: now(),
        requestId: event.requestContext?.requestId,
      });
      context.delivery = result.facts;
      if (result.status === 'queued') return jsonResponse(202, QUEUED);
      const body = recordsJson(result.stored);
      return result.replayed
        ? jsonResponse(200, body, { 'Idempotent-Replayed': 'true' })
        : jsonResponse(201, body);
    });
  // Middy's typings add an options argument that only the inner handler receives.
  return chain as unknown as HttpHandler;
}
