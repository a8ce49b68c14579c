/**
 * One stored document with its programs and switched-off operations, executed; and the
 * columns derived from that execution, which the document list filters and counts on.
 */
import type { Execution } from '../prox/executor';
import type { Stage } from '../prox/program';
import type { DerivedColumns, DocumentRecord, ProgramRecord, Store } from '../store';
import type { ExecutionSettings } from './settings';
import { executeStored, linesRemoved, NO_DISABLED_OPS, runnablePrograms, type DisabledOps, type RunnablePrograms } from './stored-program';
import { countWordsFast } from '../corpus/text-facts';

export interface StoredDocument {
  readonly doc: DocumentRecord;
  readonly programs: { readonly doc: ProgramRecord | undefined; readonly chunk: ProgramRecord | undefined };
  readonly disabled: DisabledOps;
}

export function loadStoredDocument(store: Store, doc: DocumentRecord): StoredDocument {
  const rows = store.toggles.disabledOps.all(doc.seq);
  const disabled = rows.length === 0 ? NO_DISABLED_OPS : { doc: [] as number[], chunk: [] as number[] };
  for (const row of rows) (disabled[row.stage as Stage] as number[]).push(row.line);
  return { doc, programs: { doc: store.programs.of.get(doc.seq, 'doc'), chunk: store.programs.of.get(doc.seq, 'chunk') }, disabled };
}

/** `override` replaces the stored programs (live preview of an edit); `null` there means "no program for this stage". */
export function executeDocument(loaded: StoredDocument, settings: ExecutionSettings, override?: RunnablePrograms): Execution {
  const { doc, chunk } = loaded.programs;
  const programs = override ?? runnablePrograms({ doc_program: doc?.program ?? null, doc_failure: doc?.failure ?? null, chunk_program: chunk?.program ?? null, chunk_failure: chunk?.failure ?? null });
  return executeStored(loaded.doc.text, programs, loaded.disabled, settings);
}

export function deriveColumns(loaded: StoredDocument, execution: Execution): DerivedColumns {
  const { doc: docProgram, chunk: chunkProgram } = loaded.programs;
  if (!docProgram && !chunkProgram) {
    return { status: 'pending', doc_dropped: 0, lines_removed: 0, normalized: 0, has_errors: 0, refined_words: null, refined_chars: null };
  }
  const failed = docProgram?.failure != null || chunkProgram?.failure != null;
  const removed = execution.cancelled ? 0 : linesRemoved(execution);
  const normalized = execution.cancelled ? 0 : execution.replacements.length;
  const status = failed ? 'error' : execution.dropped ? 'dropped' : removed > 0 || normalized > 0 ? 'modified' : 'kept';
  return {
    status,
    doc_dropped: execution.dropped && execution.stage === 'doc' ? 1 : 0,
    lines_removed: removed,
    normalized,
    has_errors: failed || execution.errorCount > 0 || execution.cancelled ? 1 : 0,
    refined_words: execution.dropped ? 0 : countWordsFast(execution.text),
    refined_chars: execution.dropped ? 0 : execution.text.length,
  };
}

/** Recomputes and stores one document's derived columns; call inside the transaction that changed it. */
export function recomputeDerived(store: Store, seq: number, settings: ExecutionSettings): void {
  const doc = store.documents.bySeq.get(seq);
  if (!doc) return;
  const loaded = loadStoredDocument(store, doc);
  store.documents.updateDerived.run({ seq, ...deriveColumns(loaded, executeDocument(loaded, settings)) });
}
