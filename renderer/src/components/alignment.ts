/**
 * Lines up the original and the refined text row by row for the side-by-side view.
 *
 * The executor reports, per original line, which remove_lines removed it, and normalized
 * spans as offsets into the original. From those alone each original line gets its refined
 * counterpart (or a gap), so both panes share one row per original line and scroll as one.
 * Rows are built on demand (only visible ones), so a 10,000-line document costs one pass
 * over the text. A normalize whose span crosses a line break cannot be shown row by row;
 * the view then says so and shows the executor's refined text as is.
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
  lineCount: number;
  /** False when a normalized span crosses a line break: rows are then approximate. */
  exact: boolean;
  line(index: number): AlignedLine;
  /** 1-based line number in the refined text, or null for a removed line. */
  refinedNumber(index: number): number | null;
}

type Replacement = ExecutionView['replacements'][number];

export function alignExecution(execution: ExecutionView): Alignment {
  const text = execution.original;
  const starts: number[] = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  const lineCount = starts.length;
  const replacements: Replacement[] = [...execution.replacements].sort((a, b) => a.start - b.start);
  const exact = execution.dropped || !replacements.some((r) => text.slice(r.start, r.end).includes('\n'));
  const numbers = new Int32Array(lineCount);
  let kept = 0;
  for (let i = 0; i < lineCount; i++) numbers[i] = (execution.removedBy[i] ?? null) === null ? ++kept : 0;
  const cache = new Map<number, AlignedLine>();

  // First replacement that could touch a line starting at `offset` (spans are sorted and disjoint).
  const firstFrom = (offset: number): number => {
    let lo = 0;
    let hi = replacements.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (replacements[mid]!.end <= offset && replacements[mid]!.end > replacements[mid]!.start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const build = (i: number): AlignedLine => {
    const lineStart = starts[i]!;
    const lineEnd = i + 1 < lineCount ? starts[i + 1]! - 1 : text.length;
    const original: Segment[] = [];
    const refined: Segment[] = [];
    let cursor = lineStart;
    for (let k = firstFrom(lineStart); k < replacements.length; k++) {
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
      // The replacement text belongs to the line where the span starts.
      const to = rep.start >= lineStart ? rep.to : '';
      original.push({ text: text.slice(start, end), kind: 'from', to: rep.to, op: rep.op });
      if (to) refined.push({ text: to, kind: 'to', op: rep.op });
      cursor = end;
    }
    if (cursor < lineEnd || original.length === 0) {
      const plain = text.slice(cursor, lineEnd);
      original.push({ text: plain, kind: 'plain' });
      refined.push({ text: plain, kind: 'plain' });
    }
    const removedBy = execution.removedBy[i] ?? null;
    return { index: i, original, refined: removedBy === null ? refined : null, removedBy };
  };

  return {
    lineCount,
    exact,
    line(i) {
      let line = cache.get(i);
      if (!line) {
        line = build(i);
        cache.set(i, line);
      }
      return line;
    },
    refinedNumber: (i) => (execution.dropped || numbers[i] === 0 ? null : numbers[i]!),
  };
}

/** The refined text as the rows show it (for tests and checks; O(document)). */
export function rowsText(alignment: Alignment): string {
  const parts: string[] = [];
  for (let i = 0; i < alignment.lineCount; i++) {
    const refined = alignment.line(i).refined;
    if (refined) parts.push(refined.map((s) => s.text).join(''));
  }
  return parts.join('\n');
}
