/**
 * Scores rule verdicts against labelled documents: line-level precision/recall/F1 of removed
 * lines (micro-averaged over documents labelled keep, as ProX's chunk metric) and doc-level
 * keep/drop agreement.
 */
import type { RuleConfig } from './config';
import { evaluateRules } from './write-programs';

export interface LabelledDocument {
  readonly id: string;
  readonly text: string;
  readonly keep: boolean;
  /** 0-based lines a correct chunk program removes (documents labelled keep). */
  readonly noisyLines: readonly number[];
}

export interface AgreementReport {
  readonly documents: number;
  readonly line: { readonly tp: number; readonly fp: number; readonly fn: number; readonly precision: number; readonly recall: number; readonly f1: number };
  readonly doc: {
    readonly agreement: number;
    readonly keptAndGoldKeep: number;
    readonly keptButGoldDrop: number;
    readonly droppedButGoldKeep: number;
    readonly droppedAndGoldDrop: number;
  };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

export function scoreRules(documents: readonly LabelledDocument[], config: RuleConfig): AgreementReport {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const doc = { keptAndGoldKeep: 0, keptButGoldDrop: 0, droppedButGoldKeep: 0, droppedAndGoldDrop: 0 };
  for (const document of documents) {
    const verdict = evaluateRules(document.text, config);
    const kept = verdict.failure === undefined;
    if (kept && document.keep) doc.keptAndGoldKeep++;
    else if (kept) doc.keptButGoldDrop++;
    else if (document.keep) doc.droppedButGoldKeep++;
    else doc.droppedAndGoldDrop++;
    if (!document.keep) continue;
    const predicted = new Set(verdict.removals.map((r) => r.line));
    const gold = new Set(document.noisyLines);
    for (const line of predicted) if (gold.has(line)) tp++;
    else fp++;
    for (const line of gold) if (!predicted.has(line)) fn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    documents: documents.length,
    line: { tp, fp, fn, precision, recall, f1: ratio(2 * tp, 2 * tp + fp + fn) },
    doc: { agreement: ratio(doc.keptAndGoldKeep + doc.droppedAndGoldDrop, documents.length), ...doc },
  };
}
