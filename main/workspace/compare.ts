/**
 * The compare view: every programmer's programs for a document's text, read from the program
 * cache (keyed by text, stage and programmer, so a second programmer never overwrites the
 * first's there), executed side by side, with the lines and verdicts they agree on.
 */
import type { CompareRefinement, CompareView, ProgrammerRetention } from '../../contract/api';
import { changedText } from '../execution/document-execution';
import type { ExecutionSettings } from '../execution/settings';
import { executeStored, NO_DISABLED_OPS, type RunnablePrograms } from '../execution/stored-program';
import type { ProgramSlot } from '../prox/programmer';
import type { DocumentRecord, Store } from '../store';

interface Grouped {
  key: string;
  label: string;
  programs: { doc: string | null; chunk: string | null; ultrax: string | null };
  stages: ProgramSlot[];
}

/**
 * Programs of one programmer: a ProX programmer's doc and chunk stages have a key each, joined
 * here by their run's label; an UltraX programmer has one program.
 */
function groupByProgrammer(store: Store, contentHash: string): Grouped[] {
  const groups = new Map<string, Grouped>();
  for (const row of store.programCache.forContent.all(contentHash)) {
    const stage = row.stage as ProgramSlot;
    const label = row.label ?? row.programmer_key;
    const id = `${stage === 'ultrax' ? 'ultrax' : 'prox'}\u0000${label}`;
    let group = groups.get(id);
    if (!group) {
      group = { key: row.programmer_key, label, programs: { doc: null, chunk: null, ultrax: null }, stages: [] };
      groups.set(id, group);
    }
    if (stage === 'doc' || stage === 'chunk' || stage === 'ultrax') {
      group.programs[stage] = row.program;
      group.stages.push(stage);
      if (stage === 'doc') group.key = row.programmer_key;
    }
  }
  return [...groups.values()];
}

export function compareDocument(store: Store, doc: DocumentRecord, settings: ExecutionSettings, only?: readonly string[]): CompareView {
  const lines = doc.text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const groups = groupByProgrammer(store, doc.content_hash).filter((g) => !only || only.includes(g.key));
  const refinements: CompareRefinement[] = groups.map((group) => {
    const runnable: RunnablePrograms =
      group.programs.ultrax !== null ? { doc: null, chunk: null, ultrax: group.programs.ultrax } : { doc: group.programs.doc, chunk: group.programs.chunk };
    const execution = executeStored(doc.text, runnable, NO_DISABLED_OPS, settings);
    const kept = lines.map((_, i) => !execution.dropped && (execution.removedBy[i] ?? null) === null);
    return {
      key: group.key,
      label: group.label,
      dialect: group.programs.ultrax !== null ? 'ultrax' : 'prox',
      stages: group.stages,
      verdict: execution.dropped ? 'dropped' : changedText(execution) ? 'modified' : 'kept',
      refined: execution.dropped ? '' : execution.text,
      kept,
      keptWords: execution.keptWords,
      originalWords: execution.originalWords,
    };
  });
  let keptByAll = 0;
  let keptBySome = 0;
  let keptByNone = 0;
  lines.forEach((_, i) => {
    const n = refinements.filter((r) => r.kept[i]).length;
    if (refinements.length > 0 && n === refinements.length) keptByAll++;
    else if (n > 0) keptBySome++;
    else keptByNone++;
  });
  const verdicts = new Set(refinements.map((r) => r.verdict));
  return { docId: doc.id, lines, refinements, agreement: { keptByAll, keptBySome, keptByNone, verdictsAgree: verdicts.size <= 1 } };
}

/**
 * Per-programmer retention over the corpus (Stats): for each programmer that refined any
 * document, the documents it refined and kept, and the words it kept of them. Every
 * document is executed once per programmer, as in the compare view.
 */
export function programmerRetention(store: Store, settings: ExecutionSettings): ProgrammerRetention[] {
  const totals = new Map<string, ProgrammerRetention>();
  const last = store.documents.maxSeq.get() ?? 0;
  for (let seq = 1; seq <= last; seq++) {
    const doc = store.documents.bySeq.get(seq);
    if (!doc) continue;
    for (const r of compareDocument(store, doc, settings).refinements) {
      const id = `${r.dialect}\u0000${r.label}`;
      const t = totals.get(id) ?? { key: r.key, label: r.label, dialect: r.dialect, documents: 0, keptDocuments: 0, originalWords: 0, keptWords: 0 };
      t.documents++;
      if (r.verdict !== 'dropped') t.keptDocuments++;
      t.originalWords += r.originalWords;
      t.keptWords += r.keptWords;
      totals.set(id, t);
    }
  }
  return [...totals.values()];
}
