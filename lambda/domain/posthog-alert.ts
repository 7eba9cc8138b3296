import { isJsonObject, type JsonObject, type JsonValue, ownField } from './json.ts';

/** What PostHog's own insight-alert bodies say about a metric change. */
export interface AlertReading {
  /** The insight name, else the alert name. */
  readonly name: string | undefined;
  /** The percentage change of the deciding breach, when a breach could be read. */
  readonly value: number | undefined;
  /** The deciding breach's period (`previous day`, `current hour`, …). */
  readonly timeframe: string | undefined;
  /** The alert id. */
  readonly alertId: string | undefined;
}

/** One breach read from PostHog's `breaches` text. */
export interface Breach {
  readonly value: number;
  readonly period: string | undefined;
}

const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
// "… for previous day (32.50%) decreased more than upper threshold (20.00%)", and the variants
// "is more/less than", "increased …", "The SQL insight value (200.0) is more than …" (no period).
const BREACH = new RegExp(
  String.raw`(?:\bfor\s+((?:current|previous)\s+[A-Za-z]+)\s+)?\(\s*(${NUMBER})\s*(%?)\s*\)\s+(?:is|increased|decreased)\s+(?:more|less)\s+than\s+(?:upper|lower)\s+threshold\s+\(\s*(${NUMBER})\s*%?\s*\)`,
  'g',
);
const ALERT_EVENT = '$insight_alert_firing';

/**
 * Finds PostHog's alert fields in a body: the alert form's body (`alert_name`, `insight_name`,
 * `breaches`, `alert_url`, …) or the HTTP webhook destination's default body, whose
 * `event.properties` carry them. Returns undefined when the body is neither.
 */
export function readPosthogAlert(payload: JsonObject): AlertReading | undefined {
  const fields = alertFields(payload);
  if (!fields) return undefined;
  const breach = decidingBreach(ownField(fields, 'breaches'));
  return {
    name: firstText(ownField(fields, 'insight_name'), ownField(fields, 'alert_name')),
    value: breach?.value,
    timeframe: breach?.period,
    alertId: firstText(ownField(fields, 'alert_id'), alertIdFromUrl(ownField(fields, 'alert_url'))),
  };
}

function alertFields(payload: JsonObject): JsonObject | undefined {
  const event = ownField(payload, 'event');
  if (isJsonObject(event)) {
    const properties = ownField(event, 'properties');
    if (
      isJsonObject(properties) &&
      (ownField(event, 'event') === ALERT_EVENT || looksLikeAlert(properties))
    ) {
      return properties;
    }
  }
  return looksLikeAlert(payload) ? payload : undefined;
}

function looksLikeAlert(object: JsonObject): boolean {
  return ['breaches', 'insight_name', 'alert_name'].some((key) => ownField(object, key) !== undefined);
}

/**
 * Reads every breach in PostHog's text (one string, breaches joined by newlines or ", ", or a
 * list of strings) and returns the one with the largest absolute value. Never throws: text it
 * cannot read yields undefined.
 */
export function decidingBreach(breaches: JsonValue | undefined): Breach | undefined {
  const texts = typeof breaches === 'string' ? [breaches] : Array.isArray(breaches) ? breaches : [];
  let deciding: Breach | undefined;
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    for (const match of text.matchAll(BREACH)) {
      const breach = breachFrom(match);
      if (breach && (!deciding || Math.abs(breach.value) > Math.abs(deciding.value))) deciding = breach;
    }
  }
  return deciding;
}

function breachFrom(match: RegExpMatchArray): Breach | undefined {
  const [, period, valueText, percentSign, thresholdText] = match;
  const value = Number(valueText);
  const threshold = Number(thresholdText);
  if (!Number.isFinite(value) || !Number.isFinite(threshold)) return undefined;
  const percent = percentSign === '%' ? value : relativeChangePercent(value, threshold);
  return Number.isFinite(percent) ? { value: percent, period: period?.replace(/\s+/g, ' ') } : undefined;
}

/**
 * A plain (non-percentage) breach value as its change relative to the threshold it crossed, in
 * percent. A zero threshold has no relative scale: any crossing counts as ±100%.
 */
export function relativeChangePercent(value: number, threshold: number): number {
  if (threshold === 0) return Math.sign(value) * 100;
  return ((value - threshold) / Math.abs(threshold)) * 100;
}

function alertIdFromUrl(url: JsonValue | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).searchParams.get('alert_id') ?? undefined;
  } catch {
    return undefined;
  }
}

function firstText(...values: (JsonValue | undefined)[]): string | undefined {
  for (const value of values) {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}
