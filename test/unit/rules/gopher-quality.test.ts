import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../../../main/rules/write-programs';
import { onlyRule, plainWords } from './helpers';
import type { RuleKey } from '../../../main/rules/config';

function failure(text: string, key: RuleKey, value?: number): string | undefined {
  return evaluateRules(text, onlyRule(key, value)).failure?.rule;
}

describe('gopher quality rules at their reference thresholds', () => {
  it('min_doc_words: 50 non-symbol words pass, 49 fail; symbol tokens do not count', () => {
    expect(failure(plainWords(50).join(' '), 'gopher.min_doc_words')).toBeUndefined();
    expect(failure(plainWords(49).join(' '), 'gopher.min_doc_words')).toBe('gopher.min_doc_words');
    expect(failure(`${plainWords(49).join(' ')} ... !! --`, 'gopher.min_doc_words')).toBe('gopher.min_doc_words');
  });

  it('max_doc_words: 100,000 words pass, 100,001 fail', () => {
    const words = plainWords(100_000).join(' ');
    expect(failure(words, 'gopher.max_doc_words')).toBeUndefined();
    expect(failure(`${words} extra`, 'gopher.max_doc_words')).toBe('gopher.max_doc_words');
  });

  it('mean word length: exactly 3 passes, just below fails; exactly 10 passes, just above fails', () => {
    const three = Array.from({ length: 100 }, () => 'cat');
    expect(failure(three.join(' '), 'gopher.min_avg_word_length')).toBeUndefined();
    expect(failure([...three.slice(1), 'to'].join(' '), 'gopher.min_avg_word_length')).toBe('gopher.min_avg_word_length');
    const ten = Array.from({ length: 100 }, () => 'abcdefghij');
    expect(failure(ten.join(' '), 'gopher.max_avg_word_length')).toBeUndefined();
    expect(failure([...ten.slice(1), 'abcdefghijk'].join(' '), 'gopher.max_avg_word_length')).toBe('gopher.max_avg_word_length');
  });

  it("symbol/word: '#' tokens at 0.10 of all tokens pass, 0.11 fail, and the reason names the measure", () => {
    const pass = [...plainWords(90), ...Array.from({ length: 10 }, () => '#')].join(' ');
    const fail = [...plainWords(89), ...Array.from({ length: 11 }, () => '#')].join(' ');
    expect(failure(pass, 'gopher.max_symbol_word_ratio')).toBeUndefined();
    const verdict = evaluateRules(fail, onlyRule('gopher.max_symbol_word_ratio'));
    expect(verdict.failure?.reason).toBe("gopher: symbol/word ('#') 0.11 > 0.10");
  });

  it('symbol/word: ellipses count the same way', () => {
    const pass = [...plainWords(90), ...Array.from({ length: 10 }, () => '…')].join(' ');
    const fail = [...plainWords(89), ...Array.from({ length: 11 }, () => '…')].join(' ');
    expect(failure(pass, 'gopher.max_symbol_word_ratio')).toBeUndefined();
    expect(evaluateRules(fail, onlyRule('gopher.max_symbol_word_ratio')).failure?.reason).toBe('gopher: symbol/word (ellipsis) 0.11 > 0.10');
  });

  it('bullet lines: 90 % pass, 95 % fail; both "-" and "•" count after leading spaces', () => {
    const line = (i: number): string => plainWords(6, i).join(' ');
    const bullets = (n: number, total: number): string =>
      Array.from({ length: total }, (_, i) => (i < n ? `${i % 2 ? '  -' : '•'} ${line(i)}` : line(i))).join('\n');
    expect(failure(bullets(9, 10), 'gopher.max_bullet_lines_ratio')).toBeUndefined();
    expect(failure(bullets(19, 20), 'gopher.max_bullet_lines_ratio')).toBe('gopher.max_bullet_lines_ratio');
  });

  it('ellipsis lines: 30 % pass, 40 % fail', () => {
    const doc = (n: number): string => Array.from({ length: 10 }, (_, i) => `${plainWords(8, i).join(' ')}${i < n ? ' ...  ' : ''}`).join('\n');
    expect(failure(doc(3), 'gopher.max_ellipsis_lines_ratio')).toBeUndefined();
    expect(failure(doc(4), 'gopher.max_ellipsis_lines_ratio')).toBe('gopher.max_ellipsis_lines_ratio');
  });

  it('words with a letter: 80 % pass, 79 % fail (number and punctuation tokens count as words)', () => {
    const doc = (alpha: number): string => [...plainWords(alpha), ...Array.from({ length: 100 - alpha }, (_, i) => String(1000 + i))].join(' ');
    expect(failure(doc(80), 'gopher.min_alpha_words_ratio')).toBeUndefined();
    expect(failure(doc(79), 'gopher.min_alpha_words_ratio')).toBe('gopher.min_alpha_words_ratio');
    expect(failure(`${plainWords(80).join(' ')}${' ,'.repeat(21)}`, 'gopher.min_alpha_words_ratio')).toBe('gopher.min_alpha_words_ratio');
  });

  it('stop words: two distinct pass, one fails, and matching is case-sensitive as in the reference', () => {
    const base = plainWords(60);
    expect(failure([...base, 'the', 'and'].join(' '), 'gopher.min_stop_words')).toBeUndefined();
    expect(failure([...base, 'the', 'the', 'the'].join(' '), 'gopher.min_stop_words')).toBe('gopher.min_stop_words');
    expect(failure([...base, 'The', 'And'].join(' '), 'gopher.min_stop_words')).toBe('gopher.min_stop_words');
  });

  it('a switched-off rule never fires and a changed threshold is used', () => {
    expect(failure(plainWords(10).join(' '), 'gopher.min_doc_words', 5)).toBeUndefined();
    expect(failure(plainWords(10).join(' '), 'gopher.min_doc_words', 11)).toBe('gopher.min_doc_words');
  });
});
