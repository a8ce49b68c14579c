/**
 * One document as every rule group reads it, each view computed once and only when a rule
 * asks for it: the "\n"-lines, the word tokens (with where each line's tokens start), and per
 * line the whitespace word count and longest whitespace word.
 */
import { isWhitespaceCode, tokenizeLines, type LineTokens } from './tokenize';

export class DocumentView {
  readonly lines: readonly string[];
  private tokenized: LineTokens | undefined;
  private counts: Int32Array | undefined;
  private longest: Int32Array | undefined;

  constructor(readonly text: string) {
    this.lines = text.split('\n');
  }

  get tokens(): LineTokens {
    return (this.tokenized ??= tokenizeLines(this.text));
  }

  /** Python `len(line.split())` per line. */
  get lineWordCounts(): Int32Array {
    if (this.tokenized !== undefined) return this.tokenized.lineWordCounts;
    if (this.counts === undefined) this.measureLines();
    return this.counts as Int32Array;
  }

  /** Length of the longest whitespace-separated word per line. */
  get lineLongestWord(): Int32Array {
    if (this.tokenized !== undefined) return this.tokenized.lineLongestWord;
    if (this.longest === undefined) this.measureLines();
    return this.longest as Int32Array;
  }

  /** One scan of the whole text (lines end at "\n"), no per-line strings touched. */
  private measureLines(): void {
    const text = this.text;
    const counts = new Int32Array(this.lines.length);
    const longest = new Int32Array(this.lines.length);
    let index = 0;
    let words = 0;
    let max = 0;
    let start = -1;
    const n = text.length;
    for (let i = 0; i <= n; i++) {
      const code = i < n ? text.charCodeAt(i) : 0x0a;
      const space = code === 0x20 || ((code <= 0x20 || code >= 0x7f) && isWhitespaceCode(code));
      if (!space) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0) {
        words++;
        if (i - start > max) max = i - start;
        start = -1;
      }
      if (code === 0x0a) {
        counts[index] = words;
        longest[index] = max;
        index++;
        words = 0;
        max = 0;
      }
    }
    this.counts = counts;
    this.longest = longest;
  }
}
