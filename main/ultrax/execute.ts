/**
 * The UltraX executor: `process_row` of openbmb/UltraX stage 2, behaviour for behaviour, plus a
 * trace the review screen can highlight. Pure and total: any input gives a result.
 *
 * 1. `\r\n` and `\r` in the document become `\n`; a blank document is kept as it is.
 * 2. The program is parsed (parse.ts), then post-processed (postprocess.ts): ambiguous
 *    replace_str calls dropped, same-line replaces merged, replaces first.
 * 3. A looping program (judged on the calls as parsed) is not executed: the document is kept.
 * 4. No call, or only `keep_all()`, keeps the document; only `remove_all()` drops it. In a
 *    longer program both are ignored.
 * 5. Otherwise the lines (Python `splitlines(keepends=True)`, so \v \f \x1c-\x1e \x85
 *    \u2028 \u2029 end lines too) go in a map keyed 1..n; calls run in order: replace_str
 *    replaces the first occurrence in its line, remove_lines deletes every key in start..end
 *    (inserted lines included), add_line sets key base + sub_index / 10000 (sub_index 0 on a
 *    line still present overwrites that line). Keys are sorted; an inserted line gets a `\n`
 *    before and after it where missing; then `\r`s become `\n`, runs of newlines collapse
 *    to one (blank lines go) and newlines at both ends are stripped.
 * Switched-off calls are deleted from the program before anything else, so the result equals
 * executing the program without those lines.
 */
import { pyStrip } from '../prox/words';
import { parseUltraxProgram, type IgnoredLine } from './parse';
import type { UltraxCall, UltraxKind } from './program';
import { detectLoop, mergeSameLineReplaces, type ProcessedCall } from './postprocess';
import { codePoints, pyRepr, splitlinesKeepends } from './python';
import { SequenceMatcher } from './difflib';

export type UltraxStatus = 'keep_all' | 'remove_all' | 'modified' | 'looping' | 'failed';

export interface UltraxExecuteInput {
  readonly text: string;
  /** The program: raw model output of a one-window document, or UltraX's merged `model_output`. */
  readonly program: string;
  /** Program lines (0-based) switched off. */
  readonly disabled?: ReadonlySet<number>;
  /** Call kinds switched off everywhere (kinds of other dialects may be in the set). */
  readonly disabledKinds?: ReadonlySet<string>;
}

export interface UltraxCallTrace {
  /** 0-based program line. */
  readonly line: number;
  readonly kind: UltraxKind;
  /** The program line, stripped. */
  readonly source: string;
  readonly enabled: boolean;
  /** Original lines this call removed (a line removed twice counts for the first call). */
  linesRemoved: number;
  /** replace_str: 1 when it changed its line. */
  replacements: number;
  /** add_line: lines it put in the output. */
  linesAdded: number;
  /** Why it did nothing, or how the post-processing changed it. */
  note: string | null;
}

/** A line the program inserted, placed after original display line `after` (-1: before the first). */
export interface AddedLine {
  readonly after: number;
  readonly text: string;
  /** Program line of the add_line. */
  readonly op: number;
}

/** A changed span of an original display line: [start, end) UTF-16 offsets in `original`. */
export interface ReplacedSpan {
  readonly start: number;
  readonly end: number;
  readonly to: string;
  /** Program line of the (first) replace_str that changed this line. */
  readonly op: number;
}

/** Marks a display line the final newline cleanup removed (it was blank), in `removedBy`. */
export const REMOVED_BY_CLEANUP = -1;

export interface UltraxExecution {
  /** The document with line endings normalized (what UltraX calls `original`). */
  readonly original: string;
  /** The refined text (`cleaned`); '' when dropped by remove_all(). */
  readonly text: string;
  readonly dropped: boolean;
  readonly status: UltraxStatus;
  /** The program after post-processing, as the reference writes it (`processed_functions`). */
  readonly processed: string;
  /** Set when the program was not executed because it loops. */
  readonly loopReason: string | null;
  readonly calls: UltraxCallTrace[];
  readonly ignored: readonly IgnoredLine[];
  /** Per display line of `original` (split at \n): program line of the remove_lines that removed it, REMOVED_BY_CLEANUP, or null. */
  readonly removedBy: (number | null)[];
  readonly replacements: ReplacedSpan[];
  readonly added: AddedLine[];
}

const EMPTY: ReadonlySet<never> = new Set<never>();

export function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

export function executeUltrax(input: UltraxExecuteInput): UltraxExecution {
  const original = normalizeNewlines(input.text);
  const disabled = input.disabled ?? EMPTY;
  const disabledKinds = input.disabledKinds ?? EMPTY;
  const parsed = parseUltraxProgram(input.program);
  const sources = input.program.split('\n');
  const calls: UltraxCallTrace[] = parsed.calls.map((call) => ({
    line: call.line,
    kind: call.kind,
    source: pyStrip(sources[call.line]!),
    enabled: !disabled.has(call.line) && !disabledKinds.has(call.kind),
    linesRemoved: 0,
    replacements: 0,
    linesAdded: 0,
    note: null,
  }));
  const traceOf = new Map(calls.map((t) => [t.line, t]));
  const displayLines = countDisplayLines(original);
  const unchanged = (status: UltraxStatus, processed: string, loopReason: string | null = null): UltraxExecution => ({
    original,
    text: original,
    dropped: false,
    status,
    processed,
    loopReason,
    calls,
    ignored: parsed.ignored,
    removedBy: new Array<number | null>(displayLines).fill(null),
    replacements: [],
    added: [],
  });

  if (pyStrip(original) === '') {
    for (const t of calls) t.note = 'the document is blank: kept as it is';
    return unchanged('keep_all', 'keep_all()');
  }
  const raw = parsed.calls.filter((call) => traceOf.get(call.line)!.enabled);
  const lines = splitlinesKeepends(original);
  const merge = raw.length > 0 ? mergeSameLineReplaces(raw, lines) : { calls: [], ambiguous: [] };
  for (const { line, occurrences } of merge.ambiguous) {
    traceOf.get(line)!.note = occurrences === 0 ? 'its search text is not in its line: dropped' : `its search text occurs ${occurrences} times in its line: dropped as ambiguous`;
  }
  const functions = merge.calls;
  for (const call of functions) {
    if ('mergedFrom' in call) for (const from of call.mergedFrom) traceOf.get(from)!.note = `merged with the other replaces on line ${call.lineNumber} (program lines ${call.mergedFrom.join(', ')})`;
  }

  const loop = detectLoop(raw, original);
  if (loop !== null) {
    for (const t of calls) if (t.enabled) t.note = `not executed: the program loops (${loop})`;
    return unchanged('looping', `${functionsToString(functions)}\n# FILTERED: repetitive pattern detected`, loop);
  }
  if (functions.length === 0 || (functions.length === 1 && functions[0]!.kind === 'keep_all')) return unchanged('keep_all', 'keep_all()');
  if (functions.length === 1 && functions[0]!.kind === 'remove_all') {
    return { ...unchanged('remove_all', 'remove_all()'), text: '', dropped: true, removedBy: new Array<number | null>(displayLines).fill(functions[0]!.line) };
  }
  for (const call of functions) {
    if (call.kind === 'keep_all' || call.kind === 'remove_all') traceOf.get(call.line)!.note = `${call.kind}() only counts when it is the whole program: ignored`;
  }

  const processed = functionsToString(functions);
  const run = runLines(functions, lines, traceOf);
  if (run === null) return unchanged('failed', `${processed}\n# FAILED: execution error`);
  const dropped = pyStrip(run.text) === '';
  const layout = displayLayout(original, lines, run);
  return {
    original,
    text: run.text,
    dropped,
    status: dropped ? 'remove_all' : run.text === original ? 'keep_all' : 'modified',
    processed,
    loopReason: null,
    calls,
    ignored: parsed.ignored,
    ...layout,
  };
}

interface LineEntry {
  text: string;
  /** True for keys add_line created (Python float keys); false for original lines. */
  readonly inserted: boolean;
  /** Program line of the add_line that last set it, for inserted keys; of the replace_str that changed it, for original ones. */
  op: number | null;
}

interface LineRun {
  readonly text: string;
  /** The map after every call: key -> entry. */
  readonly entries: Map<number, LineEntry>;
  /** Original line number (1-based) -> program line of the remove_lines that deleted it first. */
  readonly removedBy: Map<number, number>;
}

/** The generated `clean_data` function. Null where Python would raise (a position too large for a float). */
function runLines(functions: readonly ProcessedCall[], lines: readonly string[], traceOf: Map<number, UltraxCallTrace>): LineRun | null {
  const entries = new Map<number, LineEntry>();
  for (let i = 0; i < lines.length; i++) entries.set(i + 1, { text: lines[i]!, inserted: false, op: null });
  const removedBy = new Map<number, number>();
  for (const call of functions) {
    if (call.kind === 'replace_str') {
      const entry = entries.get(call.lineNumber);
      if (entry === undefined || !entry.text.includes(call.search)) continue;
      const next = entry.text.replace(call.search, () => call.replace);
      if (next !== entry.text) {
        entry.op ??= call.line;
        for (const line of 'mergedFrom' in call ? call.mergedFrom : [call.line]) traceOf.get(line)!.replacements = 1;
      }
      entry.text = next;
    } else if (call.kind === 'remove_lines') {
      for (const key of [...entries.keys()]) {
        if (key < call.start || key > call.end) continue;
        const entry = entries.get(key)!;
        entries.delete(key);
        if (!entry.inserted && !removedBy.has(key)) {
          removedBy.set(key, call.line);
          traceOf.get(call.line)!.linesRemoved++;
        }
      }
    } else if (call.kind === 'add_line') {
      // Python: int / float raises OverflowError past the float range; the reference then keeps the original.
      if (!Number.isFinite(call.subIndex) || !Number.isFinite(call.base)) return null;
      const position = call.base + call.subIndex / 10000;
      const existing = entries.get(position);
      if (existing === undefined) entries.set(position, { text: call.content, inserted: true, op: call.line });
      else {
        if (!existing.inserted) traceOf.get(call.line)!.note = `its position ${position} is an existing line: it overwrites that line`;
        existing.text = call.content;
        existing.op = call.line;
      }
    }
  }
  const keys = [...entries.keys()].sort((x, y) => x - y);
  const pieces: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const entry = entries.get(keys[i]!)!;
    let text = entry.text;
    if (entry.inserted) {
      const last = pieces.length - 1;
      if (last >= 0 && pieces[last] !== '' && !pieces[last]!.endsWith('\n')) pieces[last] += '\n';
      if (i + 1 < keys.length && text !== '' && !text.endsWith('\n')) text += '\n';
    }
    pieces.push(text);
  }
  for (const entry of entries.values()) if (entry.inserted && entry.op !== null) traceOf.get(entry.op)!.linesAdded++;
  return { text: cleanNewlines(pieces.join('')), entries, removedBy };
}

/** `\r\n`/`\r` -> `\n`, runs of `\n` -> one, `\n` stripped at both ends. */
function cleanNewlines(text: string): string {
  let out = normalizeNewlines(text).replace(/\n{2,}/g, '\n');
  let start = 0;
  let end = out.length;
  while (start < end && out.charCodeAt(start) === 10) start++;
  while (end > start && out.charCodeAt(end - 1) === 10) end--;
  if (start > 0 || end < out.length) out = out.slice(start, end);
  return out;
}

/** `functions_to_string`: one call per line, strings as Python `repr`. */
export function functionsToString(functions: readonly (UltraxCall | ProcessedCall)[]): string {
  return functions
    .map((f) => {
      switch (f.kind) {
        case 'keep_all':
          return 'keep_all()';
        case 'remove_all':
          return 'remove_all()';
        case 'remove_lines':
          return `remove_lines(${int(f, 'start', f.start)}, ${int(f, 'end', f.end)})`;
        case 'replace_str':
          return `replace_str(${int(f, 'lineNumber', f.lineNumber)}, ${pyRepr(f.search)}, ${pyRepr(f.replace)})`;
        case 'add_line':
          return `add_line(${int(f, 'base', f.base)}, ${int(f, 'subIndex', f.subIndex)}, ${pyRepr(f.content)})`;
      }
    })
    .join('\n');
}

/** Python `str(int)` of a call's number field: its exact digits when a double cannot hold them. */
function int(call: UltraxCall | ProcessedCall, field: string, value: number): string {
  return call.digits?.[field] ?? String(value);
}

function countDisplayLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Where the changes show on the original's display lines (split at \n): removed lines,
 * changed spans, inserted lines. Execution lines (splitlines) are mapped onto display lines;
 * a display line holding several execution lines is removed only when all of them are.
 */
function displayLayout(original: string, lines: readonly string[], run: LineRun): Pick<UltraxExecution, 'removedBy' | 'replacements' | 'added'> {
  const removedBy = new Array<number | null>(countDisplayLines(original)).fill(null);
  const replacements: ReplacedSpan[] = [];
  const added: AddedLine[] = [];
  const wholeRemovals = new Map<number, number>();
  let offset = 0;
  let display = 0;
  /** Display line of each execution line (1-based key). */
  const displayOf: number[] = [0];
  for (let n = 1; n <= lines.length; n++) {
    const line = lines[n - 1]!;
    displayOf.push(display);
    const entry = run.entries.get(n);
    const body = line.endsWith('\n') ? line.slice(0, -1) : line;
    if (entry === undefined) {
      const by = run.removedBy.get(n)!;
      if (isWholeDisplayLine(original, offset, line)) wholeRemovals.set(display, by);
      else if (body !== '') replacements.push({ start: offset, end: offset + body.length, to: '', op: by });
    } else if (entry.text !== line) {
      for (const span of diffSpans(line, entry.text)) replacements.push({ start: offset + span.start, end: offset + span.end, to: span.to, op: entry.op ?? 0 });
    } else if (/^\n*$/.test(entry.text) && isWholeDisplayLine(original, offset, line)) {
      // A kept blank line: the final cleanup collapses it.
      wholeRemovals.set(display, REMOVED_BY_CLEANUP);
    }
    offset += line.length;
    if (line.endsWith('\n')) display++;
  }
  for (const [line, by] of wholeRemovals) removedBy[line] = by;
  const keys = [...run.entries.keys()].sort((x, y) => x - y);
  let previousOriginal = 0;
  for (const key of keys) {
    const entry = run.entries.get(key)!;
    if (!entry.inserted) {
      previousOriginal = key;
      continue;
    }
    const after = previousOriginal === 0 ? -1 : displayOf[previousOriginal]!;
    for (const text of normalizeNewlines(entry.text).split('\n')) if (text !== '') added.push({ after, text, op: entry.op ?? 0 });
  }
  return { removedBy, replacements, added };
}

/** Whether the execution line at `offset` spans its whole display line (starts one and ends at its \n or the text's end). */
function isWholeDisplayLine(original: string, offset: number, line: string): boolean {
  const startsLine = offset === 0 || original.charCodeAt(offset - 1) === 10;
  const endsLine = line.endsWith('\n') || offset + line.length === original.length;
  return startsLine && endsLine;
}

/** Changed spans between an original line and what it became, as UTF-16 offsets into the original line. */
function diffSpans(before: string, after: string): { start: number; end: number; to: string }[] {
  const a = codePoints(before);
  const b = codePoints(after);
  const unitOffsets = [0];
  for (const cp of a) unitOffsets.push(unitOffsets[unitOffsets.length - 1]! + cp.length);
  const spans: { start: number; end: number; to: string }[] = [];
  for (const op of new SequenceMatcher(a, b).opcodes()) {
    if (op.tag === 'equal') continue;
    spans.push({ start: unitOffsets[op.i1]!, end: unitOffsets[op.i2]!, to: b.slice(op.j1, op.j2).join('') });
  }
  return spans;
}
