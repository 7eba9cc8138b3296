import fc from 'fast-check';
import { escapeHtml, Html, html } from '../../../lambda/board/html.ts';

describe('the escaping template of the triage board (README.md "The triage board")', () => {
  it('escapes any interpolated text, in an element and in an attribute: it can never open a tag or leave the attribute', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const { markup } = html`<p title="${text}">${text}</p>`;
        const inside = markup.slice('<p title="'.length, -'</p>'.length);
        const [attribute = '', content = ''] = inside.split('">');
        for (const part of [attribute, content]) {
          expect(part).not.toMatch(/[<>"']/);
          // Every & starts an entity this escaping wrote.
          expect(part.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        }
        expect(attribute).toBe(content);
        expect(attribute).toBe(escapeHtml(text));
      }),
      { numRuns: 300 },
    );
  });

  it('shows controls and bidirectional overrides as escapes, keeping line feeds and tabs', () => {
    expect(escapeHtml('a\u202Eb\u200Fc\u0007d\ne\tf\u2028')).toBe('a\\u202eb\\u200fc\\u0007d\ne\tf\\u2028');
  });

  it('places markup built by html as it is, and lists item by item; null, undefined and false are nothing', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${['x', html`<br>`, 2]}${null}${undefined}${false}</p>`.markup).toBe(
      '<p><b>&lt;i&gt;</b>x<br>2</p>',
    );
    expect(new Html('<hr>').toString()).toBe('<hr>');
  });
});
