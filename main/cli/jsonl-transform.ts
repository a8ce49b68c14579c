/**
 * The plumbing of a JSONL-in, JSONL-out command (`execute`, `program`): stream the input line
 * by line (stdin with `-`), map each line to one output record, skip bad lines with a message,
 * batch writes with backpressure, and write through a temp file that is renamed at the end
 * (stdout with `-`), so a failure never leaves a partial output file.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { StreamProgress } from './byte-progress';
import { CliError } from './errors';

/** Thrown by a line mapper for an input line to skip; the message says what to fix. */
export class BadLine extends Error {}

export interface JsonlTransformOptions<R> {
  /** Input path, or `-` for stdin. */
  readonly input: string;
  /** Output path, or `-` for stdout. */
  readonly output: string;
  /** Maps one non-blank input line (1-based number) to its output record; throws BadLine to skip it. */
  readonly map: (raw: string, lineNo: number) => R;
  /** Sees every record written, e.g. to count outcomes. */
  readonly onRecord?: (record: R) => void;
  readonly onBadLine?: (lineNo: number, message: string) => void;
  readonly onProgress?: (progress: StreamProgress) => void;
}

export interface JsonlTransformSummary {
  readonly documents: number;
  readonly badLines: number;
  readonly bytesRead: number;
  readonly seconds: number;
}

const WRITE_BATCH_CHARS = 1 << 16;
const PROGRESS_INTERVAL_MS = 200;

export async function transformJsonl<R>(options: JsonlTransformOptions<R>): Promise<JsonlTransformSummary> {
  const started = performance.now();
  const source = options.input === '-' ? process.stdin : createReadStream(options.input);
  const toStdout = options.output === '-';
  const temporary = toStdout ? null : `${options.output}.tmp-${process.pid}`;
  const sink = temporary === null ? process.stdout : createWriteStream(temporary);
  const sinkFailed = new Promise<never>((_, reject) => sink.once('error', reject));
  sinkFailed.catch(() => undefined); // observed below; avoids an unhandled rejection meanwhile
  const readFailed = new Promise<never>((_, reject) => source.once('error', reject));
  readFailed.catch(() => undefined);
  const bytesRead = (): number => ('bytesRead' in source && typeof source.bytesRead === 'number' ? source.bytesRead : 0);

  let documents = 0;
  let badLines = 0;
  let lineNo = 0;
  let pending = '';
  let lastProgress = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const ok = sink.write(pending);
    pending = '';
    if (!ok) await Promise.race([once(sink, 'drain'), sinkFailed]);
  };

  try {
    const lines = createInterface({ input: source, crlfDelay: Infinity });
    const reading = (async () => {
      for await (const raw of lines) {
        lineNo++;
        if (raw.trim().length === 0) continue;
        let record: R;
        try {
          record = options.map(raw, lineNo);
        } catch (err) {
          if (!(err instanceof BadLine)) throw err;
          badLines++;
          options.onBadLine?.(lineNo, err.message);
          continue;
        }
        documents++;
        options.onRecord?.(record);
        pending += `${JSON.stringify(record)}\n`;
        if (pending.length >= WRITE_BATCH_CHARS) await flush();
        const now = performance.now();
        if (options.onProgress && now - lastProgress > PROGRESS_INTERVAL_MS) {
          lastProgress = now;
          options.onProgress({ documents, bytesRead: bytesRead() });
        }
      }
    })();
    await Promise.race([reading, readFailed]);
    await flush();
    if (temporary !== null) {
      sink.end();
      await Promise.race([once(sink, 'finish'), sinkFailed]);
      renameSync(temporary, options.output);
    }
  } catch (err) {
    if (temporary !== null) {
      // The stream may still be opening its file: wait until it is closed, then remove it.
      const closed = once(sink, 'close').catch(() => undefined);
      sink.destroy();
      await closed;
      rmSync(temporary, { force: true });
    }
    throw err;
  }
  options.onProgress?.({ documents, bytesRead: bytesRead() });
  return { documents, badLines, bytesRead: bytesRead(), seconds: (performance.now() - started) / 1000 };
}

/** Checks `--in` before anything is written; returns its size for progress (0 for stdin). */
export function inputSize(input: string): number {
  if (input === '-') return 0;
  let stat;
  try {
    stat = statSync(input);
  } catch (err) {
    throw new CliError(`cannot read --in ${input}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!stat.isFile()) throw new CliError(`--in ${input} is not a file`);
  return stat.size;
}

const MAX_PRINTED_BAD_LINES = 100;

/** Prints `input:line: message; line skipped` for the first bad lines, then one line saying more were cut. */
export function badLinePrinter(input: string, log: (line: string) => void): (lineNo: number, message: string) => void {
  const label = input === '-' ? 'stdin' : input;
  let printed = 0;
  return (lineNo, message) => {
    printed++;
    if (printed <= MAX_PRINTED_BAD_LINES) log(`${label}:${lineNo}: ${message}; line skipped`);
    else if (printed === MAX_PRINTED_BAD_LINES + 1) log(`${label}: more bad lines; only the first ${MAX_PRINTED_BAD_LINES} are shown`);
  };
}
