/**
 * datatrove GopherQualityFilter (src/datatrove/pipeline/filters/gopher_quality_filter.py),
 * same checks in the same order; the first that fails decides.
 */
import { isOn, threshold, type RuleConfig } from './config';
import { countOccurrences, hasLetter, isSymbolWord, splitLinesPython } from './tokenize';
import { compareReason, type DocFailure } from './verdict';

const STOP_WORDS: ReadonlySet<string> = new Set(['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with']);

function lstripStartsWithBullet(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed.startsWith('•') || trimmed.startsWith('-');
}
function rstripEndsWithEllipsis(line: string): boolean {
  const trimmed = line.trimEnd();
  return trimmed.endsWith('...') || trimmed.endsWith('…');
}

/** `words` are `splitIntoWords(text)`, shared with the other rule groups. */
export function checkGopherQuality(text: string, words: readonly string[], config: RuleConfig): DocFailure | undefined {
  const nWords = words.length;
  let nonSymbolCount = 0;
  let nonSymbolChars = 0;
  let alphaWords = 0;
  for (const word of words) {
    if (!isSymbolWord(word)) {
      nonSymbolCount++;
      nonSymbolChars += word.length;
    }
    if (hasLetter(word)) alphaWords++;
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

  const lines = splitLinesPython(text);
  if (lines.length > 0) {
    const maxBullets = threshold(config, 'gopher.max_bullet_lines_ratio');
    if (maxBullets !== undefined) {
      const ratio = lines.filter(lstripStartsWithBullet).length / lines.length;
      if (ratio > maxBullets) {
        return { rule: 'gopher.max_bullet_lines_ratio', reason: compareReason('gopher', 'bullet lines', ratio, '>', maxBullets) };
      }
    }
    const maxEllipsisLines = threshold(config, 'gopher.max_ellipsis_lines_ratio');
    if (maxEllipsisLines !== undefined) {
      const ratio = lines.filter(rstripEndsWithEllipsis).length / lines.length;
      if (ratio > maxEllipsisLines) {
        return { rule: 'gopher.max_ellipsis_lines_ratio', reason: compareReason('gopher', 'lines ending in an ellipsis', ratio, '>', maxEllipsisLines) };
      }
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
    const present = new Set<string>();
    for (const word of words) if (STOP_WORDS.has(word)) present.add(word);
    if (present.size < minStop) {
      return { rule: 'gopher.min_stop_words', reason: compareReason('gopher', 'distinct stop words', present.size, '<', minStop) };
    }
  }
  return undefined;
}
