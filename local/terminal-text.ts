/**
 * Stored text reaches an operator's terminal through this CLI, and much of it comes from outside:
 * a PostHog insight name is typed by anyone in the PostHog project. Raw, `ESC ] 52 ; …` would
 * write the operator's clipboard and `ESC [ 2 J` clear the screen. So every control character is
 * shown as its escape (`\u001b`), never sent: C0 (U+0000–U+001F), DEL (U+007F) and C1
 * (U+0080–U+009F, which some terminals obey as well) — and, so that text cannot disguise itself
 * or break a table row, the Unicode line and paragraph separators and the bidirectional controls.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as its `\uXXXX` escape. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
