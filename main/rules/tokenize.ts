/**
 * Word and sentence splitting as the reference filters see them.
 *
 * datatrove's filters count words with `split_into_words`, which for English loads spaCy's
 * blank "en" tokenizer (datatrove a649de7, utils/word_tokenizers.py; FineWeb itself was built
 * when datatrove used NLTK's `word_tokenize`) and drops whitespace tokens. Sentences come from
 * spaCy's rule-based `sentencizer`. Neither library exists in Node, so this module approximates
 * them with a single pass over the characters:
 *
 * - Whitespace (Python `str.split()` whitespace) separates chunks, as spaCy's whitespace tokens
 *   are stripped by datatrove anyway.
 * - Leading punctuation, quotes, brackets and currency signs are split off one by one (spaCy
 *   prefixes); trailing punctuation, quotes, brackets and `%` likewise (suffixes), and `'s`.
 * - A final `.` is split off unless the chunk is an abbreviation: it holds another `.` (`e.g.`,
 *   `U.S.`), is a single letter (`J.`) or is in a short list (`Mr.`, `Dr.`, `etc.` ...).
 *   spaCy has a list of ~1,000 exceptions; this list is shorter, so rare abbreviations split.
 * - Inside a chunk, hyphens between letters (`well-known` -> `well - known`), `/ : < > =` before
 *   a letter, `,` between letters, `.` between a lower- and an upper-case letter, ellipses, and
 *   arithmetic signs between digits are split (spaCy infixes). URLs and e-mail addresses stay whole.
 * - Contractions split like spaCy's exceptions (`don't` -> `do n't`, `we're` -> `we 're`).
 *   spaCy's special spellings (`can't` -> `ca n't`) are not reproduced: the word count is the same.
 *
 * Known differences: emoticons and the long tail of spaCy's exceptions are not special-cased;
 * datatrove counts characters in code points, these functions in UTF-16 units (differs only for
 * characters outside the Basic Multilingual Plane).
 */
import { PUNCTUATION_SET, TERMINAL_PUNCTUATION } from './charsets';

const WHITESPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
  0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Per UTF-16 code: flag bits of the character classes below (a typed-array lookup, not a Set hash). */
const CHAR_FLAGS = new Uint8Array(0x10000);
function flagChars(chars: string, flag: number): { has(code: number): boolean } {
  for (const c of chars) CHAR_FLAGS[c.charCodeAt(0)] = (CHAR_FLAGS[c.charCodeAt(0)] as number) | flag;
  return { has: (code) => ((CHAR_FLAGS[code] as number) & flag) !== 0 };
}
const PREFIX_CHARS = flagChars('([{<"\'“‘«„‚`´$£€¥#*&_§%=—–,:;!?¿¡…«»「『（【《〈', 1);
const SUFFIX_CHARS = flagChars(')]}>"\'”’»«,:;!?…%#*&_—–」』）】》〉', 2);
const HYPHENS = flagChars('-–—~', 4);
const INFIX_BEFORE_ALPHA = flagChars(':<>=/', 8);
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'st', 'jr', 'sr', 'prof', 'inc', 'ltd', 'co', 'corp', 'vs', 'etc', 'no', 'fig', 'vol', 'gen',
  'gov', 'sen', 'rep', 'rev', 'mt', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
]);
const CONTRACTION_SUFFIXES = ["n't", "n’t", "'re", "’re", "'ve", "’ve", "'ll", "’ll", "'m", "’m", "'d", "’d", "'s", "’s"];

const NON_ASCII_LETTER = /\p{L}/u;
const DOT = 0x2e;

export function isWhitespaceCode(code: number): boolean {
  return code === 0x20 || (code < 0x21 ? WHITESPACE.has(code) : code >= 0x85 && WHITESPACE.has(code));
}

/** Python `str.isalpha()` for one UTF-16 unit (surrogates count as letters: rare, harmless). */
export function isLetterCode(code: number): boolean {
  if (code < 0x80) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
  if (code >= 0xd800 && code <= 0xdfff) return true;
  return NON_ASCII_LETTER.test(String.fromCharCode(code));
}

function isLower(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0xdf && code <= 0xff && code !== 0xf7);
}
function isUpper(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0xc0 && code <= 0xde && code !== 0xd7);
}
function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
function isAlnum(code: number): boolean {
  return isDigit(code) || isLetterCode(code);
}

const ASCII_PUNCT = 1;
const ASCII_LETTER = 2;
/** Per ASCII code: whether it is in PUNCTUATION_SET, whether it is a letter (the hot path). */
const ASCII_CLASS = new Uint8Array(128).map((_, code) => (PUNCTUATION_SET.has(code) ? ASCII_PUNCT : 0) | (isLetterCode(code) ? ASCII_LETTER : 0));

/** True when every character of `word` is in datatrove's PUNCTUATION_SET (a "symbol word"). */
export function isSymbolWord(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code < 128 ? (((ASCII_CLASS[code] as number) & ASCII_PUNCT)) === 0 : !PUNCTUATION_SET.has(code)) return false;
  }
  return true;
}

export const SYMBOL_WORD = 1;
export const HAS_LETTER = 2;
/** isSymbolWord(word) ? SYMBOL_WORD : 0 | hasLetter(word) ? HAS_LETTER : 0, in one scan. */
export function classifyWord(word: string): number {
  let symbol = true;
  let letter = false;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code < 128) {
      const cls = ASCII_CLASS[code] as number;
      if ((cls & ASCII_PUNCT) === 0) symbol = false;
      if ((cls & ASCII_LETTER) !== 0) letter = true;
    } else {
      if (symbol && !PUNCTUATION_SET.has(code)) symbol = false;
      if (!letter && isLetterCode(code)) letter = true;
    }
    if (letter && !symbol) break;
  }
  return (symbol ? SYMBOL_WORD : 0) | (letter ? HAS_LETTER : 0);
}

/** True when some character of `word` is a letter (Python `any(c.isalpha() for c in w)`). */
export function hasLetter(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code < 128 ? (((ASCII_CLASS[code] as number) & ASCII_LETTER)) !== 0 : isLetterCode(code)) return true;
  }
  return false;
}

function looksLikeUrlOrEmail(text: string, start: number, end: number): boolean {
  const chunk = text.slice(start, end);
  if (chunk.includes('://') || chunk.startsWith('www.')) return true;
  const at = chunk.indexOf('@');
  return at > 0 && chunk.indexOf('.', at) > at + 1;
}

function dotRunStart(text: string, start: number, end: number): number {
  let i = end;
  while (i > start && text.charCodeAt(i - 1) === DOT) i--;
  return i;
}

/** Whether the final `.` of text[start, end) belongs to an abbreviation and must stay attached. */
function keepsFinalDot(text: string, start: number, end: number): boolean {
  const coreEnd = end - 1;
  const length = coreEnd - start;
  if (length <= 0) return false;
  if (length === 1 && isLetterCode(text.charCodeAt(start))) return true;
  if (text.lastIndexOf('.', coreEnd - 1) >= start) return true;
  if (length > 5) return false;
  return ABBREVIATIONS.has(text.slice(start, coreEnd).toLowerCase());
}

function splitContraction(piece: string, out: string[]): void {
  if (piece.length > 3 && (piece.includes("'") || piece.includes('’'))) {
    const lower = piece.toLowerCase();
    for (const suffix of CONTRACTION_SUFFIXES) {
      if (lower.endsWith(suffix) && piece.length > suffix.length) {
        out.push(piece.slice(0, piece.length - suffix.length), piece.slice(piece.length - suffix.length));
        return;
      }
    }
  }
  out.push(piece);
}

/** Splits the infixes of text[start, end) (no prefix/suffix left) and appends the pieces. */
function splitInfixes(text: string, start: number, end: number, out: string[]): void {
  let pieceStart = start;
  let i = start + 1;
  while (i < end - 1) {
    const code = text.charCodeAt(i);
    const before = text.charCodeAt(i - 1);
    const after = text.charCodeAt(i + 1);
    let infixEnd = -1;
    if (code === DOT && after === DOT) {
      infixEnd = i + 2;
      while (infixEnd < end && text.charCodeAt(infixEnd) === DOT) infixEnd++;
    } else if (code === 0x2026) {
      infixEnd = i + 1;
    } else if (HYPHENS.has(code) && isAlnum(before)) {
      let j = i + 1;
      while (j < end - 1 && HYPHENS.has(text.charCodeAt(j))) j++;
      if (isLetterCode(text.charCodeAt(j))) infixEnd = j;
      else if (isDigit(before) && isDigit(text.charCodeAt(j)) && j === i + 1) infixEnd = j;
    } else if (INFIX_BEFORE_ALPHA.has(code) && isAlnum(before) && isLetterCode(after)) {
      infixEnd = i + 1;
    } else if (code === 0x2c && isLetterCode(before) && isLetterCode(after)) {
      infixEnd = i + 1;
    } else if (code === DOT && isLower(before) && isUpper(after)) {
      infixEnd = i + 1;
    } else if ((code === 0x2b || code === 0x2a || code === 0x5e) && isDigit(before) && isDigit(after)) {
      infixEnd = i + 1;
    }
    if (infixEnd < 0) {
      i++;
      continue;
    }
    if (i > pieceStart) splitContraction(text.slice(pieceStart, i), out);
    out.push(text.slice(i, infixEnd));
    pieceStart = infixEnd;
    i = infixEnd + 1;
  }
  if (end > pieceStart) splitContraction(text.slice(pieceStart, end), out);
}

/** Splits one whitespace-free chunk text[start, end) into tokens appended to `out`. */
function splitChunk(text: string, start: number, end: number, out: string[]): void {
  let s = start;
  let e = end;
  while (s < e) {
    const code = text.charCodeAt(s);
    if (code === DOT && s + 1 < e && text.charCodeAt(s + 1) === DOT) {
      let j = s + 2;
      while (j < e && text.charCodeAt(j) === DOT) j++;
      out.push(text.slice(s, j));
      s = j;
    } else if (PREFIX_CHARS.has(code) && !(code === 0x2b && s + 1 < e && isDigit(text.charCodeAt(s + 1)))) {
      out.push(text[s] ?? '');
      s++;
    } else break;
  }
  const suffixes: string[] = [];
  while (e > s) {
    const code = text.charCodeAt(e - 1);
    if (code === DOT) {
      const runStart = dotRunStart(text, s, e);
      if (e - runStart >= 2) {
        suffixes.push(text.slice(runStart, e));
        e = runStart;
        continue;
      }
      if (e - s === 1 || !keepsFinalDot(text, s, e)) {
        suffixes.push('.');
        e--;
        continue;
      }
      break;
    }
    if (SUFFIX_CHARS.has(code) && e - s > 1) {
      suffixes.push(text[e - 1] ?? '');
      e--;
      continue;
    }
    if (SUFFIX_CHARS.has(code)) {
      suffixes.push(text[e - 1] ?? '');
      e--;
    }
    break;
  }
  if (e > s) {
    // Most chunks are plain words: one scan decides whether any splitting rule can apply.
    let plain = true;
    for (let k = s; k < e; k++) {
      const code = text.charCodeAt(k);
      if (!((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39))) {
        plain = false;
        break;
      }
    }
    if (plain || e - s <= 2) out.push(text.slice(s, e));
    else if (looksLikeUrlOrEmail(text, s, e)) out.push(text.slice(s, e));
    else splitInfixes(text, s, e, out);
  }
  for (let k = suffixes.length - 1; k >= 0; k--) out.push(suffixes[k] ?? '');
}

/** The words datatrove's English `split_into_words` would return (approximation, see above). */
export function splitIntoWords(text: string): string[] {
  return tokenizeLines(text).tokens;
}

/** Tokens of a whole document plus, per "\n"-line, the index of its first token. */
export interface LineTokens {
  readonly tokens: string[];
  /** lineStarts[i] is the first token of line i; lineStarts[lineCount] = tokens.length. */
  readonly lineStarts: Int32Array;
  /** Per line: Python `len(line.split())`, the whitespace-separated chunks (met on the way). */
  readonly lineWordCounts: Int32Array;
  /** Per line: the length of its longest whitespace-separated chunk. */
  readonly lineLongestWord: Int32Array;
}

const CHUNK_ALNUM = 0;
const CHUNK_OTHER = 1;
const CHUNK_SPACE = 2;
/** Per ASCII code, inside a chunk: a plain letter/digit, whitespace (ends it), or anything else. */
const ASCII_CHUNK = new Uint8Array(128).map((_, code) =>
  isWhitespaceCode(code) ? CHUNK_SPACE : (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) ? CHUNK_ALNUM : CHUNK_OTHER,
);

/**
 * Tokenizes `text` once for every rule group: a chunk never spans a newline, so the tokens of
 * a line are exactly those of the line tokenized alone.
 */
export function tokenizeLines(text: string): LineTokens {
  const out: string[] = [];
  const lineCount = countOccurrences(text, '\n') + 1;
  const starts = new Int32Array(lineCount + 1);
  const counts = new Int32Array(lineCount);
  const longest = new Int32Array(lineCount);
  let line = 0;
  let chunks = 0;
  let max = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let code = text.charCodeAt(i);
    if ((code <= 0x20 || code >= 0x7f) && isWhitespaceCode(code)) {
      if (code === 0x0a) {
        counts[line] = chunks;
        longest[line] = max;
        chunks = 0;
        max = 0;
        starts[++line] = out.length;
      }
      i++;
      continue;
    }
    const start = i;
    // Plain ASCII letters and digits need no splitting: the common case, decided while scanning.
    let plain = true;
    while (i < n) {
      code = text.charCodeAt(i);
      if (code < 0x80) {
        const kind = ASCII_CHUNK[code] as number;
        if (kind === CHUNK_SPACE) break;
        if (kind !== CHUNK_ALNUM) plain = false;
      } else if (isWhitespaceCode(code)) break;
      else plain = false;
      i++;
    }
    chunks++;
    if (i - start > max) max = i - start;
    if (plain) out.push(text.slice(start, i));
    else splitChunk(text, start, i, out);
  }
  counts[line] = chunks;
  longest[line] = max;
  starts[line + 1] = out.length;
  return { tokens: out, lineStarts: starts, lineWordCounts: counts, lineLongestWord: longest };
}

function isPunctToken(token: string): boolean {
  return isSymbolWord(token);
}

/**
 * Number of sentences spaCy's sentencizer finds in `text`: a new sentence starts at the first
 * non-punctuation token after a token that is a single sentence-final character (`.`, `!`, `?`
 * and the other scripts' equivalents). No tokens: zero sentences.
 */
export function countSentences(text: string): number {
  const tokens = splitIntoWords(text);
  return countSentencesInTokens(tokens, 0, tokens.length);
}

/** countSentences over tokens[start, end). */
export function countSentencesInTokens(tokens: readonly string[], start: number, end: number): number {
  if (end <= start) return 0;
  let sentences = 1;
  let seenFinal = false;
  for (let k = start; k < end; k++) {
    const token = tokens[k] ?? '';
    const isFinal = token.length === 1 && TERMINAL_PUNCTUATION.has(token.charCodeAt(0));
    if (seenFinal && !isFinal && !isPunctToken(token)) {
      sentences++;
      seenFinal = false;
    } else if (isFinal) {
      seenFinal = true;
    }
  }
  return sentences;
}

/** Python `str.splitlines()` (no keepends): every Unicode line boundary, no trailing empty line. */
export function splitLinesPython(text: string): string[] {
  const ranges = lineRanges(text);
  const lines: string[] = [];
  for (let k = 0; k < ranges.length; k += 2) lines.push(text.slice(ranges[k], ranges[k + 1]));
  return lines;
}

/** Whether `str.splitlines()` breaks at this UTF-16 code. */
export function isLineBreakCode(code: number): boolean {
  return (
    code === 0x0a || code === 0x0d || code === 0x0b || code === 0x0c || code === 0x1c || code === 0x1d || code === 0x1e ||
    code === 0x85 || code === 0x2028 || code === 0x2029
  );
}

/** The [start, end) pairs of `str.splitlines()`, flattened. */
export function lineRanges(text: string): number[] {
  const lines: number[] = [];
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (!isLineBreakCode(code)) continue;
    lines.push(start, i);
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    start = i + 1;
  }
  if (start < n) lines.push(start, n);
  return lines;
}

/** Python `str.strip()` with no argument. */
export function stripPython(text: string): string {
  let s = 0;
  let e = text.length;
  while (s < e && isWhitespaceCode(text.charCodeAt(s))) s++;
  while (e > s && isWhitespaceCode(text.charCodeAt(e - 1))) e--;
  return s === 0 && e === text.length ? text : text.slice(s, e);
}

/** Python `str.count(sub)`: non-overlapping occurrences. */
export function countOccurrences(text: string, sub: string): number {
  let count = 0;
  let at = text.indexOf(sub);
  while (at >= 0) {
    count++;
    at = text.indexOf(sub, at + sub.length);
  }
  return count;
}
