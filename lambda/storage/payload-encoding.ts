import type { JsonObject, JsonValue } from '../core/json.ts';

/**
 * How a payload is stored: a DynamoDB map when DynamoDB (and lib-dynamodb) can hold it exactly,
 * otherwise the JSON text as a string. A payload is always a JSON object, so a stored string
 * can only mean the text form.
 */
export type StoredPayload = JsonObject | string;

// Measured against DynamoDB Local: a map nested 31 containers deep stores, 32 is refused.
const MAX_CONTAINER_DEPTH = 31;
// DynamoDB numbers: magnitude 1E-130 to 9.99…E+125 (38 significant digits, more than a double has).
const MIN_MAGNITUDE = 1e-130;
const MAX_MAGNITUDE_EXCLUSIVE = 1e126;
// Keys lib-dynamodb cannot convert faithfully: it builds plain objects (`__proto__` would set a
// prototype) and picks a value's type from `value.constructor.name` (an own `constructor` key
// makes it throw, or worse, treat a map as a Set).
const UNSAFE_KEYS = new Set(['__proto__', 'constructor']);
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Chooses the stored form of a payload: the map itself when lossless, else its JSON text. */
export function encodePayload(payload: JsonObject, payloadText: string): StoredPayload {
  return fitsDynamoDbMap(payload, 1) ? payload : payloadText;
}

/** Reads a stored payload back into the value `JSON.parse` gave when it arrived. */
export function decodePayload(stored: StoredPayload): JsonObject {
  return typeof stored === 'string' ? (JSON.parse(stored) as JsonObject) : stored;
}

/** The payload as JSON text, without re-serialising a deep document (which can overflow the stack). */
export function payloadJson(stored: StoredPayload): string {
  return typeof stored === 'string' ? stored : JSON.stringify(stored);
}

// Recursion is bounded by MAX_CONTAINER_DEPTH, so a pathologically deep body cannot overflow.
function fitsDynamoDbMap(value: JsonValue, depth: number): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return fitsDynamoDbNumber(value);
  if (typeof value === 'string') return !LONE_SURROGATE.test(value);
  if (depth > MAX_CONTAINER_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => fitsDynamoDbMap(item, depth + 1));
  for (const [key, item] of Object.entries(value)) {
    if (key === '' || UNSAFE_KEYS.has(key) || LONE_SURROGATE.test(key)) return false;
    if (!fitsDynamoDbMap(item, depth + 1)) return false;
  }
  return true;
}

function fitsDynamoDbNumber(value: number): boolean {
  // -0 would come back as 0.
  if (value === 0) return !Object.is(value, -0);
  const magnitude = Math.abs(value);
  return magnitude >= MIN_MAGNITUDE && magnitude < MAX_MAGNITUDE_EXCLUSIVE;
}
