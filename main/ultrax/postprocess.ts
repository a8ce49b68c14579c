/**
 * The reference's post-processing of a parsed program, before execution
 * (`merge_all_same_line_replace_ops` and `detect_repetitive_functions` of openbmb/UltraX):
 * 1. a replace_str whose search text does not occur exactly once in its line is dropped
 *    (lines as `splitlines(keepends=True)` gives them; a line number outside the document
 *    keeps the call, which then does nothing);
 * 2. several replace_str on one line are merged into one that rewrites the whole line: each
 *    call's edits are found by diffing its search and replace texts (difflib), longest
 *    search first; an edit overlapping one already taken is trimmed or dropped, and pure
 *    insertions are always dropped. When nothing survives, or the line comes out unchanged,
 *    the calls stay as they were;
 * 3. replace_str calls come first (by line), then every other call in program order;
 * 4. a program that repeats itself (a model stuck in a loop) is not executed at all.
 * Positions inside a line are code points, as in Python.
 */
import { SequenceMatcher } from './difflib';
import type { ReplaceStrCall, UltraxCall } from './program';
import { codePointLength, codePoints, pyCount } from './python';

/** A replace_str the merge produced from several calls on one line. */
export interface MergedReplace extends ReplaceStrCall {
  /** Program lines of the calls merged into this one. */
  readonly mergedFrom: readonly number[];
}

export type ProcessedCall = UltraxCall | MergedReplace;

export interface MergeResult {
  readonly calls: readonly ProcessedCall[];
  /** replace_str calls dropped because their search text is missing from, or repeated in, their line. */
  readonly ambiguous: readonly { readonly line: number; readonly occurrences: number }[];
}

export function mergeSameLineReplaces(calls: readonly UltraxCall[], originalLines: readonly string[]): MergeResult {
  const replaces: ReplaceStrCall[] = [];
  const others: UltraxCall[] = [];
  for (const call of calls) (call.kind === 'replace_str' ? replaces : others).push(call);
  if (replaces.length === 0) return { calls, ambiguous: [] };

  const ambiguous: { line: number; occurrences: number }[] = [];
  const byLine = new Map<number, ReplaceStrCall[]>();
  for (const call of replaces) {
    const n = call.lineNumber;
    if (n >= 1 && n <= originalLines.length) {
      const occurrences = pyCount(originalLines[n - 1]!, call.search);
      if (occurrences !== 1) {
        ambiguous.push({ line: call.line, occurrences });
        continue;
      }
    }
    const group = byLine.get(n);
    if (group === undefined) byLine.set(n, [call]);
    else group.push(call);
  }

  const merged: ProcessedCall[] = [];
  for (const n of [...byLine.keys()].sort((x, y) => x - y)) {
    const group = byLine.get(n)!;
    if (group.length === 1 || n < 1 || n > originalLines.length) merged.push(...group);
    else merged.push(...forceMerge(group, originalLines[n - 1]!, n));
  }
  return { calls: [...merged, ...others], ambiguous };
}

interface Edit {
  start: number;
  end: number;
  content: string[];
}

/** `force_merge_all_ops`: every call's edits on one line, as one call rewriting the line. */
function forceMerge(group: readonly ReplaceStrCall[], line: string, lineNumber: number): readonly ProcessedCall[] {
  const lineCps = codePoints(line);
  const taken: [number, number][] = [];
  const edits: Edit[] = [];
  const nextStart = new Map<string, number>();

  const trim = (edit: Edit): Edit | null => {
    let { start, end, content } = edit;
    for (const [pStart, pEnd] of taken) {
      if (end <= pStart || start >= pEnd) continue;
      if (pStart <= start && end <= pEnd) return null;
      if (pStart <= start && start < pEnd && pEnd < end) {
        const cut = pEnd - start;
        start = pEnd;
        content = cut < content.length ? content.slice(cut) : [];
      } else if (start < pStart && pStart < end && end <= pEnd) {
        const cut = end - pStart;
        end = pStart;
        content = cut < content.length ? content.slice(0, content.length - cut) : [];
      } else if (start < pStart && pEnd < end) {
        return null;
      }
    }
    return start >= end ? null : { start, end, content };
  };

  // Longest search text first; a stable sort keeps program order among equal lengths.
  const ordered = [...group].sort((x, y) => codePointLength(y.search) - codePointLength(x.search));
  for (const call of ordered) {
    const search = codePoints(call.search);
    let from = nextStart.get(call.search) ?? 0;
    while (true) {
      const pos = findCodePoints(lineCps, search, from);
      if (pos === -1) break;
      const found = diffEdits(search, codePoints(call.replace), pos);
      if (found.length === 0) {
        from = pos + 1;
        continue;
      }
      const kept: Edit[] = [];
      for (const edit of found) {
        const trimmed = trim(edit);
        if (trimmed !== null) kept.push(trimmed);
      }
      edits.push(...kept);
      for (const edit of kept) taken.push([edit.start, edit.end]);
      nextStart.set(call.search, pos + 1);
      break;
    }
  }
  if (edits.length === 0) return group;

  edits.sort((x, y) => x.start - y.start);
  const spans: Edit[] = [];
  for (const edit of edits) {
    const last = spans[spans.length - 1];
    if (last !== undefined && edit.start <= last.end) {
      const overlap = Math.max(0, edit.start - last.start);
      spans[spans.length - 1] = { start: last.start, end: Math.max(last.end, edit.end), content: [...last.content.slice(0, overlap), ...edit.content] };
      continue;
    }
    spans.push(edit);
  }
  let result = lineCps;
  for (let i = spans.length - 1; i >= 0; i--) {
    const { start, end, content } = spans[i]!;
    result = [...result.slice(0, start), ...content, ...result.slice(end)];
  }
  const rewritten = result.join('');
  if (rewritten === line) return group;
  return [{ kind: 'replace_str', line: group[0]!.line, lineNumber, search: line, replace: rewritten, mergedFrom: group.map((c) => c.line) }];
}

/** `extract_modifications`: the non-equal opcodes of search -> replace, placed at `pos` in the line. */
function diffEdits(search: readonly string[], replace: readonly string[], pos: number): Edit[] {
  const edits: Edit[] = [];
  for (const op of new SequenceMatcher(search, replace).opcodes()) {
    if (op.tag === 'equal') continue;
    edits.push({ start: pos + op.i1, end: pos + op.i2, content: replace.slice(op.j1, op.j2) });
  }
  return edits;
}

/** `str.find` over code points. */
function findCodePoints(haystack: readonly string[], needle: readonly string[], from: number): number {
  outer: for (let i = Math.max(0, from); i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** The reference's thresholds for a looping program (`detect_repetitive_functions` defaults). */
const LOOP = {
  addLineExact: 2,
  addLineDifferentPositions: 3,
  replaceSameStrings: 30,
  removeSameRange: 3,
  addLineSimilar: 3,
  similarity: 0.85,
  /** A repeated replace is legitimate when its search text occurs this share of its count in the document. */
  replaceLegitRatio: 0.8,
} as const;

/**
 * Whether the (parsed, unmerged) calls look like a model stuck in a loop. The reason is the
 * rule that fired, for the UI; null when the program is executed.
 */
export function detectLoop(calls: readonly UltraxCall[], original: string): string | null {
  if (calls.length < Math.min(LOOP.addLineExact, LOOP.removeSameRange) + 1) return null;
  const addExact = new Map<string, number>();
  const replaceCounts = new Map<string, { search: string; count: number }>();
  const removeCounts = new Map<string, number>();
  const positionsByContent = new Map<string, Set<number>>();
  const addContents: string[] = [];
  for (const call of calls) {
    if (call.kind === 'add_line') {
      bump(addExact, JSON.stringify([call.base, call.content]));
      const positions = positionsByContent.get(call.content);
      if (positions === undefined) positionsByContent.set(call.content, new Set([call.base]));
      else positions.add(call.base);
      addContents.push(call.content);
    } else if (call.kind === 'replace_str') {
      const key = JSON.stringify([call.search, call.replace]);
      const entry = replaceCounts.get(key);
      if (entry === undefined) replaceCounts.set(key, { search: call.search, count: 1 });
      else entry.count++;
    } else if (call.kind === 'remove_lines') {
      bump(removeCounts, `${call.start},${call.end}`);
    }
  }
  for (const count of addExact.values()) if (count > LOOP.addLineExact) return `add_line repeats the same line at the same place ${count} times`;
  for (const positions of positionsByContent.values()) {
    if (positions.size > LOOP.addLineDifferentPositions) return `add_line inserts the same line at ${positions.size} places`;
  }
  for (const { search, count } of replaceCounts.values()) {
    if (count <= LOOP.replaceSameStrings) continue;
    if (original !== '' && search !== '' && pyCount(original, search) >= count * LOOP.replaceLegitRatio) continue;
    return `replace_str repeats the same replacement ${count} times`;
  }
  for (const count of removeCounts.values()) if (count > LOOP.removeSameRange) return `remove_lines repeats the same range ${count} times`;
  if (addContents.length > LOOP.addLineSimilar) {
    for (const group of similarGroups(addContents)) {
      if (group > LOOP.addLineSimilar) return `add_line inserts ${group} near-identical lines`;
    }
  }
  return null;
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** `_find_similar_groups`: greedy clusters by difflib ratio against each group's first member; returns group sizes. */
function similarGroups(contents: readonly string[]): number[] {
  const groups: { first: string[]; size: number }[] = [];
  for (const content of contents) {
    const cps = codePoints(content);
    const group = groups.find((g) => new SequenceMatcher(g.first, cps).ratio() >= LOOP.similarity);
    if (group !== undefined) group.size++;
    else groups.push({ first: cps, size: 1 });
  }
  return groups.map((g) => g.size);
}

