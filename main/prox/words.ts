/**
 * Word counting and whitespace handling with Python `str` semantics.
 *
 * The reference (GAIR-NLP/ProX) counts words with `len(text.split())` and the Llama-2 chat
 * template strips text with `str.strip()`. Both use Python's notion of whitespace, which is
 * wider than ASCII and different from JavaScript's `\s` (JS treats U+FEFF as whitespace and
 * U+001C..U+001F, U+0085 not), so thresholds computed on word counts only match the
 * reference if we use exactly the same set.
 */

/** Every code point for which Python 3's `str.isspace()` is true (checked against CPython 3). */
export const PYTHON_WHITESPACE =
  '\t\n\u000b\f\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

const WHITESPACE_CLASS = `[${PYTHON_WHITESPACE}]`;
const WHITESPACE_RUN = new RegExp(`${WHITESPACE_CLASS}+`, 'u');

export function isPythonWhitespace(ch: string): boolean {
  return ch.length > 0 && PYTHON_WHITESPACE.includes(ch);
}

/** Python `text.split()` (no separator): runs of whitespace split, empty pieces dropped. */
export function splitWords(text: string): string[] {
  return text.split(WHITESPACE_RUN).filter((w) => w.length > 0);
}

/**
 * Lookup table over the range that holds every Python whitespace code point (the highest is
 * U+3000): the executor counts words of every document twice, so this loop is hot and a
 * table beats a string search per character by an order of magnitude.
 */
const WHITESPACE_TABLE = (() => {
  const table = new Uint8Array(0x3001);
  for (let i = 0; i < PYTHON_WHITESPACE.length; i++) table[PYTHON_WHITESPACE.charCodeAt(i)] = 1;
  return table;
})();

/** `isPythonWhitespace` by UTF-16 code unit (every Python whitespace code point is in the BMP). */
export function isPythonWhitespaceCode(code: number): boolean {
  return code <= 0x3000 && WHITESPACE_TABLE[code] === 1;
}

/** Python `len(text.split())`, without building the array; optionally over `text[start:end]`. */
export function countWords(text: string, start = 0, end = text.length): number {
  let count = 0;
  let inWord = false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    // Most characters are printable ASCII (33..132 holds no Python whitespace): test that first.
    const space = !(code > 32 && code < 0x85) && code <= 0x3000 && WHITESPACE_TABLE[code] === 1;
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}

/** Python `text.strip()`. */
export function pyStrip(text: string): string {
  return pyRstrip(pyLstrip(text));
}

/** Python `text.lstrip()`. */
export function pyLstrip(text: string): string {
  let start = 0;
  while (start < text.length && PYTHON_WHITESPACE.includes(text[start]!)) start++;
  return text.slice(start);
}

/** Python `text.rstrip()`. */
export function pyRstrip(text: string): string {
  // A loop, not /\s+$/: that regex is quadratic on text with many long whitespace runs.
  let end = text.length;
  while (end > 0 && PYTHON_WHITESPACE.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}

/**
 * Like `countWords` over `text[start:end]`, but stops as soon as the count exceeds `limit`
 * (then returns a number > limit): for decisions that only need to know "more than N".
 */
export function countWordsUpTo(text: string, start: number, end: number, limit: number): number {
  let count = 0;
  let inWord = false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    const space = !(code > 32 && code < 0x85) && code <= 0x3000 && WHITESPACE_TABLE[code] === 1;
    if (!space && !inWord) {
      if (++count > limit) return count;
    }
    inWord = !space;
  }
  return count;
}
