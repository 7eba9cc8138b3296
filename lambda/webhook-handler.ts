/**
 * POST /api/signals/posthog — a PostHog metric alert becomes a Loop signal and triage issue.
 *
 *   201 {"data": {"signal", "issue"}}   created
 *   200 same body + Idempotent-Replayed  a repeat of a delivery seen within the dedup window
 *   400 / 413 / 415                      body is not a readable metric change
 *   401                                  X-PostHog-Secret missing or wrong, or a Standard Webhooks
 *                                        signature invalid or stale
 *   500                                  deployment misconfigured (e.g. no secret)
 *   503 + Retry-After                    Secrets Manager or DynamoDB unavailable; nothing written
 *
 * Every error body is {"error": "..."} (see middlewares/error-response.ts). The dependencies are
 * handed in: webhook-entry.ts wires the production ones, the local run and the tests their own.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { deliveryIdentity } from './domain/delivery-key.ts';
import { readMetricChange } from './domain/metric-change.ts';
import { jsonResponse, recordsJson } from './http-response.ts';
import { type DeliveryContext, deliveryLog } from './middlewares/delivery-log.ts';
import { errorResponse } from './middlewares/error-response.ts';
import { jsonBody, type ParsedEvent } from './middlewares/json-body.ts';
import { webhookAuth } from './middlewares/webhook-auth.ts';
import { logger, metrics } from './observability.ts';
import type { WebhookSecretSource } from './secret/webhook-secret-source.ts';
import type { SignalStore } from './storage/signal-store.ts';

/** What the handler needs from the outside world. */
export interface HandlerDependencies {
  readonly secrets: WebhookSecretSource;
  readonly store: SignalStore;
  readonly now?: () => Date;
}

/** The function as Lambda invokes it: an HTTP API (payload format 2.0) event in, a response out. */
export type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Builds the Middy-wrapped handler around the given dependencies. */
export function createHandler({
  secrets,
  store,
  now = () => new Date(),
}: HandlerDependencies): WebhookHandler {
  const chain = middy<ParsedEvent, APIGatewayProxyStructuredResultV2, Error, DeliveryContext>()
    // after/onError run in reverse: the delivery log sees the final response, then metrics flush.
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger))
    .use(deliveryLog(logger, metrics))
    .use(httpHeaderNormalizer())
    .use(errorResponse())
    .use(webhookAuth(secrets, () => now().getTime() / 1000))
    .use(jsonBody())
    .handler(async (event, context) => {
      const { payload, text, raw } = event.parsedBody;
      const change = readMetricChange(payload);
      const stored = await store.createSignalWithIssue({
        change,
        payload,
        payloadText: text,
        receivedAt: now(),
        delivery: deliveryIdentity(event.headers, raw),
      });
      const { signal, issue } = stored.records;
      context.delivery = {
        metricName: change.name,
        severity: signal.severity,
        signalId: signal.id,
        issueId: issue.id,
      };
      const body = recordsJson(stored.records, stored.payloadJson);
      return stored.replayed
        ? jsonResponse(200, body, { 'Idempotent-Replayed': 'true' })
        : jsonResponse(201, body);
    });
  // Middy's typings add an options argument that only the inner handler receives.
  return chain as unknown as WebhookHandler;
}
