/**
 * Stored text reaches people — an operator's terminal through the CLI, a page through the triage
 * board — and much of it comes from outside: a PostHog insight name is typed by anyone in the
 * PostHog project. Raw, `ESC ] 52 ; …` would write a terminal's clipboard and `ESC [ 2 J` clear
 * the screen, and a right-to-left override would reorder a board row. So every control character is
 * shown as its escape (`\u001b`), never sent: C0, DEL and C1 (Unicode's Cc, which some terminals
 * obey as well) — and, so that text cannot disguise itself or break a table row, the line and
 * paragraph separators (Zl, Zp) and every bidirectional control (Unicode's Bidi_Control property:
 * the marks U+200E, U+200F, U+061C, the embeddings, overrides and isolates). The set is Unicode's
 * own properties, not a hand list.
 */
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/gu;
/** The same, but for line feeds and tabs: text laid out in lines of its own (a page's `<pre>`). */
const UNSAFE_BUT_LINES = /(?![\n\t])[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/gu;

const escaped = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every such character written as its `\uXXXX` escape. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** `text` with every such character but line feeds and tabs written as its `\uXXXX` escape. */
export function escapeControlsButLines(text: string): string {
  return text.replace(UNSAFE_BUT_LINES, escaped);
}
