/**
 * GBNF grammars (llama.cpp syntax) of the program languages the released ProX refining
 * models write, so that every constrained generation parses.
 *
 * Spelling: the chunk models were fine-tuned on programs written from
 * the SFT prompts, which define `remove_lines(start, end)`, `normalize(source_str, target_str)`
 * and `untouch_doc()`; the real model outputs seen (paper Table 36, a third-party run of
 * web-chunk-refining-lm) use exactly that spelling. The paper table's `keep_chunk()` and
 * `line_start=`/`line_end=` and the project page's `skip_chunk()` are not admitted: forcing a
 * spelling the model never saw would push it off its training distribution. The parser still
 * reads all spellings, for programs from other sources.
 *
 * Leading space: the answer follows `[/INST]`, and at training time it was tokenized as text
 * of its own, so SentencePiece gave its first word the space prefix (`▁drop`, id 5768). The
 * grammar admits an optional leading space so that this most likely first token is allowed
 * (a grammar without it would mask `▁drop` and force the never-trained `drop`), without
 * forbidding the spaceless form. The reference strips spaces from the output; so does the parser.
 *
 * Bounds: every derivation is finite (at most MAX_CHUNK_CALLS calls, line numbers of at most
 * MAX_LINE_NUMBER_DIGITS digits, strings of at most MAX_NORMALIZE_CHARS characters), so a
 * degenerate model cannot loop inside a call. A remove-only program at the bound with 3-digit
 * line numbers is about the reference's 256 new tokens; the generation's token cap stays the
 * hard stop for programs with long strings.
 */

/** Most calls in one chunk program (the paper averages 3.7 for web, 2.7 for math). */
export const MAX_CHUNK_CALLS = 14;
/** Line numbers up to 999,999 (document-global, so large documents need more than 3 digits). */
export const MAX_LINE_NUMBER_DIGITS = 6;
/** Longest `source_str` / `target_str`, in characters (an escape counts as one). */
export const MAX_NORMALIZE_CHARS = 48;

/** GBNF for the doc stage: ` drop_doc()` or ` keep_doc()`, leading space optional. */
export function docGrammar(): string {
  return [
    'root ::= " "? doc-call',
    'doc-call ::= "drop_doc()" | "keep_doc()"',
    '',
  ].join('\n');
}

/** The document lines a chunk shows the model, 0-based and inclusive (a `Chunk` fits). */
export interface LineRange {
  readonly firstLine: number;
  readonly lastLine: number;
}

/**
 * GBNF for the chunk stage: `untouch_doc()` alone, or 1..MAX_CHUNK_CALLS lines each
 * `remove_lines(start=N, end=M)` or `normalize(source_str="...", target_str="...")`.
 * Strings are double-quoted Python literals: any character but `"`, `\` and control
 * characters (so a call stays on one line), plus the escapes `\"` and `\\`.
 *
 * Given the chunk's line range, line numbers are restricted to the lines the model was shown,
 * so it cannot name a line outside its chunk (the reference counts an out-of-range line as an
 * error, and two errors cancel the whole document's program). Without it, any number of up to
 * MAX_LINE_NUMBER_DIGITS digits is allowed. No grammar can require start <= end (see the test).
 */
export function chunkGrammar(lines?: LineRange): string {
  const lineNumber =
    lines === undefined
      ? `"0" | [1-9] [0-9]{0,${MAX_LINE_NUMBER_DIGITS - 1}}`
      : integerRangeGbnf(lines.firstLine, lines.lastLine);
  return [
    'root ::= " "? chunk-program',
    `chunk-program ::= "untouch_doc()" | call ("\\n" call){0,${MAX_CHUNK_CALLS - 1}}`,
    'call ::= remove-lines | normalize',
    'remove-lines ::= "remove_lines(start=" line-number ", end=" line-number ")"',
    `line-number ::= ${lineNumber}`,
    `normalize ::= "normalize(source_str=\\"" string-char{1,${MAX_NORMALIZE_CHARS}} "\\", target_str=\\"" string-char{0,${MAX_NORMALIZE_CHARS}} "\\")"`,
    'string-char ::= [^"\\\\\\x00-\\x1F\\x7F] | "\\\\" ["\\\\]',
    '',
  ].join('\n');
}

/**
 * GBNF alternatives matching exactly the decimal integers lo..hi (no leading zeros), built
 * digit-length by digit-length the way numeric-range regexes are: equal leading digits are
 * literals, then a partial lower branch, a full middle class, and a partial upper branch.
 */
export function integerRangeGbnf(lo: number, hi: number): string {
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi < lo) {
    throw new RangeError(`line range must be 0 <= firstLine <= lastLine (integers), got ${lo}..${hi}`);
  }
  const patterns: string[][] = [];
  for (let digits = String(lo).length; digits <= String(hi).length; digits++) {
    const floor = digits === 1 ? 0 : 10 ** (digits - 1);
    const ceiling = 10 ** digits - 1;
    const from = Math.max(lo, floor);
    const to = Math.min(hi, ceiling);
    if (from <= to) patterns.push(...sameLengthRange(String(from), String(to).padStart(String(from).length, '0')));
  }
  return patterns.map((p) => p.join(' ')).join(' | ');
}

const digitClass = (a: number, b: number): string => (a === b ? `"${a}"` : `[${a}-${b}]`);

/** Patterns (sequences of one-digit GBNF terms) for lo..hi, both strings of the same length. */
function sameLengthRange(lo: string, hi: string): string[][] {
  const a = Number(lo[0]);
  const b = Number(hi[0]);
  if (lo.length === 1) return [[digitClass(a, b)]];
  const restLo = lo.slice(1);
  const restHi = hi.slice(1);
  if (a === b) return sameLengthRange(restLo, restHi).map((p) => [`"${a}"`, ...p]);
  const width = lo.length - 1;
  const patterns: string[][] = [];
  let middleFrom = a;
  let middleTo = b;
  if (!/^0*$/.test(restLo)) {
    patterns.push(...sameLengthRange(restLo, '9'.repeat(width)).map((p) => [`"${a}"`, ...p]));
    middleFrom = a + 1;
  }
  const upper: string[][] = [];
  if (!/^9*$/.test(restHi)) {
    upper.push(...sameLengthRange('0'.repeat(width), restHi).map((p) => [`"${b}"`, ...p]));
    middleTo = b - 1;
  }
  if (middleFrom <= middleTo) patterns.push([digitClass(middleFrom, middleTo), ...Array.from({ length: width }, () => '[0-9]')]);
  return [...patterns, ...upper];
}

/** The grammar for a stage. */
export function grammarFor(stage: 'doc' | 'chunk', lines?: LineRange): string {
  return stage === 'doc' ? docGrammar() : chunkGrammar(lines);
}
