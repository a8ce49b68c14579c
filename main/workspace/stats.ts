/**
 * Corpus statistics before and after refining, with the toggles in force: documents, words,
 * tokens (estimated for the Llama-2 vocabulary), retention, per-operation and per-rule counts,
 * and document-length histograms (the paper's Figure 7). Computed by executing every stored
 * program, since refined text is never stored. The operation counts are those export writes
 * into each document's metadata (execution/stored-program.ts appliedCounts), added up over
 * the corpus, dropped documents included.
 */
import type { Stats } from '../../contract/api';
import { countWordsFast } from '../corpus/text-facts';
import { corpusPages, disabledOpsOfPage } from '../execution/corpus';
import type { ExecutionSettings } from '../execution/settings';
import { appliedCounts, appliedOperations, executeStored, hasRunnableProgram, NO_DISABLED_OPS, notesByLine, runnablePrograms, type DisabledOps } from '../execution/stored-program';
import { estimateLlamaTokens } from '../prox/tokens';
import type { StatsRow, Store } from '../store';
import { tallyRules } from './rule-tally';

export { ruleKeysOf } from './rule-tally';

/**
 * Log2 bins of document length in tokens, 0 and then 32 .. 65536: bin i counts documents with
 * edges[i] <= tokens < edges[i+1]; the last bin is open-ended.
 */
export const HISTOGRAM_EDGES = [0, ...Array.from({ length: 12 }, (_, i) => 32 * 2 ** i)];

export function binOf(tokens: number, edges: readonly number[] = HISTOGRAM_EDGES): number {
  let bin = 0;
  while (bin + 1 < edges.length && tokens >= edges[bin + 1]!) bin++;
  return bin;
}

const PAGE = 500;

export function computeStats(store: Store, settings: ExecutionSettings, signal?: AbortSignal): Stats {
  const stats: Stats = {
    documents: { before: 0, after: 0 },
    words: { before: 0, after: 0 },
    tokens: { before: 0, after: 0, estimated: true },
    refined: { doc: 0, chunk: 0, ultrax: 0 },
    failed: { documents: 0, doc: 0, chunk: 0, ultrax: 0 },
    operations: {},
    rules: {},
    lengthHistogram: { edges: [...HISTOGRAM_EDGES], before: HISTOGRAM_EDGES.map(() => 0), after: HISTOGRAM_EDGES.map(() => 0) },
  };
  const anyOpToggles = (store.toggles.countDisabledOps.get() ?? 0) > 0;
  const read = (sourceId: number, ord: number, limit: number) => store.documents.statsPage.all(sourceId, ord, limit);
  for (const page of corpusPages(read, PAGE)) {
    signal?.throwIfAborted();
    const toggles = anyOpToggles ? disabledOpsOfPage(store, page.map((r) => r.seq)) : null;
    for (const row of page) addDocument(stats, row, toggles?.get(row.seq) ?? NO_DISABLED_OPS, settings);
  }
  return stats;
}

function addDocument(stats: Stats, row: StatsRow, disabled: DisabledOps, settings: ExecutionSettings): void {
  const tokensBefore = estimateLlamaTokens(row.text);
  stats.documents.before += 1;
  stats.words.before += row.words;
  stats.tokens.before += tokensBefore;
  stats.lengthHistogram.before[binOf(tokensBefore)]! += 1;
  // A failed program is not a refined one: it is counted apart, so stats never pass a crash as done.
  if (row.doc_program !== null) stats[row.doc_failure === null ? 'refined' : 'failed'].doc += 1;
  if (row.chunk_program !== null) stats[row.chunk_failure === null ? 'refined' : 'failed'].chunk += 1;
  if (row.ultrax_program !== null) stats[row.ultrax_failure === null ? 'refined' : 'failed'].ultrax += 1;
  if (row.doc_failure !== null || row.chunk_failure !== null || row.ultrax_failure !== null) stats.failed.documents += 1;

  let words = row.words;
  let tokens = tokensBefore;
  const programs = runnablePrograms(row);
  if (hasRunnableProgram(programs)) {
    const execution = executeStored(row.text, programs, disabled, settings);
    for (const [kind, n] of Object.entries(appliedCounts(execution))) stats.operations[kind] = (stats.operations[kind] ?? 0) + n;
    const notes = { doc: notesByLine(row.doc_notes), chunk: notesByLine(row.chunk_notes), ultrax: notesByLine(row.ultrax_notes) };
    tallyRules(stats.rules, appliedOperations(execution), notes, execution.removedBy);
    if (execution.dropped) return;
    if (execution.text !== row.text) {
      words = countWordsFast(execution.text);
      tokens = estimateLlamaTokens(execution.text);
    }
  }
  stats.documents.after += 1;
  stats.words.after += words;
  stats.tokens.after += tokens;
  stats.lengthHistogram.after[binOf(tokens)]! += 1;
}
