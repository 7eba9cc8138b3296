import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isJsonObject, type JsonObject } from '../domain/json.ts';
import { HttpError } from '../errors.ts';

/** Largest accepted body, in bytes after base64 decoding (README "Limits"). */
export const MAX_BODY_BYTES = 128 * 1024;

const JSON_MEDIA_TYPE = 'application/json';

/** The event after `jsonBody` has run. */
export interface ParsedEvent extends APIGatewayProxyEventV2 {
  readonly parsedBody: {
    /** The body as `JSON.parse` gave it; always an object. */
    readonly payload: JsonObject;
    /** The body as decoded text. */
    readonly text: string;
    /** The body's bytes exactly as received (the dedup hash and the durable queue use them). */
    readonly raw: Buffer;
  };
}

/**
 * Checks and parses the body in the contract's order: media type (415), size (413), UTF-8 and
 * JSON syntax (400), then shape: a JSON object (400). `@middy/http-json-body-parser` answers 415
 * for malformed JSON and has no size limit between those steps, hence this middleware.
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

      const text = isBase64Encoded ? decodeUtf8(raw) : body;
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'Request body is not valid JSON');
      }
      if (!isJsonObject(payload)) {
        throw new HttpError(400, `Request body must be a JSON object, not ${describe(payload)}`);
      }
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

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, 'Request body is not valid UTF-8');
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
