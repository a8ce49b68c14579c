/**
 * Lines up the original and the refined text row by row for the side-by-side view.
 *
 * The executor reports, per original line, which remove_lines removed it, and normalized
 * spans as offsets into the original. From those alone each original line gets its refined
 * counterpart (or a gap), so both panes share one row per original line and scroll as one.
 * Rows are built on demand (only visible ones), so a 10,000-line document costs one pass
 * over the text. A normalize whose span crosses a line break cannot be shown row by row;
 * the view then says so and shows the executor's refined text as is.
 *
 * Lines an UltraX program inserted (`execution.added`, add_line) get rows of their own
 * between the original lines, where the executor put them: such a row has no original
 * line, and its refined cell is the inserted text.
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

/** An inserted line's row: `after` is the original line it follows (-1: before the first), `op` the program line of its add_line. */
export interface AddedRow {
  after: number;
  text: string;
  op: number;
}

/** One row of the side-by-side view: an original line with its refined counterpart, or an inserted line. */
export type AlignedRow = { kind: 'line'; line: AlignedLine } | { kind: 'added'; added: AddedRow };

export interface Alignment {
  lineCount: number;
  /** Rows to show: one per original line plus one per inserted line. */
  rowCount: number;
  row(index: number): AlignedRow;
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
  const rowOf = rowLayout(lineCount, execution.dropped ? [] : (execution.added ?? []));

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

  const line = (i: number): AlignedLine => {
    let aligned = cache.get(i);
    if (!aligned) {
      aligned = build(i);
      cache.set(i, aligned);
    }
    return aligned;
  };

  return {
    lineCount,
    exact,
    line,
    rowCount: rowOf.count,
    row(r) {
      const added = rowOf.added(r);
      return added ? { kind: 'added', added } : { kind: 'line', line: line(rowOf.line(r)) };
    },
    refinedNumber: (i) => (execution.dropped || numbers[i] === 0 ? null : numbers[i]!),
  };
}

/**
 * Row order with inserted lines: each goes after the original line it follows, in the
 * executor's order among those at the same place. Without any, row r is line r.
 */
function rowLayout(lineCount: number, added: readonly AddedRow[]): { count: number; line(r: number): number; added(r: number): AddedRow | null } {
  if (added.length === 0) return { count: lineCount, line: (r) => r, added: () => null };
  // Stable by `after`; an `after` past the last line (cannot happen from the executor) goes last.
  const order = added.map((a, i) => ({ a, i, at: Math.min(a.after, lineCount - 1) })).sort((x, y) => x.at - y.at || x.i - y.i);
  // entries[r] >= 0: original line; < 0: -(k + 1) for order[k].
  const entries = new Int32Array(lineCount + added.length);
  let r = 0;
  let k = 0;
  while (k < order.length && order[k]!.at < 0) entries[r++] = -(k++ + 1);
  for (let i = 0; i < lineCount; i++) {
    entries[r++] = i;
    while (k < order.length && order[k]!.at === i) entries[r++] = -(k++ + 1);
  }
  return {
    count: entries.length,
    line: (row) => Math.max(0, entries[row] ?? 0),
    added: (row) => {
      const e = entries[row] ?? 0;
      return e < 0 ? order[-e - 1]!.a : null;
    },
  };
}

/** The refined text as the rows show it, inserted lines included (for tests and checks; O(document)). */
export function rowsText(alignment: Alignment): string {
  const parts: string[] = [];
  for (let r = 0; r < alignment.rowCount; r++) {
    const row = alignment.row(r);
    if (row.kind === 'added') parts.push(row.added.text);
    else if (row.line.refined) parts.push(row.line.refined.map((s) => s.text).join(''));
  }
  return parts.join('\n');
}
