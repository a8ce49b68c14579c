import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGopherRepetition } from '../../../main/rules/gopher-repetition';
import { splitIntoWords } from '../../../main/rules/tokenize';
import { evaluateRules } from '../../../main/rules/write-programs';
import { distinctWords, onlyRule, plainWords } from './helpers';
import type { RuleKey } from '../../../main/rules/config';

/** The reference n-gram measures written the slow, literal way (string joins), as an oracle. */
function topNGramFraction(text: string, n: number): number {
  const words = splitIntoWords(text);
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const gram = words.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  let best: [string, number] = ['', 0];
  for (const entry of counts) if (entry[1] > best[1]) best = entry;
  return (best[0].length * best[1]) / text.length;
}
function duplicatedNGramFraction(text: string, n: number): number {
  const words = splitIntoWords(text);
  const seen = new Set<string>();
  let repeated = 0;
  let i = 0;
  while (i < words.length - n + 1) {
    const gram = words.slice(i, i + n).join('\u0000');
    if (seen.has(gram)) {
      repeated += gram.length - (n - 1);
      i += n;
    } else {
      seen.add(gram);
      i++;
    }
  }
  return repeated / text.length;
}

const failure = (text: string, key: RuleKey, value?: number): string | undefined => evaluateRules(text, onlyRule(key, value)).failure?.rule;

describe('gopher repetition rules', () => {
  it('duplicate paragraphs: 3 of 10 (0.30) pass, 4 of 10 fail', () => {
    const paras = (dups: number): string =>
      Array.from({ length: 10 }, (_, i) => (i < dups ? 'same paragraph text here' : `${plainWords(4, i).join(' ')} ${i}`)).join('\n\n');
    // The first copy is not a duplicate: `dups` equal paragraphs are dups - 1 duplicates.
    expect(failure(paras(4), 'gopher_rep.dup_para_frac')).toBeUndefined();
    expect(failure(paras(5), 'gopher_rep.dup_para_frac')).toBe('gopher_rep.dup_para_frac');
  });

  it('duplicate paragraph characters: 0.20 of the text passes, more fails', () => {
    const dup = 'd'.repeat(20);
    const pass = [dup, dup, 'u'.repeat(56)].join('\n\n');
    expect(pass.length).toBe(100);
    expect(failure(pass, 'gopher_rep.dup_para_char_frac')).toBeUndefined();
    expect(failure([dup, dup, 'u'.repeat(55)].join('\n\n'), 'gopher_rep.dup_para_char_frac')).toBe('gopher_rep.dup_para_char_frac');
  });

  it('duplicate lines: 3 of 10 pass, 4 of 10 fail; runs of newlines are one break', () => {
    const lines = (dups: number): string => Array.from({ length: 10 }, (_, i) => (i <= dups ? 'same line' : `line ${i}`)).join('\n\n\n');
    expect(failure(lines(3), 'gopher_rep.dup_line_frac')).toBeUndefined();
    expect(failure(lines(4), 'gopher_rep.dup_line_frac')).toBe('gopher_rep.dup_line_frac');
  });

  it('duplicate line characters: 0.20 passes, more fails', () => {
    const dup = 'd'.repeat(20);
    expect(failure([dup, dup, 'u'.repeat(58)].join('\n'), 'gopher_rep.dup_line_char_frac')).toBeUndefined();
    expect(failure([dup, dup, 'u'.repeat(57)].join('\n'), 'gopher_rep.dup_line_char_frac')).toBe('gopher_rep.dup_line_char_frac');
  });

  it.each([
    [2, 'gopher_rep.top_2_gram', 0.2],
    [3, 'gopher_rep.top_3_gram', 0.18],
    [4, 'gopher_rep.top_4_gram', 0.16],
  ] as const)('top %i-gram: the reference threshold of %s separates documents just below and just above it', (n, key, limit) => {
    // Grow the repeated phrase count until the oracle's fraction crosses the default threshold.
    const doc = (k: number): string => [...distinctWords(120), ...Array.from({ length: k }, () => 'fast cheap shoes sale')].join(' ');
    let k = 1;
    while (topNGramFraction(doc(k), n) <= limit) k++;
    expect(failure(doc(k - 1), key)).toBeUndefined();
    expect(failure(doc(k), key)).toBe(key);
  });

  it.each([5, 6, 7, 8, 9, 10])('duplicated %i-grams: documents just below and just above the reference threshold', (n) => {
    const key = `gopher_rep.dup_${n}_gram` as RuleKey;
    const limit = 0.15 - (n - 5) * 0.01;
    const phrase = plainWords(n + 2, 3).join(' ');
    const doc = (k: number): string => [distinctWords(150).join(' '), ...Array.from({ length: k }, (_, i) => `${phrase} x${i}`)].join(' ');
    let k = 1;
    while (duplicatedNGramFraction(doc(k), n) <= limit) k++;
    expect(k).toBeGreaterThan(2);
    expect(failure(doc(k - 1), key)).toBeUndefined();
    expect(failure(doc(k), key)).toBe(key);
  });

  it('matches the literal reference computation on random documents (hashing changes nothing)', () => {
    const vocabulary = ['a', 'bb', 'the', 'cat', 'sat', 'on', 'mat', '.', ',', 'dog'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocabulary), { minLength: 2, maxLength: 120 }), (words) => {
        const text = words.join(' ');
        for (const n of [2, 3, 4]) {
          const fraction = topNGramFraction(text, n);
          const config = onlyRule(`gopher_rep.top_${n}_gram` as RuleKey, fraction);
          expect(checkGopherRepetition(text, splitIntoWords(text), config)).toBeUndefined();
          if (fraction > 0) expect(checkGopherRepetition(text, splitIntoWords(text), onlyRule(`gopher_rep.top_${n}_gram` as RuleKey, fraction * 0.999))).toBeDefined();
        }
        for (const n of [5, 6, 7, 8, 9, 10]) {
          const fraction = duplicatedNGramFraction(text, n);
          const key = `gopher_rep.dup_${n}_gram` as RuleKey;
          expect(checkGopherRepetition(text, splitIntoWords(text), onlyRule(key, fraction))).toBeUndefined();
          if (fraction > 0) expect(checkGopherRepetition(text, splitIntoWords(text), onlyRule(key, fraction * 0.999))).toBeDefined();
        }
      }),
      { numRuns: 150 },
    );
  });
});
