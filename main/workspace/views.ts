/** Database records and executions turned into the shapes of contract/api.ts. */
import type { DocumentRow, ExecutionView, OperationView, ProgramView } from '../../contract/api';
import type { StoredDocument } from '../execution/document';
import type { ExecutionSettings } from '../execution/settings';
import { notesByLine, parseNotes } from '../execution/stored-program';
import type { DocumentExecution, DocumentOperation } from '../execution/document-execution';
import type { ProgramSlot } from '../prox/programmer';
import type { ProgramRecord } from '../store';
import type { ListedDocument } from '../store/document-list';
import { titleOf } from '../corpus/text-facts';

export function toDocumentRow(doc: ListedDocument): DocumentRow {
  return {
    id: doc.id,
    file: doc.path,
    locator: doc.locator,
    title: titleOf(doc.head),
    words: doc.words,
    status: doc.status as DocumentRow['status'],
    linesRemoved: doc.lines_removed,
    normalized: doc.normalized,
    hasErrors: doc.has_errors === 1,
  };
}

export function toProgramView(stage: ProgramSlot, program: ProgramRecord | undefined): ProgramView | null {
  if (!program) return null;
  return {
    stage,
    text: program.program,
    programmer: program.edited === 1 ? 'edited by hand' : (program.label ?? program.programmer_key),
    keepProbability: program.keep_probability,
    failure: program.failure,
    notes: parseNotes(program.notes).map((n) => ({ line: n.line, ...(n.reason !== undefined ? { reason: n.reason } : {}), ...(n.probability !== undefined ? { probability: n.probability } : {}) })),
  };
}

export function toExecutionView(loaded: StoredDocument, execution: DocumentExecution, settings: ExecutionSettings): ExecutionView {
  const notes = { doc: notesByLine(loaded.programs.doc?.notes), chunk: notesByLine(loaded.programs.chunk?.notes), ultrax: notesByLine(loaded.programs.ultrax?.notes) };
  const operations = execution.operations.map((op) => toOperationView(op, settings.disabledKinds.has(op.kind), notes[op.stage].get(op.line)));
  return {
    // UltraX numbers the lines of the text with its line endings normalized: the view shows that text.
    original: execution.original ?? loaded.doc.text,
    refined: execution.text,
    dropped: execution.dropped,
    dropReason: execution.dropReason,
    removedBy: execution.removedBy,
    replacements: execution.replacements.map((r) => ({ op: r.op, start: r.start, end: r.end, to: r.to })),
    added: (execution.added ?? []).map((a) => ({ after: a.after, text: a.text, op: a.op })),
    errorCount: execution.errorCount,
    cancelled: execution.cancelled,
    errors: execution.errors.map((e) => ({ stage: e.stage, line: e.line, column: e.column, message: e.message, counted: e.enabled })),
    operations,
  };
}

/** One executed operation as the review screen shows it; the programmer's note, when it left one, gives the reason. */
export function toOperationView(op: DocumentOperation, kindDisabled: boolean, note?: { readonly reason?: string; readonly probability?: number }): OperationView {
  return {
    stage: op.stage,
    line: op.line,
    kind: op.kind,
    source: op.source,
    enabled: op.enabled,
    kindDisabled,
    lines: op.lines === null || op.lines === 'all' ? op.lines : { start: op.lines.start, end: op.lines.end },
    reason: note?.reason ?? op.inert ?? null,
    probability: note?.probability ?? null,
    linesRemoved: op.linesRemoved,
    replacements: op.replacements,
    linesAdded: op.linesAdded ?? 0,
    errors: [...op.errors],
  };
}
