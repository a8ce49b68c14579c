/**
 * Executing the stored programs of a document: the one way review, export, statistics, the
 * document list's derived columns and refine jobs get refined text, which is never stored.
 * A document has programs of one dialect: ProX (doc and chunk stages) or UltraX (one
 * whole-document program, main/ultrax). A failed program is no program (the document is
 * executed as if that stage had not run); switched-off operations and kinds are left out.
 */
import type { OperationKind } from '../../contract/api';
import { executeProgram } from '../prox/executor';
import type { OperationNote } from '../prox/program';
import type { ProgramSlot } from '../prox/programmer';
import type { ProgramColumns } from '../store';
import { executeUltraxDocument, linesRemoved, replacementCount, type DocumentExecution, type DocumentOperation } from './document-execution';
import type { ExecutionSettings } from './settings';

export { linesRemoved };

/** The program text of each stage that runs; null where the stage has no program or its programmer failed. */
export interface RunnablePrograms {
  readonly doc: string | null;
  readonly chunk: string | null;
  /** When set, the document is executed as UltraX (doc and chunk are then null). */
  readonly ultrax?: string | null;
}

/**
 * Switched-off program lines per stage, ascending (the form export writes into its metadata).
 * UltraX's are present only for documents that have an UltraX program.
 */
export type DisabledOps = Readonly<{ doc: readonly number[]; chunk: readonly number[]; ultrax?: readonly number[] }>;

export const NO_DISABLED_OPS: DisabledOps = { doc: [], chunk: [] };

const NO_LINES: ReadonlySet<number> = new Set();
const NO_DISABLED_LINES = { doc: NO_LINES, chunk: NO_LINES };

type ProgramSources = Pick<ProgramColumns, 'doc_program' | 'doc_failure' | 'chunk_program' | 'chunk_failure'> & Partial<Pick<ProgramColumns, 'ultrax_program' | 'ultrax_failure'>>;

export function runnablePrograms(row: ProgramSources): RunnablePrograms {
  const ultrax = row.ultrax_failure == null ? (row.ultrax_program ?? null) : null;
  return { doc: row.doc_failure === null ? row.doc_program : null, chunk: row.chunk_failure === null ? row.chunk_program : null, ...(ultrax !== null ? { ultrax } : {}) };
}

export function hasRunnableProgram(programs: RunnablePrograms): boolean {
  return programs.doc !== null || programs.chunk !== null || (programs.ultrax ?? null) !== null;
}

/** Adds a switched-off line to a mutable DisabledOps being built (rows of op_toggles). */
export function addDisabledOp(disabled: { doc: number[]; chunk: number[]; ultrax?: number[] }, stage: string, line: number): void {
  if (stage === 'doc' || stage === 'chunk') disabled[stage].push(line);
  else if (stage === 'ultrax') (disabled.ultrax ??= []).push(line);
}

export function executeStored(text: string, programs: RunnablePrograms, disabled: DisabledOps, settings: ExecutionSettings): DocumentExecution {
  if (programs.ultrax != null) {
    const lines = disabled.ultrax && disabled.ultrax.length > 0 ? new Set(disabled.ultrax) : NO_LINES;
    return executeUltraxDocument(text, programs.ultrax, lines, settings.disabledKinds);
  }
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
export function appliedOperations(execution: DocumentExecution): DocumentOperation[] {
  const chunkRan = !execution.cancelled && !(execution.dropped && execution.stage === 'doc');
  return execution.operations.filter((op) => op.enabled && (op.stage !== 'chunk' || chunkRan));
}

export type AppliedCounts = Partial<Record<OperationKind | 'lines_removed' | 'replacements' | 'lines_added', number>>;

/**
 * The applied operations by kind, plus the lines they removed and the occurrences they
 * replaced (none when the chunk program was cancelled), and for UltraX the lines added.
 * Export writes this per document; the statistics add it up over the corpus.
 */
export function appliedCounts(execution: DocumentExecution): AppliedCounts {
  const counts: AppliedCounts = {};
  for (const op of appliedOperations(execution)) counts[op.kind] = (counts[op.kind] ?? 0) + 1;
  if (!execution.cancelled) {
    counts.lines_removed = linesRemoved(execution);
    counts.replacements = replacementCount(execution);
  }
  if (execution.added && execution.added.length > 0) counts.lines_added = execution.added.length;
  return counts;
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

export type { ProgramSlot };
