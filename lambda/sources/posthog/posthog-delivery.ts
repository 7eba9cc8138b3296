import { isJsonObject, type JsonObject, type JsonValue, ownField } from '../../core/json.ts';
import type { SignalReading } from '../../core/loop-records.ts';
import { severityOf } from '../../core/severity.ts';
import { InvalidPayloadError } from '../../errors.ts';
import { parsePercentText } from './decimal-text.ts';
import { type AlertReading, readPosthogAlert } from './insight-alert.ts';
import { titleOf } from './title.ts';

/** The part of a PostHog delivery that Loop acts on. */
export interface MetricChange {
  /** Metric name, trimmed, 1–256 characters. */
  readonly name: string;
  /**
   * Percentage change: finite, or ±Infinity where PostHog reports a change from zero (`inf%`);
   * an explicit `value` field must be finite.
   */
  readonly value: number;
  /** Period the change covers; `recent` when the payload names none. */
  readonly timeframe: string;
  /** A PostHog identifier found in the payload, if any. */
  readonly sourceId: string | null;
}

const MAX_NAME_LENGTH = 256;
const MAX_TIMEFRAME_LENGTH = 128;
const DEFAULT_TIMEFRAME = 'recent';

const EXPECTED_FIELDS =
  'expected name and value (a custom body), or the body of a PostHog insight alert (insight_name or alert_name, and breaches)';

/**
 * Reads a PostHog delivery body as a Loop signal: the metric change it reports (see
 * readMetricChange), its severity and its issue's title. Throws InvalidPayloadError naming the
 * field that is missing or invalid.
 */
export function readPosthogDelivery(payload: JsonObject): SignalReading {
  const change = readMetricChange(payload);
  return {
    source: 'posthog',
    type: 'metric_change',
    sourceId: change.sourceId,
    severity: severityOf(change.value),
    title: titleOf(change),
    subject: change.name,
  };
}

/**
 * Reads the metric change from a delivery body. Explicit fields always win: name from
 * `event.name` (when a non-empty string) else `name`; `value` as a number or numeric text;
 * optional `timeframe`. Missing ones come from a PostHog alert body when the body is one
 * (insight name, the deciding breach's percentage and period). Throws InvalidPayloadError
 * naming the field that is missing or invalid.
 */
export function readMetricChange(payload: JsonObject): MetricChange {
  const alert = readPosthogAlert(payload);
  return {
    name: readName(payload, alert),
    value: readValue(ownField(payload, 'value'), alert),
    timeframe: readTimeframe(ownField(payload, 'timeframe'), alert),
    sourceId: readSourceId(payload, alert),
  };
}

function readName(payload: JsonObject, alert: AlertReading | undefined): string {
  const event = ownField(payload, 'event');
  const eventName = isJsonObject(event) ? ownField(event, 'name') : undefined;
  if (typeof eventName === 'string' && eventName.trim() !== '') return checkedName(eventName);

  const name = ownField(payload, 'name');
  if (name === undefined || name === null) {
    if (alert?.name !== undefined) return checkedName(alert.name);
    throw new InvalidPayloadError(
      `Missing required field: name (the metric name, or event.name); ${EXPECTED_FIELDS}`,
    );
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

function readValue(value: JsonValue | undefined, alert: AlertReading | undefined): number {
  if (value === undefined || value === null) {
    if (alert?.value !== undefined) return alert.value;
    if (alert) {
      throw new InvalidPayloadError(
        'Field breaches holds no breach this service can read (such as "The insight value (signups) for previous day (32.50%) decreased more than upper threshold (20.00%)"); send value explicitly',
      );
    }
    throw new InvalidPayloadError(
      `Missing required field: value (the percentage change); ${EXPECTED_FIELDS}`,
    );
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

function readTimeframe(value: JsonValue | undefined, alert: AlertReading | undefined): string {
  if (value === undefined || value === null) return alert?.timeframe ?? DEFAULT_TIMEFRAME;
  if (typeof value !== 'string') throw new InvalidPayloadError('Field timeframe must be a string');
  const timeframe = value.trim();
  if (characterCount(timeframe) > MAX_TIMEFRAME_LENGTH) {
    throw new InvalidPayloadError(`Field timeframe must be at most ${MAX_TIMEFRAME_LENGTH} characters`);
  }
  return timeframe === '' ? DEFAULT_TIMEFRAME : timeframe;
}

// PostHog identifiers a body may carry, most specific first.
function readSourceId(payload: JsonObject, alert: AlertReading | undefined): string | null {
  if (alert?.alertId !== undefined) return alert.alertId;
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
