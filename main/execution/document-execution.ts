/**
 * One execution shape for both program dialects. A ProX Execution is one as it is; an UltraX
 * one (main/ultrax) is turned into the same shape, with what only UltraX does beside it:
 * inserted lines, its own status, and the line-ending-normalized text its line numbers refer to.
 */
import type { OperationKind } from '../../contract/api';
import type { Execution } from '../prox/executor';
import type { ProgramSlot } from '../prox/programmer';
import { countWords } from '../prox/words';
import { executeUltrax, type AddedLine, type UltraxStatus } from '../ultrax';

/** One operation of either dialect, as executed. */
export interface DocumentOperation {
  readonly stage: ProgramSlot;
  readonly line: number;
  readonly kind: OperationKind;
  readonly source: string;
  readonly enabled: boolean;
  /**
   * ProX remove_lines: the lines it names (0-based, inclusive, as parsed) or 'all', from which
   * the UI predicts a toggle's effect; null otherwise, and for every UltraX call, whose effect
   * depends on post-processing the UI does not repeat.
   */
  readonly lines: { readonly start: number; readonly end: number } | 'all' | null;
  readonly linesRemoved: number;
  readonly replacements: number;
  /** UltraX add_line: lines it put in the output. */
  readonly linesAdded?: number;
  readonly errors: readonly string[];
  /** Why it had no effect, when it had none by construction (or what post-processing did to it). */
  readonly inert: string | null;
}

export interface DocumentExecution extends Omit<Execution, 'operations' | 'stage'> {
  readonly operations: readonly DocumentOperation[];
  /** Which stage dropped the document. */
  readonly stage: ProgramSlot | null;
  /**
   * Per original line: program line that removed it, null, or (UltraX) REMOVED_BY_CLEANUP
   * (-1) for a blank line the final newline cleanup collapsed.
   */
  readonly removedBy: (number | null)[];
  /** UltraX: lines the program inserted. */
  readonly added?: readonly AddedLine[];
  /** UltraX: the text its line numbers refer to (line endings normalized), when it is not the stored one. */
  readonly original?: string;
  readonly ultraxStatus?: UltraxStatus;
}

export function executeUltraxDocument(text: string, program: string, disabled: ReadonlySet<number>, disabledKinds: ReadonlySet<string>): DocumentExecution {
  const result = executeUltrax({ text, program, disabled, disabledKinds });
  const dropReason = !result.dropped ? null : result.status === 'remove_all' && result.processed === 'remove_all()' ? 'UltraX program: remove_all()' : 'UltraX program: every line removed';
  const originalWords = countWords(result.original);
  return {
    text: result.dropped ? '' : result.text,
    dropped: result.dropped,
    dropReason,
    stage: result.dropped ? 'ultrax' : null,
    removedBy: result.removedBy,
    replacements: result.replacements.map((r) => ({ start: r.start, end: r.end, to: r.to, op: r.op, ops: [r.op] })),
    added: result.added,
    ...(result.original !== text ? { original: result.original } : {}),
    ultraxStatus: result.status,
    errorCount: 0,
    cancelled: false,
    operations: result.calls.map((call) => ({
      stage: 'ultrax',
      line: call.line,
      kind: call.kind,
      source: call.source,
      enabled: call.enabled,
      lines: null,
      linesRemoved: call.linesRemoved,
      replacements: call.replacements,
      linesAdded: call.linesAdded,
      errors: [],
      inert: call.note,
    })),
    errors: [],
    originalWords,
    keptWords: result.dropped ? 0 : result.text === result.original ? originalWords : countWords(result.text),
  };
}

/**
 * Lines remove_lines calls removed. Not counted: UltraX's blank lines that its final newline
 * cleanup collapses, and the lines of a document remove_all() dropped (a drop, like ProX's
 * drop_doc, not a line removal).
 */
export function linesRemoved(execution: Pick<DocumentExecution, 'removedBy' | 'operations' | 'ultraxStatus'>): number {
  let n = 0;
  if (execution.ultraxStatus === undefined) {
    for (const by of execution.removedBy) if (by !== null) n++;
    return n;
  }
  const removers = new Set<number>();
  for (const op of execution.operations) if (op.kind === 'remove_lines') removers.add(op.line);
  for (const by of execution.removedBy) if (by !== null && removers.has(by)) n++;
  return n;
}

/**
 * Replacements made: occurrences a ProX normalize replaced; lines an UltraX replace_str
 * changed (its changed spans, character runs, are what review highlights, not a count).
 */
export function replacementCount(execution: DocumentExecution): number {
  if (execution.ultraxStatus === undefined) return execution.replacements.length;
  let n = 0;
  for (const op of execution.operations) if (op.enabled && op.kind === 'replace_str') n += op.replacements;
  return n;
}

/** Whether the execution changed the text: UltraX may only insert lines or collapse blank ones, so its own status says. */
export function changedText(execution: DocumentExecution): boolean {
  if (execution.ultraxStatus !== undefined) return execution.ultraxStatus === 'modified';
  return linesRemoved(execution) > 0 || execution.replacements.length > 0;
}
