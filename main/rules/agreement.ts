/**
 * Scores rule verdicts against labelled documents, as the ProX paper and our held-out
 * evaluation do: doc-level keep/drop agreement and macro-F1 (the mean of the keep-class and
 * drop-class F1), and line-level precision/recall/F1 of removed lines, micro-averaged over the
 * documents labelled keep (the chunk program is scored even where the doc stage dropped the
 * page, as the rule programmer writes both).
 */
import type { RuleConfig } from './config';
import { evaluateRules, type RuleVerdict } from './write-programs';

export interface LabelledDocument {
  readonly id: string;
  readonly text: string;
  readonly keep: boolean;
  /** 0-based lines a correct chunk program removes (documents labelled keep). */
  readonly noisyLines: readonly number[];
}

export interface LineScore {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface DocScore {
  readonly agreement: number;
  /** Mean of the F1 of the keep class and the F1 of the drop class. */
  readonly macroF1: number;
  readonly keptAndGoldKeep: number;
  readonly keptButGoldDrop: number;
  readonly droppedButGoldKeep: number;
  readonly droppedAndGoldDrop: number;
}

export interface AgreementReport {
  readonly documents: number;
  readonly line: LineScore;
  readonly doc: DocScore;
}

/** What a programmer decided for one document: kept or not, and the removed lines. */
export interface Prediction {
  readonly kept: boolean;
  readonly removedLines: readonly number[];
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function f1(tp: number, fp: number, fn: number): number {
  return ratio(2 * tp, 2 * tp + fp + fn);
}

export function predictionOf(verdict: RuleVerdict): Prediction {
  return { kept: verdict.failure === undefined, removedLines: verdict.removals.map((r) => r.line) };
}

/** Scores predictions, `predictions[i]` for `documents[i]`. */
export function scorePredictions(documents: readonly LabelledDocument[], predictions: readonly Prediction[]): AgreementReport {
  if (predictions.length !== documents.length) throw new Error(`scorePredictions: ${predictions.length} predictions for ${documents.length} documents`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let keptAndGoldKeep = 0;
  let keptButGoldDrop = 0;
  let droppedButGoldKeep = 0;
  let droppedAndGoldDrop = 0;
  documents.forEach((document, i) => {
    const prediction = predictions[i] as Prediction;
    if (prediction.kept && document.keep) keptAndGoldKeep++;
    else if (prediction.kept) keptButGoldDrop++;
    else if (document.keep) droppedButGoldKeep++;
    else droppedAndGoldDrop++;
    if (!document.keep) return;
    const predicted = new Set(prediction.removedLines);
    const gold = new Set(document.noisyLines);
    for (const line of predicted) if (gold.has(line)) tp++;
    else fp++;
    for (const line of gold) if (!predicted.has(line)) fn++;
  });
  const keepF1 = f1(keptAndGoldKeep, keptButGoldDrop, droppedButGoldKeep);
  const dropF1 = f1(droppedAndGoldDrop, droppedButGoldKeep, keptButGoldDrop);
  return {
    documents: documents.length,
    line: { tp, fp, fn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: f1(tp, fp, fn) },
    doc: {
      agreement: ratio(keptAndGoldKeep + droppedAndGoldDrop, documents.length),
      macroF1: (keepF1 + dropF1) / 2,
      keptAndGoldKeep,
      keptButGoldDrop,
      droppedButGoldKeep,
      droppedAndGoldDrop,
    },
  };
}

export function scoreRules(documents: readonly LabelledDocument[], config: RuleConfig): AgreementReport {
  return scorePredictions(
    documents,
    documents.map((document) => predictionOf(evaluateRules(document.text, config))),
  );
}
