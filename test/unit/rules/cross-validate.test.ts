import { describe, expect, it } from 'vitest';
import { scorePredictions, type LabelledDocument } from '../../../main/rules/agreement';
import { crossValidate, objective, stratifiedFolds } from '../../../bench/support/cross-validate';

const sentence = 'The river runs through the old town and the bridges are busy every morning of the week.';

/** Pages whose worth is their running text: keep ones hold many sentences, drop ones few. */
function page(i: number, keep: boolean): LabelledDocument {
  const sentences = keep ? 12 + (i % 5) : 1 + (i % 3);
  const lines = ['A page', 'Home', 'News', 'Sport', ...Array.from({ length: sentences }, () => sentence)];
  return { id: `p${i}`, text: lines.join('\n'), keep, noisyLines: keep ? [1, 2, 3] : [] };
}
const documents = Array.from({ length: 40 }, (_, i) => page(i, i % 3 !== 0));

describe('cross-validation of rule thresholds', () => {
  it('deals every document into exactly one fold, each label spread evenly, the same way for the same seed', () => {
    const folds = stratifiedFolds(documents, 5, 7);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(documents.map((_, i) => i));
    for (const fold of folds) {
      expect(fold.length).toBeGreaterThanOrEqual(7);
      expect(fold.length).toBeLessThanOrEqual(9);
      const drops = fold.filter((i) => !documents[i]?.keep).length;
      expect(drops).toBeGreaterThanOrEqual(2);
      expect(drops).toBeLessThanOrEqual(3);
    }
    expect(stratifiedFolds(documents, 5, 7)).toEqual(folds);
    expect(stratifiedFolds(documents, 5, 8)).not.toEqual(folds);
    expect(() => stratifiedFolds(documents, 1, 7)).toThrow(/at least 2 folds/);
  });

  it('chooses on the training folds and scores the held-out folds: the threshold that separates the pages wins', () => {
    const grid = ['web,web.min_prose_words=2000', 'web,web.min_prose_words=100', 'web,web.min_prose_words=10'];
    const cv = crossValidate(documents, grid, 4, [1, 2]);
    expect(cv.perSeed).toHaveLength(2);
    expect([...cv.chosen.keys()]).toEqual(['web,web.min_prose_words=100']);
    expect(cv.selectedOnAll).toBe('web,web.min_prose_words=100');
    for (const report of cv.perSeed) {
      expect(report.doc.macroF1).toBe(1);
      expect(report.line.f1).toBe(1);
    }
  });

  it('the objective adds doc macro-F1 and line F1, and rules out line precision under 0.8', () => {
    const perfect = scorePredictions(documents, documents.map((d) => ({ kept: d.keep, removedLines: d.noisyLines })));
    expect(objective(perfect)).toBe(2);
    const sloppy = scorePredictions(documents, documents.map((d) => ({ kept: d.keep, removedLines: [0, 1, 2, 3, 4, 5, 6] })));
    expect(sloppy.line.precision).toBeLessThan(0.8);
    expect(objective(sloppy)).toBeLessThan(1);
  });
});
