/**
 * Runs the executor on one stored document with the toggles in force, and turns the result
 * into the derived columns the document list filters on. Refined text is never stored:
 * this is the only way to get it.
 */
import type { DerivedColumns, DocumentRecord, ProgramRecord, Statements } from '../../native/sqlite/statements';
import { executeProgram, type Execution, type Thresholds } from '../prox/executor';
import type { OperationKind, ParseMode, Stage } from '../prox/program';
import { countWordsFast } from './text-facts';

export interface ExecutionSettings {
  readonly mode: ParseMode;
  readonly disabledKinds: ReadonlySet<OperationKind>;
  readonly thresholds?: Partial<Thresholds>;
}

export interface LoadedDocument {
  readonly doc: DocumentRecord;
  readonly programs: { readonly doc: ProgramRecord | undefined; readonly chunk: ProgramRecord | undefined };
  readonly disabled: { readonly doc: Set<number>; readonly chunk: Set<number> };
}

export function loadDocument(st: Statements, doc: DocumentRecord): LoadedDocument {
  const disabled = { doc: new Set<number>(), chunk: new Set<number>() };
  for (const row of st.disabledOps.all(doc.seq)) disabled[row.stage as Stage].add(row.line);
  return { doc, programs: { doc: st.programOf.get(doc.seq, 'doc'), chunk: st.programOf.get(doc.seq, 'chunk') }, disabled };
}

/** Programs can be overridden (live preview of an edit); `null` means "no program for this stage". */
export function executeLoaded(loaded: LoadedDocument, settings: ExecutionSettings, override?: { doc: string | null; chunk: string | null }): Execution {
  const docProgram = override ? override.doc : programText(loaded.programs.doc);
  const chunkProgram = override ? override.chunk : programText(loaded.programs.chunk);
  return executeProgram({
    text: loaded.doc.text,
    docProgram,
    chunkProgram,
    mode: settings.mode,
    disabled: loaded.disabled,
    disabledKinds: settings.disabledKinds,
    thresholds: settings.thresholds,
  });
}

/** A failed program is no program: the document is executed as if that stage had not run. */
function programText(program: ProgramRecord | undefined): string | null {
  if (!program || program.failure !== null) return null;
  return program.program;
}

export type { DerivedColumns };

export function deriveColumns(loaded: LoadedDocument, execution: Execution): DerivedColumns {
  const { doc: docProgram, chunk: chunkProgram } = loaded.programs;
  if (!docProgram && !chunkProgram) {
    return { status: 'pending', doc_dropped: 0, lines_removed: 0, normalized: 0, has_errors: 0, refined_words: null, refined_chars: null };
  }
  const failed = docProgram?.failure != null || chunkProgram?.failure != null;
  const linesRemoved = execution.cancelled ? 0 : execution.removedBy.reduce<number>((n, by) => (by === null ? n : n + 1), 0);
  const normalized = execution.cancelled ? 0 : execution.replacements.length;
  const status = failed ? 'error' : execution.dropped ? 'dropped' : linesRemoved > 0 || normalized > 0 ? 'modified' : 'kept';
  return {
    status,
    doc_dropped: execution.dropped && execution.stage === 'doc' ? 1 : 0,
    lines_removed: linesRemoved,
    normalized,
    has_errors: failed || execution.errorCount > 0 || execution.cancelled ? 1 : 0,
    refined_words: execution.dropped ? 0 : countWordsFast(execution.text),
    refined_chars: execution.dropped ? 0 : execution.text.length,
  };
}

/** Recomputes and stores one document's derived columns; call inside the transaction that changed it. */
export function recomputeDerived(st: Statements, seq: number, settings: ExecutionSettings): void {
  const doc = st.documentBySeq.get(seq);
  if (!doc) return;
  const loaded = loadDocument(st, doc);
  const derived = deriveColumns(loaded, executeLoaded(loaded, settings));
  st.updateDerived.run({ seq, ...derived });
}

export function readSettings(st: Statements): ExecutionSettings {
  const mode = st.getMeta.get('parseMode') === 'reference' ? 'reference' : 'strict';
  const disabledKinds = new Set<OperationKind>();
  for (const row of st.kindToggles.all()) if (row.enabled === 0) disabledKinds.add(row.kind as OperationKind);
  return { mode, disabledKinds };
}
