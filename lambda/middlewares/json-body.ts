import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type JsonBody, parseJsonObject } from '../domain/json.ts';
import { HttpError } from '../errors.ts';

/** Largest accepted body, in bytes after base64 decoding (README "Limits"). */
export const MAX_BODY_BYTES = 128 * 1024;

const JSON_MEDIA_TYPE = 'application/json';

/** The event after `jsonBody` has run. */
export interface ParsedEvent extends APIGatewayProxyEventV2 {
  readonly parsedBody: JsonBody & {
    /** The body's bytes exactly as received (the dedup hash and the durable queue use them). */
    readonly raw: Buffer;
  };
}

/**
 * Checks and parses the body in the contract's order: media type (415), size (413), UTF-8 and
 * JSON syntax (400), then shape: a JSON object (400). Not `@middy/http-json-body-parser`: it
 * answers malformed JSON with 415 instead of 400, accepts `+json` types, decodes invalid UTF-8
 * lossily, has no size step, and replaces the body with the parsed value, losing the bytes that
 * the dedup hash, the lossless payload and the durable queue need (README "Development").
 */
export function jsonBody(): MiddlewareObj<ParsedEvent> {
  return {
    before: (request) => {
      const { headers, body = '', isBase64Encoded } = request.event;
      if (!isJsonMediaType(headers?.['content-type'])) {
        throw new HttpError(415, 'Unsupported Media Type: Content-Type must be application/json');
      }

      const raw = Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8');
      const size = raw.length;
      if (size > MAX_BODY_BYTES) {
        throw new HttpError(
          413,
          `Request body is ${size} bytes; the limit is ${MAX_BODY_BYTES} bytes (128 KiB)`,
        );
      }

      const { payload, text } = parseJsonObject(raw);
      Object.assign(request.event, { parsedBody: { payload, text, raw } });
    },
  };
}

/** `application/json` in any letter case, optionally followed by parameters such as `; charset=utf-8`. */
function isJsonMediaType(contentType: string | undefined): boolean {
  const value = contentType?.trim().toLowerCase() ?? '';
  if (!value.startsWith(JSON_MEDIA_TYPE)) return false;
  const rest = value.slice(JSON_MEDIA_TYPE.length).trimStart();
  return rest === '' || rest.startsWith(';');
}
