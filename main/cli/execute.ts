/**
 * `refinery execute`: applies stored programs to documents, JSONL in, JSONL out.
 *
 * Each input line is an object with `text` and the programs in `doc_program` and/or
 * `chunk_program` (or ProX's own layout, `metadata.doc_program` / `metadata.chunk_program`).
 * Each output line, in input order: the input's `id` (null if none), its 1-based input `line`,
 * the refined `text` ('' when dropped), `dropped`, `drop_stage`, `drop_reason`, and the trace
 * counts `doc_dropped`, `cancelled`, `errors`, `lines_removed`, `replacements`.
 * Bad lines are reported on stderr with their line number and skipped; the run finishes.
 * Streams both ways (memory stays bounded on big files) and writes the output to a temp file
 * renamed into place at the end, so a killed run never leaves a half-written result.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { executeProgram, type Thresholds } from '../prox/executor';
import type { ParseMode } from '../prox/program';
import { createByteProgress } from './byte-progress';
import { BadLine, badLinePrinter, inputSize, transformJsonl } from './jsonl-transform';
import { CliError } from './errors';
import { executeUltraxRecords } from './execute-ultrax';
import { isParquet } from './record-input';
import { DEFAULT_MAX_CHARS, DEFAULT_OVERLAP_RATIO } from '../ultrax';

export interface ExecuteJsonlOptions {
  readonly input: string;
  readonly output: string;
  readonly mode?: ParseMode;
  readonly thresholds?: Partial<Thresholds>;
  /** Called for every skipped input line (1-based line number). */
  readonly onBadLine?: (line: number, message: string) => void;
  /** Called now and then with the input bytes consumed so far. */
  readonly onProgress?: (progress: ExecuteProgress) => void;
}

export interface ExecuteProgress {
  readonly documents: number;
  readonly bytesRead: number;
}

export interface ExecuteSummary {
  readonly documents: number;
  readonly dropped: number;
  readonly modified: number;
  readonly cancelled: number;
  readonly badLines: number;
  readonly bytesRead: number;
  readonly seconds: number;
}

/** One output record, as written. */
export interface ExecutedRecord {
  readonly id: string | number | null;
  readonly line: number;
  readonly text: string;
  readonly dropped: boolean;
  readonly drop_stage: 'doc' | 'chunk' | null;
  readonly drop_reason: string | null;
  readonly doc_dropped: boolean;
  readonly cancelled: boolean;
  readonly errors: number;
  readonly lines_removed: number;
  readonly replacements: number;
}

export async function executeJsonl(options: ExecuteJsonlOptions): Promise<ExecuteSummary> {
  const mode = options.mode ?? 'strict';
  let dropped = 0;
  let modified = 0;
  let cancelled = 0;
  const summary = await transformJsonl<ExecutedRecord>({
    input: options.input,
    output: options.output,
    map: (raw, lineNo) => executeLine(raw, lineNo, mode, options.thresholds),
    onRecord: (record) => {
      if (record.dropped) dropped++;
      else if (record.lines_removed > 0 || record.replacements > 0) modified++;
      if (record.cancelled) cancelled++;
    },
    onBadLine: options.onBadLine,
    onProgress: options.onProgress,
  });
  return { ...summary, dropped, modified, cancelled };
}

/** Executes one input line; throws BadLine with a message that says what to fix. */
export function executeLine(raw: string, lineNo: number, mode: ParseMode, thresholds?: Partial<Thresholds>): ExecutedRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new BadLine(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadLine('expected a JSON object with a "text" field');
  const doc = value as Record<string, unknown>;
  if (typeof doc.text !== 'string') throw new BadLine(`field "text" is ${doc.text === undefined ? 'missing' : 'not a string'}`);
  const metadata = typeof doc.metadata === 'object' && doc.metadata !== null ? (doc.metadata as Record<string, unknown>) : {};
  const docProgram = programField(doc, metadata, 'doc_program');
  const chunkProgram = programField(doc, metadata, 'chunk_program');
  const id = typeof doc.id === 'string' || typeof doc.id === 'number' ? doc.id : null;

  const execution = executeProgram({ text: doc.text, docProgram, chunkProgram, mode, thresholds });
  let linesRemoved = 0;
  for (const by of execution.removedBy) if (by !== null) linesRemoved++;
  let replacements = 0;
  for (const op of execution.operations) replacements += op.replacements;
  return {
    id,
    line: lineNo,
    text: execution.text,
    dropped: execution.dropped,
    drop_stage: execution.stage,
    drop_reason: execution.dropReason,
    doc_dropped: execution.stage === 'doc',
    cancelled: execution.cancelled,
    errors: execution.errorCount,
    lines_removed: linesRemoved,
    replacements,
  };
}

function programField(doc: Record<string, unknown>, metadata: Record<string, unknown>, name: string): string | null {
  const value = doc[name] !== undefined ? doc[name] : metadata[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new BadLine(`field "${name}" must be a string (the program text) or null`);
  return value;
}

// ---------------------------------------------------------------- command line

export function register(program: Command): void {
  program
    .command('execute')
    .description('Apply stored programs to documents: records with the text and its programs in, refined JSONL out (ProX by default; --dialect ultrax for UltraX)')
    .requiredOption('--in <file>', 'input JSONL ("-" for stdin); ProX programs in doc_program/chunk_program or metadata.doc_program/metadata.chunk_program; ultrax: text (or original) with ultrax_output or model_output, JSONL or .parquet')
    .requiredOption('--out <file>', 'output JSONL ("-" for stdout). ProX: id, line, text, dropped, drop_stage, drop_reason, doc_dropped, cancelled, errors, lines_removed, replacements; ultrax: id, line/row, text, dropped, status, program')
    .addOption(new Option('--dialect <dialect>', 'program dialect: prox, or ultrax (openbmb/UltraX)').choices(['prox', 'ultrax']).default('prox'))
    .addOption(new Option('--mode <mode>', 'prox: program parser, strict or reference (GAIR-NLP/ProX slicing, quirks included)').choices(['strict', 'reference']))
    .option('--min-kept-words <n>', 'prox: drop a document when at most this many words are kept', parseNumber('--min-kept-words'))
    .option('--min-kept-ratio <r>', 'prox: drop a document when kept/original words is at or below this', parseNumber('--min-kept-ratio'))
    .option('--cancel-at-errors <n>', 'prox: ignore a chunk program with this many errors', parseNumber('--cancel-at-errors'))
    .option('--max-chars <n>', `ultrax: window size the replies of an ultrax_output array were made for (default ${DEFAULT_MAX_CHARS})`, parsePositiveInteger('--max-chars'))
    .option('--overlap <ratio>', `ultrax: window overlap ratio (default ${DEFAULT_OVERLAP_RATIO})`, parseRatio('--overlap'))
    .action(async (opts: ExecuteCommandOptions) => {
      if (opts.dialect === 'ultrax') return executeUltraxCommand(opts);
      if (opts.maxChars !== undefined || opts.overlap !== undefined) throw new CliError('--max-chars and --overlap apply to --dialect ultrax only');
      const total = inputSize(opts.in);
      const progress = createByteProgress('execute', total);
      let summary: ExecuteSummary;
      try {
        summary = await executeJsonl({
          input: opts.in,
          output: opts.out,
          mode: opts.mode ?? 'strict',
          thresholds: { minKeptWords: opts.minKeptWords, minKeptWordRatio: opts.minKeptRatio, cancelAtErrors: opts.cancelAtErrors },
          onBadLine: badLinePrinter(opts.in, (line) => progress.log(line)),
          onProgress: (p) => progress.update(p),
        });
      } catch (err) {
        progress.stop();
        if (err instanceof CliError) throw err; // already says what happened (an interrupt: its own exit code)
        throw new CliError(`execute failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      progress.stop();
      const rate = summary.seconds > 0 ? summary.documents / summary.seconds : 0;
      process.stderr.write(
        `executed ${summary.documents} documents in ${summary.seconds.toFixed(1)} s (${Math.round(rate)} docs/s): ` +
          `${summary.dropped} dropped, ${summary.modified} modified, ${summary.cancelled} programs cancelled` +
          `${summary.badLines > 0 ? `; ${summary.badLines} bad input lines skipped` : ''}\n`,
      );
    });
}

interface ExecuteCommandOptions {
  in: string;
  out: string;
  dialect: 'prox' | 'ultrax';
  mode?: ParseMode;
  minKeptWords?: number;
  minKeptRatio?: number;
  cancelAtErrors?: number;
  maxChars?: number;
  overlap?: number;
}

async function executeUltraxCommand(opts: ExecuteCommandOptions): Promise<void> {
  const proxOnly = [opts.mode && '--mode', opts.minKeptWords !== undefined && '--min-kept-words', opts.minKeptRatio !== undefined && '--min-kept-ratio', opts.cancelAtErrors !== undefined && '--cancel-at-errors'].filter(Boolean);
  if (proxOnly.length > 0) throw new CliError(`${proxOnly.join(', ')} apply to --dialect prox only: UltraX has no thresholds or parse modes`);
  const progress = createByteProgress('execute', inputSize(opts.in));
  let summary;
  try {
    summary = await executeUltraxRecords({
      input: opts.in,
      output: opts.out,
      maxChars: opts.maxChars ?? DEFAULT_MAX_CHARS,
      overlapRatio: opts.overlap ?? DEFAULT_OVERLAP_RATIO,
      onBadLine: badLinePrinter(opts.in, (line) => progress.log(line), isParquet(opts.in) ? 'row' : 'line'),
      onProgress: (p) => progress.update(p),
    });
  } catch (err) {
    progress.stop();
    if (err instanceof CliError) throw err;
    throw new CliError(`execute failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  progress.stop();
  const s = summary.byStatus;
  process.stderr.write(
    `executed ${summary.documents} documents in ${summary.seconds.toFixed(1)} s: ${s.modified} modified, ${s.remove_all} dropped, ${s.keep_all} kept as they were, ` +
      `${s.looping} looping programs not run, ${s.failed} failed` +
      `${summary.badLines > 0 ? `; ${summary.badLines} bad input ${summary.positionName}s skipped` : ''}\n`,
  );
}

function parsePositiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} needs a whole number of at least 1.`);
    return n;
  };
}

function parseRatio(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError(`${flag} needs a number from 0 up to (not including) 1.`);
    return n;
  };
}

function parseNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} needs a non-negative number.`);
    return n;
  };
}
