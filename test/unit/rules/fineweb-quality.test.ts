import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../../../main/rules/write-programs';
import { onlyRule, plainWords } from './helpers';
import type { RuleKey } from '../../../main/rules/config';

const failure = (text: string, key: RuleKey): string | undefined => evaluateRules(text, onlyRule(key)).failure?.rule;
/** A distinct line of `words` plain words (> 30 characters for 6 or more words). */
const line = (i: number, words = 8): string => `${plainWords(words, i).join(' ')} ${i}`;

describe('FineWeb quality rules at their reference thresholds', () => {
  it('lines ending in terminal punctuation: 3 of 25 (0.12) pass, 2 of 25 fail; empty lines do not count', () => {
    const doc = (ending: number): string => Array.from({ length: 25 }, (_, i) => `${line(i)}${i < ending ? '.' : ''}`).join('\n\n');
    expect(failure(doc(3), 'fineweb.min_line_punct_ratio')).toBeUndefined();
    const verdict = evaluateRules(doc(2), onlyRule('fineweb.min_line_punct_ratio'));
    expect(verdict.failure?.reason).toBe('fineweb: lines ending in punctuation 0.08 < 0.12');
  });

  it('any terminal punctuation of any script counts, e.g. "。" and "؟"', () => {
    const doc = Array.from({ length: 10 }, (_, i) => `${line(i)}${i === 0 ? '。' : i === 1 ? '؟' : ''}`).join('\n');
    expect(failure(doc, 'fineweb.min_line_punct_ratio')).toBeUndefined();
  });

  it('short lines (<= 30 characters): 67 of 100 pass, 68 fail; a 31-character line is not short', () => {
    const short = 'x'.repeat(30);
    const long = (i: number): string => `${'y'.repeat(28)}${String(i).padStart(3, '0')}`;
    const doc = (n: number): string => Array.from({ length: 100 }, (_, i) => (i < n ? `${short.slice(0, 27)}${String(i).padStart(3, '0')}` : long(i))).join('\n');
    expect(long(1).length).toBe(31);
    expect(short.length).toBe(30);
    expect(failure(doc(67), 'fineweb.max_short_line_ratio')).toBeUndefined();
    expect(failure(doc(68), 'fineweb.max_short_line_ratio')).toBe('fineweb.max_short_line_ratio');
  });

  it('duplicate line characters: 1 % of the non-newline characters pass, just above fails', () => {
    const unique = Array.from({ length: 99 }, (_, i) => `${'z'.repeat(96)}${String(i).padStart(4, '0')}`);
    const dup = unique[0] ?? '';
    const pass = [...unique, dup].join('\n');
    expect(failure(pass, 'fineweb.max_dup_line_char_ratio')).toBeUndefined();
    const fail = [...unique.slice(0, 98), dup, dup].join('\n');
    expect(failure(fail, 'fineweb.max_dup_line_char_ratio')).toBe('fineweb.max_dup_line_char_ratio');
  });

  it('newlines per word: 0.3 passes, above fails', () => {
    const pass = Array.from({ length: 10 }, (_, i) => plainWords(3, i).join(' ')).join('\n');
    expect(failure(pass, 'fineweb.max_newline_word_ratio')).toBeUndefined();
    const fail = `${pass}\n`;
    expect(evaluateRules(fail, onlyRule('fineweb.max_newline_word_ratio')).failure?.reason).toBe('fineweb: newlines/words 0.33 > 0.30');
  });
});
