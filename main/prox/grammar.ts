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
 * No caps: any number of calls, line numbers and strings of any length. The token budget
 * (256 new tokens at the chunk stage, as in the reference) is the only bound, so nothing the
 * model writes is cut to fit the grammar (a URL is not shortened to a prefix) and a looping
 * answer runs into the budget instead of being closed early into a clean-looking program; the
 * stage runner then knows it was cut off (stage-runner.ts) and treats it as the fidelity says.
 *
 * Comments and a trailing newline: real outputs carry `# ...` lines (paper Table 36) and may
 * end in a newline, and both parsers ignore them, so the grammar admits them: a `#` line before,
 * between or after the calls, and one final "\n".
 */

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
 * GBNF for the chunk stage: `untouch_doc()` (alone among the calls), or one or more lines each
 * `remove_lines(start=N, end=M)` or `normalize(source_str="...", target_str="...")`; `#` comment
 * lines anywhere, and an optional final newline. Strings are double-quoted Python literals: any
 * character but `"`, `\` and control characters (so a call stays on one line), plus the
 * escapes `\"` and `\\`. Nothing is capped (see above).
 *
 * Given the chunk's line range, line numbers are restricted to the lines the model was shown,
 * so it cannot name a line outside its chunk (the reference counts an out-of-range line as an
 * error, and two errors cancel the whole document's program). Without it, any non-negative
 * integer is allowed. No grammar can require start <= end (see the test).
 */
export function chunkGrammar(lines?: LineRange): string {
  const lineNumber = lines === undefined ? '"0" | [1-9] [0-9]*' : integerRangeGbnf(lines.firstLine, lines.lastLine);
  return [
    'root ::= " "? (comment "\\n")* chunk-program "\\n"?',
    'chunk-program ::= "untouch_doc()" ("\\n" comment)* | call ("\\n" (call | comment))*',
    'call ::= remove-lines | normalize',
    'remove-lines ::= "remove_lines(start=" line-number ", end=" line-number ")"',
    `line-number ::= ${lineNumber}`,
    'normalize ::= "normalize(source_str=\\"" string-char+ "\\", target_str=\\"" string-char* "\\")"',
    'string-char ::= [^"\\\\\\x00-\\x1F\\x7F] | "\\\\" ["\\\\]',
    'comment ::= "#" [^\\n]*',
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
