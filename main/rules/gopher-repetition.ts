/**
 * datatrove GopherRepetitionFilter (src/datatrove/pipeline/filters/gopher_repetition_filter.py),
 * same checks in the same order.
 *
 * n-grams are compared by a 64-bit hash (two 32-bit lanes) of their words instead of by joined
 * strings (the reference joins with " " for top n-grams and with "" for duplicated n-grams):
 * this is what makes the rules fast. Differences: a hash collision (odds about 1e-9 for a
 * 10,000-word document) merges two n-grams, and the reference's ""-join also treats
 * ["ab", "c"] and ["a", "bc"] as the same n-gram, which this does not.
 */
import { threshold, type RuleConfig, type RuleKey } from './config';
import { COUNT, NGramTable } from './ngram-table';
import { compareReason, type DocFailure } from './verdict';

const PARAGRAPH_BREAK = /\n{2,}/;
const LINE_BREAKS = /\n+/;

/** Reference `find_duplicates`: [duplicate elements, characters in duplicates]. */
export function findDuplicates(items: readonly string[]): [number, number] {
  // Only items of equal length can be equal: items of a length met once skip the Set (hashing
  // every long line cost more than the rest), the others go through it in the same order.
  const lengths = new Map<number, number>();
  for (const item of items) lengths.set(item.length, (lengths.get(item.length) ?? 0) + 1);
  const seen = new Set<string>();
  let elements = 0;
  let chars = 0;
  for (const item of items) {
    if ((lengths.get(item.length) as number) < 2) continue;
    if (seen.has(item)) {
      elements++;
      chars += item.length;
    } else seen.add(item);
  }
  return [elements, chars];
}

/**
 * The n-gram measures of the repetition rules, n = 2..10, one pass per n over the windows
 * that can still matter:
 * - every word is hashed once (two independent 32-bit lanes, from its characters: equal words,
 *   equal hashes), and a window's n-gram hash extends its (n-1)-gram hash by one word;
 * - an n-gram can occur twice only where the (n-1)-grams at its window and at the next window
 *   both occur twice, so pass n visits only those windows (the candidates). Every occurrence of
 *   a repeated n-gram is a candidate, so its count is exact; a window left out holds an n-gram
 *   seen once, which neither wins the top count (unless every count is 1) nor is ever
 *   duplicated, nor matters as "seen" to the duplicate scan.
 * On web text the candidates shrink fast: the cost is the word hashing and the 2-gram pass.
 * Results are those of the plain algorithm (test/unit/rules/ngram-statistics.test.ts checks
 * them against string n-grams).
 */
export const MAX_NGRAM = 10;
/** A flag bit in a cell's counter: the n-gram was already met by the current scan. */
const SEEN = 0x40000000;

/**
 * Work arrays reused from document to document (allocating typed arrays per document cost
 * more than the n-gram passes). Safe: the rules are synchronous and never re-entered.
 */
const scratch = {
  capacity: 0,
  wordHighs: new Int32Array(0),
  wordLows: new Int32Array(0),
  prefixChars: new Float64Array(1),
  highs: new Int32Array(0),
  lows: new Int32Array(0),
  candidates: new Int32Array(0),
  cellOf: new Int32Array(0),
  repeatedAt: new Int32Array(0),
  /** repeatedAt[i] === stamp: window i's current n-gram occurs at least twice. */
  stamp: 0,
  table: new NGramTable(),
  /** The NGramStatistics whose passes the arrays hold. */
  owner: null as object | null,
};

function grow(words: number): void {
  if (scratch.capacity >= words) return;
  const size = Math.max(words, scratch.capacity * 2, 1024);
  scratch.capacity = size;
  scratch.wordHighs = new Int32Array(size);
  scratch.wordLows = new Int32Array(size);
  scratch.prefixChars = new Float64Array(size + 1);
  scratch.highs = new Int32Array(size);
  scratch.lows = new Int32Array(size);
  scratch.candidates = new Int32Array(size);
  scratch.cellOf = new Int32Array(size);
  scratch.repeatedAt = new Int32Array(size);
  scratch.stamp = 0;
}

/**
 * Per n: for n <= 4 the reference `find_top_duplicate` (characters of the most frequent
 * n-gram joined with " ", times its count; among equally frequent n-grams the first seen wins,
 * as in Counter.most_common), for n >= 5 `find_all_duplicate` (characters of repeated n-grams,
 * skipping past each repeat). Computed lazily, n by n, in the shared scratch: only the newest
 * instance can go on computing (an older one throws rather than answer wrong).
 */
export class NGramStatistics {
  private readonly words: number;
  private n = 1;
  private candidateCount: number;
  private readonly chars: number[] = [];

  constructor(words: readonly string[]) {
    const count = words.length;
    this.words = count;
    grow(count);
    scratch.owner = this;
    const { wordHighs, wordLows, prefixChars, highs, lows, candidates } = scratch;
    prefixChars[0] = 0;
    for (let i = 0; i < count; i++) {
      const word = words[i] as string;
      let high = 0x811c9dc5;
      let low = 0x3c6ef372 ^ word.length;
      for (let k = 0; k < word.length; k++) {
        const code = word.charCodeAt(k);
        high = Math.imul(high ^ code, 0x01000193);
        low = Math.imul(low + code, 0x5bd1e995) ^ (low >>> 15);
      }
      wordHighs[i] = high;
      wordLows[i] = low;
      prefixChars[i + 1] = (prefixChars[i] as number) + word.length;
      // The 1-gram window hash, as extending an all-zero hash by the word.
      highs[i] = Math.imul(high, 0x9e3779b1) + 0x7f4a7c15;
      lows[i] = Math.imul(low, 0x85ebca6b) ^ 0x2c1b3c6d;
      candidates[i] = i;
    }
    this.candidateCount = count;
  }

  /** The measure for n (2..MAX_NGRAM, at most the word count). */
  charsFor(n: number): number {
    if (n < 2 || n > MAX_NGRAM || n > this.words) throw new RangeError(`n-gram size ${n} out of range`);
    if (this.n < n && scratch.owner !== this) throw new Error('NGramStatistics: a newer instance took over the shared work arrays');
    while (this.n < n) this.advance();
    return this.chars[n] as number;
  }

  private advance(): void {
    const n = ++this.n;
    const windows = this.words - n + 1;
    const { wordHighs, wordLows, highs, lows, candidates, cellOf, repeatedAt, prefixChars, table } = scratch;
    // Candidates for n: windows whose (n-1)-grams here and one word on both repeat.
    let count = 0;
    if (n === 2) count = windows;
    else {
      const previous = scratch.stamp;
      for (let k = 0; k < this.candidateCount; k++) {
        const i = candidates[k] as number;
        if (i < windows && repeatedAt[i] === previous && repeatedAt[i + 1] === previous) candidates[count++] = i;
      }
    }
    this.candidateCount = count;
    if (count === 0) {
      // Nothing repeats: every count is 1 (top: the first window wins), nothing is duplicated.
      this.chars[n] = n <= 4 ? (prefixChars[n] as number) + (n - 1) : 0;
      return;
    }
    table.reset(count);
    for (let k = 0; k < count; k++) {
      const i = candidates[k] as number;
      // `| 0` wraps as storing into the Int32Array does.
      const high = (Math.imul((highs[i] as number) ^ (wordHighs[i + n - 1] as number), 0x9e3779b1) + 0x7f4a7c15) | 0;
      const low = Math.imul((lows[i] as number) + (wordLows[i + n - 1] as number), 0x85ebca6b) ^ 0x2c1b3c6d;
      highs[i] = high;
      lows[i] = low;
      const cell = table.slot(high, low);
      table.cells[cell + COUNT]++;
      cellOf[i] = cell;
    }
    const cells = table.cells;
    if (scratch.stamp === 0x7fffffff) {
      repeatedAt.fill(0);
      scratch.stamp = 0;
    }
    const stamp = ++scratch.stamp;
    for (let k = 0; k < count; k++) {
      const i = candidates[k] as number;
      if ((cells[(cellOf[i] as number) + COUNT] as number) >= 2) repeatedAt[i] = stamp;
    }
    this.chars[n] = n <= 4 ? this.top(n, count) : this.duplicated(n, count);
  }

  private top(n: number, count: number): number {
    const { candidates, cellOf, prefixChars, table } = scratch;
    const cells = table.cells;
    // In window order, each n-gram is judged at its first occurrence, so among equal counts the
    // first seen stays best; with every count 1 the first window wins.
    let bestCount = 1;
    let bestFirst = 0;
    for (let k = 0; k < count; k++) {
      const i = candidates[k] as number;
      const cell = (cellOf[i] as number) + COUNT;
      const c = cells[cell] as number;
      if (c & SEEN) continue;
      cells[cell] = c | SEEN;
      if (c > bestCount) {
        bestCount = c;
        bestFirst = i;
      }
    }
    const gramChars = (prefixChars[bestFirst + n] as number) - (prefixChars[bestFirst] as number) + (n - 1);
    return gramChars * bestCount;
  }

  private duplicated(n: number, count: number): number {
    const { candidates, cellOf, prefixChars, table } = scratch;
    const cells = table.cells;
    let repeated = 0;
    let next = 0;
    for (let k = 0; k < count; k++) {
      const i = candidates[k] as number;
      if (i < next) continue;
      const cell = (cellOf[i] as number) + COUNT;
      const c = cells[cell] as number;
      if (c & SEEN) {
        repeated += (prefixChars[i + n] as number) - (prefixChars[i] as number);
        next = i + n;
      } else {
        cells[cell] = c | SEEN;
        next = i + 1;
      }
    }
    return repeated;
  }
}

const TOP_GRAMS: ReadonlyArray<[number, RuleKey]> = [
  [2, 'gopher_rep.top_2_gram'],
  [3, 'gopher_rep.top_3_gram'],
  [4, 'gopher_rep.top_4_gram'],
];
const DUP_GRAMS: ReadonlyArray<[number, RuleKey]> = [
  [5, 'gopher_rep.dup_5_gram'],
  [6, 'gopher_rep.dup_6_gram'],
  [7, 'gopher_rep.dup_7_gram'],
  [8, 'gopher_rep.dup_8_gram'],
  [9, 'gopher_rep.dup_9_gram'],
  [10, 'gopher_rep.dup_10_gram'],
];

export function checkGopherRepetition(text: string, words: readonly string[], config: RuleConfig): DocFailure | undefined {
  const textLength = text.length;
  const paragraphs = text.trim().split(PARAGRAPH_BREAK);
  const [paraDups, paraDupChars] = findDuplicates(paragraphs);
  const paraFrac = threshold(config, 'gopher_rep.dup_para_frac');
  if (paraFrac !== undefined && paraDups / paragraphs.length > paraFrac) {
    return { rule: 'gopher_rep.dup_para_frac', reason: compareReason('gopher_rep', 'duplicate paragraphs', paraDups / paragraphs.length, '>', paraFrac) };
  }
  const paraCharFrac = threshold(config, 'gopher_rep.dup_para_char_frac');
  if (paraCharFrac !== undefined && paraDupChars / textLength > paraCharFrac) {
    return { rule: 'gopher_rep.dup_para_char_frac', reason: compareReason('gopher_rep', 'duplicate paragraph characters', paraDupChars / textLength, '>', paraCharFrac) };
  }
  const lines = text.split(LINE_BREAKS);
  const [lineDups, lineDupChars] = findDuplicates(lines);
  const lineFrac = threshold(config, 'gopher_rep.dup_line_frac');
  if (lineFrac !== undefined && lineDups / lines.length > lineFrac) {
    return { rule: 'gopher_rep.dup_line_frac', reason: compareReason('gopher_rep', 'duplicate lines', lineDups / lines.length, '>', lineFrac) };
  }
  const lineCharFrac = threshold(config, 'gopher_rep.dup_line_char_frac');
  if (lineCharFrac !== undefined && lineDupChars / textLength > lineCharFrac) {
    return { rule: 'gopher_rep.dup_line_char_frac', reason: compareReason('gopher_rep', 'duplicate line characters', lineDupChars / textLength, '>', lineCharFrac) };
  }

  const active = [...TOP_GRAMS, ...DUP_GRAMS].some(([, key]) => threshold(config, key) !== undefined);
  if (!active || words.length < 2) return undefined;
  const grams = new NGramStatistics(words);

  for (const [n, key] of TOP_GRAMS) {
    if (words.length < n) break;
    const frac = threshold(config, key);
    if (frac === undefined) continue;
    const chars = grams.charsFor(n);
    if (chars / textLength > frac) {
      return { rule: key, reason: compareReason('gopher_rep', `top ${n}-gram characters`, chars / textLength, '>', frac) };
    }
  }
  // Every repeated (n+1)-gram contains a repeated n-gram: once none repeats, no longer one does.
  let anyRepeated = true;
  for (const [n, key] of DUP_GRAMS) {
    if (words.length < n || !anyRepeated) break;
    const frac = threshold(config, key);
    if (frac === undefined) continue;
    const chars = grams.charsFor(n);
    anyRepeated = chars > 0;
    if (chars / textLength > frac) {
      return { rule: key, reason: compareReason('gopher_rep', `duplicated ${n}-gram characters`, chars / textLength, '>', frac) };
    }
  }
  return undefined;
}
