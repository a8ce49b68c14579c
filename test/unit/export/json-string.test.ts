/** The fast JSON string encoder must give exactly what JSON.stringify gives, for any string. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonString, jsonStringBody } from '../../../main/export/json-string';

/** Characters JSON treats specially, and their neighbours, mixed into ordinary text. */
const SPECIAL = ['\n', '\r', '\t', '"', '\\', '\b', '\f', '\u0000', '\u0001', '\u001f', '\u007f', '\u2028', '\u2029', '\ud800', '\udc00', '\ud83d\ude00', 'é', '中', ' '];
const piece = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ minLength: 1, maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 8 }));
/** Long enough for the fast path (short strings go straight to JSON.stringify). */
const text = fc.array(piece, { minLength: 0, maxLength: 80 }).map((parts) => parts.join(''));

describe('jsonString', () => {
  it('equals JSON.stringify on any text', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(jsonString(s)).toBe(JSON.stringify(s));
        expect(jsonStringBody(s)).toBe(JSON.stringify(s).slice(1, -1));
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
      }
    }
  });

  it('takes the fast path on ordinary corpus text, and the slow one only for rare characters', () => {
    const corpus = Array.from({ length: 50 }, (_, i) => `Line ${i}: "quoted" C:\\dir\ttab\r`).join('\n');
    expect(jsonString(corpus)).toBe(JSON.stringify(corpus));
    expect(jsonString(`${corpus}\u0007`)).toBe(JSON.stringify(`${corpus}\u0007`));
    expect(jsonString(`${corpus}\ud83d\ude00 \udc00`)).toBe(JSON.stringify(`${corpus}\ud83d\ude00 \udc00`));
    expect(jsonString('')).toBe('""');
  });
});
