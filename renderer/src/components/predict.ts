/**
 * What a toggle will do, shown before the executor's answer arrives, so switching an
 * operation feels instant even on a 10,000-line document over a slow link. Only the
 * effects that follow from the view itself are predicted (remove_lines ranges, dropping a
 * normalize's spans, drop_doc); anything else waits for the server. The server's
 * execution always replaces the prediction, and the prediction's `refined` is left empty:
 * the rows are the prediction.
 */
import type { ExecutionView, OperationView } from '../../../contract/api';

function rangeOf(op: OperationView, lineCount: number): [number, number] | null {
  if (op.lines === 'all') return [0, lineCount - 1];
  return op.lines ? [op.lines.start, op.lines.end] : null;
}

const active = (op: OperationView): boolean => op.enabled && !op.kindDisabled && op.errors.length === 0;

export function predictToggle(view: ExecutionView, target: OperationView, enabled: boolean): ExecutionView | null {
  if (view.cancelled) return null;
  const operations = view.operations.map((op) => (op.stage === target.stage && op.line === target.line ? { ...op, enabled } : op));
  let { removedBy, replacements, dropped, dropReason } = view;
  if (target.kind === 'remove_lines' && target.stage === 'chunk') {
    const lineCount = view.removedBy.length;
    const others: [number, number, number][] = [];
    for (const op of operations) {
      if (op.kind !== 'remove_lines' || op.stage !== 'chunk' || op.line === target.line || !active(op)) continue;
      const range = rangeOf(op, lineCount);
      if (!range) return null;
      others.push([op.line, range[0], range[1]]);
    }
    const own = rangeOf(target, lineCount);
    if (!own) return null;
    // The first active operation in program order covering a line is the one that removed it.
    const coverOf = (line: number): number | null => {
      let best: number | null = null;
      for (const [programLine, start, end] of others) if (line >= start && line <= end && (best === null || programLine < best)) best = programLine;
      return best;
    };
    const next = view.removedBy.slice();
    const from = Math.max(0, own[0]);
    const to = Math.min(lineCount - 1, own[1]);
    for (let line = from; line <= to; line++) {
      const other = coverOf(line);
      next[line] = enabled && (other === null || target.line < other) ? target.line : other;
    }
    removedBy = next;
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
  return { ...view, operations, removedBy, replacements, dropped, dropReason, refined: '' };
}
