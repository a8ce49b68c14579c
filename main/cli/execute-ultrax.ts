/**
 * `refinery execute --dialect ultrax`: UltraX programs applied to documents, the way UltraX's
 * post-processing does (main/ultrax), JSONL or parquet in, JSONL out, in input order.
 *
 * A record gives the document as `text` (or UltraX's own column `original`) and the program as
 * either
 * - `ultrax_output`: what the model wrote. A string is the reply for the whole document as one
 *   window; an array holds one reply per window of `--max-chars` (null for a window whose
 *   inference failed). Replies go through the inference script's merge first, exactly as
 *   UltraX would have stored them; or
 * - `model_output`: UltraX's stored, already merged program (its inference output column).
 * Each output record: `id` (null if none), the input `line` (JSONL, 1-based) or `row`
 * (parquet, 0-based), the refined `text` ('' when dropped), `dropped`, `status` (keep_all,
 * remove_all, modified, looping, failed) and `program`, the program as UltraX executed it
 * (its `processed_functions`).
 */
import { executeUltrax, documentProgram, splitWindows, type UltraxStatus } from '../ultrax';
import type { StreamProgress } from './byte-progress';
import { BadLine, transformRecords } from './jsonl-transform';
import { openRecordInput } from './record-input';

export interface UltraxExecuteOptions {
  readonly input: string;
  readonly output: string;
  /** Window size the replies in an `ultrax_output` array were made for. */
  readonly maxChars: number;
  readonly overlapRatio: number;
  readonly onBadLine?: (position: number, message: string) => void;
  readonly onProgress?: (progress: StreamProgress) => void;
}

export interface UltraxExecutedRecord {
  readonly id: string | number | null;
  readonly line?: number;
  readonly row?: number;
  readonly text: string;
  readonly dropped: boolean;
  readonly status: UltraxStatus;
  readonly program: string;
}

export interface UltraxExecuteSummary {
  readonly documents: number;
  readonly badLines: number;
  readonly seconds: number;
  readonly byStatus: Readonly<Record<UltraxStatus, number>>;
}

/** The columns a record may use; a parquet file is read for these only. */
export const ULTRAX_INPUT_COLUMNS = ['id', 'text', 'original', 'ultrax_output', 'model_output'] as const;

export async function executeUltraxRecords(options: UltraxExecuteOptions): Promise<UltraxExecuteSummary & { readonly positionName: 'line' | 'row'; readonly totalBytes: number }> {
  const input = openRecordInput(options.input, ULTRAX_INPUT_COLUMNS);
  const byStatus: Record<UltraxStatus, number> = { keep_all: 0, remove_all: 0, modified: 0, looping: 0, failed: 0 };
  const summary = await transformRecords({
    records: input.records,
    readFailed: input.readFailed,
    bytesRead: input.bytesRead,
    output: options.output,
    position: (item) => item.position,
    map: (item) => executeUltraxRecord(item.value(), { [input.positionName]: item.position }, options),
    onRecord: (record) => byStatus[record.status]++,
    onBadLine: options.onBadLine,
    onProgress: options.onProgress,
  });
  return { documents: summary.documents, badLines: summary.badLines, seconds: summary.seconds, byStatus, positionName: input.positionName, totalBytes: input.totalBytes };
}

/** One record; throws BadLine saying what to fix. */
export function executeUltraxRecord(
  record: Record<string, unknown>,
  position: { line?: number; row?: number },
  options: Pick<UltraxExecuteOptions, 'maxChars' | 'overlapRatio'>,
): UltraxExecutedRecord {
  const text = documentText(record);
  const program = documentProgramOf(record, text, options);
  const result = executeUltrax({ text, program });
  return { id: recordId(record.id), ...position, text: result.text, dropped: result.dropped, status: result.status, program: result.processed };
}

/** `text`, else UltraX's `original`; null counts as '' like UltraX does. */
export function documentText(record: Record<string, unknown>): string {
  const field = record.text !== undefined ? 'text' : 'original';
  const value = record[field];
  if (value === null) return '';
  if (typeof value !== 'string') throw new BadLine(value === undefined ? 'no document: give it in "text" (or UltraX\'s "original")' : `field "${field}" is not a string`);
  return value;
}

function documentProgramOf(record: Record<string, unknown>, text: string, options: Pick<UltraxExecuteOptions, 'maxChars' | 'overlapRatio'>): string {
  const output = record.ultrax_output;
  if (output !== undefined && output !== null) {
    if (typeof output === 'string') {
      // One reply for the whole document: a single window, whatever its length.
      return documentProgram(text, splitWindows(text, Infinity, options.overlapRatio), [{ response: output }]);
    }
    if (Array.isArray(output) && output.every((r) => typeof r === 'string' || r === null)) {
      const windows = splitWindows(text, options.maxChars, options.overlapRatio);
      if (output.length !== windows.length) {
        throw new BadLine(`"ultrax_output" has ${output.length} replies but the document has ${windows.length} windows at --max-chars ${options.maxChars}: give the --max-chars the replies were made with`);
      }
      return documentProgram(text, windows, output.map((response: string | null) => ({ response })));
    }
    throw new BadLine('field "ultrax_output" must be the model\'s reply (a string) or one reply per window (an array of strings, null for a failed window)');
  }
  const stored = record.model_output;
  if (stored === undefined) throw new BadLine('no program: give the model\'s reply in "ultrax_output" or UltraX\'s stored program in "model_output"');
  if (stored === null) return '';
  if (typeof stored !== 'string') throw new BadLine('field "model_output" must be a string (the program text) or null');
  return stored;
}

export function recordId(value: unknown): string | number | null {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return null;
}
