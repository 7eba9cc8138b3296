import { InvalidPayloadError } from './errors.ts';

/** What `JSON.parse` can return. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an own property only: a payload key such as `constructor` or `__proto__` must never
 * resolve to something inherited from `Object.prototype`.
 */
export function ownField(object: JsonObject, key: string): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** A request body read as a JSON object, with the text it was read from. */
export interface JsonBody {
  /** The body as `JSON.parse` gave it; always an object. */
  readonly payload: JsonObject;
  /** The body as decoded text. */
  readonly text: string;
}

/**
 * Reads raw body bytes as a JSON object: UTF-8 (strictly), then JSON, then an object; each
 * failure is an InvalidPayloadError that says which.
 */
export function parseJsonObject(raw: Buffer): JsonBody {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new InvalidPayloadError('Request body is not valid UTF-8');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    throw new InvalidPayloadError('Request body is not valid JSON');
  }
  if (!isJsonObject(payload)) {
    throw new InvalidPayloadError(`Request body must be a JSON object, not ${describe(payload)}`);
  }
  return { payload, text };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
