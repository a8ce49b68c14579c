/**
 * Why a document was dropped and why each removed line went, in the words its programmer
 * gave: a rule's reason ("fineweb: duplicate line characters 0.04 > 0.01"), or for a model
 * its program as written and P(keep). Export's audit files carry these, so an audit says
 * what the review screen says.
 */
import type { ProgramSlot } from '../prox/programmer';
import { REMOVED_BY_CLEANUP } from '../ultrax';
import type { DocumentExecution, DocumentOperation } from './document-execution';
import { appliedOperations, notesByLine } from './stored-program';

/** What the audits need of one stage's stored program. */
export interface ProgramFacts {
  /** The program as its programmer wrote it (for a model: its raw output). */
  readonly program: string;
  /** JSON OperationNote[]. */
  readonly notes: string | null;
  readonly programmer: string | null;
  readonly keepProbability: number | null;
}

export type StagePrograms = Readonly<Partial<Record<ProgramSlot, ProgramFacts>>>;

export interface DropExplanation {
  readonly stage: ProgramSlot | null;
  /** The operation that dropped it; null when the executor's word thresholds did. */
  readonly operation: string | null;
  readonly reason: string;
  readonly programmer: string | null;
  readonly keepProbability: number | null;
  /** The dropping stage's program as written (a model's raw output). */
  readonly output: string | null;
}

export interface RemovedLine {
  /** Document line, numbered as the program numbers it (0-based). */
  readonly line: number;
  readonly text: string;
  /** Program line of the operation (its handle for toggles). */
  readonly by: number;
  readonly operation: string | null;
  readonly reason: string | null;
  readonly programmer: string | null;
}

export function explainDrop(execution: DocumentExecution, programs: StagePrograms): DropExplanation {
  const stage = execution.stage;
  const facts = stage ? programs[stage] : undefined;
  const base = { stage, programmer: facts?.programmer ?? null, keepProbability: facts?.keepProbability ?? null, output: facts?.program ?? null };
  const dropping = stage === 'doc' ? 'drop_doc' : stage === 'ultrax' ? 'remove_all' : null;
  const op = dropping ? appliedOperations(execution).find((o) => o.stage === stage && o.kind === dropping) : undefined;
  if (!op) {
    // ProX: the executor's thresholds (what the chunk program left was too little); UltraX: every line removed.
    return { ...base, operation: null, reason: `${execution.dropReason ?? 'dropped'}${stage === 'chunk' ? ' after the chunk program' : ''}` };
  }
  const note = notesByLine(facts?.notes).get(op.line);
  return { ...base, operation: op.source, reason: note?.reason ?? modelReason(op, facts) };
}

/** The removed lines of an execution with the operation that removed each and its reason. */
export function explainRemovedLines(execution: DocumentExecution, original: string, programs: StagePrograms): RemovedLine[] {
  if (!execution.removedBy.some((by) => by !== null && by !== REMOVED_BY_CLEANUP)) return [];
  // Lines are removed by the chunk program (ProX) or the one UltraX program.
  const stage: ProgramSlot = programs.ultrax ? 'ultrax' : 'chunk';
  const facts = programs[stage];
  const notes = notesByLine(facts?.notes);
  const ops = new Map<number, DocumentOperation>();
  for (const op of execution.operations) if (op.stage === stage) ops.set(op.line, op);
  // UltraX numbers the lines of the text with its line endings normalized.
  const lines = (execution.original ?? original).split('\n');
  const removed: RemovedLine[] = [];
  execution.removedBy.forEach((by, line) => {
    if (by === null || by === REMOVED_BY_CLEANUP) return;
    removed.push({ line, text: lines[line] ?? '', by, operation: ops.get(by)?.source ?? null, reason: notes.get(by)?.reason ?? null, programmer: facts?.programmer ?? null });
  });
  return removed;
}

/** A programmer that gave no reason (a model without P(keep)): its decision is the reason. */
function modelReason(op: DocumentOperation, facts: ProgramFacts | undefined): string {
  const p = facts?.keepProbability;
  return `${facts?.programmer ?? 'programmer'} wrote ${op.source}${p !== null && p !== undefined ? `, P(keep) ${p.toFixed(3)}` : ''}`;
}
