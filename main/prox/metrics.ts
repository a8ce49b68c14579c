/**
 * Evaluation metrics of the ProX paper (appendix A.3): document-level
 * keep/drop classification and line-level F1 of removed lines, plus retention figures.
 * The paper leaves the positive class, the averaging and the both-empty case open; every
 * choice made here is named in the result so reports cannot mix them up.
 */
import { countWords } from './words';

export type DocDecision = 'keep' | 'drop';

export interface BinaryScores {
  precision: number;
  recall: number;
  f1: number;
  /** Support: gold documents of the positive class. */
  support: number;
}

export interface DocMetrics {
  /** Scores with `keep` as the positive class (the paper's keep = 1). */
  keep: BinaryScores;
  /** Scores with `drop` as the positive class. */
  drop: BinaryScores;
  /** Unweighted mean of the two classes' precision, recall and F1. */
  macro: { precision: number; recall: number; f1: number };
  accuracy: number;
  /** Confusion counts: `predicted_gold`. */
  confusion: { keep_keep: number; keep_drop: number; drop_keep: number; drop_drop: number };
  documents: number;
}

/**
 * Precision with no predicted positives, recall with no gold positives, and F1 with both
 * zero are defined as 0 (scikit-learn's zero_division=0), except that a class absent from
 * both prediction and gold scores 1: nothing to find and nothing wrongly found.
 */
function binaryScores(tp: number, fp: number, fn: number): BinaryScores {
  if (tp + fp + fn === 0) return { precision: 1, recall: 1, f1: 1, support: 0 };
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = (2 * tp) / (2 * tp + fp + fn);
  return { precision, recall, f1, support: tp + fn };
}

export function docMetrics(pairs: readonly { predicted: DocDecision; gold: DocDecision }[]): DocMetrics {
  const confusion = { keep_keep: 0, keep_drop: 0, drop_keep: 0, drop_drop: 0 };
  for (const { predicted, gold } of pairs) confusion[`${predicted}_${gold}`]++;
  const keep = binaryScores(confusion.keep_keep, confusion.keep_drop, confusion.drop_keep);
  const drop = binaryScores(confusion.drop_drop, confusion.drop_keep, confusion.keep_drop);
  const documents = pairs.length;
  return {
    keep,
    drop,
    macro: {
      precision: (keep.precision + drop.precision) / 2,
      recall: (keep.recall + drop.recall) / 2,
      f1: (keep.f1 + drop.f1) / 2,
    },
    accuracy: documents === 0 ? 0 : (confusion.keep_keep + confusion.drop_drop) / documents,
    confusion,
    documents,
  };
}

export interface LineCounts {
  tp: number;
  fp: number;
  fn: number;
}

export function lineCounts(predicted: ReadonlySet<number>, gold: ReadonlySet<number>): LineCounts {
  let tp = 0;
  for (const line of predicted) if (gold.has(line)) tp++;
  return { tp, fp: predicted.size - tp, fn: gold.size - tp };
}

function f1Of({ tp, fp, fn }: LineCounts): number {
  // Both sets empty: the program rightly removed nothing, a perfect score.
  return tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
}

/** Line-level F1 of one document: 2TP / (2TP + FP + FN) over removed line indices; both empty = 1. */
export function lineF1(predicted: ReadonlySet<number>, gold: ReadonlySet<number>): number {
  return f1Of(lineCounts(predicted, gold));
}

export interface LineMetrics {
  /** F1 of the TP/FP/FN summed over all documents (long documents weigh more). */
  micro: { precision: number; recall: number; f1: number } & LineCounts;
  /** Mean of the per-document F1 (every document weighs the same; both-empty documents count 1). */
  perDocument: number;
  documents: number;
}

export function lineMetrics(docs: readonly { predicted: ReadonlySet<number>; gold: ReadonlySet<number> }[]): LineMetrics {
  const total: LineCounts = { tp: 0, fp: 0, fn: 0 };
  let f1Sum = 0;
  for (const { predicted, gold } of docs) {
    const counts = lineCounts(predicted, gold);
    total.tp += counts.tp;
    total.fp += counts.fp;
    total.fn += counts.fn;
    f1Sum += f1Of(counts);
  }
  const scores = binaryScores(total.tp, total.fp, total.fn);
  return {
    micro: { precision: scores.precision, recall: scores.recall, f1: scores.f1, ...total },
    perDocument: docs.length === 0 ? 0 : f1Sum / docs.length,
    documents: docs.length,
  };
}

export interface CorpusSize {
  documents: number;
  words: number;
  tokens: number;
}

export interface Retention {
  before: CorpusSize;
  after: CorpusSize;
  /** after / before per measure; 1 when before is 0 (nothing to lose). */
  documents: number;
  words: number;
  tokens: number;
}

function ratio(after: number, before: number): number {
  return before === 0 ? 1 : after / before;
}

/** What fraction of documents, words and tokens survived refining. */
export function retention({ before, after }: { before: CorpusSize; after: CorpusSize }): Retention {
  return {
    before,
    after,
    documents: ratio(after.documents, before.documents),
    words: ratio(after.words, before.words),
    tokens: ratio(after.tokens, before.tokens),
  };
}

/**
 * Sizes of a list of texts; an empty text (a dropped document, as the reference writes it)
 * does not count as a document. Tokens are counted with `countTokens` (a model tokenizer or
 * the estimate in tokens.ts).
 */
export function corpusSize(texts: Iterable<string>, countTokens: (text: string) => number): CorpusSize {
  const size: CorpusSize = { documents: 0, words: 0, tokens: 0 };
  for (const text of texts) {
    if (text.length === 0) continue;
    size.documents++;
    size.words += countWords(text);
    size.tokens += countTokens(text);
  }
  return size;
}

/** Python `len(text.split())`; re-exported so metric users need one import. */
export { countWords as wordCount } from './words';
