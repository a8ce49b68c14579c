/**
 * Long documents, as openbmb/UltraX's inference script handles them: the document's lines
 * (split at \n after \r\n/\r -> \n) are marked `<lid:N>` (1-indexed) and cut into windows of
 * at most `maxChars` code points (the marks and the joining \n count), each next window
 * starting so that about `overlapRatio` of the previous one's characters are seen again; a
 * single line longer than `maxChars` is a window of its own. Each window gets its own prompt;
 * the outputs are merged back into one document program:
 * - one window: its calls as they are (`keep_all()` or `remove_all()` alone stand for the document);
 * - several: every call is confined to the part of its window that the previous window did
 *   not cover (keep_all dropped, remove_all -> remove_lines over that part, remove_lines
 *   clipped, replace_str / add_line outside it dropped); nothing left means keep_all, and
 *   remove_lines that cover every line mean remove_all.
 * The merged program is written back as text (`functions_to_string`, strings as Python repr),
 * which is what UltraX stores as `model_output` and what the executor reads.
 */
import { functionsToString, normalizeNewlines } from './execute';
import { parseUltraxProgram } from './parse';
import type { UltraxCall } from './program';
import { pyStrip } from '../prox/words';
import { codePointLength } from './python';

export const DEFAULT_MAX_CHARS = 48_000;
export const DEFAULT_OVERLAP_RATIO = 0.2;

export interface UltraxWindow {
  /** The window's lines, each prefixed `<lid:N>`, joined with \n: the user message. */
  readonly text: string;
  /** 1-indexed first and last document line in the window. */
  readonly startLine: number;
  readonly endLine: number;
  /** First line this window owns: lines before it were in the previous window (1 for the first). */
  readonly overlapStart: number;
}

/** `<lid:N>` + line for every line from `from` (0-based) to `to` (exclusive), joined with \n. */
function marked(lines: readonly string[], from: number, to: number): string {
  const parts: string[] = [];
  for (let i = from; i < to; i++) parts.push(`<lid:${i + 1}>${lines[i]}`);
  return parts.join('\n');
}

/** `split_by_sliding_window`. */
export function splitWindows(content: string, maxChars = DEFAULT_MAX_CHARS, overlapRatio = DEFAULT_OVERLAP_RATIO): UltraxWindow[] {
  const lines = normalizeNewlines(content).split('\n');
  const total = lines.length;
  // Length of line i with its mark, in code points; a window of lines a..b-1 is their sum plus b-a-1 newlines.
  const markedLength = lines.map((line, i) => `<lid:${i + 1}>`.length + codePointLength(line));
  const prefix = [0];
  for (const n of markedLength) prefix.push(prefix[prefix.length - 1]! + n);
  const windowLength = (from: number, to: number): number => prefix[to]! - prefix[from]! + Math.max(0, to - from - 1);

  if (windowLength(0, total) <= maxChars) return [{ text: marked(lines, 0, total), startLine: 1, endLine: total, overlapStart: 1 }];

  const windows: UltraxWindow[] = [];
  let start = 0;
  while (start < total) {
    // The largest end whose window fits, by the reference's binary search (at least one line).
    let left = start;
    let right = total;
    let end = start + 1;
    while (left < right) {
      const mid = Math.floor((left + right + 1) / 2);
      if (windowLength(start, mid) <= maxChars) {
        end = mid;
        left = mid;
      } else right = mid - 1;
    }
    windows.push({ text: marked(lines, start, end), startLine: start + 1, endLine: end, overlapStart: start === 0 ? 1 : start + 1 });

    const overlapChars = Math.trunc(windowLength(start, end) * overlapRatio);
    let overlapFrom = end;
    let accumulated = 0;
    for (let i = end - 1; i >= start; i--) {
      if (accumulated + markedLength[i]! > overlapChars) break;
      accumulated += markedLength[i]!;
      overlapFrom = i;
    }
    const next = overlapFrom <= start ? end : overlapFrom;
    start = next;
    if (end >= total) break;
  }
  // A window owns the lines after the previous window's end.
  return windows.map((w, i) => (i === 0 ? w : { ...w, overlapStart: windows[i - 1]!.endLine + 1 }));
}

/** `extract_prediction` of the inference script: drops the empty think block a Qwen3 reply may start with. */
export function extractPrediction(response: string): string {
  const prefix = '<think>\n\n</think>\n\n';
  return response.startsWith(prefix) ? response.slice(prefix.length) : response;
}

/** `adjust_function_for_segment` in segment mode: the call confined to the lines the window owns, or null. */
function confine(call: UltraxCall, window: UltraxWindow): UltraxCall | null {
  const from = window.overlapStart;
  const to = window.endLine;
  switch (call.kind) {
    case 'keep_all':
      return null;
    case 'remove_all':
      return from > to ? null : { kind: 'remove_lines', line: call.line, start: from, end: to };
    case 'remove_lines':
      if (call.end < from) return null;
      return { ...call, start: Math.max(call.start, from), end: Math.min(call.end, to) };
    case 'replace_str':
      return call.lineNumber < from || call.lineNumber > to ? null : call;
    case 'add_line':
      return call.base < from || call.base > to ? null : call;
  }
}

export type MergedProgram = { readonly verdict: 'keep_all' } | { readonly verdict: 'remove_all' } | { readonly verdict: 'calls'; readonly calls: readonly UltraxCall[] };

/** `merge_window_functions`. */
export function mergeWindowCalls(results: readonly { readonly window: UltraxWindow; readonly calls: readonly UltraxCall[] }[], totalLines: number): MergedProgram {
  if (results.length === 0) return { verdict: 'keep_all' };
  if (results.length === 1) {
    const calls = results[0]!.calls;
    if (calls.length === 1 && calls[0]!.kind === 'keep_all') return { verdict: 'keep_all' };
    if (calls.length === 1 && calls[0]!.kind === 'remove_all') return { verdict: 'remove_all' };
    return { verdict: 'calls', calls };
  }
  const merged: UltraxCall[] = [];
  for (const { window, calls } of results) {
    for (const call of calls) {
      const confined = confine(call, window);
      if (confined !== null) merged.push(confined);
    }
  }
  if (merged.length === 0) return { verdict: 'keep_all' };
  if (merged.every((c) => c.kind === 'remove_lines') && coversExactly(merged as readonly Extract<UltraxCall, { kind: 'remove_lines' }>[], totalLines)) return { verdict: 'remove_all' };
  return { verdict: 'calls', calls: merged };
}

/** Whether the ranges' union is exactly the lines 1..total (a range past the end makes it inexact, as a Python set comparison would). */
function coversExactly(ranges: readonly { readonly start: number; readonly end: number }[], total: number): boolean {
  const sorted = ranges.filter((r) => r.start <= r.end).sort((x, y) => x.start - y.start);
  if (sorted.length === 0) return total === 0;
  if (sorted[0]!.start !== 1) return false;
  let reach = 0;
  for (const r of sorted) {
    if (r.start > reach + 1) return false;
    reach = Math.max(reach, r.end);
  }
  return reach === total;
}

export interface WindowOutput {
  /** The model's reply for this window; null when the window's inference failed (the reference then assumes keep_all()). */
  readonly response: string | null;
}

/**
 * A document's `model_output` as the inference script writes it from the windows' replies:
 * `keep_all()`, `remove_all()` or the merged calls, plus a `# Failed segments: [...]` comment
 * when some windows failed. '' for a blank document (no windows were sent).
 */
export function documentProgram(content: string, windows: readonly UltraxWindow[], outputs: readonly WindowOutput[]): string {
  if (pyStrip(content) === '' || windows.length === 0) return '';
  const failed = outputs.flatMap((o, i) => (o.response === null ? [i] : []));
  if (failed.length === windows.length) return '# all segments failed';
  const results = windows.map((window, i) => ({ window, calls: parseUltraxProgram(extractPrediction(outputs[i]?.response ?? 'keep_all()')).calls }));
  const total = normalizeNewlines(content).split('\n').length;
  const merged = mergeWindowCalls(results, total);
  let program = merged.verdict === 'calls' ? functionsToString(merged.calls) : `${merged.verdict}()`;
  if (failed.length > 0) program += `\n# Failed segments: [${failed.join(', ')}]`;
  return program;
}
