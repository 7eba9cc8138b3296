/**
 * HTML that escapes what it is given: `html` is a template tag whose every interpolated value is
 * escaped for HTML — text and attribute values alike (`&`, `<`, `>`, `"`, `'`, and the characters
 * a person should see rather than obey: controls and bidirectional overrides, shown as `\uXXXX`;
 * line feeds and tabs stay, as HTML lays them out as spaces, or as lines in a `<pre>`) —
 * unless it is itself `html`. Stored text (titles, names, descriptions) can therefore neither run
 * nor restyle the page: there is no way to splice it in raw.
 */
import { escapeControlsButLines } from '../core/visible-text.ts';

/** Markup built by `html`: safe to place as it is. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What may be interpolated: text (escaped), numbers, markup, lists of those; null, undefined and false are nothing. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` as HTML text or a quoted attribute's value. */
export function escapeHtml(text: string): string {
  return escapeControlsButLines(text).replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function rendered(value: HtmlValue): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(rendered).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** The template tag: markup as written, every value escaped (see the module's comment). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += rendered(value) + (strings[index + 1] ?? '');
  });
  return new Html(markup);
}
