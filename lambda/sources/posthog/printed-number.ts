/**
 * Reading one number as PostHog prints it inside the parentheses of an alert's breach text:
 * "($803.77)", "(32.50%)", "(1h 23m 20s)", "(~1,234 reqs)". Every byte comes from outside, so the
 * reader is a forward scan without regular expressions over the input (no input can make it
 * backtrack), and text it does not recognise reads as undefined rather than as a wrong number.
 *
 * The forms are PostHog's: products/alerts/backend/evaluation/formatting.py (the insight's axis
 * format — numeric, currency, percentage, duration, compact — wrapped in its prefix and postfix)
 * and comparator.py (`f"{v:.2%}"` for percentage thresholds, else the raw `f"{value}{unit}"`).
 */
import { isDigit, scanExponent, skipDigits } from '../../core/decimal-text.ts';

/** One number as PostHog printed it. */
export interface PrintedNumber {
  /** The value: finite, or ±Infinity where PostHog printed an infinite value (inf, inf%, ∞). Durations in seconds. */
  readonly value: number;
  /** True when printed with a trailing `%` (the value is then the percentage, e.g. 32.5 for "32.50%"). */
  readonly percent: boolean;
  /** The text as printed, trimmed, e.g. "$1,000.00" or "1h 23m 20s". */
  readonly text: string;
}

/** PostHog's printed values are short; refusing anything longer bounds the work before any scan. */
const MAX_LENGTH = 64;

/** Python's own spelling of infinite floats, from comparator.py's raw fallback (no prefix or postfix there). */
const RAW_INFINITIES = [
  { text: 'inf', value: Number.POSITIVE_INFINITY, percent: false },
  { text: '-inf', value: Number.NEGATIVE_INFINITY, percent: false },
  { text: 'inf%', value: Number.POSITIVE_INFINITY, percent: true },
  { text: '-inf%', value: Number.NEGATIVE_INFINITY, percent: true },
] as const;

/** The axis formatter's infinity; its minus comes before it like a number's. */
const INFINITY_SIGN = '∞';

/** posthog.utils.compact_number's suffixes, each a further factor of 1,000. */
const COMPACT_SUFFIXES = ['K', 'M', 'B', 'T', 'P', 'E', 'Z', 'Y'] as const;

/**
 * The duration units, largest first: a duration names each at most once, in this order. Only
 * seconds carry a fraction ("2.5s"); `ms` divides rather than multiplies by 0.001 so that "350ms"
 * reads as exactly 0.35.
 */
const DURATION_UNITS = [
  { symbol: 'd', multiplier: 86_400, divisor: 1, fraction: false },
  { symbol: 'h', multiplier: 3_600, divisor: 1, fraction: false },
  { symbol: 'm', multiplier: 60, divisor: 1, fraction: false },
  { symbol: 's', multiplier: 1, divisor: 1, fraction: true },
  { symbol: 'ms', multiplier: 1, divisor: 1_000, fraction: true },
] as const;

/** PostHog's currency symbols (formatting.py's _CURRENCY_SYMBOLS): the only prefix a leading minus may precede. */
const CURRENCY_SYMBOLS = [
  '$',
  '€',
  '£',
  '¥',
  'CN¥',
  '₹',
  '₩',
  '₽',
  'R$',
  'CA$',
  'A$',
  'NZ$',
  'HK$',
  'S$',
  'MX$',
  '₺',
  '฿',
  '₱',
  'Rp',
  '₪',
  'R',
] as const;

/**
 * Characters a reader could take for a sign. Outside the places a sign belongs they make the text
 * ambiguous ("- 5", "−5", "--5"), so they are refused rather than dropped with the prefix.
 */
const SIGN_LIKE = [
  '-',
  '+',
  '\u2010',
  '\u2011',
  '\u2012',
  '\u2013',
  '\u2014',
  '\u2015',
  '\u2212',
  '\ufe62',
  '\ufe63',
  '\uff0b',
  '\uff0d',
] as const;

/**
 * Characters that would continue a number if it were well formed ("5.", "1,2", "5%%"): right
 * after the number they mean a malformed one, not the start of a postfix.
 */
const NUMBER_CONTINUATIONS = ['.', ',', '%'] as const;

/** Parentheses delimit the value in the breach text, so inside it they mean the cut was wrong. */
const NEVER_AROUND = ['(', ')', INFINITY_SIGN] as const;

/** One letter of any script; tested on a single character only, so it cannot backtrack. */
const LETTER = /^\p{L}$/u;

/** One decimal digit of any script ("٥", "５"), tested the same way. */
const ANY_DIGIT = /^\p{Nd}$/u;

/** A number's magnitude and what follows it, before the sign is applied. */
interface Body {
  readonly magnitude: number;
  readonly percent: boolean;
  /** The index just after the number (and its `%`). */
  readonly end: number;
}

/** One part of a duration such as "23m". */
interface DurationPart {
  readonly seconds: number;
  /** Its unit's index in DURATION_UNITS. */
  readonly rank: number;
  readonly fractional: boolean;
  readonly end: number;
}

/** Reads the number in `text`, or undefined when it is not one. Linear in the length of `text`; never throws. */
export function readPrintedNumber(text: string): PrintedNumber | undefined {
  if (typeof text !== 'string' || text.length > MAX_LENGTH) return undefined;
  const trimmed = text.trim();
  const raw = RAW_INFINITIES.find((entry) => entry.text === trimmed);
  if (raw) return { value: raw.value, percent: raw.percent, text: trimmed };
  const reading = readFormatted(trimmed);
  return reading && { ...reading, text: trimmed };
}

/** Prefix, optional sign, number, postfix: the shape every axis format shares. */
function readFormatted(text: string): Omit<PrintedNumber, 'text'> | undefined {
  const core = coreStart(text);
  if (core === undefined) return undefined;
  const sign = readSign(text, core);
  if (!sign) return undefined;
  const body = text[core] === INFINITY_SIGN ? readInfinity(text, core) : readDigits(text, core);
  if (!body || !isPostfix(text.slice(body.end))) return undefined;
  const value = sign.negative ? -body.magnitude : body.magnitude;
  // "-0.00%" is zero; a -0 would only surprise a caller comparing with Object.is.
  return { value: value === 0 ? 0 : value, percent: body.percent };
}

/** Where the number starts: the first ASCII digit or infinity sign. */
function coreStart(text: string): number | undefined {
  for (let index = 0; index < text.length; index++) {
    if (isDigit(text[index]) || text[index] === INFINITY_SIGN) return index;
  }
  return undefined;
}

/**
 * The sign of the number at `core`, judged with the prefix before it: a minus right before the
 * number ("-5", "$-1,234.50"), or one before a currency symbol ("-$5.00"). Undefined when the
 * prefix is not plain text or holds a sign anywhere else.
 */
function readSign(text: string, core: number): { readonly negative: boolean } | undefined {
  const adjacentMinus = text[core - 1] === '-';
  const prefix = text.slice(0, adjacentMinus ? core - 1 : core);
  if (!isPlainAround(prefix)) return undefined;
  const last = prefix.at(-1);
  // "--5", "+5", ".5", ",5": the character before is part of a number PostHog never prints.
  if (last !== undefined && (isSignLike(last) || isOneOf(NUMBER_CONTINUATIONS, last))) return undefined;
  if (!containsSignLike(prefix)) return { negative: adjacentMinus };
  if (!adjacentMinus && prefix[0] === '-' && isCurrencyMarker(prefix.slice(1))) return { negative: true };
  return undefined;
}

/** A currency symbol, or an upper-case code and a space ("SEK "), as PostHog prefixes amounts. */
function isCurrencyMarker(text: string): boolean {
  if (isOneOf(CURRENCY_SYMBOLS, text)) return true;
  return (
    text.length === 4 &&
    isUpperAscii(text[0]) &&
    isUpperAscii(text[1]) &&
    isUpperAscii(text[2]) &&
    text[3] === ' '
  );
}

function readInfinity(text: string, core: number): Body {
  const percent = text[core + 1] === '%';
  return { magnitude: Number.POSITIVE_INFINITY, percent, end: core + 1 + (percent ? 1 : 0) };
}

/** A number that starts with a digit: a duration when a unit follows its first digits, else a plain number. */
function readDigits(text: string, start: number): Body | undefined {
  const first = scanDurationPart(text, start);
  return first ? readDuration(text, first) : readPlainNumber(text, start);
}

/**
 * "1h 23m 20s": parts joined by single spaces, units largest first. Once a unit has made it a
 * duration, a malformed part ("1.5h", "1s 1m", "1h 5") makes the whole text unreadable.
 */
function readDuration(text: string, first: DurationPart): Body | undefined {
  let part = first;
  let seconds = 0;
  let previousRank = -1;
  for (;;) {
    const unit = DURATION_UNITS[part.rank];
    if (!unit || part.rank <= previousRank || (part.fractional && !unit.fraction)) return undefined;
    seconds += part.seconds;
    previousRank = part.rank;
    if (text[part.end] !== ' ' || !isDigit(text[part.end + 1])) break;
    const next = scanDurationPart(text, part.end + 1);
    if (!next) return undefined;
    part = next;
  }
  return Number.isFinite(seconds) ? { magnitude: seconds, percent: false, end: part.end } : undefined;
}

/** Digits, an optional fraction, then a unit that ends there; undefined when no unit follows. */
function scanDurationPart(text: string, start: number): DurationPart | undefined {
  const integerEnd = skipDigits(text, start);
  const fractional = text[integerEnd] === '.' && isDigit(text[integerEnd + 1]);
  const numberEnd = fractional ? skipDigits(text, integerEnd + 1) : integerEnd;
  const rank = DURATION_UNITS.findIndex((unit) => endsAt(text, numberEnd, unit.symbol));
  const unit = DURATION_UNITS[rank];
  if (!unit) return undefined;
  const amount = Number(text.slice(start, numberEnd));
  return {
    seconds: (amount * unit.multiplier) / unit.divisor,
    rank,
    fractional,
    end: numberEnd + unit.symbol.length,
  };
}

/**
 * "1,234.57", "1e+16", "1.23K", "32.50%": an integer with optional thousands groups, an optional
 * fraction, an exponent (only without groups, as Python prints it) or a compact suffix, then an
 * optional `%`.
 */
function readPlainNumber(text: string, start: number): Body | undefined {
  const integer = scanGroupedInteger(text, start);
  let end = integer.end;
  if (text[end] === '.' && isDigit(text[end + 1])) end = skipDigits(text, end + 1);
  const exponentEnd = integer.grouped ? end : scanExponent(text, end);
  const hasExponent = exponentEnd > end;
  end = exponentEnd;
  // "1,000s" or "1e3m": a unit on a number no duration is printed with; reading 1,000 would drop the unit.
  if (DURATION_UNITS.some((unit) => endsAt(text, end, unit.symbol))) return undefined;
  const digits = text.slice(start, end).replaceAll(',', '');
  const suffix = hasExponent ? -1 : COMPACT_SUFFIXES.findIndex((letter) => endsAt(text, end, letter));
  // Scaling through the exponent keeps "1.23K" exactly 1230, where 1.23 * 1000 may not be.
  const magnitude = Number(suffix === -1 ? digits : `${digits}e${3 * (suffix + 1)}`);
  if (suffix !== -1) end++;
  // Digits only overflow through an exponent PostHog never prints; its infinities are spelled out.
  if (!Number.isFinite(magnitude)) return undefined;
  const percent = text[end] === '%';
  return { magnitude, percent, end: end + (percent ? 1 : 0) };
}

/**
 * Digits with optional comma groups of exactly three ("1,000,000"). A comma that does not start
 * such a group ends the integer; what follows then fails as a postfix.
 */
function scanGroupedInteger(
  text: string,
  start: number,
): { readonly end: number; readonly grouped: boolean } {
  let end = skipDigits(text, start);
  if (end - start > 3) return { end, grouped: false };
  let grouped = false;
  while (text[end] === ',' && isGroup(text, end + 1)) {
    end += 4;
    grouped = true;
  }
  return { end, grouped };
}

function isGroup(text: string, start: number): boolean {
  return (
    isDigit(text[start]) && isDigit(text[start + 1]) && isDigit(text[start + 2]) && !isDigit(text[start + 3])
  );
}

/**
 * True when `symbol` is at `index` and ends the number part: "5m" is five minutes and "1.5K" is
 * 1,500, but in "5min" or "5Kb" the letters are a postfix.
 */
function endsAt(text: string, index: number, symbol: string): boolean {
  return text.startsWith(symbol, index) && !isLetterAt(text, index + symbol.length);
}

/** A postfix is plain text that does not start as a malformed continuation of the number. */
function isPostfix(postfix: string): boolean {
  const first = postfix[0];
  if (first !== undefined && (isSignLike(first) || isOneOf(NUMBER_CONTINUATIONS, first))) return false;
  return isPlainAround(postfix);
}

/**
 * Prefix and postfix text: a second number (digits of any script, or ∞) or a parenthesis means
 * this is not one value.
 */
function isPlainAround(text: string): boolean {
  for (const character of text) {
    if (ANY_DIGIT.test(character) || isOneOf(NEVER_AROUND, character)) return false;
  }
  return true;
}

function containsSignLike(text: string): boolean {
  for (const character of text) {
    if (isSignLike(character)) return true;
  }
  return false;
}

function isSignLike(character: string): boolean {
  return isOneOf(SIGN_LIKE, character);
}

/** Membership in an `as const` list for any string, without widening the list's type. */
function isOneOf(list: readonly string[], value: string): boolean {
  return list.includes(value);
}

function isLetterAt(text: string, index: number): boolean {
  const codePoint = text.codePointAt(index);
  return codePoint !== undefined && LETTER.test(String.fromCodePoint(codePoint));
}

function isUpperAscii(character: string | undefined): boolean {
  return character !== undefined && character >= 'A' && character <= 'Z';
}
