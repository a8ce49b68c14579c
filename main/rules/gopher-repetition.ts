/**
 * datatrove GopherRepetitionFilter (src/datatrove/pipeline/filters/gopher_repetition_filter.py),
 * same checks in the same order.
 *
 * n-grams are compared by a 53-bit hash of their word-id sequence instead of by joined
 * strings (the reference joins with " " for top n-grams and with "" for duplicated n-grams):
 * this is what makes the rules fast. Differences: a hash collision (odds about 1e-9 for a
 * 10,000-word document) merges two n-grams, and the reference's ""-join also treats
 * ["ab", "c"] and ["a", "bc"] as the same n-gram, which this does not.
 */
import { threshold, type RuleConfig, type RuleKey } from './config';
import { NGramTable } from './ngram-table';
import { compareReason, type DocFailure } from './verdict';

const PARAGRAPH_BREAK = /\n{2,}/;
const LINE_BREAKS = /\n+/;

/** Reference `find_duplicates`: [duplicate elements, characters in duplicates]. */
export function findDuplicates(items: readonly string[]): [number, number] {
  const seen = new Set<string>();
  let elements = 0;
  let chars = 0;
  for (const item of items) {
    if (seen.has(item)) {
      elements++;
      chars += item.length;
    } else seen.add(item);
  }
  return [elements, chars];
}

/**
 * Two independent 32-bit hashes of every word, from its characters (equal words, equal
 * hashes; two different words share both with odds of about 2^-64), and word lengths: the
 * inputs of the n-gram checks. Hashing characters is cheaper than interning words in a Map.
 */
export interface WordSequence {
  readonly highs: Int32Array;
  readonly lows: Int32Array;
  readonly lengths: Int32Array;
}

export function toWordSequence(words: readonly string[]): WordSequence {
  const highs = new Int32Array(words.length);
  const lows = new Int32Array(words.length);
  const lengths = new Int32Array(words.length);
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    let high = 0x811c9dc5;
    let low = 0x3c6ef372 ^ word.length;
    for (let k = 0; k < word.length; k++) {
      const code = word.charCodeAt(k);
      high = Math.imul(high ^ code, 0x01000193);
      low = Math.imul(low + code, 0x5bd1e995) ^ (low >>> 15);
    }
    highs[i] = high;
    lows[i] = low;
    lengths[i] = word.length;
  }
  return { highs, lows, lengths };
}

/** Extends every window hash by the next word: after call k, window i covers words i..i+k-1. */
function extendHashes(highs: Int32Array, lows: Int32Array, seq: WordSequence, n: number): void {
  const windows = seq.highs.length - n + 1;
  const wordHighs = seq.highs;
  const wordLows = seq.lows;
  for (let i = 0; i < windows; i++) {
    highs[i] = Math.imul((highs[i] as number) ^ (wordHighs[i + n - 1] as number), 0x9e3779b1) + 0x7f4a7c15;
    lows[i] = Math.imul((lows[i] as number) + (wordLows[i + n - 1] as number), 0x85ebca6b) ^ 0x2c1b3c6d;
  }
}

/**
 * Work arrays reused from document to document (allocating typed arrays per document cost
 * more than the n-gram passes). Safe: the rules are synchronous and never re-entered.
 */
interface Scratch {
  highs: Int32Array;
  lows: Int32Array;
  prefixChars: Float64Array;
  readonly table: NGramTable;
}
const scratch: Scratch = { highs: new Int32Array(1024), lows: new Int32Array(1024), prefixChars: new Float64Array(1025), table: new NGramTable() };

function scratchFor(words: number): Scratch {
  if (scratch.highs.length < words) {
    const size = Math.max(words, scratch.highs.length * 2);
    scratch.highs = new Int32Array(size);
    scratch.lows = new Int32Array(size);
    scratch.prefixChars = new Float64Array(size + 1);
  }
  return scratch;
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

interface Windows {
  readonly words: number;
  readonly highs: Int32Array;
  readonly lows: Int32Array;
  readonly prefixChars: Float64Array;
  readonly table: NGramTable;
}

/**
 * Reference `find_top_duplicate`: characters of the most frequent n-gram (joined with " ")
 * times its count; among equally frequent n-grams the first seen wins, as in Counter.most_common.
 */
function topNGramChars(w: Windows, n: number): number {
  const windows = w.words - n + 1;
  const { table, highs, lows } = w;
  table.reset(windows);
  let bestCount = 0;
  let bestFirst = 0;
  for (let i = 0; i < windows; i++) {
    let slot = table.slot(highs[i] ?? 0, lows[i] ?? 0, i);
    if (slot < 0) slot = ~slot;
    const count = (table.values[slot] ?? 0) + 1;
    table.values[slot] = count;
    const first = table.firsts[slot] ?? 0;
    if (count > bestCount || (count === bestCount && first < bestFirst)) {
      bestCount = count;
      bestFirst = first;
    }
  }
  const gramChars = (w.prefixChars[bestFirst + n] ?? 0) - (w.prefixChars[bestFirst] ?? 0) + (n - 1);
  return gramChars * bestCount;
}

/** Reference `find_all_duplicate`: characters of repeated n-grams, skipping past each repeat. */
function duplicatedNGramChars(w: Windows, n: number): number {
  const windows = w.words - n + 1;
  const { table, highs, lows } = w;
  table.reset(windows);
  let repeated = 0;
  let i = 0;
  while (i < windows) {
    if (table.slot(highs[i] ?? 0, lows[i] ?? 0, i) >= 0) {
      repeated += (w.prefixChars[i + n] ?? 0) - (w.prefixChars[i] ?? 0);
      i += n;
    } else i++;
  }
  return repeated;
}

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
  const seq = toWordSequence(words);
  const scratch = scratchFor(words.length);
  const prefixChars = scratch.prefixChars;
  prefixChars[0] = 0;
  for (let i = 0; i < words.length; i++) prefixChars[i + 1] = (prefixChars[i] as number) + (seq.lengths[i] as number);
  scratch.highs.fill(0, 0, words.length);
  scratch.lows.fill(0, 0, words.length);
  const w: Windows = { words: words.length, highs: scratch.highs, lows: scratch.lows, prefixChars, table: scratch.table };
  extendHashes(w.highs, w.lows, seq, 1);
  let hashedUpTo = 1;

  for (const [n, key] of TOP_GRAMS) {
    if (words.length < n) break;
    while (hashedUpTo < n) extendHashes(w.highs, w.lows, seq, ++hashedUpTo);
    const frac = threshold(config, key);
    if (frac === undefined) continue;
    const chars = topNGramChars(w, n);
    if (chars / textLength > frac) {
      return { rule: key, reason: compareReason('gopher_rep', `top ${n}-gram characters`, chars / textLength, '>', frac) };
    }
  }
  // Every repeated (n+1)-gram contains a repeated n-gram: once none repeats, no longer one does.
  let anyRepeated = true;
  for (const [n, key] of DUP_GRAMS) {
    if (words.length < n || !anyRepeated) break;
    while (hashedUpTo < n) extendHashes(w.highs, w.lows, seq, ++hashedUpTo);
    const frac = threshold(config, key);
    if (frac === undefined) continue;
    const chars = duplicatedNGramChars(w, n);
    anyRepeated = chars > 0;
    if (chars / textLength > frac) {
      return { rule: key, reason: compareReason('gopher_rep', `duplicated ${n}-gram characters`, chars / textLength, '>', frac) };
    }
  }
  return undefined;
}
