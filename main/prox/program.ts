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
/** Removes document lines `start..end`, 0-based, inclusive on both ends, or every line with `all`. */
export interface RemoveLinesOp extends OperationBase {
  readonly kind: 'remove_lines';
  readonly start: number;
  readonly end: number;
  readonly all: boolean;
}
/** Replaces every occurrence of `source` in the whole document by `target`. */
export interface NormalizeOp extends OperationBase {
  readonly kind: 'normalize';
  readonly from: string;
  readonly to: string;
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
}
