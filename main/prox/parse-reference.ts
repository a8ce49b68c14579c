/**
 * Reference-mode parser: reads program text exactly the way GAIR-NLP/ProX's chunk executor
 * (utils/chunk_utils.py) slices it, quirks included, so published ProX corpora can be
 * reproduced bit for bit.
 *
 * What the slicing does, per line (only the whole program is space-stripped, so an indented
 * line other than the first is ignored):
 * - a line starting with `remove_lines` and not containing `all=True`: the text between the
 *   first `(` and the first `)` split on `,`; start/end are Python `int()` of the text between
 *   the first and second `=` of the first two pieces (keyword names are irrelevant);
 * - a line starting with `normalize`: the same slice; with 1 piece the source is deleted
 *   everywhere, with 2 pieces source -> target unless the source is `""` or `" "`, with 3+
 *   pieces nothing happens; `"` (only that quote) is stripped from both ends of each string;
 * - a line starting with `remove_lines` and containing `all=True` anywhere removes every line;
 * - anything else is ignored without an error.
 * Errors (+1 each): no `(` (line skipped), no `)` (the last character is sliced off and
 * parsing continues), a piece without `=` or a non-integer line number (line skipped).
 */
import type { KeepChunkAlias, Operation, OperationKind, ParsedProgram, ProgramError } from './program';
import { isPythonWhitespaceCode } from './words';

const NO_OP_NAMES: readonly (readonly [string, OperationKind, KeepChunkAlias | null])[] = [
  ['drop_doc', 'drop_doc', null],
  ['keep_doc', 'keep_doc', null],
  ['keep_chunk', 'keep_chunk', 'keep_chunk'],
  ['untouch_doc', 'keep_chunk', 'untouch_doc'],
  ['skip_chunk', 'keep_chunk', 'skip_chunk'],
];

export function parseReferenceProgram(text: string): ParsedProgram {
  const operations: Operation[] = [];
  const errors: ProgramError[] = [];
  // `operations.strip(" ")`: spaces only, so no newline is removed and line indexes survive.
  let from = 0;
  let to = text.length;
  while (from < to && text.charCodeAt(from) === 32) from++;
  while (to > from && text.charCodeAt(to - 1) === 32) to--;

  let lineStart = 0;
  let lineNo = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const source = text.slice(lineStart, lineEnd);
    // The part of this line that survives the whole-program strip, and its column offset.
    const keptFrom = Math.max(lineStart, from);
    const keptTo = Math.min(lineEnd, to);
    const line = keptTo > keptFrom ? text.slice(keptFrom, keptTo) : '';
    parseLine(line, source, lineNo, keptFrom - lineStart, operations, errors);
    lineStart = lineEnd + 1;
    lineNo++;
  }
  return { mode: 'reference', operations, errors };
}

function parseLine(
  line: string,
  source: string,
  lineNo: number,
  columnOffset: number,
  operations: Operation[],
  errors: ProgramError[],
): void {
  const isRemove = line.startsWith('remove_lines');
  if (isRemove && line.includes('all=True')) {
    operations.push({ kind: 'remove_lines', line: lineNo, source, start: 0, end: -1, all: true });
    return;
  }
  if (!isRemove && !line.startsWith('normalize')) {
    for (const [name, kind, alias] of NO_OP_NAMES) {
      if (!line.startsWith(name)) continue;
      if (kind === 'keep_chunk') operations.push({ kind, alias: alias ?? 'keep_chunk', line: lineNo, source });
      else if (kind === 'drop_doc' || kind === 'keep_doc') operations.push({ kind, line: lineNo, source });
      return;
    }
    return;
  }
  const kind: OperationKind = isRemove ? 'remove_lines' : 'normalize';
  const open = line.indexOf('(');
  if (open === -1) {
    errors.push(located(lineNo, columnOffset, line.length, `no "(" in this ${kind} call: the reference executor skips the line and counts an error`, kind));
    return;
  }
  let close = line.indexOf(')');
  if (close === -1) {
    errors.push(located(lineNo, columnOffset, line.length, `no ")" in this ${kind} call (cut off?): the reference executor drops the last character and counts an error`, kind));
    close = line.length - 1; // Python's `[start:-1]`
  }
  const argsStart = open + 1;
  const args = close > argsStart ? line.slice(argsStart, close) : '';
  const pieces = args.split(',');

  if (isRemove) {
    const start = pieces.length >= 1 ? pythonInt(afterFirstEquals(pieces[0]!)) : null;
    const end = pieces.length >= 2 ? pythonInt(afterFirstEquals(pieces[1]!)) : null;
    if (start === null || end === null) {
      errors.push(located(lineNo, columnOffset, argsStart, 'line numbers must be written as keyword=integer (e.g. remove_lines(start=0, end=2)); the reference executor skips this line and counts an error', kind));
      return;
    }
    operations.push({ kind: 'remove_lines', line: lineNo, source, start, end, all: false });
    return;
  }

  if (pieces.length >= 3) {
    operations.push({
      kind: 'normalize', line: lineNo, source, from: '', to: '',
      inert: `the arguments split into ${pieces.length} pieces at ","; the reference executor ignores such a call (a "," inside a string is not supported)`,
    });
    return;
  }
  const sourceText = afterFirstEquals(pieces[0]!);
  const targetText = pieces.length === 2 ? afterFirstEquals(pieces[1]!) : '';
  if (sourceText === null || targetText === null) {
    errors.push(located(lineNo, columnOffset, argsStart, 'strings must be written as keyword="text" (e.g. normalize(source_str="a", target_str="b")); the reference executor skips this line and counts an error', kind));
    return;
  }
  const fromStr = stripDoubleQuotes(sourceText);
  const toStr = stripDoubleQuotes(targetText);
  let inert: string | undefined;
  if (fromStr === '') inert = 'the source string is empty: nothing to replace';
  else if (pieces.length === 2 && fromStr === ' ') inert = 'the reference executor skips a single-space source';
  operations.push(inert === undefined
    ? { kind: 'normalize', line: lineNo, source, from: fromStr, to: toStr }
    : { kind: 'normalize', line: lineNo, source, from: fromStr, to: toStr, inert });
}

function located(line: number, columnOffset: number, column: number, message: string, kind: OperationKind): ProgramError {
  return { line, column: column + columnOffset, message, weight: 1, kind };
}

/** Python `piece.split("=")[1]`: the text between the first and the second `=`; null without any. */
function afterFirstEquals(piece: string): string | null {
  const first = piece.indexOf('=');
  if (first === -1) return null;
  const second = piece.indexOf('=', first + 1);
  return second === -1 ? piece.slice(first + 1) : piece.slice(first + 1, second);
}

/** Python `s.strip('"')`. */
function stripDoubleQuotes(s: string): string {
  let from = 0;
  let to = s.length;
  while (from < to && s.charCodeAt(from) === 34) from++;
  while (to > from && s.charCodeAt(to - 1) === 34) to--;
  return s.slice(from, to);
}

/**
 * Python `int(s)` for a decimal string: surrounding (Python) whitespace, an optional sign,
 * ASCII digits with single underscores between them. Null where Python raises. Known gap:
 * Python also accepts non-ASCII decimal digits (e.g. Arabic-Indic); those are rejected here.
 */
export function pythonInt(s: string | null): number | null {
  if (s === null) return null;
  let from = 0;
  let to = s.length;
  while (from < to && isPythonWhitespaceCode(s.charCodeAt(from))) from++;
  while (to > from && isPythonWhitespaceCode(s.charCodeAt(to - 1))) to--;
  let sign = 1;
  const first = s.charCodeAt(from);
  if (first === 43 || first === 45) {
    if (first === 45) sign = -1;
    from++;
  }
  if (from >= to) return null;
  let value = 0;
  let previousWasDigit = false;
  for (let i = from; i < to; i++) {
    const code = s.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      value = value * 10 + (code - 48);
      previousWasDigit = true;
    } else if (code === 95 && previousWasDigit && i + 1 < to) {
      previousWasDigit = false; // an underscore must sit between two digits
    } else {
      return null;
    }
  }
  if (!previousWasDigit) return null;
  return value === 0 ? 0 : sign * value; // no -0
}
