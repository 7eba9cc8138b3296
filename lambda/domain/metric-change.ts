import { InvalidPayloadError } from '../errors.ts';
import { isJsonObject, type JsonObject, type JsonValue, ownField } from './json.ts';

/** The part of a PostHog delivery that Loop acts on. */
export interface MetricChange {
  /** Metric name, trimmed, 1–256 characters. */
  readonly name: string;
  /** Percentage change, finite. */
  readonly value: number;
  /** Period the change covers; `recent` when the payload names none. */
  readonly timeframe: string;
  /** A PostHog identifier found in the payload, if any. */
  readonly sourceId: string | null;
}

export const MAX_NAME_LENGTH = 256;
export const MAX_TIMEFRAME_LENGTH = 128;
const DEFAULT_TIMEFRAME = 'recent';

// A decimal number with optional sign, fraction and exponent, then optional spaces and one `%`.
const PERCENT_TEXT = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*%?\s*$/;

/**
 * Reads the metric change from a delivery body: name from `event.name` (when a non-empty
 * string) else `name`; `value` as a number or numeric text; optional `timeframe`.
 * Throws InvalidPayloadError naming the field that is missing or invalid.
 */
export function readMetricChange(payload: JsonObject): MetricChange {
  return {
    name: readName(payload),
    value: readValue(ownField(payload, 'value')),
    timeframe: readTimeframe(ownField(payload, 'timeframe')),
    sourceId: readSourceId(payload),
  };
}

function readName(payload: JsonObject): string {
  const event = ownField(payload, 'event');
  const eventName = isJsonObject(event) ? ownField(event, 'name') : undefined;
  if (typeof eventName === 'string' && eventName.trim() !== '') return checkedName(eventName);

  const name = ownField(payload, 'name');
  if (name === undefined || name === null) {
    throw new InvalidPayloadError('Missing required field: name (the metric name, or event.name)');
  }
  if (typeof name !== 'string') throw new InvalidPayloadError('Field name must be a string');
  return checkedName(name);
}

function checkedName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw new InvalidPayloadError('Field name must not be empty');
  if (characterCount(name) > MAX_NAME_LENGTH) {
    throw new InvalidPayloadError(`Field name must be at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

function readValue(value: JsonValue | undefined): number {
  if (value === undefined || value === null) {
    throw new InvalidPayloadError('Missing required field: value (the percentage change)');
  }
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? parsePercentText(value) : Number.NaN;
  if (!Number.isFinite(number)) {
    throw new InvalidPayloadError(
      'Field value must be a finite number or numeric text such as "35" or "-12.5%"',
    );
  }
  return number;
}

function parsePercentText(text: string): number {
  const match = PERCENT_TEXT.exec(text);
  return match?.[1] === undefined ? Number.NaN : Number(match[1]);
}

function readTimeframe(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return DEFAULT_TIMEFRAME;
  if (typeof value !== 'string') throw new InvalidPayloadError('Field timeframe must be a string');
  const timeframe = value.trim();
  if (characterCount(timeframe) > MAX_TIMEFRAME_LENGTH) {
    throw new InvalidPayloadError(`Field timeframe must be at most ${MAX_TIMEFRAME_LENGTH} characters`);
  }
  return timeframe === '' ? DEFAULT_TIMEFRAME : timeframe;
}

// PostHog identifiers a custom body may carry, most specific first.
function readSourceId(payload: JsonObject): string | null {
  const event = ownField(payload, 'event');
  const properties = isJsonObject(event) ? ownField(event, 'properties') : undefined;
  const candidates = [
    ownField(payload, 'alert_id'),
    isJsonObject(properties) ? ownField(properties, 'alert_id') : undefined,
    isJsonObject(event) ? ownField(event, 'uuid') : undefined,
    ownField(payload, 'id'),
  ];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
    if (typeof candidate === 'number' && Number.isFinite(candidate)) return String(candidate);
  }
  return null;
}

/** Counts Unicode code points, so an emoji is one character, as a user would count it. */
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
