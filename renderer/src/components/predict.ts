/**
 * What a toggle will do, shown before the executor's answer arrives, so switching an
 * operation feels instant even on a 10,000-line document over a slow link. Only the
 * effects that follow from the view itself are predicted (remove_lines ranges, dropping a
 * normalize's spans, drop_doc); anything else waits for the server. The server's
 * execution always replaces the prediction.
 */
import type { ExecutionView, OperationView } from '../../../contract/api';
import { alignExecution } from './alignment';

const RANGE = /\b(?:line_start|start)\s*=\s*(-?\d+)\s*,\s*(?:line_end|end)\s*=\s*(-?\d+)/;
const ALL = /\ball\s*=\s*True\b/;

function rangeOf(op: OperationView, lineCount: number): [number, number] | null {
  if (ALL.test(op.source)) return [0, lineCount - 1];
  const m = RANGE.exec(op.source);
  if (!m) return null;
  return [Number(m[1]), Number(m[2])];
}

const active = (op: OperationView): boolean => op.enabled && !op.kindDisabled && op.errors.length === 0;

export function predictToggle(view: ExecutionView, target: OperationView, enabled: boolean): ExecutionView | null {
  if (view.cancelled) return null;
  const operations = view.operations.map((op) => (op.stage === target.stage && op.line === target.line ? { ...op, enabled } : op));
  let { removedBy, replacements, dropped, dropReason } = view;
  if (target.kind === 'remove_lines' && target.stage === 'chunk') {
    const lineCount = view.removedBy.length;
    const ranges = new Map<number, [number, number]>();
    for (const op of operations) {
      if (op.kind !== 'remove_lines' || op.stage !== 'chunk' || !active(op)) continue;
      const range = rangeOf(op, lineCount);
      if (!range) return null;
      ranges.set(op.line, range);
    }
    removedBy = view.removedBy.map((_, line) => {
      // The first active operation (program order) covering a line is the one that removed it.
      for (const [programLine, [start, end]] of ranges) if (line >= start && line <= end) return programLine;
      return null;
    });
    // A document emptied by line removal would be dropped by the word thresholds: let the server say.
    if (removedBy.every((by) => by !== null)) return null;
  } else if (target.kind === 'normalize') {
    if (enabled) return null;
    replacements = view.replacements.filter((r) => r.op !== target.line);
  } else if (target.kind === 'drop_doc') {
    dropped = enabled;
    dropReason = enabled ? `${target.stage} program: ${target.source}` : null;
  } else if (target.kind !== 'keep_doc' && target.kind !== 'keep_chunk') {
    return null;
  }
  const predicted: ExecutionView = { ...view, operations, removedBy, replacements, dropped, dropReason, refined: '' };
  const lines = alignExecution(predicted).lines;
  const refined = dropped ? '' : lines.filter((l) => l.refined).map((l) => l.refined!.map((s) => s.text).join('')).join('\n');
  return { ...predicted, refined };
}
