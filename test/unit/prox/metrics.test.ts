import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusSize, docMetrics, lineF1, lineMetrics, retention, wordCount, type DocDecision } from '../../../main/prox/metrics';
import { countWords, pyStrip, splitWords } from '../../../main/prox/words';
import { loadDevset } from '../../support/devset';

const pairs = (spec: Record<string, number>): { predicted: DocDecision; gold: DocDecision }[] =>
  Object.entries(spec).flatMap(([key, n]) => {
    const [predicted, gold] = key.split('_') as [DocDecision, DocDecision];
    return Array.from({ length: n }, () => ({ predicted, gold }));
  });

describe('docMetrics', () => {
  it('scores keep and drop as positive class and their macro mean (hand-computed confusion)', () => {
    // 6 keep docs predicted keep, 2 gold-drop predicted keep, 1 gold-keep predicted drop, 3 drop/drop.
    const m = docMetrics(pairs({ keep_keep: 6, keep_drop: 2, drop_keep: 1, drop_drop: 3 }));
    expect(m.confusion).toEqual({ keep_keep: 6, keep_drop: 2, drop_keep: 1, drop_drop: 3 });
    expect(m.keep.precision).toBeCloseTo(6 / 8);
    expect(m.keep.recall).toBeCloseTo(6 / 7);
    expect(m.keep.f1).toBeCloseTo(12 / 15);
    expect(m.keep.support).toBe(7);
    expect(m.drop.precision).toBeCloseTo(3 / 4);
    expect(m.drop.recall).toBeCloseTo(3 / 5);
    expect(m.drop.f1).toBeCloseTo(6 / 9);
    expect(m.drop.support).toBe(5);
    expect(m.macro.f1).toBeCloseTo((12 / 15 + 6 / 9) / 2);
    expect(m.macro.precision).toBeCloseTo((6 / 8 + 3 / 4) / 2);
    expect(m.accuracy).toBeCloseTo(9 / 12);
    expect(m.documents).toBe(12);
  });

  it('scores 0 for a class never predicted, 1 for a class absent from both sides', () => {
    const allKeep = docMetrics(pairs({ keep_keep: 3, keep_drop: 2 }));
    expect(allKeep.drop).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(allKeep.keep.recall).toBe(1);
    const onlyKeep = docMetrics(pairs({ keep_keep: 4 }));
    expect(onlyKeep.drop).toEqual({ precision: 1, recall: 1, f1: 1, support: 0 });
    expect(docMetrics([]).accuracy).toBe(0);
  });

  it('swapping predicted and gold swaps precision and recall', () => {
    const decision = fc.constantFrom<DocDecision>('keep', 'drop');
    fc.assert(
      fc.property(fc.array(fc.record({ predicted: decision, gold: decision }), { minLength: 1, maxLength: 40 }), (ps) => {
        const a = docMetrics(ps);
        const b = docMetrics(ps.map(({ predicted, gold }) => ({ predicted: gold, gold: predicted })));
        expect(b.keep.precision).toBeCloseTo(a.keep.recall);
        expect(b.drop.recall).toBeCloseTo(a.drop.precision);
        expect(b.keep.f1).toBeCloseTo(a.keep.f1);
      }),
    );
  });
});

describe('lineF1 / lineMetrics', () => {
  it('is 2TP / (2TP + FP + FN), 1 when both sets are empty, 0 when disjoint', () => {
    // pred {1,2,3,4}, gold {3,4,5}: TP 2, FP 2, FN 1.
    expect(lineF1(new Set([1, 2, 3, 4]), new Set([3, 4, 5]))).toBeCloseTo(4 / 7);
    expect(lineF1(new Set(), new Set())).toBe(1);
    expect(lineF1(new Set([1]), new Set())).toBe(0);
    expect(lineF1(new Set(), new Set([1]))).toBe(0);
    expect(lineF1(new Set([0, 9]), new Set([0, 9]))).toBe(1);
  });

  it('averages micro (summed counts) and per document (mean F1) differently', () => {
    const docs = [
      { predicted: new Set([1, 2, 3, 4]), gold: new Set([3, 4, 5]) }, // TP 2 FP 2 FN 1, F1 4/7
      { predicted: new Set<number>(), gold: new Set<number>() }, // F1 1
      { predicted: new Set([7]), gold: new Set([8, 9]) }, // TP 0 FP 1 FN 2, F1 0
    ];
    const m = lineMetrics(docs);
    expect(m.micro).toMatchObject({ tp: 2, fp: 3, fn: 3 });
    expect(m.micro.f1).toBeCloseTo(4 / 10);
    expect(m.micro.precision).toBeCloseTo(2 / 5);
    expect(m.micro.recall).toBeCloseTo(2 / 5);
    expect(m.perDocument).toBeCloseTo((4 / 7 + 1 + 0) / 3);
    expect(m.documents).toBe(3);
    expect(lineMetrics([]).perDocument).toBe(0);
  });

  it('gold against itself scores 1 on the devset kept documents; removing nothing scores 0 micro', () => {
    const devset = loadDevset();
    const kept = devset.gold.filter((g) => g.doc === 'keep');
    expect(kept.length).toBe(44);
    const perfect = lineMetrics(kept.map((g) => ({ predicted: new Set(g.noisy_lines), gold: new Set(g.noisy_lines) })));
    expect(perfect.micro.f1).toBe(1);
    expect(perfect.perDocument).toBe(1);
    const nothing = lineMetrics(kept.map((g) => ({ predicted: new Set<number>(), gold: new Set(g.noisy_lines) })));
    expect(nothing.micro).toMatchObject({ tp: 0, fp: 0, fn: 4516, f1: 0 });
  });
});

describe('retention / corpusSize', () => {
  it('reports after/before per measure, empty texts not counted as documents', () => {
    const tokens = (t: string): number => t.length;
    const before = corpusSize(['one two three', 'four five', 'six'], tokens);
    const after = corpusSize(['one three', '', 'six'], tokens);
    expect(before).toEqual({ documents: 3, words: 6, tokens: 25 });
    expect(after).toEqual({ documents: 2, words: 3, tokens: 12 });
    const r = retention({ before, after });
    expect(r.documents).toBeCloseTo(2 / 3);
    expect(r.words).toBeCloseTo(0.5);
    expect(r.tokens).toBeCloseTo(12 / 25);
    expect(retention({ before: { documents: 0, words: 0, tokens: 0 }, after: { documents: 0, words: 0, tokens: 0 } }).words).toBe(1);
  });
});

describe('wordCount (Python str.split() semantics)', () => {
  // Expected values from CPython 3.11: len(s.split()).
  const cases: [string, number][] = [
    ['', 0],
    ['   ', 0],
    ['a b', 2],
    [' a\tb\nc\rd\u000be\ff ', 6],
    ['a\u00a0b', 2],
    ['a\u200bb', 1],
    ['a\u001cb\u001dc\u001ed\u001ff', 5],
    ['a\u0085b', 2],
    ['a\ufeffb', 1],
    ['a\u3000b\u2028c\u2029d', 4],
    ['a\u180eb', 1],
    ['x\u2007y\u202fz\u205fw', 4],
    ['naïve café — ok', 4],
  ];
  it.each(cases)('counts %j as %i words', (text, expected) => {
    expect(wordCount(text)).toBe(expected);
    expect(countWords(text)).toBe(expected);
    expect(splitWords(text)).toHaveLength(expected);
  });

  it('strips what Python strip() strips and nothing else', () => {
    expect(pyStrip(' \u3000\u00a0a\u200b \x1c')).toBe('a\u200b');
    expect(pyStrip('\ufeffa\ufeff')).toBe('\ufeffa\ufeff');
  });

  it('agrees with splitting on the Python whitespace set for arbitrary text', () => {
    const unit = fc.constantFrom('a', 'é', '😀', ' ', '\t', '\n', '\u00a0', '\u200b', '\u3000', '\u0085', '\ufeff', '\u001f');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (text) => {
        expect(countWords(text)).toBe(splitWords(text).length);
        expect(splitWords(text).join(' ')).toBe(splitWords(pyStrip(text)).join(' '));
      }),
      { numRuns: 300 },
    );
  });
});
