/**
 * The repetition rules' n-gram measures (hashed words, candidate windows, typed-array tables)
 * against a straightforward reference over joined strings, on random word sequences built to
 * repeat a lot (small vocabularies, repeated phrases) and a little (random words).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NGRAM, NGramStatistics } from '../../../main/rules/gopher-repetition';

/** datatrove `find_top_duplicate`: characters of the most frequent n-gram (" "-joined) times its count. */
function referenceTop(words: readonly string[], n: number): number {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const gram = words.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  let best = '';
  let bestCount = 0;
  for (const [gram, count] of counts) {
    if (count > bestCount) {
      best = gram;
      bestCount = count;
    }
  }
  return best.length * bestCount;
}

/** datatrove `find_all_duplicate`: characters of n-grams seen before, skipping past each. */
function referenceDuplicated(words: readonly string[], n: number): number {
  const seen = new Set<string>();
  let repeated = 0;
  let i = 0;
  while (i + n <= words.length) {
    const gram = words.slice(i, i + n).join('\u0000');
    if (seen.has(gram)) {
      repeated += gram.length - (n - 1);
      i += n;
    } else {
      seen.add(gram);
      i++;
    }
  }
  return repeated;
}

function expectReference(words: readonly string[]): void {
  const statistics = new NGramStatistics(words);
  for (let n = 2; n <= Math.min(MAX_NGRAM, words.length); n++) {
    const expected = n <= 4 ? referenceTop(words, n) : referenceDuplicated(words, n);
    expect(statistics.charsFor(n), `n = ${n}`).toBe(expected);
  }
}

const word = fc.oneof(fc.constantFrom('a', 'bb', 'the', 'cat', 'sat', 'on', '.', ','), fc.stringMatching(/^[a-e]{1,4}$/));
/** A document: random words, phrases of them repeated, and runs of one word. */
const documentWords = fc
  .array(
    fc.oneof(
      word.map((w) => [w]),
      fc.tuple(fc.array(word, { minLength: 1, maxLength: 12 }), fc.integer({ min: 2, max: 6 })).map(([phrase, times]) => Array.from({ length: times }, () => phrase).flat()),
      fc.tuple(word, fc.integer({ min: 2, max: 15 })).map(([w, times]) => Array.from({ length: times }, () => w)),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.flat());

describe('n-gram statistics of the repetition rules', () => {
  it('equal the straightforward string computation on random documents', () => {
    fc.assert(fc.property(documentWords, (words) => expectReference(words)), { numRuns: 400 });
  });

  it('equal it on documents with every n-gram distinct, all alike, and of every short length', () => {
    const distinct = Array.from({ length: 50 }, (_, i) => `w${i}`);
    expectReference(distinct);
    expectReference(Array.from({ length: 50 }, () => 'same'));
    for (let length = 2; length <= 12; length++) expectReference(Array.from({ length }, (_, i) => (i % 3 === 0 ? 'x' : `y${i}`)));
  });

  it('reuses its scratch across documents of different sizes without carrying state over', () => {
    const big = Array.from({ length: 3000 }, (_, i) => `t${i % 37}`);
    const small = ['a', 'b', 'a', 'b', 'c', 'a', 'b', 'a', 'b', 'c', 'd'];
    expectReference(big);
    expectReference(small);
    expectReference(big.slice(0, 1500));
  });

  it('rejects n outside 2..10 or above the word count', () => {
    const statistics = new NGramStatistics(['a', 'b', 'c']);
    expect(() => statistics.charsFor(1)).toThrow(RangeError);
    expect(() => statistics.charsFor(4)).toThrow(RangeError);
    expect(() => statistics.charsFor(11)).toThrow(RangeError);
  });

  it('an older instance answers what it computed and refuses to compute on after a newer one took the scratch', () => {
    const older = new NGramStatistics(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(older.charsFor(2)).toBe(referenceTop(['a', 'b', 'a', 'b', 'a', 'b'], 2));
    void new NGramStatistics(['x', 'y', 'z']);
    expect(older.charsFor(2)).toBe(referenceTop(['a', 'b', 'a', 'b', 'a', 'b'], 2));
    expect(() => older.charsFor(3)).toThrow(/newer instance/);
  });
});
