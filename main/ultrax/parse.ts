/**
 * Reads UltraX program text the way the reference does (`parse_function_list` and
 * `parse_function_call` of openbmb/UltraX stage 2), quirks included:
 * - each line is stripped (Python whitespace); blank lines, lines starting with `#` and `---`
 *   lines are skipped; anything else that is not a call is silently ignored;
 * - `keep_all()` / `remove_all()` must be the whole line;
 * - `remove_lines(N, M)` only needs to start the line (text after the `)` is ignored); its
 *   numbers are decimal digits of any script, with optional whitespace after the comma only;
 * - `replace_str(` and `add_line(` lose their last character whatever it is (normally the
 *   `)`), split at the first commas, read `int()`s, then one or two quoted strings with the
 *   escapes `\n \t \r \\` and the quote itself (`\x` stays two characters); text after the
 *   last string is ignored; between the two strings of replace_str only commas may come
 *   right after the first string (`'a' , 'b'` is not read).
 * The inference script's parser has no comment rule, but a `#` or `---` line never parses as
 * a call there either, so this one parser serves both.
 */
import { pyStrip } from '../prox/words';
import type { UltraxCall } from './program';
import { isDecimal, isRegexSpace, pythonIntDigits } from './python';

export interface IgnoredLine {
  /** 0-based program line. */
  readonly line: number;
  readonly text: string;
  readonly reason: 'comment' | 'not a call';
}

export interface ParsedUltrax {
  readonly calls: readonly UltraxCall[];
  readonly ignored: readonly IgnoredLine[];
}

export function parseUltraxProgram(text: string): ParsedUltrax {
  const calls: UltraxCall[] = [];
  const ignored: IgnoredLine[] = [];
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const stripped = pyStrip(lines[line]!);
    if (stripped === '') continue;
    if (stripped.startsWith('#') || stripped === '---') {
      ignored.push({ line, text: stripped, reason: 'comment' });
      continue;
    }
    const call = parseUltraxCall(stripped, line);
    if (call === null) ignored.push({ line, text: stripped, reason: 'not a call' });
    else calls.push(call);
  }
  return { calls, ignored };
}

/** One call (`parse_function_call`); null where the reference returns None. */
export function parseUltraxCall(source: string, line = 0): UltraxCall | null {
  const s = pyStrip(source);
  if (s === '') return null;
  if (s === 'keep_all()') return { kind: 'keep_all', line };
  if (s === 'remove_all()') return { kind: 'remove_all', line };
  const range = matchRemoveLines(s);
  if (range !== null) return withDigits({ kind: 'remove_lines', line, start: Number(range[0]), end: Number(range[1]) }, { start: range[0], end: range[1] });
  if (s.startsWith('replace_str(')) return parseReplaceStr(withoutLastCodePoint(s, 'replace_str('.length), line);
  if (s.startsWith('add_line(')) return parseAddLine(withoutLastCodePoint(s, 'add_line('.length), line);
  return null;
}

/** `re.match(r'remove_lines\((\d+),\s*(\d+)\)', s)`. */
function matchRemoveLines(s: string): [string, string] | null {
  const prefix = 'remove_lines(';
  if (!s.startsWith(prefix)) return null;
  let i = prefix.length;
  const first = digitsAt(s, i);
  if (first === null || s[first.end] !== ',') return null;
  i = first.end + 1;
  while (i < s.length && isRegexSpace(s.charCodeAt(i))) i++;
  const second = digitsAt(s, i);
  if (second === null || s[second.end] !== ')') return null;
  return [pythonIntDigits(first.digits)!, pythonIntDigits(second.digits)!];
}

/** A run of `\d` (decimal digits of any script) starting at UTF-16 index `i`. */
function digitsAt(s: string, i: number): { digits: string; end: number } | null {
  let end = i;
  while (end < s.length) {
    const cp = s.codePointAt(end)!;
    if (!isDecimal(cp)) break;
    end += cp > 0xffff ? 2 : 1;
  }
  return end === i ? null : { digits: s.slice(i, end), end };
}

/** Python `s[from:-1]`: the last code point goes, whatever it is. */
function withoutLastCodePoint(s: string, from: number): string {
  const last = s.codePointAt(s.length - 1) ?? 0;
  // A trailing low surrogate belongs to the code point before it when that is a high one.
  const isPairEnd = last >= 0xdc00 && last <= 0xdfff && s.length >= 2 && s.charCodeAt(s.length - 2) >= 0xd800 && s.charCodeAt(s.length - 2) <= 0xdbff;
  const end = s.length - (isPairEnd ? 2 : 1);
  return end > from ? s.slice(from, end) : '';
}

function parseReplaceStr(inner: string, line: number): UltraxCall | null {
  const comma = inner.indexOf(',');
  if (comma === -1) return null;
  const lineNumber = pythonIntDigits(pyStrip(inner.slice(0, comma)));
  if (lineNumber === null) return null;
  let rest = pyStrip(inner.slice(comma + 1));
  const search = quotedAtStart(rest);
  if (search === null) return null;
  rest = pyStrip(search.rest.replace(/^,+/, ''));
  const replace = quotedAtStart(rest);
  if (replace === null) return null;
  return withDigits({ kind: 'replace_str', line, lineNumber: Number(lineNumber), search: search.value, replace: replace.value }, { lineNumber });
}

function parseAddLine(inner: string, line: number): UltraxCall | null {
  const comma = inner.indexOf(',');
  if (comma === -1) return null;
  const base = pythonIntDigits(pyStrip(inner.slice(0, comma)));
  if (base === null) return null;
  let rest = pyStrip(inner.slice(comma + 1));
  const second = rest.indexOf(',');
  if (second === -1) return null;
  const subIndex = pythonIntDigits(pyStrip(rest.slice(0, second)));
  if (subIndex === null) return null;
  rest = pyStrip(rest.slice(second + 1));
  const content = quotedAtStart(rest);
  if (content === null) return null;
  return withDigits({ kind: 'add_line', line, base: Number(base), subIndex: Number(subIndex), content: content.value }, { base, subIndex });
}

/** Records the exact digits of the numbers that a double cannot hold. */
function withDigits<T extends UltraxCall>(call: T, digits: Record<string, string>): T {
  const unsafe = Object.entries(digits).filter(([, d]) => !Number.isSafeInteger(Number(d)));
  return unsafe.length === 0 ? call : { ...call, digits: Object.fromEntries(unsafe) };
}

/** `parse_quoted_string` when `s` starts with ' or "; null when it starts with neither or never closes. */
function quotedAtStart(s: string): { value: string; rest: string } | null {
  const quote = s[0];
  if (quote !== "'" && quote !== '"') return null;
  let value = '';
  let i = 1;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      const next = s[i + 1]!;
      if (next === 'n') value += '\n';
      else if (next === 't') value += '\t';
      else if (next === 'r') value += '\r';
      else if (next === '\\') value += '\\';
      else if (next === quote) value += quote;
      else value += `\\${next}`;
      i += 2;
    } else if (ch === quote) {
      return { value, rest: s.slice(i + 1) };
    } else {
      value += ch;
      i++;
    }
  }
  return null;
}
