/**
 * Where the lines of a program went after it was edited by hand: a line-level diff (longest
 * common subsequence of identical lines, leading and trailing whitespace aside). A program
 * line's note (the reason the programmer gave) and its switch follow the line through
 * inserted, deleted and moved-around lines; a changed line is a new operation and keeps neither.
 */
import type { OperationNote } from '../prox/program';

/** Above this many cells of the diff table only the common head and tail are matched. */
const MAX_CELLS = 4_000_000;

/** Old program line -> new program line, for lines that are unchanged in the edit. */
export function mapProgramLines(before: string, after: string): Map<number, number> {
  const a = before.split('\n').map((l) => l.trim());
  const b = after.split('\n').map((l) => l.trim());
  const map = new Map<number, number>();
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    map.set(head, head);
    head++;
  }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) {
    map.set(a.length - 1 - tail, b.length - 1 - tail);
    tail++;
  }
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  if (n === 0 || m === 0 || n * m > MAX_CELLS) return map;
  // lcs[i][j]: longest common subsequence of a[head+i..] and b[head+j..] (middle parts only).
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = a[head + i] === b[head + j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[head + i] === b[head + j]) {
      // Blank lines carry nothing; matching them is harmless.
      map.set(head + i, head + j);
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) i++;
    else j++;
  }
  return map;
}

/** The notes of the lines that survived an edit, renumbered to the edited program. */
export function carryNotes(notes: readonly OperationNote[], lines: ReadonlyMap<number, number>): OperationNote[] {
  const carried: OperationNote[] = [];
  for (const note of notes) {
    const line = lines.get(note.line);
    if (line !== undefined) carried.push({ ...note, line });
  }
  return carried.sort((x, y) => x.line - y.line);
}

/** Switched-off program lines that survived an edit, renumbered. */
export function carryLines(disabled: readonly number[], lines: ReadonlyMap<number, number>): number[] {
  const carried: number[] = [];
  for (const line of disabled) {
    const to = lines.get(line);
    if (to !== undefined) carried.push(to);
  }
  return carried.sort((x, y) => x - y);
}
