/**
 * POST /api/signals/posthog — a PostHog metric alert becomes a Loop signal and triage issue.
 *
 *   201 {"data": {"signal", "issue"}}   created
 *   200 same body + Idempotent-Replayed  a repeat of a delivery seen within the dedup window
 *   202 {"data": {"status": "queued"}}   storage unavailable: kept in the delivery queue, written later
 *   400 / 413 / 415                      body is not a readable metric change
 *   401                                  X-PostHog-Secret missing or wrong, or a Standard Webhooks
 *                                        signature invalid or stale
 *   422                                  Idempotency-Key / webhook-id reused with another body
 *   500                                  deployment misconfigured (e.g. no secret)
 *   503 + Retry-After                    Secrets Manager unavailable, or storage and the queue both;
 *                                        nothing written
 *
 * Every error body is {"error": "..."} (see middlewares/error-response.ts). The dependencies are
 * handed in: webhook-entry.ts wires the production ones, the local run and the tests their own.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { keyHeadersOf } from './domain/delivery-key.ts';
import { signalDraftOf } from './domain/loop-records.ts';
import { severityOf } from './domain/severity.ts';
import { DependencyUnavailableError } from './errors.ts';
import { jsonResponse, recordsJson } from './http-response.ts';
import { type DeliveryContext, deliveryLog, nameOf } from './middlewares/delivery-log.ts';
import { errorResponse } from './middlewares/error-response.ts';
import { jsonBody, type ParsedEvent } from './middlewares/json-body.ts';
import { webhookAuth } from './middlewares/webhook-auth.ts';
import { logger, metrics } from './observability.ts';
import type { DeliveryQueue } from './queue/delivery-queue.ts';
import type { WebhookSecretSource } from './secret/webhook-secret-source.ts';
import type { SignalStore } from './storage/signal-store.ts';

/** What the handler needs from the outside world. */
export interface HandlerDependencies {
  readonly secrets: WebhookSecretSource;
  readonly store: SignalStore;
  /** Where a delivery goes while storage is down. @default none: such a delivery answers 503 */
  readonly queue?: DeliveryQueue;
  readonly now?: () => Date;
}

/** The function as Lambda invokes it: an HTTP API (payload format 2.0) event in, a response out. */
export type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

const QUEUED = '{"data":{"status":"queued"}}';

/** Builds the Middy-wrapped handler around the given dependencies. */
export function createHandler({
  secrets,
  store,
  queue,
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
      const receivedAt = now();
      const draft = signalDraftOf(event.parsedBody, event.headers, receivedAt);
      const facts = { metricName: draft.change.name, severity: severityOf(draft.change.value) };
      let stored: Awaited<ReturnType<SignalStore['createSignalWithIssue']>>;
      try {
        stored = await store.createSignalWithIssue(draft);
      } catch (error) {
        if (!queue || !isStorageOutage(error)) throw error;
        // Storage is down, not the delivery: keep it durably and answer that it is accepted.
        const keyHeaders = keyHeadersOf(event.headers);
        const requestId = event.requestContext?.requestId;
        await queue
          .send({ body: event.parsedBody.raw, keyHeaders, receivedAt, requestId })
          .catch((queueError: unknown) => {
            throw new DependencyUnavailableError('Storage', {
              cause: error.cause,
              detail: `the delivery queue is unavailable too (${nameOf(queueError)})`,
            });
          });
        context.delivery = { ...facts, storageFailure: nameOf(error.cause) };
        return jsonResponse(202, QUEUED);
      }
      const { signal, issue } = stored.records;
      context.delivery = { ...facts, signalId: signal.id, issueId: issue.id };
      const body = recordsJson(stored.records, stored.payloadJson);
      return stored.replayed
        ? jsonResponse(200, body, { 'Idempotent-Replayed': 'true' })
        : jsonResponse(201, body);
    });
  // Middy's typings add an options argument that only the inner handler receives.
  return chain as unknown as WebhookHandler;
}

function isStorageOutage(error: unknown): error is DependencyUnavailableError {
  return error instanceof DependencyUnavailableError && error.dependency === 'Storage';
}
