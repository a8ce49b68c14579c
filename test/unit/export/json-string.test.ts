/** The fast JSON string encoder must give exactly what JSON.stringify gives, for any string. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapesOnlyNewlines, jsonString, jsonStringBody, writeNewlinesEscaped } from '../../../main/export/json-string';

/** Characters JSON treats specially, and their neighbours, mixed into ordinary text. */
const SPECIAL = ['\n', '\r', '\t', '"', '\\', '\b', '\f', '\u0000', '\u0001', '\u001f', '\u007f', '\u2028', '\u2029', '\ud800', '\udc00', '\ud83d\ude00', 'é', '中', ' '];
const piece = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ minLength: 1, maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 8 }));
/** Long enough for the fast path (short strings go straight to JSON.stringify). */
const text = fc.array(piece, { minLength: 0, maxLength: 80 }).map((parts) => parts.join(''));

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The body as the export writer writes it: line by line when only newlines need escaping, into exactly the room it reserves. */
function written(s: string): string {
  const fast = escapesOnlyNewlines(s);
  const body = fast ? s : jsonStringBody(s);
  const buffer = Buffer.alloc(3 + body.length * 3 + 3, 0x2a);
  const end = fast ? writeNewlinesEscaped(buffer, 3, s) : 3 + buffer.write(body, 3);
  expect(buffer.subarray(0, 3).toString()).toBe('***');
  expect(buffer.subarray(end).every((b) => b === 0x2a)).toBe(true);
  return buffer.toString('utf8', 3, end);
}

describe('jsonString', () => {
  it('equals JSON.stringify on any text', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
        expect(jsonStringBody(s)).toBe(JSON.stringify(s).slice(1, -1));
        expect(written(s)).toBe(JSON.stringify(s).slice(1, -1));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals JSON.stringify on any text whose only escapes are newlines (the line-by-line path)', () => {
    // eslint-disable-next-line no-control-regex -- removing the characters the line-by-line path does not handle
    const plain = text.map((s) => `${s.replace(/[\u0000-\u0009\u000b-\u001f"\\]/g, '')}${'\n'.repeat(s.length % 3)}`.padEnd(70, 'x'));
    fc.assert(
      fc.property(plain, (s) => {
        // Only a lone surrogate sends such a text to JSON.stringify.
        expect(escapesOnlyNewlines(s)).toBe(!LONE_SURROGATE.test(s));
        expect(written(s)).toBe(JSON.stringify(s).slice(1, -1));
      }),
      { numRuns: 2000 },
    );
  });

  it('equals JSON.stringify on every single UTF-16 unit inside long text', () => {
    const filler = 'plain words and more plain words to pass the short-text cut '.repeat(2);
    for (let code = 0; code <= 0xffff; code++) {
      const ch = String.fromCharCode(code);
      for (const s of [`${filler}${ch}`, `${ch}${filler}\n${filler}`, `${filler}${ch}${ch}"\\\n\r\t`]) {
        if (jsonString(s) !== JSON.stringify(s)) expect(jsonString(s), `U+${code.toString(16)}`).toBe(JSON.stringify(s));
        if (written(s) !== JSON.stringify(s).slice(1, -1)) expect(written(s), `U+${code.toString(16)} written`).toBe(JSON.stringify(s).slice(1, -1));
      }
    }
  });

  it('takes the fast path on ordinary corpus text, and the slow one only for rare characters', () => {
    const corpus = Array.from({ length: 50 }, (_, i) => `Line ${i}: "quoted" C:\\dir\ttab\r`).join('\n');
    expect(jsonString(corpus)).toBe(JSON.stringify(corpus));
    const lines = corpus.replace(/["\\\t\r]/g, '');
    expect(written(lines)).toBe(JSON.stringify(lines).slice(1, -1));
    expect(written(`${lines}\n`)).toBe(JSON.stringify(`${lines}\n`).slice(1, -1));
    expect(written(`\n\n${lines}\n\n`)).toBe(JSON.stringify(`\n\n${lines}\n\n`).slice(1, -1));
    expect(jsonString(`${corpus}\u0007`)).toBe(JSON.stringify(`${corpus}\u0007`));
    expect(jsonString(`${corpus}\ud83d\ude00 \udc00`)).toBe(JSON.stringify(`${corpus}\ud83d\ude00 \udc00`));
    const emoji = `${lines}\n\ud83d\ude00 \u4e2d\u6587`;
    expect(escapesOnlyNewlines(emoji)).toBe(true);
    expect(written(emoji)).toBe(JSON.stringify(emoji).slice(1, -1));
    expect(escapesOnlyNewlines(`${emoji}\ud83d`)).toBe(false);
    expect(jsonString('')).toBe('""');
  });
});
