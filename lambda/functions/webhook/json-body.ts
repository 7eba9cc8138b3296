import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { MAX_WEBHOOK_BODY_BYTES } from '../../contract/limits.ts';
import { HttpError } from '../../http/http-errors.ts';
import { isJsonMediaType } from '../../http/media-type.ts';
import { rawBodyOf } from '../../http/raw-body.ts';

/** The event once `decodeBody` has run. */
export interface BodyEvent extends APIGatewayProxyEventV2 {
  /** The body's bytes exactly as received (signatures, the dedup hash and the queue use them). */
  readonly rawBody: Buffer;
}

/**
 * Decodes the body once (base64 when API Gateway says so), before anything reads it: the
 * signature check and the intake see the same bytes. Checks nothing.
 */
export function decodeBody(): MiddlewareObj<BodyEvent> {
  return {
    before: (request) => {
      Object.assign(request.event, { rawBody: rawBodyOf(request.event) });
    },
  };
}

/**
 * The body checks that come before reading it, in the contract's order: media type (415), then
 * size (413). Reading it (UTF-8, JSON, an object, the fields: 400) is the intake's. Not
 * `@middy/http-json-body-parser`: it answers malformed JSON with 415 instead of 400, accepts
 * `+json` types, decodes invalid UTF-8 lossily, has no size step, and replaces the body with the
 * parsed value, losing the bytes that the dedup hash, the lossless payload and the durable queue
 * need (docs/architecture.md "Design choices worth knowing").
 */
export function checkJsonBody(): MiddlewareObj<BodyEvent> {
  return {
    before: (request) => {
      if (!isJsonMediaType(request.event.headers?.['content-type'])) {
        throw new HttpError(415, 'Unsupported Media Type: Content-Type must be application/json');
      }
      const size = request.event.rawBody.length;
      if (size > MAX_WEBHOOK_BODY_BYTES) {
        throw new HttpError(
          413,
          `Request body is ${size} bytes; the limit is ${MAX_WEBHOOK_BODY_BYTES} bytes (128 KiB)`,
        );
      }
    },
  };
}
