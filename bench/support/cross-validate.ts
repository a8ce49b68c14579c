/**
 * k-fold cross-validation of rule thresholds on a labelled set, so a figure measured on the
 * set says how the procedure does on pages it has not seen: for each fold, the grid point with
 * the best objective on the other folds is chosen, then applied to the held-out fold; the
 * held-out predictions of all folds are pooled and scored together.
 *
 * Folds are stratified by the keep/drop label and shuffled with a seed, and the whole
 * procedure is repeated over several seeds (repeated k-fold), because 69 pages split five ways
 * make a noisy estimate.
 */
import { predictionOf, scorePredictions, type AgreementReport, type LabelledDocument, type Prediction } from '../../main/rules/agreement';
import { parseRuleSpec } from '../../main/rules/config';
import { evaluateRules } from '../../main/rules/write-programs';
import { seededRandom } from '../../test/support/seeded-random';

/** One grid point: a rule spec (`web,web.min_prose_words=200`). */
export type GridPoint = string;

/** Indexes of `documents` per fold, stratified by label; every document in exactly one fold. */
export function stratifiedFolds(documents: readonly LabelledDocument[], k: number, seed: number): number[][] {
  if (k < 2) throw new Error(`cross-validation needs at least 2 folds, not ${k}`);
  const rand = seededRandom(seed);
  const shuffle = (items: number[]): number[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [items[i], items[j]] = [items[j] as number, items[i] as number];
    }
    return items;
  };
  const keep = shuffle(documents.flatMap((d, i) => (d.keep ? [i] : [])));
  const drop = shuffle(documents.flatMap((d, i) => (d.keep ? [] : [i])));
  const folds: number[][] = Array.from({ length: k }, () => []);
  // Dealing both classes round-robin from one running position keeps fold sizes within one.
  [...keep, ...drop].forEach((index, position) => (folds[position % k] as number[]).push(index));
  return folds;
}

/** What a grid point is chosen by: doc macro-F1 plus line F1, with line precision >= 0.8 required. */
export function objective(report: AgreementReport): number {
  const penalty = report.line.precision < 0.8 ? 1 : 0;
  return report.doc.macroF1 + report.line.f1 - penalty;
}

export interface CrossValidation {
  readonly folds: number;
  readonly seeds: readonly number[];
  /** Pooled held-out score, per seed. */
  readonly perSeed: readonly AgreementReport[];
  /** How often each grid point was chosen, over all folds of all seeds. */
  readonly chosen: ReadonlyMap<GridPoint, number>;
  /** The grid point the same selection picks on the whole set: what the defaults should be. */
  readonly selectedOnAll: GridPoint;
}

/** Predictions of every grid point for every document, computed once. */
export function predictGrid(documents: readonly LabelledDocument[], grid: readonly GridPoint[]): Map<GridPoint, Prediction[]> {
  const table = new Map<GridPoint, Prediction[]>();
  for (const point of grid) {
    const config = parseRuleSpec(point);
    table.set(
      point,
      documents.map((d) => predictionOf(evaluateRules(d.text, config))),
    );
  }
  return table;
}

/**
 * A grid point must beat an earlier one (the defaults come first) by more than this to be
 * chosen over it: differences this small are noise on a few dozen pages.
 */
export const TIE_TOLERANCE = 0.005;

/** The first grid point whose objective on `indexes` of the documents is within TIE_TOLERANCE of the best. */
export function selectBest(documents: readonly LabelledDocument[], table: ReadonlyMap<GridPoint, Prediction[]>, grid: readonly GridPoint[], indexes: readonly number[]): GridPoint {
  const subset = indexes.map((i) => documents[i] as LabelledDocument);
  const scores = grid.map((point) => {
    const predictions = table.get(point) as Prediction[];
    return objective(scorePredictions(subset, indexes.map((i) => predictions[i] as Prediction)));
  });
  const best = Math.max(...scores);
  return grid[scores.findIndex((score) => score >= best - TIE_TOLERANCE)] as GridPoint;
}

export function crossValidate(documents: readonly LabelledDocument[], grid: readonly GridPoint[], k: number, seeds: readonly number[]): CrossValidation {
  if (grid.length === 0) throw new Error('cross-validation needs at least one grid point');
  const table = predictGrid(documents, grid);
  const chosen = new Map<GridPoint, number>();
  const perSeed = seeds.map((seed) => {
    const folds = stratifiedFolds(documents, k, seed);
    const heldOut: Prediction[] = new Array<Prediction>(documents.length);
    for (const fold of folds) {
      const test = new Set(fold);
      const train = documents.flatMap((_, i) => (test.has(i) ? [] : [i]));
      const best = selectBest(documents, table, grid, train);
      chosen.set(best, (chosen.get(best) ?? 0) + 1);
      const predictions = table.get(best) as Prediction[];
      for (const i of fold) heldOut[i] = predictions[i] as Prediction;
    }
    return scorePredictions(documents, heldOut);
  });
  const selectedOnAll = selectBest(documents, table, grid, documents.map((_, i) => i));
  return { folds: k, seeds, perSeed, chosen, selectedOnAll };
}
