/**
 * Executing the stored programs of a document: the one way review, export, statistics, the
 * document list's derived columns and refine jobs get refined text, which is never stored.
 * A failed program is no program (the document is executed as if that stage had not run);
 * switched-off operations and kinds are left out.
 */
import { executeProgram, type Execution, type OperationTrace } from '../prox/executor';
import type { OperationKind, OperationNote, Stage } from '../prox/program';
import type { ProgramColumns } from '../store';
import type { ExecutionSettings } from './settings';

/** The program text of each stage that runs; null where the stage has no program or its programmer failed. */
export interface RunnablePrograms {
  readonly doc: string | null;
  readonly chunk: string | null;
}

/** Switched-off program lines per stage, ascending (the form export writes into its metadata). */
export type DisabledOps = Readonly<Record<Stage, readonly number[]>>;

export const NO_DISABLED_OPS: DisabledOps = { doc: [], chunk: [] };

const NO_LINES: ReadonlySet<number> = new Set();
const NO_DISABLED_LINES = { doc: NO_LINES, chunk: NO_LINES };

export function runnablePrograms(row: Pick<ProgramColumns, 'doc_program' | 'doc_failure' | 'chunk_program' | 'chunk_failure'>): RunnablePrograms {
  return { doc: row.doc_failure === null ? row.doc_program : null, chunk: row.chunk_failure === null ? row.chunk_program : null };
}

export function hasRunnableProgram(programs: RunnablePrograms): boolean {
  return programs.doc !== null || programs.chunk !== null;
}

export function executeStored(text: string, programs: RunnablePrograms, disabled: DisabledOps, settings: ExecutionSettings): Execution {
  return executeProgram({
    text,
    docProgram: programs.doc,
    chunkProgram: programs.chunk,
    mode: settings.mode,
    disabled: disabled === NO_DISABLED_OPS || (disabled.doc.length === 0 && disabled.chunk.length === 0) ? NO_DISABLED_LINES : { doc: new Set(disabled.doc), chunk: new Set(disabled.chunk) },
    disabledKinds: settings.disabledKinds,
    thresholds: settings.thresholds,
  });
}

/**
 * The operations that took part in the result: the enabled ones, except a chunk program's when
 * it did not run (the doc stage dropped the document) or was cancelled by its errors.
 */
export function appliedOperations(execution: Execution): OperationTrace[] {
  const chunkRan = !execution.cancelled && !(execution.dropped && execution.stage === 'doc');
  return execution.operations.filter((op) => op.enabled && (op.stage === 'doc' || chunkRan));
}

export type AppliedCounts = Partial<Record<OperationKind | 'lines_removed' | 'replacements', number>>;

/**
 * The applied operations by kind, plus the lines they removed and the occurrences they
 * replaced (none when the chunk program was cancelled). Export writes this per document;
 * the statistics add it up over the corpus.
 */
export function appliedCounts(execution: Execution): AppliedCounts {
  const counts: AppliedCounts = {};
  for (const op of appliedOperations(execution)) counts[op.kind] = (counts[op.kind] ?? 0) + 1;
  if (!execution.cancelled) {
    counts.lines_removed = linesRemoved(execution);
    counts.replacements = execution.replacements.length;
  }
  return counts;
}

export function linesRemoved(execution: Execution): number {
  return execution.removedBy.reduce<number>((n, by) => (by === null ? n : n + 1), 0);
}

/** A program's notes (stored as JSON) by program line; unreadable notes are no notes. */
export function notesByLine(json: string | null | undefined): Map<number, OperationNote> {
  return new Map(parseNotes(json).map((n) => [n.line, n]));
}

export function parseNotes(json: string | null | undefined): OperationNote[] {
  if (!json) return [];
  try {
    const notes: unknown = JSON.parse(json);
    return Array.isArray(notes) ? (notes as OperationNote[]) : [];
  } catch {
    return [];
  }
}
