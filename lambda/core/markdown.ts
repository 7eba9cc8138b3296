/**
 * Text from outside, made safe to put into Markdown: it reads as the characters it holds, never as
 * markup. A title like `[click](javascript:…)` or `<img onerror=…>` renders as itself.
 */

/**
 * The characters that can start inline markup where text stands inside a line (emphasis, code,
 * links and images, autolinks and HTML, entities, tables and strikethrough); those that only count
 * at the start of a line (`#`, `-`, `+`, `1.`) cannot, since the text never starts one.
 */
const INLINE_MARKUP = /[\\`*_[\]<>()!|~&]/g;
/** Line breaks and other control characters: shown as a space, so text cannot start a block of its own. */
const BREAKS = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;

/** `text` as literal Markdown inside a line: on one line, each markup character backslash-escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(BREAKS, ' ').replace(INLINE_MARKUP, (character) => `\\${character}`);
}
