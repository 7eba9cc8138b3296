/**
 * PostHog's insight alerts: where their bodies keep the alert's fields, and how the `breaches`
 * text reads. PostHog writes each breach from one template (products/alerts/backend/evaluation/
 * comparator.py):
 *
 *   <subject>[ (<series>)][ for <current|previous> <unit>] (<value>) <is|increased|decreased>
 *     <more than upper|less than lower> threshold (<threshold>)
 *
 * e.g. "The insight value (signed_up) for previous day (32.50%) decreased more than upper
 * threshold (20.00%)". A percentage threshold prints `{:.2%}` (the value is then a relative
 * change); anything else prints as the insight's axis shows it (printed-number.ts). `decreased`
 * reports a fall as a positive magnitude. An older template put the verb before the value
 * ("for previous day decreased (5) more than …"); both are read.
 */
import { isJsonObject, type JsonObject, type JsonValue, ownField } from '../../core/json.ts';
import type { Links } from '../../core/links.ts';
import { firstText, linkCandidates } from './fields.ts';
import { type PrintedNumber, readPrintedNumber } from './printed-number.ts';

/** The alert's own fields, found in either body PostHog builds for an insight alert. */
export interface InsightAlertFields {
  /** The insight name, else the alert name. */
  readonly name: string | undefined;
  readonly alertName: string | undefined;
  readonly insightName: string | undefined;
  readonly alertId: string | undefined;
  /** The URLs the alert's fields name (`insight_url`, `alert_url`), not yet vetted. */
  readonly links: Links;
  /** The `breaches` field as sent. */
  readonly breaches: JsonValue | undefined;
  /** `$insight_alert_resolved` (should PostHog send one): the alert no longer breaches. */
  readonly resolved: boolean;
}

/** One breach read from PostHog's text. */
export interface Breach {
  /** `is`: the value is a level; `increased` / `decreased`: it is a change. */
  readonly condition: 'is' | 'increased' | 'decreased';
  /** Which threshold it crossed: `more than upper` is above, `less than lower` below. */
  readonly side: 'above' | 'below';
  /** The value with its direction: a `decreased` change is negative. ±Infinity for `inf%`. */
  readonly value: number;
  /** The value as printed (unsigned for `decreased`, as PostHog prints it). */
  readonly printed: PrintedNumber;
  readonly threshold: PrintedNumber;
  /** `previous day`, `current hour`, …; undefined when the breach names none (SQL insights). */
  readonly period: string | undefined;
  /** The breach as written: its line of the text, at most MAX_BREACH_TEXT characters. */
  readonly text: string;
}

const FIRING_EVENT = '$insight_alert_firing';
const RESOLVED_EVENT = '$insight_alert_resolved';
const MAX_BREACH_TEXT = 1_000;
// PostHog prints short values; bounding what is tried keeps every attempt constant-time.
const MAX_VALUE_TEXT = 64;
const MAX_WORD = 24;
const MAX_GAP = 8;

/**
 * Finds PostHog's alert fields in a body: the alert form's body (`alert_name`, `insight_name`,
 * `breaches`, `alert_url`, …) or the HTTP Webhook destination's default body, whose
 * `event.properties` carry them. Undefined when the body is neither.
 */
export function insightAlertFields(payload: JsonObject): InsightAlertFields | undefined {
  const event = ownField(payload, 'event');
  let fields: JsonObject | undefined;
  let resolved = false;
  if (isJsonObject(event)) {
    const properties = ownField(event, 'properties');
    const name = ownField(event, 'event');
    if (
      isJsonObject(properties) &&
      (name === FIRING_EVENT || name === RESOLVED_EVENT || looksLikeAlert(properties))
    ) {
      fields = properties;
      resolved = name === RESOLVED_EVENT;
    }
  }
  if (!fields && looksLikeAlert(payload)) fields = payload;
  if (!fields) return undefined;
  const insightName = firstText(ownField(fields, 'insight_name'));
  const alertName = firstText(ownField(fields, 'alert_name'));
  return {
    name: insightName ?? alertName,
    alertName,
    insightName,
    alertId: firstText(ownField(fields, 'alert_id'), alertIdFromUrl(ownField(fields, 'alert_url'))),
    links: linkCandidates({ insight: ownField(fields, 'insight_url'), alert: ownField(fields, 'alert_url') }),
    breaches: ownField(fields, 'breaches'),
    resolved,
  };
}

function looksLikeAlert(object: JsonObject): boolean {
  return ['breaches', 'insight_name', 'alert_name'].some((key) => ownField(object, key) !== undefined);
}

/**
 * Reads every breach in PostHog's text (one string, breaches joined by newlines or ", ", or a
 * list of strings) and returns the one with the largest absolute value. Never throws: text it
 * cannot read yields undefined. Linear in the text, whatever it holds.
 */
export function decidingBreach(breaches: JsonValue | undefined): Breach | undefined {
  const texts = typeof breaches === 'string' ? [breaches] : Array.isArray(breaches) ? breaches : [];
  let deciding: Breach | undefined;
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    for (const breach of readBreaches(text)) {
      if (!deciding || Math.abs(breach.value) > Math.abs(deciding.value)) deciding = breach;
    }
  }
  return deciding;
}

/**
 * Each `(` is tried as the start of a breach's value; every try reads a bounded number of
 * characters around it (values and words are short in PostHog's template), and the closing `)`
 * of every position is found once beforehand, so the whole text is read in linear time.
 */
function* readBreaches(text: string): Generator<Breach> {
  const closing = closingParentheses(text);
  const lines = lineBounds(text);
  for (let open = text.indexOf('('); open !== -1; open = text.indexOf('(', open + 1)) {
    const value = parenthesised(text, open, closing);
    if (!value) continue;
    let at = value.end;
    let verb = wordAt(text, at);
    let verbBefore: Word | undefined;
    if (verb && isOneOf(verb.text, 'is', 'increased', 'decreased')) {
      at = verb.end;
    } else {
      // The older template: the verb right before the value.
      verbBefore = wordBefore(text, open);
      if (!verbBefore || !isOneOf(verbBefore.text, 'is', 'increased', 'decreased')) continue;
      verb = verbBefore;
    }
    const comparison = wordAt(text, at);
    if (!comparison || !isOneOf(comparison.text, 'more', 'less')) continue;
    const than = wordAt(text, comparison.end);
    if (than?.text !== 'than') continue;
    const bound = wordAt(text, than.end);
    if (!bound || !isOneOf(bound.text, 'upper', 'lower')) continue;
    const thresholdWord = wordAt(text, bound.end);
    if (thresholdWord?.text !== 'threshold') continue;
    const thresholdOpen = skipGap(text, thresholdWord.end);
    if (text[thresholdOpen] !== '(') continue;
    const threshold = parenthesised(text, thresholdOpen, closing);
    if (!threshold || !Number.isFinite(threshold.number.value)) continue;

    const condition = verb.text as Breach['condition'];
    const sign = condition === 'decreased' ? -1 : 1;
    yield {
      condition,
      side: comparison.text === 'more' ? 'above' : 'below',
      value: sign * value.number.value,
      printed: value.number,
      threshold: threshold.number,
      period: periodBefore(text, verbBefore ? verbBefore.start : open),
      text: lineAround(text, lines, open),
    };
    open = threshold.end - 1;
  }
}

/** For each position, the index of the next `)` at or after it (text.length: none). One pass. */
function closingParentheses(text: string): Int32Array {
  const next = new Int32Array(text.length + 1);
  next[text.length] = text.length;
  for (let index = text.length - 1; index >= 0; index--) {
    next[index] = text[index] === ')' ? index : (next[index + 1] as number);
  }
  return next;
}

/** `( <printed number> )` starting at `open`: the number and the index after `)`. */
function parenthesised(
  text: string,
  open: number,
  closing: Int32Array,
): { number: PrintedNumber; end: number } | undefined {
  const close = closing[open + 1] ?? text.length;
  if (close >= text.length || close - open - 1 > MAX_VALUE_TEXT) return undefined;
  const number = readPrintedNumber(text.slice(open + 1, close));
  return number ? { number, end: close + 1 } : undefined;
}

interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** The word (ASCII letters, at most MAX_WORD) after at most MAX_GAP white-space characters from `at`. */
function wordAt(text: string, at: number): Word | undefined {
  const start = skipGap(text, at);
  let end = start;
  while (end < text.length && end - start <= MAX_WORD && isLetter(text[end])) end++;
  if (end === start || end - start > MAX_WORD) return undefined;
  return { text: text.slice(start, end), start, end };
}

/** The word that ends right before `at` (after at most MAX_GAP white-space characters). */
function wordBefore(text: string, at: number): Word | undefined {
  let end = at;
  while (end > 0 && at - end < MAX_GAP && isSpace(text[end - 1])) end--;
  let start = end;
  while (start > 0 && end - start <= MAX_WORD && isLetter(text[start - 1])) start--;
  if (start === end || end - start > MAX_WORD) return undefined;
  return { text: text.slice(start, end), start, end };
}

function skipGap(text: string, at: number): number {
  let index = at;
  while (index < text.length && index - at < MAX_GAP && isSpace(text[index])) index++;
  return index;
}

/** The period written as `for <current|previous> <unit>` right before `at`. */
function periodBefore(text: string, at: number): string | undefined {
  const unit = wordBefore(text, at);
  const which = unit && wordBefore(text, unit.start);
  const forWord = which && wordBefore(text, which.start);
  if (!unit || !which || forWord?.text !== 'for' || !isOneOf(which.text, 'current', 'previous')) {
    return undefined;
  }
  return `${which.text} ${unit.text}`;
}

/** For each position, where its line starts and ends (breaches are joined by newlines). Two passes. */
function lineBounds(text: string): { readonly starts: Int32Array; readonly ends: Int32Array } {
  const starts = new Int32Array(text.length + 1);
  const ends = new Int32Array(text.length + 1);
  for (let index = 0, start = 0; index <= text.length; index++) {
    starts[index] = start;
    if (text[index] === '\n') start = index + 1;
  }
  for (let index = text.length, end = text.length; index >= 0; index--) {
    if (text[index] === '\n') end = index;
    ends[index] = end;
  }
  return { starts, ends };
}

/** The line of the text holding position `at`, at most MAX_BREACH_TEXT characters. */
function lineAround(text: string, lines: ReturnType<typeof lineBounds>, at: number): string {
  const start = lines.starts[at] ?? 0;
  const end = Math.min(lines.ends[at] ?? text.length, start + MAX_BREACH_TEXT);
  return text.slice(start, end).trim();
}

function isOneOf(word: string, ...words: string[]): boolean {
  return words.includes(word);
}

function isLetter(character: string | undefined): boolean {
  return (
    character !== undefined &&
    ((character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z'))
  );
}

function isSpace(character: string | undefined): boolean {
  return character === ' ' || character === '\t' || character === '\n' || character === '\r';
}

function alertIdFromUrl(url: JsonValue | undefined): string | undefined {
  if (typeof url !== 'string' || url.length > 2048) return undefined;
  try {
    return new URL(url).searchParams.get('alert_id') ?? undefined;
  } catch {
    return undefined;
  }
}
