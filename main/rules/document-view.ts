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
    if (this.counts === undefined) this.measureLines();
    return this.counts as Int32Array;
  }

  /** Length of the longest whitespace-separated word per line. */
  get lineLongestWord(): Int32Array {
    if (this.longest === undefined) this.measureLines();
    return this.longest as Int32Array;
  }

  private measureLines(): void {
    const counts = new Int32Array(this.lines.length);
    const longest = new Int32Array(this.lines.length);
    for (let index = 0; index < this.lines.length; index++) {
      const line = this.lines[index] as string;
      let words = 0;
      let max = 0;
      let start = -1;
      for (let i = 0; i <= line.length; i++) {
        const code = i < line.length ? line.charCodeAt(i) : 0x20;
        const space = code === 0x20 || ((code <= 0x20 || code >= 0x7f) && isWhitespaceCode(code));
        if (!space) {
          if (start < 0) start = i;
        } else if (start >= 0) {
          words++;
          if (i - start > max) max = i - start;
          start = -1;
        }
      }
      counts[index] = words;
      longest[index] = max;
    }
    this.counts = counts;
    this.longest = longest;
  }
}
