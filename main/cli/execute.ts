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
    .description('Apply stored ProX programs to documents: JSONL with text + doc_program/chunk_program in, refined JSONL out')
    .requiredOption('--in <file>', 'input JSONL ("-" for stdin); programs in doc_program/chunk_program or metadata.doc_program/metadata.chunk_program')
    .requiredOption('--out <file>', 'output JSONL ("-" for stdout): id, line, text, dropped, drop_stage, drop_reason, doc_dropped, cancelled, errors, lines_removed, replacements')
    .addOption(new Option('--mode <mode>', 'program parser: strict, or reference (GAIR-NLP/ProX slicing, quirks included)').choices(['strict', 'reference']).default('strict'))
    .option('--min-kept-words <n>', 'drop a document when at most this many words are kept', parseNumber('--min-kept-words'))
    .option('--min-kept-ratio <r>', 'drop a document when kept/original words is at or below this', parseNumber('--min-kept-ratio'))
    .option('--cancel-at-errors <n>', 'ignore a chunk program with this many errors', parseNumber('--cancel-at-errors'))
    .action(async (opts: { in: string; out: string; mode: ParseMode; minKeptWords?: number; minKeptRatio?: number; cancelAtErrors?: number }) => {
      const total = inputSize(opts.in);
      const progress = createByteProgress('execute', total);
      let summary: ExecuteSummary;
      try {
        summary = await executeJsonl({
          input: opts.in,
          output: opts.out,
          mode: opts.mode,
          thresholds: { minKeptWords: opts.minKeptWords, minKeptWordRatio: opts.minKeptRatio, cancelAtErrors: opts.cancelAtErrors },
          onBadLine: badLinePrinter(opts.in, (line) => progress.log(line)),
          onProgress: (p) => progress.update(p),
        });
      } catch (err) {
        progress.stop();
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

function parseNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} needs a non-negative number.`);
    return n;
  };
}
