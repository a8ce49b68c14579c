/**
 * The ProX program space as typed values.
 *
 * A program is the text a programmer (model or rules) wrote; parsing turns it into
 * operations plus located errors. Refined text is always `execute(program, original)`:
 * programs are stored, never the refined text.
 */

/** Which stage a program belongs to. */
export type Stage = 'doc' | 'chunk';

/** How to read program text: a real parser, or GAIR-NLP/ProX's string slicing, quirks included. */
export type ParseMode = 'strict' | 'reference';

/** Spellings of the chunk-level no-op seen in ProX material; all mean "leave this chunk alone". */
export type KeepChunkAlias = 'keep_chunk' | 'untouch_doc' | 'skip_chunk';

export type OperationKind = 'drop_doc' | 'keep_doc' | 'keep_chunk' | 'remove_lines' | 'normalize';

interface OperationBase {
  /** 0-based index of the program line this operation was parsed from. */
  readonly line: number;
  /** The program line as written (without the newline). */
  readonly source: string;
}

export interface DropDocOp extends OperationBase {
  readonly kind: 'drop_doc';
}
export interface KeepDocOp extends OperationBase {
  readonly kind: 'keep_doc';
}
export interface KeepChunkOp extends OperationBase {
  readonly kind: 'keep_chunk';
  readonly alias: KeepChunkAlias;
}
/**
 * Removes document lines `start..end`, 0-based, inclusive on both ends, or every line with `all`.
 * Reference mode keeps the numbers as written (they may be negative or reversed, which the
 * reference treats as harmless); strict mode rejects negative ones at parse time and marks
 * reversed ones `inert`. With `all`,
 * `start` is 0 and `end` is -1 and both are meaningless.
 */
export interface RemoveLinesOp extends OperationBase {
  readonly kind: 'remove_lines';
  readonly start: number;
  readonly end: number;
  readonly all: boolean;
  /** Set when the range removes nothing (end before start), with the reason, for the UI. */
  readonly inert?: string;
}
/** Replaces every occurrence of `source` in the whole document by `target`. */
export interface NormalizeOp extends OperationBase {
  readonly kind: 'normalize';
  readonly from: string;
  readonly to: string;
  /**
   * Set when the call parses but the executor will not apply it, with the reason (reference
   * mode: an empty or single-space source, or arguments the slicing parser splits into 3+
   * pieces). Kept as an operation so the UI can show why it did nothing.
   */
  readonly inert?: string;
}

export type Operation = DropDocOp | KeepDocOp | KeepChunkOp | RemoveLinesOp | NormalizeOp;

/** A located problem in program text. Never thrown: parsers return these. */
export interface ProgramError {
  /** 0-based program line. */
  readonly line: number;
  /** 0-based column in that line. */
  readonly column: number;
  readonly message: string;
  /**
   * The operation kind the line was meant to be, when the name was recognised (e.g. a
   * `remove_lines(0, 0)` the reference parser cannot read). Switching that kind off also
   * switches the error off, so executing without it equals executing the filtered program.
   */
  readonly kind?: OperationKind;
  /**
   * How many errors this counts for in the reference error tally (`num_error_op`);
   * 2 or more errors over a document's merged program cancel the whole program.
   */
  readonly weight: number;
}

export interface ParsedProgram {
  readonly mode: ParseMode;
  readonly operations: readonly Operation[];
  readonly errors: readonly ProgramError[];
}

/**
 * Why a programmer wrote a given program line (the rules say which rule fired and the
 * measured value; a model may give the probability of its decision). Keyed by program line.
 */
export interface OperationNote {
  readonly line: number;
  readonly reason?: string;
  readonly probability?: number;
  /** Which rules this program line carries out, and for line removals the lines each removes. */
  readonly rules?: readonly NoteRule[];
}

/** A rule behind a program line: its key (`web.menus`), and the lines [start, end] it removes. */
export interface NoteRule {
  readonly rule: string;
  readonly start?: number;
  readonly end?: number;
}
