/**
 * Corpus statistics before and after refining, with the toggles in force: documents, words,
 * tokens (estimated for the Llama-2 vocabulary), retention, per-operation and per-rule counts,
 * and document-length histograms (the paper's Figure 7). Computed by executing every stored
 * program, since refined text is never stored.
 */
import type { Stats } from '../../contract/api';
import type { DocumentRecord, ProgramPair, Statements } from '../../native/sqlite/statements';
import { executeProgram } from '../prox/executor';
import type { OperationNote, Stage } from '../prox/program';
import { estimateLlamaTokens } from '../prox/tokens';
import type { ExecutionSettings } from './execution';
import { countWordsFast } from './text-facts';

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

/**
 * The rules named in an operation's note, with what was measured and line ranges stripped so
 * one rule counts under one name; the threshold stays, as it says what the rule demands
 * ("gopher: words 12 < 50" -> "gopher: words < 50"). Other numbers are masked ("top 2-gram" ->
 * "top #-gram"). A note that merges several line runs ("c4: ...; lines 5-7: c4: ...") names
 * each rule once.
 */
export function ruleKeysOf(reason: string): string[] {
  const keys = reason.split('; ').map((part) =>
    part
      .replace(/^lines? [\d, -]+: /, '')
      .replace(/ -?\d+(\.\d+)?%? ([<>]=?) /g, ' $2 ')
      .replace(/([<>]=? )?(?<![\w.])\d+(\.\d+)?%?/g, (number: string, comparison: string | undefined) => (comparison ? number : '#'))
      .trim(),
  );
  return [...new Set(keys.filter((k) => k.length > 0))];
}

const PAGE = 500;

export function computeStats(st: Statements, settings: ExecutionSettings, signal?: AbortSignal): Stats {
  const stats: Stats = {
    documents: { before: 0, after: 0 },
    words: { before: 0, after: 0 },
    tokens: { before: 0, after: 0, estimated: true },
    refined: { doc: 0, chunk: 0 },
    operations: {},
    rules: {},
    lengthHistogram: { edges: [...HISTOGRAM_EDGES], before: HISTOGRAM_EDGES.map(() => 0), after: HISTOGRAM_EDGES.map(() => 0) },
  };
  const anyOpToggles = (st.countDisabledOps.get() ?? 0) > 0;
  let cursor: [number, number] = [0, -1];
  while (true) {
    signal?.throwIfAborted();
    const page = st.documentsPage.all(cursor[0], cursor[1], PAGE);
    if (page.length === 0) break;
    const last = page[page.length - 1]!;
    cursor = [last.source_id, last.ord];
    for (const row of page) addDocument(stats, st, row, settings, anyOpToggles);
  }
  return stats;
}

function addDocument(stats: Stats, st: Statements, row: DocumentRecord & ProgramPair, settings: ExecutionSettings, anyOpToggles: boolean): void {
  const tokensBefore = estimateLlamaTokens(row.text);
  stats.documents.before += 1;
  stats.words.before += row.words;
  stats.tokens.before += tokensBefore;
  stats.lengthHistogram.before[binOf(tokensBefore)]! += 1;
  const docProgram = row.doc_failure === null ? row.doc_program : null;
  const chunkProgram = row.chunk_failure === null ? row.chunk_program : null;
  if (row.doc_program !== null) stats.refined.doc += 1;
  if (row.chunk_program !== null) stats.refined.chunk += 1;

  let words = row.words;
  let tokens = tokensBefore;
  if (docProgram !== null || chunkProgram !== null) {
    const disabled = { doc: new Set<number>(), chunk: new Set<number>() };
    if (anyOpToggles) for (const t of st.disabledOps.all(row.seq)) disabled[t.stage as Stage].add(t.line);
    const execution = executeProgram({ text: row.text, docProgram, chunkProgram, mode: settings.mode, disabled, disabledKinds: settings.disabledKinds, thresholds: settings.thresholds });
    const notes: Record<Stage, Map<number, OperationNote>> = { doc: parseNotes(row.doc_notes), chunk: parseNotes(row.chunk_notes) };
    for (const op of execution.operations) {
      if (!op.enabled || (execution.cancelled && op.stage === 'chunk')) continue;
      // Only operations that decided or changed something count as applied.
      const effective = op.kind === 'drop_doc' ? execution.stage === 'doc' : op.kind === 'remove_lines' ? op.linesRemoved > 0 : op.kind === 'normalize' ? op.replacements > 0 : false;
      if (!effective) continue;
      stats.operations[op.kind] = (stats.operations[op.kind] ?? 0) + 1;
      const reason = notes[op.stage].get(op.line)?.reason;
      if (reason) for (const key of ruleKeysOf(reason)) stats.rules[key] = (stats.rules[key] ?? 0) + 1;
    }
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

function parseNotes(json: string | null): Map<number, OperationNote> {
  if (!json) return new Map();
  try {
    return new Map((JSON.parse(json) as OperationNote[]).map((n) => [n.line, n]));
  } catch {
    return new Map();
  }
}
