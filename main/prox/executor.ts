/**
 * The executor: applies a document's doc-stage and chunk-stage programs to its original text
 * with GAIR-NLP/ProX's semantics (utils/chunk_utils.py) and returns the refined text
 * plus a trace the UI can highlight. Pure and total: any input gives a result, never a throw.
 *
 * Doc stage (when a doc program is given): see parse.ts `evaluateDocStage`; a drop there skips
 * the chunk stage.
 * Chunk stage (only when a chunk program is given, so a doc-only run never applies the
 * 10-word rule):
 * 1. every enabled `normalize`, in program order, replaces all occurrences in the whole
 *    document (a later one sees the output of earlier ones);
 * 2. enabled `remove_lines` ranges (0-based, inclusive, document-global) are sorted and merged
 *    (overlapping or adjacent fuse); per merged range, a start past the last line costs one
 *    error and removes nothing, an end past it costs one error and is clamped; `all=True`
 *    removes every line. Line numbers refer to the lines after normalization, which are the
 *    original lines: normalize strings never contain a newline in either parse mode;
 * 3. decision, word counts by Python `split()`, in this order:
 *    a. kept/original words <= minKeptWordRatio (0.05) and errors < cancelAtErrors -> dropped;
 *    b. kept words <= minKeptWords (10) -> dropped, even when the program is cancelled (the
 *       reference counts the words the cancelled program would have kept);
 *    c. errors < cancelAtErrors (2) -> the processed text;
 *    d. otherwise the program is cancelled and the original text is returned.
 *    A document with no words (empty or whitespace only) skips rule a, where the reference
 *    would divide by zero, so rule b drops it: 0 words kept.
 * Disabled operations (by program line, or by kind) and their parse errors are left out
 * entirely, so the result equals executing the program with those lines deleted.
 */
import type { Operation, OperationKind, ParseMode, ProgramError, Stage } from './program';
import { evaluateDocStage, parseProgram } from './parse';
import { ReplacementMap, type MappedReplacement } from './replacement-map';
import { countWords, countWordsUpTo } from './words';

export interface Thresholds {
  /** Drop when kept words / original words is at or below this (reference: 1 - 0.95). */
  readonly minKeptWordRatio: number;
  /** Drop when at most this many words are kept (reference: 10, "from FineWeb"). */
  readonly minKeptWords: number;
  /** This many errors in a document's chunk program cancel the whole program (reference: 2). */
  readonly cancelAtErrors: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { minKeptWordRatio: 0.05, minKeptWords: 10, cancelAtErrors: 2 };

export interface ExecuteInput {
  readonly text: string;
  readonly docProgram?: string | null;
  readonly chunkProgram?: string | null;
  readonly mode?: ParseMode;
  /** Program lines (0-based) switched off, per stage. */
  readonly disabled?: { readonly doc?: ReadonlySet<number>; readonly chunk?: ReadonlySet<number> };
  /** Operation kinds switched off everywhere (kinds of other dialects may be in the set; they do nothing here). */
  readonly disabledKinds?: ReadonlySet<string>;
  readonly thresholds?: Partial<Thresholds>;
}

export interface OperationTrace {
  readonly stage: Stage;
  readonly line: number;
  readonly kind: OperationKind;
  readonly source: string;
  readonly enabled: boolean;
  /**
   * remove_lines: the lines it names, as parsed (0-based, inclusive; reference mode keeps
   * negative or reversed numbers, which remove nothing), or 'all'. Null for other kinds.
   */
  readonly lines: { readonly start: number; readonly end: number } | 'all' | null;
  /** Original lines this operation removed (a line covered by several counts for the first). */
  linesRemoved: number;
  /** Occurrences this normalize replaced. */
  replacements: number;
  readonly errors: string[];
  /** Why a parsed call has no effect (reference quirks), when it has none by construction. */
  readonly inert: string | null;
}

export interface ExecutionError extends ProgramError {
  readonly stage: Stage;
  /** False when the line or kind is switched off: then it does not count. */
  readonly enabled: boolean;
}

export interface Execution {
  /** Refined text; '' when dropped. */
  readonly text: string;
  readonly dropped: boolean;
  /** e.g. 'doc program: drop_doc()', 'kept words 4.1% <= 5%', 'kept words 7 <= 10'. */
  readonly dropReason: string | null;
  /** Which stage dropped the document. */
  readonly stage: Stage | null;
  /** Per original line: program line of the remove_lines that removed it, or null. */
  readonly removedBy: (number | null)[];
  /** Normalized spans: [start, end) in the original text and what they became. */
  readonly replacements: MappedReplacement[];
  /** Errors that count toward the cancel rule: chunk parse errors plus out-of-range ranges. */
  readonly errorCount: number;
  /** True when errorCount reached cancelAtErrors: the chunk program was ignored. */
  readonly cancelled: boolean;
  readonly operations: OperationTrace[];
  /** Every parse and range error, both stages, enabled or not. */
  readonly errors: ExecutionError[];
  readonly originalWords: number;
  /** Words of the processed text (before a drop; what the thresholds compared). */
  readonly keptWords: number;
}

const EMPTY: ReadonlySet<never> = new Set<never>();

export function executeProgram(input: ExecuteInput): Execution {
  const mode = input.mode ?? 'strict';
  const thresholds = resolveThresholds(input.thresholds);
  const text = input.text;
  const disabledDoc = input.disabled?.doc ?? EMPTY;
  const disabledChunk = input.disabled?.chunk ?? EMPTY;
  const disabledKinds = input.disabledKinds ?? EMPTY;
  const operations: OperationTrace[] = [];
  const errors: ExecutionError[] = [];

  let docDropReason: string | null = null;
  if (input.docProgram != null) {
    const doc =
      disabledDoc.size === 0 && disabledKinds.size === 0 ? lastDocStage.get(input.docProgram, mode) : evaluateDocStage(input.docProgram, mode, disabledDoc, disabledKinds);
    const traces = traceOperations('doc', doc.operations, disabledDoc, disabledKinds, operations);
    collectErrors('doc', doc.errors, disabledDoc, disabledKinds, traces, errors);
    docDropReason = doc.reason;
  }

  const chunk = input.chunkProgram != null ? lastChunkParse.get(input.chunkProgram, mode) : null;
  const chunkTraces = chunk === null ? null : traceOperations('chunk', chunk.operations, disabledChunk, disabledKinds, operations);
  const chunkErrorCount = chunk === null || chunkTraces === null ? 0 : collectErrors('chunk', chunk.errors, disabledChunk, disabledKinds, chunkTraces, errors);

  if (docDropReason !== null || chunk === null || chunkTraces === null) {
    const docDropped = docDropReason !== null;
    return new ExecutionResult(
      {
        text: docDropped ? '' : text,
        dropped: docDropped,
        dropReason: docDropReason,
        stage: docDropped ? 'doc' : null,
        removedBy: new Array<number | null>(lineStarts(text).length - 1).fill(null),
        replacements: [],
        errorCount: 0,
        cancelled: false,
        operations,
        errors,
      },
      text,
      docDropped ? null : text,
    );
  }

  const starts = lineStarts(text);
  const lineCount = starts.length - 1;

  // 1. normalize, in program order, on the whole document.
  const map = new ReplacementMap(text);
  for (const op of chunk.operations) {
    if (op.kind !== 'normalize' || op.inert !== undefined || !chunkTraces[op.line]!.enabled) continue;
    chunkTraces[op.line]!.replacements = map.replaceAll(op.from, op.to, op.line);
  }

  // 2. line ranges: merge like the reference to count out-of-range errors, then mark lines.
  let errorCount = chunkErrorCount;
  const ranges: Range[] = [];
  for (const op of chunk.operations) {
    if (op.kind === 'remove_lines' && !op.all && chunkTraces[op.line]!.enabled) ranges.push({ start: op.start, end: op.end, first: op.line, endOwner: op.line });
  }
  for (const range of mergeRanges(ranges)) {
    const lastLine = lineCount - 1;
    let owner: number;
    let message: string;
    if (range.start >= lineCount) {
      owner = range.first;
      message = `lines ${range.start}..${range.end} are past the end of the document (last line ${lastLine}): nothing removed, counted as an error`;
    } else if (range.end >= lineCount) {
      owner = range.endOwner;
      message = `line ${range.end} is past the end of the document (last line ${lastLine}): clamped to ${lastLine}, counted as an error`;
    } else {
      continue;
    }
    errorCount++;
    chunkTraces[owner]!.errors.push(message);
    errors.push({ stage: 'chunk', line: owner, column: 0, message, weight: 1, kind: 'remove_lines', enabled: true });
  }
  const removedBy = new Array<number | null>(lineCount).fill(null);
  let removedLines = 0;
  for (const op of chunk.operations) {
    if (op.kind !== 'remove_lines' || !chunkTraces[op.line]!.enabled) continue;
    const from = op.all ? 0 : Math.max(0, op.start);
    const to = op.all ? lineCount - 1 : Math.min(op.end, lineCount - 1);
    let removedHere = 0;
    for (let i = from; i <= to; i++) {
      if (removedBy[i] === null) {
        removedBy[i] = op.line;
        removedHere++;
      }
    }
    chunkTraces[op.line]!.linesRemoved = removedHere;
    removedLines += removedHere;
  }
  const replacements = map.changed ? map.replacements() : [];
  const layout = map.changed ? normalizedLines(text, starts, replacements, map.text) : null;
  const processed = removedLines === 0 ? map.text : keepLines(map.text, layout?.starts ?? starts, removedBy);

  // 3. decision.
  const cancelled = errorCount >= thresholds.cancelAtErrors;
  const words = decisionWords(text, starts, layout, removedBy, thresholds, cancelled);
  let dropReason: string | null = null;
  if (words.exact) {
    const { originalWords, keptWords } = words;
    if (!cancelled && originalWords > 0 && keptWords / originalWords <= thresholds.minKeptWordRatio) {
      dropReason = `kept words ${percent(keptWords / originalWords, 1)} <= ${percent(thresholds.minKeptWordRatio)}`;
    } else if (keptWords <= thresholds.minKeptWords) {
      dropReason = `kept words ${keptWords} <= ${thresholds.minKeptWords}${cancelled ? ` (program cancelled by ${errorCount} errors)` : ''}`;
    }
  }
  if (cancelled) {
    // The program is ignored: nothing it did is part of the result.
    for (const trace of chunkTraces) {
      if (trace === undefined) continue;
      trace.linesRemoved = 0;
      trace.replacements = 0;
    }
  }
  const fields: ExecutionFields = {
    text: dropReason !== null ? '' : cancelled ? text : processed,
    dropped: dropReason !== null,
    dropReason,
    stage: dropReason !== null ? 'chunk' : null,
    removedBy: cancelled ? removedBy.fill(null) : removedBy,
    replacements: cancelled ? [] : replacements,
    errorCount,
    cancelled,
    operations,
    errors,
  };
  return words.exact ? new ExecutionResult(fields, text, processed, words.originalWords, words.keptWords) : new ExecutionResult(fields, text, processed);
}

type ExecutionFields = Omit<Execution, 'originalWords' | 'keptWords'>;

/**
 * A result. The word counts the decision did not need are counted on first read: counting is
 * the executor's main cost. They are getters of this class, shared by every result: getters
 * written in each result's object literal are new closures per result, which gives each
 * result its own hidden class and keeps its document's text alive until a full GC (measured
 * on an export: the whole corpus promoted to the old generation, twice the CPU time).
 */
class ExecutionResult implements Execution {
  readonly text: string;
  readonly dropped: boolean;
  readonly dropReason: string | null;
  readonly stage: Stage | null;
  readonly removedBy: (number | null)[];
  readonly replacements: MappedReplacement[];
  readonly errorCount: number;
  readonly cancelled: boolean;
  readonly operations: OperationTrace[];
  readonly errors: ExecutionError[];
  readonly #original: string;
  /** The text whose words were kept; null when none were (the doc stage dropped the document). */
  readonly #kept: string | null;
  #originalWords: number | undefined;
  #keptWords: number | undefined;

  constructor(fields: ExecutionFields, original: string, kept: string | null, originalWords?: number, keptWords?: number) {
    this.text = fields.text;
    this.dropped = fields.dropped;
    this.dropReason = fields.dropReason;
    this.stage = fields.stage;
    this.removedBy = fields.removedBy;
    this.replacements = fields.replacements;
    this.errorCount = fields.errorCount;
    this.cancelled = fields.cancelled;
    this.operations = fields.operations;
    this.errors = fields.errors;
    this.#original = original;
    this.#kept = kept;
    this.#originalWords = originalWords;
    this.#keptWords = keptWords;
  }

  get originalWords(): number {
    return (this.#originalWords ??= countWords(this.#original));
  }

  get keptWords(): number {
    this.#keptWords ??= this.#kept === null ? 0 : this.#kept === this.#original ? this.originalWords : countWords(this.#kept);
    return this.#keptWords;
  }
}

/**
 * The last result of a parse, reused while the next document has the same program text: most
 * documents share their doc program (keep_doc()) and many their chunk program (keep_chunk()),
 * and parsing was a third of executing such documents. Parses are never mutated, so sharing
 * one between results is invisible.
 */
class LastParse<T> {
  private text: string | null = null;
  private mode: ParseMode | null = null;
  private value: T | null = null;

  constructor(private readonly parse: (text: string, mode: ParseMode) => T) {}

  get(text: string, mode: ParseMode): T {
    if (this.value === null || text !== this.text || mode !== this.mode) {
      this.value = this.parse(text, mode);
      this.text = text;
      this.mode = mode;
    }
    return this.value;
  }
}

/** Doc stages without switched-off lines or kinds only depend on the program and the mode. */
const lastDocStage = new LastParse((text, mode) => evaluateDocStage(text, mode));
const lastChunkParse = new LastParse(parseProgram);

function resolveThresholds(given: Partial<Thresholds> | undefined): Thresholds {
  if (given === undefined) return DEFAULT_THRESHOLDS;
  return {
    minKeptWordRatio: given.minKeptWordRatio ?? DEFAULT_THRESHOLDS.minKeptWordRatio,
    minKeptWords: given.minKeptWords ?? DEFAULT_THRESHOLDS.minKeptWords,
    cancelAtErrors: given.cancelAtErrors ?? DEFAULT_THRESHOLDS.cancelAtErrors,
  };
}

function traceOperations(
  stage: Stage,
  ops: readonly Operation[],
  disabledLines: ReadonlySet<number>,
  disabledKinds: ReadonlySet<string>,
  into: OperationTrace[],
): (OperationTrace | undefined)[] {
  // Indexed by program line (parsers give at most one operation per line); sparse where a line has none.
  const byLine: (OperationTrace | undefined)[] = [];
  for (const op of ops) {
    const trace: OperationTrace = {
      stage,
      line: op.line,
      kind: op.kind,
      source: op.source,
      enabled: !disabledLines.has(op.line) && !disabledKinds.has(op.kind),
      lines: op.kind !== 'remove_lines' ? null : op.all ? 'all' : { start: op.start, end: op.end },
      linesRemoved: 0,
      replacements: 0,
      errors: [],
      inert: op.kind === 'normalize' || op.kind === 'remove_lines' ? (op.inert ?? null) : null,
    };
    byLine[op.line] = trace;
    into.push(trace);
  }
  return byLine;
}

/** Records parse errors; returns the weight of the enabled ones. */
function collectErrors(
  stage: Stage,
  parsed: readonly ProgramError[],
  disabledLines: ReadonlySet<number>,
  disabledKinds: ReadonlySet<string>,
  traces: readonly (OperationTrace | undefined)[],
  into: ExecutionError[],
): number {
  let weight = 0;
  for (const error of parsed) {
    const enabled = !disabledLines.has(error.line) && !(error.kind !== undefined && disabledKinds.has(error.kind));
    into.push({ ...error, stage, enabled });
    if (!enabled) continue;
    weight += error.weight;
    traces[error.line]?.errors.push(error.message);
  }
  return weight;
}

interface Range {
  start: number;
  end: number;
  /** Program line of the first range merged in, and of the one that set the end. */
  first: number;
  endOwner: number;
}

/** The reference `merge_intervals`: stable sort by start, fuse ranges that overlap or touch. */
function mergeRanges(ranges: Range[]): Range[] {
  if (ranges.length === 0) return ranges;
  ranges.sort((x, y) => x.start - y.start);
  const merged: Range[] = [{ ...ranges[0]! }];
  for (let i = 1; i < ranges.length; i++) {
    const current = ranges[i]!;
    const previous = merged[merged.length - 1]!;
    if (current.start <= previous.end + 1) {
      if (current.end > previous.end) {
        previous.end = current.end;
        previous.endOwner = current.first;
      }
    } else {
      merged.push({ ...current });
    }
  }
  return merged;
}

/** Where each line starts, by `indexOf` (native, far faster than a per-character loop); `starts[count]` is `text.length + 1`. */
function lineStarts(text: string): number[] {
  // A plain array, not an Int32Array: small typed arrays get off-heap backing stores, which
  // cost more to allocate and collect than the whole line scan.
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  starts.push(text.length + 1);
  return starts;
}

/** The normalized text's line starts, and the lines a replacement touched with their word counts before and after. */
interface NormalizedLines {
  readonly starts: readonly number[];
  readonly touched: readonly number[];
  readonly touchedOriginalWords: readonly number[];
  readonly touchedWords: readonly number[];
}

/**
 * Lines keep their indexes under normalize (its strings hold no newline), so the normalized
 * line starts are the original ones shifted by the length change of the replacements before
 * them, and only lines a replacement touched can change their word count.
 */
function normalizedLines(text: string, starts: readonly number[], replacements: readonly MappedReplacement[], normalized: string): NormalizedLines {
  const count = starts.length - 1;
  const shifted = new Array<number>(count + 1);
  const touched: number[] = [];
  const touchedOriginalWords: number[] = [];
  const touchedWords: number[] = [];
  let delta = 0;
  let r = 0;
  for (let line = 0; line < count; line++) {
    shifted[line] = starts[line]! + delta;
    const lineEnd = starts[line + 1]! - 1;
    if (r >= replacements.length || replacements[r]!.start >= lineEnd) continue;
    // Spans are sorted, non-empty and never contain a newline: one starting before this line's end lies in it.
    while (r < replacements.length && replacements[r]!.start < lineEnd) {
      const rep = replacements[r]!;
      delta += rep.to.length - (rep.end - rep.start);
      r++;
    }
    touched.push(line);
    touchedOriginalWords.push(countWords(text, starts[line]!, lineEnd));
    touchedWords.push(countWords(normalized, shifted[line]!, lineEnd + delta));
  }
  shifted[count] = normalized.length + 1;
  return { starts: shifted, touched, touchedOriginalWords, touchedWords };
}

/** Joins with "\n" the lines whose `removedBy` entry is null, slicing runs of kept lines at once. */
function keepLines(text: string, starts: readonly number[], removedBy: readonly (number | null)[]): string {
  const pieces: string[] = [];
  const count = starts.length - 1;
  let runStart = -1;
  for (let line = 0; line <= count; line++) {
    if (line < count && removedBy[line] === null) {
      if (runStart === -1) runStart = line;
    } else if (runStart !== -1) {
      pieces.push(text.slice(starts[runStart]!, starts[line]! - 1));
      runStart = -1;
    }
  }
  return pieces.join('\n');
}

type DecisionWords = { readonly exact: true; readonly originalWords: number; readonly keptWords: number } | { readonly exact: false };

/**
 * Word counts for the drop decision, exact where they can decide it and no further.
 *
 * Counting every word is the executor's one per-character pass and most of its cost, yet it
 * rarely matters: with R words on removed lines and T on kept lines a replacement touched,
 * the U words of the untouched kept lines only need counting until both drop rules are out
 * of reach (kept > minKeptWords and kept / original > minKeptWordRatio with a margin of a
 * whole word). Both rules get less likely as U grows, so stopping there is exact. Past that
 * point the counts are not needed for the decision and are computed on first access.
 */
function decisionWords(
  text: string,
  starts: readonly number[],
  layout: NormalizedLines | null,
  removedBy: readonly (number | null)[],
  thresholds: Thresholds,
  cancelled: boolean,
): DecisionWords {
  const count = starts.length - 1;
  let removedWords = 0;
  let keptTouchedOriginal = 0;
  let keptTouched = 0;
  let t = 0;
  const touched = layout?.touched ?? [];
  for (let line = 0; line < count; line++) {
    const isTouched = t < touched.length && touched[t] === line;
    if (removedBy[line] !== null) {
      removedWords += isTouched ? layout!.touchedOriginalWords[t]! : countWords(text, starts[line]!, starts[line + 1]! - 1);
    } else if (isTouched) {
      keptTouchedOriginal += layout!.touchedOriginalWords[t]!;
      keptTouched += layout!.touchedWords[t]!;
    }
    if (isTouched) t++;
  }
  const ratio = thresholds.minKeptWordRatio;
  let limit: number;
  if (cancelled) limit = thresholds.minKeptWords - keptTouched + 1;
  else if (ratio >= 0 && ratio < 1) {
    limit = Math.max(thresholds.minKeptWords - keptTouched, Math.ceil((ratio * (removedWords + keptTouchedOriginal) - keptTouched) / (1 - ratio))) + 2;
  } else limit = Infinity;

  let untouched = 0;
  let exact = untouched <= limit;
  t = 0;
  for (let line = 0; line < count && exact; line++) {
    const isTouched = t < touched.length && touched[t] === line;
    if (isTouched) t++;
    if (isTouched || removedBy[line] !== null) continue;
    untouched += countWordsUpTo(text, starts[line]!, starts[line + 1]! - 1, limit - untouched);
    exact = untouched <= limit;
  }
  if (exact) return { exact, originalWords: removedWords + keptTouchedOriginal + untouched, keptWords: keptTouched + untouched };
  return { exact };
}

function percent(ratio: number, digits?: number): string {
  const value = ratio * 100;
  return `${digits === undefined ? String(Number(value.toFixed(2))) : value.toFixed(digits)}%`;
}
