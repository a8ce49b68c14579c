/**
 * Lines up the original and the refined text row by row for the side-by-side view.
 *
 * The executor reports, per original line, which remove_lines removed it, and normalized
 * spans as offsets into the original. From those alone each original line gets its refined
 * counterpart (or a gap), so both panes share one row per original line and scroll as one.
 * The derived refined text is checked against the executor's; if they ever differ (e.g. a
 * normalize that spans a newline) the view says so and shows the executor's text as is.
 */
import type { ExecutionView } from '../../../contract/api';

export type Segment = { text: string; kind: 'plain' } | { text: string; kind: 'from'; to: string; op: number } | { text: string; kind: 'to'; op: number };

export interface AlignedLine {
  index: number;
  original: Segment[];
  /** null: the line was removed (removedBy says by which program line). */
  refined: Segment[] | null;
  removedBy: number | null;
}

export interface Alignment {
  lines: AlignedLine[];
  /** True when the row-by-row refined text equals the executor's refined text. */
  exact: boolean;
}

export function alignExecution(execution: ExecutionView): Alignment {
  const text = execution.original;
  const rawLines = text.split('\n');
  const replacements = [...execution.replacements].sort((a, b) => a.start - b.start);
  const lines: AlignedLine[] = new Array(rawLines.length);
  let lineStart = 0;
  let r = 0;
  const refinedParts: string[] = [];
  for (let i = 0; i < rawLines.length; i++) {
    const line = rawLines[i]!;
    const lineEnd = lineStart + line.length;
    const original: Segment[] = [];
    const refined: Segment[] = [];
    let cursor = lineStart;
    // Skip replacements that ended before this line.
    while (r < replacements.length && replacements[r]!.end <= lineStart && replacements[r]!.end !== replacements[r]!.start) r++;
    for (let k = r; k < replacements.length; k++) {
      const rep = replacements[k]!;
      if (rep.start > lineEnd || (rep.start === lineEnd && rep.end > rep.start)) break;
      const start = Math.max(rep.start, cursor);
      const end = Math.min(rep.end, lineEnd);
      if (start < cursor || (end <= start && rep.end > rep.start)) continue;
      if (start > cursor) {
        const plain = text.slice(cursor, start);
        original.push({ text: plain, kind: 'plain' });
        refined.push({ text: plain, kind: 'plain' });
      }
      const from = text.slice(start, end);
      // The replacement text belongs to the line where the span starts.
      const to = rep.start >= lineStart ? rep.to : '';
      original.push({ text: from, kind: 'from', to: rep.to, op: rep.op });
      if (to) refined.push({ text: to, kind: 'to', op: rep.op });
      cursor = end;
    }
    if (cursor < lineEnd || original.length === 0) {
      const plain = text.slice(cursor, lineEnd);
      original.push({ text: plain, kind: 'plain' });
      refined.push({ text: plain, kind: 'plain' });
    }
    const removedBy = execution.removedBy[i] ?? null;
    const kept = removedBy === null;
    lines[i] = { index: i, original, refined: kept ? refined : null, removedBy };
    if (kept) refinedParts.push(refined.map((s) => s.text).join(''));
    lineStart = lineEnd + 1;
  }
  const derived = refinedParts.join('\n');
  return { lines, exact: execution.dropped || derived === execution.refined };
}
