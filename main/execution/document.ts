/**
 * One stored document with its programs and switched-off operations, executed; and the
 * columns derived from that execution, which the document list filters and counts on.
 */
import type { ProgramSlot } from '../prox/programmer';
import type { DerivedColumns, DocumentRecord, ProgramRecord, Store } from '../store';
import { changedText, linesRemoved, replacementCount, type DocumentExecution } from './document-execution';
import type { ExecutionSettings } from './settings';
import { addDisabledOp, executeStored, NO_DISABLED_OPS, runnablePrograms, type DisabledOps, type RunnablePrograms } from './stored-program';
import { countWordsFast } from '../corpus/text-facts';

export interface StoredDocument {
  readonly doc: DocumentRecord;
  readonly programs: Readonly<Record<ProgramSlot, ProgramRecord | undefined>>;
  readonly disabled: DisabledOps;
}

export function loadStoredDocument(store: Store, doc: DocumentRecord): StoredDocument {
  const rows = store.toggles.disabledOps.all(doc.seq);
  let disabled: DisabledOps = NO_DISABLED_OPS;
  if (rows.length > 0) {
    const building = { doc: [] as number[], chunk: [] as number[] };
    for (const row of rows) addDisabledOp(building, row.stage, row.line);
    disabled = building;
  }
  const programs = { doc: store.programs.of.get(doc.seq, 'doc'), chunk: store.programs.of.get(doc.seq, 'chunk'), ultrax: store.programs.of.get(doc.seq, 'ultrax') };
  return { doc, programs, disabled };
}

/** `override` replaces the stored programs (live preview of an edit); `null` there means "no program for this stage". */
export function executeDocument(loaded: StoredDocument, settings: ExecutionSettings, override?: RunnablePrograms): DocumentExecution {
  const { doc, chunk, ultrax } = loaded.programs;
  const programs =
    override ??
    runnablePrograms({
      doc_program: doc?.program ?? null,
      doc_failure: doc?.failure ?? null,
      chunk_program: chunk?.program ?? null,
      chunk_failure: chunk?.failure ?? null,
      ultrax_program: ultrax?.program ?? null,
      ultrax_failure: ultrax?.failure ?? null,
    });
  return executeStored(loaded.doc.text, programs, loaded.disabled, settings);
}

export function deriveColumns(loaded: StoredDocument, execution: DocumentExecution): DerivedColumns {
  const { doc: docProgram, chunk: chunkProgram, ultrax: ultraxProgram } = loaded.programs;
  if (!docProgram && !chunkProgram && !ultraxProgram) {
    return { status: 'pending', doc_dropped: 0, lines_removed: 0, normalized: 0, has_errors: 0, refined_words: null, refined_chars: null };
  }
  const failed = docProgram?.failure != null || chunkProgram?.failure != null || ultraxProgram?.failure != null;
  const removed = execution.cancelled ? 0 : linesRemoved(execution);
  const normalized = execution.cancelled ? 0 : replacementCount(execution);
  const looping = execution.ultraxStatus === 'looping' || execution.ultraxStatus === 'failed';
  const status = failed ? 'error' : execution.dropped ? 'dropped' : !execution.cancelled && changedText(execution) ? 'modified' : 'kept';
  return {
    status,
    doc_dropped: execution.dropped && execution.stage === 'doc' ? 1 : 0,
    lines_removed: removed,
    normalized,
    has_errors: failed || execution.errorCount > 0 || execution.cancelled || looping ? 1 : 0,
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
