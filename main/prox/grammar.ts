/**
 * GBNF grammars (llama.cpp syntax) of the program languages the released ProX refining
 * models write, so that every constrained generation parses.
 *
 * Spelling (reference section 3.1): the chunk models were fine-tuned on programs written from
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

/**
 * GBNF for the chunk stage: `untouch_doc()` alone, or 1..MAX_CHUNK_CALLS lines each
 * `remove_lines(start=N, end=M)` or `normalize(source_str="...", target_str="...")`.
 * Strings are double-quoted Python literals: any character but `"`, `\` and control
 * characters (so a call stays on one line), plus the escapes `\"` and `\\`.
 */
export function chunkGrammar(): string {
  return [
    'root ::= " "? chunk-program',
    `chunk-program ::= "untouch_doc()" | call ("\\n" call){0,${MAX_CHUNK_CALLS - 1}}`,
    'call ::= remove-lines | normalize',
    'remove-lines ::= "remove_lines(start=" line-number ", end=" line-number ")"',
    `line-number ::= "0" | [1-9] [0-9]{0,${MAX_LINE_NUMBER_DIGITS - 1}}`,
    `normalize ::= "normalize(source_str=\\"" string-char{1,${MAX_NORMALIZE_CHARS}} "\\", target_str=\\"" string-char{0,${MAX_NORMALIZE_CHARS}} "\\")"`,
    'string-char ::= [^"\\\\\\x00-\\x1F\\x7F] | "\\\\" ["\\\\]',
    '',
  ].join('\n');
}

/** The grammar for a stage. */
export function grammarFor(stage: 'doc' | 'chunk'): string {
  return stage === 'doc' ? docGrammar() : chunkGrammar();
}
