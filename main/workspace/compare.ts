/**
 * The compare view: every programmer's programs for a document's text, read from the program
 * cache (keyed by text, stage and programmer, so a second programmer never overwrites the
 * first's there), executed side by side, with the lines and verdicts they agree on.
 */
import type { CompareRefinement, CompareView } from '../../contract/api';
import { changedText, type DocumentExecution } from '../execution/document-execution';
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

/** One programmer's execution of a text: its programs, as the compare view and per-programmer figures run them. */
export interface ProgrammerExecution {
  key: string;
  label: string;
  dialect: 'prox' | 'ultrax';
  stages: ProgramSlot[];
  execution: DocumentExecution;
}

/**
 * Every programmer's programs for a text executed (all operations on, the workspace's kind
 * toggles in force): the program cache holds them by text, so two documents with the same
 * text share them.
 */
export function executeByProgrammer(store: Store, text: string, contentHash: string, settings: ExecutionSettings, only?: readonly string[]): ProgrammerExecution[] {
  return groupByProgrammer(store, contentHash)
    .filter((g) => !only || only.includes(g.key))
    .map((group) => {
      const ultrax = group.programs.ultrax !== null;
      const runnable: RunnablePrograms = ultrax ? { doc: null, chunk: null, ultrax: group.programs.ultrax } : { doc: group.programs.doc, chunk: group.programs.chunk };
      return { key: group.key, label: group.label, dialect: ultrax ? 'ultrax' : 'prox', stages: group.stages, execution: executeStored(text, runnable, NO_DISABLED_OPS, settings) };
    });
}

export function compareDocument(store: Store, doc: DocumentRecord, settings: ExecutionSettings, only?: readonly string[]): CompareView {
  const lines = doc.text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const refinements: CompareRefinement[] = executeByProgrammer(store, doc.text, doc.content_hash, settings, only).map(({ key, label, dialect, stages, execution }) => {
    const kept = lines.map((_, i) => !execution.dropped && (execution.removedBy[i] ?? null) === null);
    return {
      key,
      label,
      dialect,
      stages,
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
