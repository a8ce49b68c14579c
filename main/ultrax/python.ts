/**
 * The Python `str` behaviour the UltraX reference depends on, by code point and by Unicode
 * 13.0 (Python 3.10, the version the reference names): `int()`, `splitlines(keepends=True)`,
 * `repr()`, `count()`, and the `\d` / `\s` classes of its regular expressions.
 *
 * The reference measures lengths and positions in code points; JavaScript strings are UTF-16.
 * Functions here that take or return positions say which they use.
 */
import { isPythonWhitespace, isPythonWhitespaceCode } from '../prox/words';
import { UNICODE13_ASSIGNED } from './unicode13';

/** [start, end] inclusive, sorted, disjoint. */
const ASSIGNED: readonly (readonly [number, number])[] = UNICODE13_ASSIGNED.split(' ').map((pair) => {
  const [start, length] = pair.split('-').map((n) => parseInt(n, 36)) as [number, number];
  return [start, start + length] as const;
});

export function isAssignedInUnicode13(cp: number): boolean {
  let lo = 0;
  let hi = ASSIGNED.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [start, end] = ASSIGNED[mid]!;
    if (cp < start) hi = mid - 1;
    else if (cp > end) lo = mid + 1;
    else return true;
  }
  return false;
}

const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\p{Zs}]$/u;
const DECIMAL = /^\p{Nd}$/u;

/** Python `ch.isprintable()` for one code point: not Other, not a separator except U+0020, assigned. */
export function isPrintable(cp: number): boolean {
  if (cp >= 0x20 && cp < 0x7f) return true;
  if (cp < 0xa0) return false;
  return isAssignedInUnicode13(cp) && !NOT_PRINTABLE.test(String.fromCodePoint(cp));
}

/** Python `ch.isdecimal()` (what `\d` and `int()` accept as a digit). */
export function isDecimal(cp: number): boolean {
  if (cp >= 48 && cp <= 57) return true;
  return cp > 127 && isAssignedInUnicode13(cp) && DECIMAL.test(String.fromCodePoint(cp));
}

/** The value of a decimal digit: Unicode lays every decimal set out as ten consecutive code points, 0 to 9. */
function decimalValue(cp: number): number {
  if (cp <= 57) return cp - 48;
  let start = cp;
  while (isDecimal(start - 1)) start--;
  return (cp - start) % 10;
}

/**
 * Python `int(s)` (base 10): surrounding whitespace, an optional sign, decimal digits of any
 * script with single underscores between them. Null where Python raises ValueError. Values
 * beyond 2^53 lose precision here (a model never writes such line numbers within its token
 * budget); `pythonIntDigits` keeps their exact decimal form for printing.
 */
export function pythonInt(s: string): number | null {
  const digits = pythonIntDigits(s);
  return digits === null ? null : Number(digits);
}

/** The exact decimal form of Python `int(s)` (no underscores, no leading zeros, no "-0"); null where Python raises. */
export function pythonIntDigits(s: string): string | null {
  // CPython first maps non-ASCII whitespace to ' ' and non-ASCII digits to ASCII ones, then
  // parses ASCII: only ' \t\n\v\f\r' count as whitespace there (U+001C..U+001F do not).
  let ascii = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 127) ascii += ch;
    else if (isPythonWhitespace(ch)) ascii += ' ';
    else if (isDecimal(cp)) ascii += String.fromCharCode(48 + decimalValue(cp));
    else return null;
  }
  const match = /^[ \t\n\v\f\r]*([+-]?)([0-9](?:_?[0-9])*)[ \t\n\v\f\r]*$/.exec(ascii);
  if (match === null) return null;
  const digits = match[2]!.replaceAll('_', '').replace(/^0+(?=.)/, '');
  return match[1] === '-' && digits !== '0' ? `-${digits}` : digits;
}

/** Length in code points (Python `len`). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** The code points of a string, one string each (lone surrogates stay one unit, as Python keeps them). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Python's line boundaries for `str.splitlines`: \n \r \r\n \v \f \x1c \x1d \x1e \x85 \u2028 \u2029. */
function isLineBoundary(code: number): boolean {
  return code === 10 || code === 13 || code === 11 || code === 12 || code === 0x1c || code === 0x1d || code === 0x1e || code === 0x85 || code === 0x2028 || code === 0x2029;
}

/** Python `s.splitlines(keepends=True)`. */
export function splitlinesKeepends(s: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (!isLineBoundary(code)) continue;
    if (code === 13 && s.charCodeAt(i + 1) === 10) i++;
    lines.push(s.slice(start, i + 1));
    start = i + 1;
  }
  if (start < s.length) lines.push(s.slice(start));
  return lines;
}

/** Python `haystack.count(needle)`: non-overlapping occurrences; an empty needle counts len + 1. */
export function pyCount(haystack: string, needle: string): number {
  if (needle === '') return codePointLength(haystack) + 1;
  let count = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) count++;
  return count;
}

/** Python `repr(s)` for a str. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (isPrintable(cp)) out += ch;
    else if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `\s` of a Python `re` str pattern: the same set as `str.isspace()`. */
export function isRegexSpace(code: number): boolean {
  return isPythonWhitespaceCode(code);
}
