/**
 * datatrove FineWebQualityFilter (src/datatrove/pipeline/filters/fineweb_quality_filter.py),
 * same checks in the same order. In the FineWeb recipe it sees the text C4 passed on.
 */
import { threshold, type RuleConfig } from './config';
import { TERMINAL_PUNCTUATION } from './charsets';
import { findDuplicates } from './gopher-repetition';
import { countOccurrences } from './tokenize';
import { compareReason, type DocFailure } from './verdict';

function endsWithTerminal(line: string): boolean {
  const last = line.codePointAt(line.length - 1);
  if (last === undefined) return false;
  if (last >= 0xdc00 && last <= 0xdfff && line.length >= 2) {
    return TERMINAL_PUNCTUATION.has(line.codePointAt(line.length - 2) ?? 0);
  }
  return TERMINAL_PUNCTUATION.has(last);
}

/** `countWords` is called only when the last check needs the word count. */
export function checkFineWebQuality(text: string, countWords: () => number, config: RuleConfig): DocFailure | undefined {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return { rule: 'fineweb.min_line_punct_ratio', reason: 'fineweb: no non-empty line' };

  const minPunct = threshold(config, 'fineweb.min_line_punct_ratio');
  if (minPunct !== undefined) {
    const ratio = lines.filter(endsWithTerminal).length / lines.length;
    if (ratio < minPunct) {
      return { rule: 'fineweb.min_line_punct_ratio', reason: compareReason('fineweb', 'lines ending in punctuation', ratio, '<', minPunct) };
    }
  }
  const maxShort = threshold(config, 'fineweb.max_short_line_ratio');
  const shortLength = threshold(config, 'fineweb.short_line_length') ?? 30;
  if (maxShort !== undefined) {
    const ratio = lines.filter((line) => line.length <= shortLength).length / lines.length;
    if (ratio > maxShort) {
      return { rule: 'fineweb.max_short_line_ratio', reason: compareReason('fineweb', `lines of <= ${shortLength} chars`, ratio, '>', maxShort) };
    }
  }
  const maxDup = threshold(config, 'fineweb.max_dup_line_char_ratio');
  if (maxDup !== undefined) {
    const chars = text.length - countOccurrences(text, '\n');
    const ratio = chars === 0 ? 0 : findDuplicates(lines)[1] / chars;
    if (ratio > maxDup) {
      return { rule: 'fineweb.max_dup_line_char_ratio', reason: compareReason('fineweb', 'duplicate line characters', ratio, '>', maxDup) };
    }
  }
  const maxNewlines = threshold(config, 'fineweb.max_newline_word_ratio');
  if (maxNewlines !== undefined) {
    const words = countWords();
    const newlines = countOccurrences(text, '\n');
    const ratio = words === 0 ? Number.POSITIVE_INFINITY : newlines / words;
    if (ratio > maxNewlines) {
      return { rule: 'fineweb.max_newline_word_ratio', reason: compareReason('fineweb', 'newlines/words', ratio, '>', maxNewlines) };
    }
  }
  return undefined;
}
