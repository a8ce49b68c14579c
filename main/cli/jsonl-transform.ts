/**
 * The plumbing of a records-in, JSONL-out command (`execute`, `program`, `prompt`): stream the
 * input record by record (JSONL line by line, stdin with `-`; or any record source, such as
 * parquet rows), map each to one output record, skip bad ones with a message, batch writes
 * with backpressure, and write through a temp file that is renamed at the end (stdout with
 * `-`), so a failure never leaves a partial output file.
 *
 * The mapping is either synchronous, one record at a time (`map`), or asynchronous over batches
 * of records (`mapBatch`: a model programmer answering many documents at once); either way the
 * output keeps the input order, and Ctrl-C / SIGTERM aborts the batch in flight.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { StreamProgress } from './byte-progress';
import { CliError } from './errors';
import { onInterrupt } from './signals';
import { processAlive } from '../util/process-alive';

/** Thrown by a line mapper for an input line to skip; the message says what to fix. */
export class BadLine extends Error {}

/** One non-blank input line and its 1-based number. */
export interface JsonlLine {
  readonly raw: string;
  readonly lineNo: number;
}

/**
 * Maps a batch of input records, in order, to one result each: the output record, or a BadLine
 * to skip that record. `signal` aborts when the user interrupts (Ctrl-C, SIGTERM); the mapper
 * should then stop and throw.
 */
export type BatchMapper<I, R> = (items: readonly I[], signal: AbortSignal | undefined) => Promise<ReadonlyArray<R | BadLine>>;

/** How records become output records: one at a time, synchronously, or in asynchronous batches. */
export type RecordMapping<I, R> =
  | {
      /** Maps one input record to its output record; throws BadLine to skip it. */
      readonly map: (item: I) => R;
      readonly mapBatch?: undefined;
    }
  | {
      readonly map?: undefined;
      readonly mapBatch: BatchMapper<I, R>;
      /** Records per batch (the last one may be smaller). */
      readonly batchSize: number;
    };

interface JsonlTransformBase<R> {
  /** Input path, or `-` for stdin. */
  readonly input: string;
  /** Output path, or `-` for stdout. */
  readonly output: string;
  /** Sees every record written, e.g. to count outcomes. */
  readonly onRecord?: (record: R) => void;
  readonly onBadLine?: (lineNo: number, message: string) => void;
  readonly onProgress?: (progress: StreamProgress) => void;
}

export type JsonlTransformOptions<R> = JsonlTransformBase<R> &
  (
    | {
        /** Maps one non-blank input line (1-based number) to its output record; throws BadLine to skip it. */
        readonly map: (raw: string, lineNo: number) => R;
        readonly mapBatch?: undefined;
      }
    | { readonly map?: undefined; readonly mapBatch: BatchMapper<JsonlLine, R>; readonly batchSize: number }
  );

export interface JsonlTransformSummary {
  readonly documents: number;
  readonly badLines: number;
  readonly bytesRead: number;
  readonly seconds: number;
}

const WRITE_BATCH_CHARS = 1 << 16;
const PROGRESS_INTERVAL_MS = 200;

export async function transformJsonl<R>(options: JsonlTransformOptions<R>): Promise<JsonlTransformSummary> {
  const source = options.input === '-' ? process.stdin : createReadStream(options.input);
  const readFailed = new Promise<never>((_, reject) => source.once('error', reject));
  readFailed.catch(() => undefined); // observed by transformRecords; avoids an unhandled rejection meanwhile
  async function* lines(): AsyncGenerator<JsonlLine> {
    let lineNo = 0;
    for await (const raw of createInterface({ input: source, crlfDelay: Infinity })) {
      lineNo++;
      if (raw.trim().length > 0) yield { raw, lineNo };
    }
  }
  const map = options.map;
  const mapping: RecordMapping<JsonlLine, R> = map ? { map: (item) => map(item.raw, item.lineNo) } : { mapBatch: options.mapBatch, batchSize: options.batchSize };
  return transformRecords({
    ...mapping,
    records: lines(),
    readFailed,
    bytesRead: () => ('bytesRead' in source && typeof source.bytesRead === 'number' ? source.bytesRead : 0),
    output: options.output,
    position: (item) => item.lineNo,
    onRecord: options.onRecord,
    onBadLine: options.onBadLine,
    onProgress: options.onProgress,
  });
}

interface RecordTransformBase<I, R> {
  /** The input records, in order. */
  readonly records: AsyncIterable<I>;
  /** Rejects when reading fails in a way the iteration may not surface (a stream error under readline). */
  readonly readFailed?: Promise<never>;
  /** Input consumed so far, for progress. */
  readonly bytesRead: () => number;
  /** Output path, or `-` for stdout. */
  readonly output: string;
  /** Where a record is in the input (line or row), for bad-record messages. */
  readonly position: (item: I) => number;
  readonly onRecord?: (record: R) => void;
  readonly onBadLine?: (position: number, message: string) => void;
  readonly onProgress?: (progress: StreamProgress) => void;
}

export type RecordTransformOptions<I, R> = RecordTransformBase<I, R> & RecordMapping<I, R>;

/** The output half of every transform: one JSON line per record, batched, through a temp file renamed at the end. */
export async function transformRecords<I, R>(options: RecordTransformOptions<I, R>): Promise<JsonlTransformSummary> {
  const started = performance.now();
  const toStdout = options.output === '-';
  const temporary = toStdout ? null : `${options.output}.tmp-${process.pid}`;
  if (!toStdout) removeStaleTemporaries(options.output);
  // Ctrl-C / SIGTERM: stop reading, delete the temp file, leave --out as it was.
  const interrupt = toStdout ? null : onInterrupt(`writing ${options.output}`);
  const sink = temporary === null ? process.stdout : createWriteStream(temporary);
  const sinkFailed = new Promise<never>((_, reject) => sink.once('error', reject));
  sinkFailed.catch(() => undefined); // observed below; avoids an unhandled rejection meanwhile

  let documents = 0;
  let badLines = 0;
  let pending = '';
  let lastProgress = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const ok = sink.write(pending);
    pending = '';
    if (!ok) await Promise.race([once(sink, 'drain'), sinkFailed]);
  };

  try {
    const write = async (record: R): Promise<void> => {
      documents++;
      options.onRecord?.(record);
      pending += `${JSON.stringify(record)}\n`;
      if (pending.length >= WRITE_BATCH_CHARS) await flush();
      const now = performance.now();
      if (options.onProgress && now - lastProgress > PROGRESS_INTERVAL_MS) {
        lastProgress = now;
        options.onProgress({ documents, bytesRead: options.bytesRead() });
      }
    };
    const skip = (item: I, err: BadLine): void => {
      badLines++;
      options.onBadLine?.(options.position(item), err.message);
    };
    const signal = interrupt?.signal;
    const reading = (async () => {
      if (options.mapBatch) {
        const { mapBatch } = options;
        const batchSize = options.batchSize;
        if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
        let batch: I[] = [];
        const runBatch = async (): Promise<void> => {
          const items = batch;
          batch = [];
          const results = await mapBatch(items, signal);
          if (signal?.aborted) throw signal.reason;
          if (results.length !== items.length) throw new Error(`the batch mapper returned ${results.length} results for ${items.length} records`);
          for (let i = 0; i < items.length; i++) {
            const result = results[i]!;
            if (result instanceof BadLine) skip(items[i]!, result);
            else await write(result);
          }
        };
        for await (const item of options.records) {
          if (signal?.aborted) throw signal.reason;
          batch.push(item);
          if (batch.length >= batchSize) await runBatch();
        }
        if (batch.length > 0) await runBatch();
        return;
      }
      const { map } = options;
      for await (const item of options.records) {
        if (signal?.aborted) throw signal.reason;
        let record: R;
        try {
          record = map(item);
        } catch (err) {
          if (!(err instanceof BadLine)) throw err;
          skip(item, err);
          continue;
        }
        await write(record);
      }
    })();
    await (options.readFailed ? Promise.race([reading, options.readFailed]) : reading);
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
    if (interrupt?.signal.aborted) throw new CliError(`interrupted by ${interrupt.received ?? 'a signal'}: ${options.output} was not written, and no temp file is left`, interrupt.exitCode);
    throw err;
  } finally {
    interrupt?.dispose();
  }
  options.onProgress?.({ documents, bytesRead: options.bytesRead() });
  return { documents, badLines, bytesRead: options.bytesRead(), seconds: (performance.now() - started) / 1000 };
}

/** Deletes `<output>.tmp-<pid>` files that runs killed earlier left (their pid no longer runs). */
function removeStaleTemporaries(output: string): void {
  const prefix = `${basename(output)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dirname(resolve(output)));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = name.slice(prefix.length);
    if (!/^[0-9]+$/.test(pid) || Number(pid) === process.pid || processAlive(Number(pid))) continue;
    rmSync(join(dirname(resolve(output)), name), { force: true });
  }
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

/**
 * Prints `input:line: message; line skipped` (parquet: `input: row N: message; row skipped`)
 * for the first bad records, then one line saying more were cut.
 */
export function badLinePrinter(input: string, log: (line: string) => void, unit: 'line' | 'row' = 'line'): (position: number, message: string) => void {
  const label = input === '-' ? 'stdin' : input;
  let printed = 0;
  return (position, message) => {
    printed++;
    const where = unit === 'line' ? `${label}:${position}` : `${label}: row ${position}`;
    if (printed <= MAX_PRINTED_BAD_LINES) log(`${where}: ${message}; ${unit} skipped`);
    else if (printed === MAX_PRINTED_BAD_LINES + 1) log(`${label}: more bad ${unit}s; only the first ${MAX_PRINTED_BAD_LINES} are shown`);
  };
}
