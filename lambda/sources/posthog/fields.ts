/** Reading single fields of a PostHog body: every value is checked, none is trusted. */

import { parseDecimalText } from '../../core/decimal-text.ts';
import { InvalidPayloadError } from '../../core/errors.ts';
import type { JsonObject, JsonValue } from '../../core/json.ts';
import type { LinkKind, Links } from '../../core/links.ts';

const MAX_NAME_LENGTH = 256;

/**
 * A name as a title shows it: trimmed, 1–256 characters (code points, as a user counts them).
 * Throws InvalidPayloadError naming `field`.
 */
export function checkedName(raw: string, field: string): string {
  const name = raw.trim();
  if (name === '') throw new InvalidPayloadError(`Field ${field} must not be empty`);
  if (characterCount(name) > MAX_NAME_LENGTH) {
    throw new InvalidPayloadError(`Field ${field} must be at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

/** The first of `values` that is non-empty text, trimmed. */
export function firstText(...values: (JsonValue | undefined)[]): string | undefined {
  for (const value of values) {
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** A count or a threshold: a finite number, or decimal text holding one. Throws naming `field`. */
export function finiteNumber(value: JsonValue | undefined, field: string): number {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? parseDecimalText(value) : Number.NaN;
  if (!Number.isFinite(number)) throw new InvalidPayloadError(`Field ${field} must be a finite number`);
  return number;
}

/**
 * How far a value lies past the threshold it crossed, relative to that threshold, in percent:
 * 120 against 100 is 20. A zero threshold has no scale: any crossing counts as 100.
 */
export function distancePastThreshold(value: number, threshold: number): number {
  if (!Number.isFinite(value)) return Number.POSITIVE_INFINITY;
  if (threshold === 0) return value === 0 ? 0 : 100;
  return (Math.abs(value - threshold) / Math.abs(threshold)) * 100;
}

/** A number as details can hold it (JSON has no infinity): `inf` / `-inf` as text. */
export function jsonNumber(value: number): number | string {
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return value;
}

/** Counts Unicode code points, so an emoji is one character, as a user would count it. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Details without the entries that are undefined (they would not survive storage anyway). */
export function details(entries: Record<string, JsonValue | undefined>): JsonObject {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined)) as JsonObject;
}

/**
 * The URLs a body names, by what they lead to: text only, trimmed, and not yet vetted (the intake
 * keeps the safe ones: core/links.ts).
 */
export function linkCandidates(urls: Partial<Record<LinkKind, JsonValue | undefined>>): Links {
  const links: Partial<Record<LinkKind, string>> = {};
  for (const [kind, url] of Object.entries(urls) as [LinkKind, JsonValue | undefined][]) {
    const text = firstText(url);
    if (text !== undefined) links[kind] = text;
  }
  return links;
}
