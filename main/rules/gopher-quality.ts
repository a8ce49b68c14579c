/**
 * datatrove GopherQualityFilter (src/datatrove/pipeline/filters/gopher_quality_filter.py),
 * same checks in the same order; the first that fails decides.
 */
import { isOn, threshold, type RuleConfig } from './config';
import { classifyWord, countOccurrences, HAS_LETTER, isLineBreakCode, isWhitespaceCode, SYMBOL_WORD } from './tokenize';
import { compareReason, type DocFailure } from './verdict';

const STOP_WORDS = ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'] as const;

/**
 * 1 << (index in STOP_WORDS) when `word` is that stop word, else 0: compares characters, as
 * hashing every (sliced) word for a Set lookup cost more than the rest of the rule.
 */
export function stopWordBit(word: string): number {
  const length = word.length;
  if (length < 2 || length > 4) return 0;
  const c0 = word.charCodeAt(0);
  if (c0 === 0x74 /* t */) {
    if (length === 2) return word.charCodeAt(1) === 0x6f ? 1 << 2 : 0;
    if (word.charCodeAt(1) !== 0x68 /* h */) return 0;
    if (length === 3) return word.charCodeAt(2) === 0x65 ? 1 << 0 : 0;
    return word.charCodeAt(2) === 0x61 && word.charCodeAt(3) === 0x74 ? 1 << 5 : 0;
  }
  if (c0 === 0x62 /* b */) return length === 2 && word.charCodeAt(1) === 0x65 ? 1 << 1 : 0;
  if (c0 === 0x6f /* o */) return length === 2 && word.charCodeAt(1) === 0x66 ? 1 << 3 : 0;
  if (c0 === 0x61 /* a */) return length === 3 && word.charCodeAt(1) === 0x6e && word.charCodeAt(2) === 0x64 ? 1 << 4 : 0;
  if (c0 === 0x68 /* h */) return word === 'have' ? 1 << 6 : 0;
  if (c0 === 0x77 /* w */) return word === 'with' ? 1 << 7 : 0;
  return 0;
}

/**
 * Over `str.splitlines()` lines: how many start with a bullet after leading whitespace and
 * how many end with an ellipsis before trailing whitespace; scanned in place, no line copies
 * and no list of line ranges (same boundaries as lineRanges).
 */
export function bulletAndEllipsisLines(text: string): { lines: number; bullets: number; ellipses: number } {
  let lines = 0;
  let bullets = 0;
  let ellipses = 0;
  const judge = (start: number, end: number): void => {
    let s = start;
    let e = end;
    while (s < e && isWhitespaceCode(text.charCodeAt(s))) s++;
    while (e > s && isWhitespaceCode(text.charCodeAt(e - 1))) e--;
    lines++;
    if (s >= e) return;
    const first = text.charCodeAt(s);
    if (first === 0x2d || first === 0x2022) bullets++;
    const last = text.charCodeAt(e - 1);
    if (last === 0x2026 || (last === 0x2e && e - s >= 3 && text.charCodeAt(e - 2) === 0x2e && text.charCodeAt(e - 3) === 0x2e)) ellipses++;
  };
  let start = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    // Line boundaries are all below 0x1f or 0x85, 0x2028, 0x2029: one test skips the rest.
    if (code > 0x1e && code !== 0x85 && code !== 0x2028 && code !== 0x2029) continue;
    if (!isLineBreakCode(code)) continue;
    judge(start, i);
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    start = i + 1;
  }
  if (start < n) judge(start, n);
  return { lines, bullets, ellipses };
}

/** `words` are `splitIntoWords(text)`, shared with the other rule groups. */
export function checkGopherQuality(text: string, words: readonly string[], config: RuleConfig): DocFailure | undefined {
  const nWords = words.length;
  let nonSymbolCount = 0;
  let nonSymbolChars = 0;
  let alphaWords = 0;
  let stopWords = 0;
  for (let k = 0; k < nWords; k++) {
    const word = words[k] as string;
    const cls = classifyWord(word);
    if ((cls & SYMBOL_WORD) === 0) {
      nonSymbolCount++;
      nonSymbolChars += word.length;
    }
    if ((cls & HAS_LETTER) !== 0) alphaWords++;
    // Stop words are gathered in the same walk (checked last, but a second walk cost more).
    const which = stopWordBit(word);
    if (which !== 0) stopWords |= which;
  }

  const minWords = threshold(config, 'gopher.min_doc_words');
  if (minWords !== undefined && nonSymbolCount < minWords) {
    return { rule: 'gopher.min_doc_words', reason: compareReason('gopher', 'words', nonSymbolCount, '<', minWords) };
  }
  const maxWords = threshold(config, 'gopher.max_doc_words');
  if (maxWords !== undefined && nonSymbolCount > maxWords) {
    return { rule: 'gopher.max_doc_words', reason: compareReason('gopher', 'words', nonSymbolCount, '>', maxWords) };
  }

  // numpy's mean of an empty list is NaN, and NaN fails no comparison: the checks pass.
  const meanLength = nonSymbolCount === 0 ? Number.NaN : nonSymbolChars / nonSymbolCount;
  const minMean = threshold(config, 'gopher.min_avg_word_length');
  if (minMean !== undefined && meanLength < minMean) {
    return { rule: 'gopher.min_avg_word_length', reason: compareReason('gopher', 'mean word length', meanLength, '<', minMean) };
  }
  const maxMean = threshold(config, 'gopher.max_avg_word_length');
  if (maxMean !== undefined && meanLength > maxMean) {
    return { rule: 'gopher.max_avg_word_length', reason: compareReason('gopher', 'mean word length', meanLength, '>', maxMean) };
  }

  // The reference divides by zero on a wordless text; such a text has no words to keep anyway.
  const perWord = nWords === 0 ? Number.POSITIVE_INFINITY : 0;
  const maxSymbols = threshold(config, 'gopher.max_symbol_word_ratio');
  if (maxSymbols !== undefined) {
    const hashes = countOccurrences(text, '#');
    const hashRatio = nWords === 0 ? (hashes > 0 ? perWord : 0) : hashes / nWords;
    if (hashRatio > maxSymbols) {
      return { rule: 'gopher.max_symbol_word_ratio', reason: compareReason('gopher', "symbol/word ('#')", hashRatio, '>', maxSymbols) };
    }
    const ellipses = countOccurrences(text, '...') + countOccurrences(text, '…');
    const ellipsisRatio = nWords === 0 ? (ellipses > 0 ? perWord : 0) : ellipses / nWords;
    if (ellipsisRatio > maxSymbols) {
      return { rule: 'gopher.max_symbol_word_ratio', reason: compareReason('gopher', 'symbol/word (ellipsis)', ellipsisRatio, '>', maxSymbols) };
    }
  }

  const maxBullets = threshold(config, 'gopher.max_bullet_lines_ratio');
  const maxEllipsisLines = threshold(config, 'gopher.max_ellipsis_lines_ratio');
  if (maxBullets !== undefined || maxEllipsisLines !== undefined) {
    const { lines, bullets, ellipses } = bulletAndEllipsisLines(text);
    if (lines > 0 && maxBullets !== undefined && bullets / lines > maxBullets) {
      return { rule: 'gopher.max_bullet_lines_ratio', reason: compareReason('gopher', 'bullet lines', bullets / lines, '>', maxBullets) };
    }
    if (lines > 0 && maxEllipsisLines !== undefined && ellipses / lines > maxEllipsisLines) {
      return { rule: 'gopher.max_ellipsis_lines_ratio', reason: compareReason('gopher', 'lines ending in an ellipsis', ellipses / lines, '>', maxEllipsisLines) };
    }
  }

  const minAlpha = threshold(config, 'gopher.min_alpha_words_ratio');
  if (minAlpha !== undefined) {
    const ratio = nWords === 0 ? 0 : alphaWords / nWords;
    if (ratio < minAlpha) {
      return { rule: 'gopher.min_alpha_words_ratio', reason: compareReason('gopher', 'words with a letter', ratio, '<', minAlpha) };
    }
  }

  const minStop = threshold(config, 'gopher.min_stop_words');
  if (minStop !== undefined && isOn(config, 'gopher.min_stop_words')) {
    let distinct = 0;
    for (let bit = 0; bit < STOP_WORDS.length; bit++) if ((stopWords & (1 << bit)) !== 0) distinct++;
    if (distinct < minStop) {
      return { rule: 'gopher.min_stop_words', reason: compareReason('gopher', 'distinct stop words', distinct, '<', minStop) };
    }
  }
  return undefined;
}
