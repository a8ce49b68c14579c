/**
 * Program parsing entry points and the document-stage decision.
 *
 * Two modes (see program.ts `ParseMode`): `strict` (default) parses real Python call syntax;
 * `reference` reproduces GAIR-NLP/ProX's string slicing, quirks included. In strict mode every
 * parse error weighs 1 toward the cancel rule and a line that is not a recognised call (prose)
 * is an error; in reference mode such lines are ignored. Comments, code fences and blank lines
 * are ignored in both.
 */
import type { Operation, ParseMode, ParsedProgram, ProgramError } from './program';
import { parseReferenceProgram } from './parse-reference';
import { parseStrictProgram } from './parse-strict';

export function parseProgram(text: string, mode: ParseMode = 'strict'): ParsedProgram {
  return mode === 'reference' ? parseReferenceProgram(text) : parseStrictProgram(text);
}

export interface DocStageDecision {
  readonly dropped: boolean;
  /** e.g. `doc program: drop_doc()` (the deciding line, trimmed); null when kept. */
  readonly reason: string | null;
}

export interface DocStage extends DocStageDecision {
  /** 0-based program line that decided the drop, or null. */
  readonly decidingLine: number | null;
  /** The operations the UI lists for the doc stage (reference mode: every line containing `drop`). */
  readonly operations: readonly Operation[];
  readonly errors: readonly ProgramError[];
}

/**
 * Document-stage decision.
 * - reference: GAIR-NLP/ProX drops a document when the space-stripped output contains the
 *   substring `drop` anywhere (case-sensitive: `I won't drop this` drops, `Drop_doc()` keeps).
 *   Stripping cannot change whether `drop` occurs, and `drop` holds no newline, so testing each
 *   line is exact and lets single lines be disabled.
 * - strict: drop iff an enabled `drop_doc()` call parses; `keep_doc()`, an empty program or
 *   anything unparseable keeps the document.
 */
export function decideDoc(program: string, mode: ParseMode = 'strict'): DocStageDecision {
  const stage = evaluateDocStage(program, mode);
  return { dropped: stage.dropped, reason: stage.reason };
}

export function evaluateDocStage(
  program: string,
  mode: ParseMode = 'strict',
  disabledLines: ReadonlySet<number> = EMPTY,
  disabledKinds: ReadonlySet<string> = EMPTY,
): DocStage {
  const parsed = parseProgram(program, mode);
  const operations = mode === 'reference' ? referenceDocOperations(program, parsed.operations) : parsed.operations;
  const deciding = operations.find((op) => op.kind === 'drop_doc' && !disabledLines.has(op.line) && !disabledKinds.has(op.kind));
  return {
    dropped: deciding !== undefined,
    reason: deciding === undefined ? null : `doc program: ${deciding.source.trim()}`,
    decidingLine: deciding?.line ?? null,
    operations,
    errors: parsed.errors,
  };
}

const EMPTY: ReadonlySet<never> = new Set<never>();

/** Reference doc stage: every line containing `drop` acts as a drop_doc; other parsed calls are listed as they are. */
function referenceDocOperations(program: string, parsed: readonly Operation[]): Operation[] {
  const byLine = new Map<number, Operation>();
  for (const op of parsed) byLine.set(op.line, op);
  const operations: Operation[] = [];
  const lines = program.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const source = lines[line]!;
    if (source.includes('drop')) operations.push({ kind: 'drop_doc', line, source });
    else {
      const op = byLine.get(line);
      if (op !== undefined) operations.push(op);
    }
  }
  return operations;
}
