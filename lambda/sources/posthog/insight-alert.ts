import { isJsonObject, type JsonObject, type JsonValue, ownField } from '../../core/json.ts';
import { scanUnsignedDecimal } from './decimal-text.ts';

/** What PostHog's own insight-alert bodies say about a metric change. */
export interface AlertReading {
  /** The insight name, else the alert name. */
  readonly name: string | undefined;
  /** The percentage change of the deciding breach, when a breach could be read (±Infinity for `inf%`). */
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
    for (const breach of readBreaches(text)) {
      if (!deciding || Math.abs(breach.value) > Math.abs(deciding.value)) deciding = breach;
    }
  }
  return deciding;
}

/**
 * One breach as PostHog writes it:
 *   [for <current|previous> <unit>] (<value>[%]) <is|increased|decreased> <more|less> than
 *   <upper|lower> threshold (<threshold>[%])
 * e.g. "… for previous day (32.50%) decreased more than upper threshold (20.00%)", or, for SQL
 * insights, "The SQL insight value (200.0) is more than upper threshold (100.0)" (no period).
 * The text is cut into words, numbers and single marks once; each `(` is then tried against
 * this fixed-length pattern. Both steps are linear in the text, whatever it holds.
 */
function* readBreaches(text: string): Generator<Breach> {
  const tokens = tokenize(text);
  for (let index = 0; index < tokens.length; index++) {
    const value = parenthesisedNumber(tokens, index, { allowInfinity: true });
    if (!value) continue;
    let next = value.next;
    if (!isWord(tokens[next++], 'is', 'increased', 'decreased')) continue;
    if (!isWord(tokens[next++], 'more', 'less')) continue;
    if (!isWord(tokens[next++], 'than')) continue;
    if (!isWord(tokens[next++], 'upper', 'lower')) continue;
    if (!isWord(tokens[next++], 'threshold')) continue;
    const threshold = parenthesisedNumber(tokens, next, { allowInfinity: false });
    if (!threshold) continue;
    const percent = value.percent ? value.number : relativeChangePercent(value.number, threshold.number);
    if (Number.isNaN(percent)) continue;
    yield { value: percent, period: periodBefore(tokens, index) };
    index = threshold.next - 1;
  }
}

type Token =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'mark'; readonly text: string };

/** Words (ASCII letters), unsigned decimal numbers and single other characters; white space dropped. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index] as string;
    if (isSpace(character)) {
      index++;
      continue;
    }
    if (isLetter(character)) {
      const start = index;
      while (isLetter(text[index])) index++;
      tokens.push({ kind: 'word', text: text.slice(start, index) });
      continue;
    }
    const numberEnd = scanUnsignedDecimal(text, index);
    if (numberEnd > index) {
      tokens.push({ kind: 'number', value: Number(text.slice(index, numberEnd)) });
      index = numberEnd;
      continue;
    }
    tokens.push({ kind: 'mark', text: character });
    index++;
  }
  return tokens;
}

/**
 * `( [+|-] number [%] )` starting at `index`. `inf` (PostHog's relative change from zero, which
 * Python prints as `inf%`) counts only as a percentage and only where `allowInfinity`.
 */
function parenthesisedNumber(
  tokens: readonly Token[],
  index: number,
  { allowInfinity }: { readonly allowInfinity: boolean },
): { number: number; percent: boolean; next: number } | undefined {
  let next = index;
  if (!isMark(tokens[next++], '(')) return undefined;
  const sign = isMark(tokens[next], '-') ? -1 : 1;
  if (isMark(tokens[next], '-') || isMark(tokens[next], '+')) next++;
  const token = tokens[next++];
  let magnitude: number;
  // An overflowing literal such as 1e999 is not a reading; only the word `inf` stands for infinity.
  if (token?.kind === 'number' && Number.isFinite(token.value)) magnitude = token.value;
  else if (allowInfinity && isInfinityWord(token)) magnitude = Number.POSITIVE_INFINITY;
  else return undefined;
  const percent = isMark(tokens[next], '%');
  if (percent) next++;
  if (!isMark(tokens[next++], ')')) return undefined;
  if (magnitude === Number.POSITIVE_INFINITY && !percent) return undefined;
  return { number: sign * magnitude, percent, next };
}

/** The period written as `for <current|previous> <unit>` right before the value. */
function periodBefore(tokens: readonly Token[], index: number): string | undefined {
  const [forWord, which, unit] = [tokens[index - 3], tokens[index - 2], tokens[index - 1]];
  if (!isWord(forWord, 'for') || !isWord(which, 'current', 'previous') || unit?.kind !== 'word') {
    return undefined;
  }
  return `${which.text} ${unit.text}`;
}

function isWord(token: Token | undefined, ...words: string[]): token is Token & { kind: 'word' } {
  return token?.kind === 'word' && words.includes(token.text);
}

function isInfinityWord(token: Token | undefined): boolean {
  if (token?.kind !== 'word') return false;
  const word = token.text.toLowerCase();
  return word === 'inf' || word === 'infinity';
}

function isMark(token: Token | undefined, mark: string): boolean {
  return token?.kind === 'mark' && token.text === mark;
}

function isLetter(character: string | undefined): boolean {
  return (
    character !== undefined &&
    ((character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z'))
  );
}

function isSpace(character: string): boolean {
  return character.trim() === '';
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
