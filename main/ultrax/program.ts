/**
 * The UltraX program space (openbmb/UltraX): one program per document, one call per line,
 * line numbers 1-indexed.
 *
 *   keep_all()                              the document is fine as it is
 *   remove_all()                            drop the document
 *   remove_lines(start, end)                remove lines start..end, inclusive
 *   replace_str(line, 'old', 'new')         replace the first `old` in that line
 *   add_line(base, sub_index, 'content')    insert a line at position base + sub_index / 10000
 */

export type UltraxKind = 'keep_all' | 'remove_all' | 'remove_lines' | 'replace_str' | 'add_line';

interface CallBase {
  /** 0-based index of the program line this call was parsed from: its handle for toggles. */
  readonly line: number;
  /**
   * The exact decimal digits of number arguments beyond 2^53, by field name, so the program
   * can be written back as Python would print it.
   */
  readonly digits?: Readonly<Record<string, string>>;
}

export interface KeepAllCall extends CallBase {
  readonly kind: 'keep_all';
}
export interface RemoveAllCall extends CallBase {
  readonly kind: 'remove_all';
}
export interface RemoveLinesCall extends CallBase {
  readonly kind: 'remove_lines';
  readonly start: number;
  readonly end: number;
}
export interface ReplaceStrCall extends CallBase {
  readonly kind: 'replace_str';
  readonly lineNumber: number;
  readonly search: string;
  readonly replace: string;
}
export interface AddLineCall extends CallBase {
  readonly kind: 'add_line';
  readonly base: number;
  readonly subIndex: number;
  readonly content: string;
}

export type UltraxCall = KeepAllCall | RemoveAllCall | RemoveLinesCall | ReplaceStrCall | AddLineCall;

export const ULTRAX_KINDS: readonly UltraxKind[] = ['keep_all', 'remove_all', 'remove_lines', 'replace_str', 'add_line'];
