/**
 * Reading numbers out of text that arrives in a request, in one forward pass: no regular
 * expression, so no input can make it backtrack (docs/http-contract.md: every check is
 * linear in the body).
 */

/**
 * The end of the unsigned decimal number that starts at `start` (`12`, `12.`, `12.5`, `.5`, each
 * with an optional exponent such as `e-3`), or `start` itself when none starts there.
 */
function scanUnsignedDecimal(text: string, start: number): number {
  let index = skipDigits(text, start);
  const integerDigits = index - start;
  if (text[index] === '.') {
    const fractionEnd = skipDigits(text, index + 1);
    if (integerDigits === 0 && fractionEnd === index + 1) return start;
    index = fractionEnd;
  } else if (integerDigits === 0) {
    return start;
  }
  return scanExponent(text, index);
}

/**
 * The end of an exponent such as `e+16` at `start`, or `start` when none is there: `1e` or `1e+`
 * without digits ends before the `e`.
 */
export function scanExponent(text: string, start: number): number {
  if (text[start] !== 'e' && text[start] !== 'E') return start;
  const signEnd = text[start + 1] === '+' || text[start + 1] === '-' ? start + 2 : start + 1;
  const digitsEnd = skipDigits(text, signEnd);
  return digitsEnd > signEnd ? digitsEnd : start;
}

/**
 * The number in text such as `"35"`, `" -12.5 % "` or `"+1e3%"`: an optional sign, a decimal
 * number, then optionally one `%`, with white space around either. NaN for anything else.
 */
export function parsePercentText(text: string): number {
  let body = text.trim();
  if (body.endsWith('%')) body = body.slice(0, -1).trimEnd();
  return parseDecimalText(body);
}

/**
 * The number in text such as `"312"`, `" -12.5 "` or `"1e3"`: an optional sign and a decimal
 * number, with white space around. NaN for anything else — `Number()` would also take `0x10`,
 * `0b1`, `Infinity` and the empty string.
 */
export function parseDecimalText(text: string): number {
  const body = text.trim();
  const digitsStart = body[0] === '+' || body[0] === '-' ? 1 : 0;
  const end = scanUnsignedDecimal(body, digitsStart);
  return end > digitsStart && end === body.length ? Number(body) : Number.NaN;
}

/** True for an ASCII digit only: no sender's numbers are written in other scripts' digits. */
export function isDigit(character: string | undefined): boolean {
  return character !== undefined && character >= '0' && character <= '9';
}

/** The index after the run of ASCII digits that starts at `start`. */
export function skipDigits(text: string, start: number): number {
  let index = start;
  while (isDigit(text[index])) index++;
  return index;
}
