import { promises as fs, close, createWriteStream, fdatasync, fstat, fsync, open, type WriteStream } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Writable } from 'node:stream';
import { describeFsError } from '../corpus/errors';
import { escapesOnlyNewlines, jsonStringBody, writeNewlinesEscaped } from './json-string';
import { createZstdCompressor } from './zstd';
import { processAlive } from '../util/process-alive';

import type { Compression } from '../../contract/api';
import { compressionFor } from '../../contract/export-names';

export type { Compression };

export interface JsonlWriterOptions {
  /** Default: from the extension (.gz → gzip, .zst/.zstd → zstd, otherwise none). */
  compression?: Compression;
  /** gzip 1–9 (default 6), zstd 1–19 (default 3). */
  level?: number;
}

export interface ExportSummary {
  path: string;
  /** Bytes written to disk (compressed size when compressed). */
  bytes: number;
  /** Bytes of JSONL before compression. */
  uncompressedBytes: number;
  records: number;
}

export interface JsonlWriter {
  readonly path: string;
  readonly tempPath: string;
  readonly compression: Compression;
  /** Adds one record. Returns a promise when the caller should wait (the pipeline is full). */
  write(record: unknown): Promise<void> | void;
  /**
   * Adds one record the caller encoded as JSON except for one string value: the line is
   * `before`, then `text` JSON-escaped without its quotes, then `after` (the quotes belong to
   * `before` and `after`). The text is escaped straight into the output, never copied into a
   * line string. The caller answers for the JSON being valid. Returns a promise like write().
   */
  writeJsonLine(before: string, text: string, after: string): Promise<void> | void;
  /** Flushes, fsyncs and renames the temp file to the final path. */
  commit(): Promise<ExportSummary>;
  /** Stops and removes the temp file; the final path is left untouched. */
  abort(reason?: string): Promise<void>;
}

/** An export failed; the message names the file and says what to do. No partial file is left. */
export class ExportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExportError';
  }
}

export { compressionFor };

/** Records are encoded into batches of this size before entering the pipeline. */
const BATCH_BYTES = 1 << 20;
/** A batch is sent once it is this full; the slack avoids a flush for every record near the end. */
const FLUSH_AT_BYTES = BATCH_BYTES - (64 << 10);
/** Bytes that may queue for the disk before write() asks the caller to wait: several batches, so serializing and writing overlap. */
const PIPELINE_BYTES = 8 << 20;
/** Uncompressed bytes between background flushes of the file to disk. */
const SYNC_EVERY_BYTES = 32 << 20;
/** Written batches kept for reuse: enough for a full pipeline. */
const MAX_SPARE_BATCHES = (PIPELINE_BYTES / BATCH_BYTES) * 2;

/**
 * Deletes the temp files earlier exports to `finalPath` left when their process died (a
 * SIGKILL, a power cut): `.<name>.<pid>.tmp` whose pid no longer runs. Returns what it removed.
 */
export async function removeStaleTempFiles(finalPath: string): Promise<string[]> {
  const dir = path.dirname(finalPath);
  const prefix = `.${path.basename(finalPath)}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pidText = name.slice(prefix.length, -'.tmp'.length);
    if (!/^[0-9]+$/.test(pidText)) continue;
    const pid = Number(pidText);
    if (pid === process.pid || processAlive(pid)) continue;
    const stale = path.join(dir, name);
    await fs.rm(stale, { force: true });
    removed.push(stale);
  }
  return removed;
}

/**
 * Opens a JSONL export. Everything goes to `.<name>.<pid>.tmp` beside the target and is only
 * renamed over the target by commit(), after an fsync, so readers of the target never see a
 * half-written file; any failure (disk full, permission, a bad record) removes the temp file.
 */
export async function openJsonlWriter(target: string, options: JsonlWriterOptions = {}): Promise<JsonlWriter> {
  const finalPath = path.resolve(target);
  const dir = path.dirname(finalPath);
  const tempPath = path.join(dir, `.${path.basename(finalPath)}.${process.pid}.tmp`);
  const compression = options.compression ?? compressionFor(finalPath);

  const dirStat = await fs.stat(dir).catch((error: unknown) => {
    throw new ExportError(`Cannot export to ${finalPath}: the folder ${dir} is not usable (${describeFsError(error)}). Create it or choose another folder.`, { cause: error });
  });
  if (!dirStat.isDirectory()) throw new ExportError(`Cannot export to ${finalPath}: ${dir} is not a folder.`);
  const targetStat = await fs.stat(finalPath).catch(() => null);
  if (targetStat?.isDirectory()) throw new ExportError(`Cannot export to ${finalPath}: a folder with that name exists. Choose a file name.`);
  await removeStaleTempFiles(finalPath);

  const fd = await promisify(open)(tempPath, 'wx', 0o644).catch((error: unknown) => {
    const busy = (error as { code?: unknown }).code === 'EEXIST';
    throw new ExportError(
      busy
        ? `Cannot export to ${finalPath}: ${tempPath} exists, so another export to this file is running (or one crashed; then delete that file).`
        : `Cannot create ${tempPath} to export ${finalPath}: ${describeFsError(error)}.`,
      { cause: error },
    );
  });
  // A plain descriptor, not a FileHandle: a FileHandle lent to a WriteStream cannot be
  // closed by us afterwards (close() waits on the stream forever), and we must fsync first.
  let fdOpen = true;
  const closeFd = async (): Promise<void> => {
    if (!fdOpen) return;
    fdOpen = false; // never close twice: the number may already belong to another file
    await promisify(close)(fd);
  };
  const file: WriteStream = createWriteStream('', { fd, autoClose: false, highWaterMark: PIPELINE_BYTES });

  let head: Writable = file;
  let encoder: Writable | null = null;
  try {
    if (compression === 'gzip') encoder = createGzip({ level: options.level ?? 6, chunkSize: 256 * 1024 });
    else if (compression === 'zstd') encoder = await createZstdCompressor(options.level ?? 3);
  } catch (error) {
    await closeFd().catch(() => undefined);
    await fs.rm(tempPath, { force: true });
    throw new ExportError(`Cannot start ${compression} compression for ${finalPath}: ${describeFsError(error)}.`, { cause: error });
  }
  if (encoder) {
    encoder.pipe(file);
    head = encoder;
  }

  let failure: ExportError | null = null;
  let state: 'open' | 'committing' | 'done' = 'open';
  // Records are UTF-8-encoded straight into a batch buffer (no join, no second copy).
  let batch = Buffer.allocUnsafe(BATCH_BYTES);
  let batchUsed = 0;
  let records = 0;
  let uncompressedBytes = 0;

  let cleaning: Promise<void> | null = null;
  const cleanUp = (): Promise<void> => {
    cleaning ??= (async () => {
      encoder?.destroy();
      file.destroy();
      await closeFd().catch(() => undefined);
      await fs.rm(tempPath, { force: true }).catch(() => undefined);
    })();
    return cleaning;
  };
  const fail = (error: unknown, during: string): ExportError => {
    if (!failure) {
      failure =
        error instanceof ExportError
          ? error
          : new ExportError(`Export to ${finalPath} failed while ${during}: ${describeFsError(error)}. Nothing was written to ${path.basename(finalPath)}.`, { cause: error });
      state = 'done';
      void cleanUp();
    }
    return failure;
  };
  const onStreamError = (error: unknown): void => {
    fail(error, 'writing');
  };
  file.on('error', onStreamError);
  encoder?.on('error', onStreamError);

  // Batches go back to a free list once the stream is done with them: fresh 1 MB buffers for
  // every batch cost page faults, and their external memory made V8 run a full GC every few
  // dozen MB (measured: a tenth of an export's time).
  const spare: (typeof batch)[] = [];
  // The file is flushed to disk in the background as it grows, so that commit's fsync only
  // waits for the tail instead of the whole export (measured: ~0.1 s per 100 MB).
  let syncing: Promise<void> | null = null;
  let syncedAt = 0;
  const syncInBackground = (): void => {
    if (syncing || uncompressedBytes - syncedAt < SYNC_EVERY_BYTES) return;
    syncedAt = uncompressedBytes;
    syncing = promisify(fdatasync)(fd).then(
      () => void (syncing = null),
      (error: unknown) => void fail(error, 'flushing to disk'),
    );
  };
  const flushBatch = (): Promise<void> | void => {
    if (batchUsed === 0) return;
    const full = batch;
    const buffer = full.subarray(0, batchUsed);
    // The stream keeps a reference until written, so the next batch needs other memory.
    batch = spare.pop() ?? Buffer.allocUnsafe(BATCH_BYTES);
    batchUsed = 0;
    uncompressedBytes += buffer.length;
    syncInBackground();
    const recycle = full.length === BATCH_BYTES ? () => void (spare.length < MAX_SPARE_BATCHES && spare.push(full)) : undefined;
    if (head.write(buffer, recycle)) return;
    return waitForDrain();
  };
  const waitForDrain = async (): Promise<void> => {
    // Resolves on 'drain', rejects with the stream's error: whichever comes first.
    const aborter = new AbortController();
    try {
      await Promise.race([once(head, 'drain', { signal: aborter.signal }), once(head, 'error', { signal: aborter.signal })]);
    } catch (error) {
      if (!failure) fail(error, 'writing');
    } finally {
      aborter.abort();
    }
    if (failure) throw failure;
  };

  const checkOpen = (): void => {
    if (failure) throw failure;
    if (state !== 'open') throw new ExportError(`Export to ${finalPath} is already finished; no more records can be written.`);
  };
  /** Makes room for a line of at most `worstCase` bytes (its newline included); a promise when the caller should wait. */
  const reserve = (worstCase: number): Promise<void> | void => {
    if (batchUsed + worstCase <= batch.length) return;
    const pending = flushBatch();
    // A record larger than a batch gets its own buffer.
    if (worstCase > batch.length) batch = Buffer.allocUnsafe(worstCase);
    return pending;
  };
  /** Ends the line just written; `pending` is what reserve() returned. */
  const endLine = (pending: Promise<void> | void): Promise<void> | void => {
    batch[batchUsed++] = 0x0a;
    records += 1;
    if (batchUsed >= FLUSH_AT_BYTES) return pending ? pending.then(flushBatch) : flushBatch();
    return pending;
  };

  return {
    path: finalPath,
    tempPath,
    compression,
    write(record: unknown): Promise<void> | void {
      checkOpen();
      let line: string | undefined;
      try {
        line = JSON.stringify(record);
      } catch (error) {
        throw fail(new ExportError(`Export to ${finalPath} failed: record ${records + 1} cannot be written as JSON (${describeFsError(error)}). Nothing was written.`), 'encoding');
      }
      if (line === undefined) {
        throw fail(new ExportError(`Export to ${finalPath} failed: record ${records + 1} is not a JSON value (${typeof record}). Nothing was written.`), 'encoding');
      }
      // A UTF-16 unit takes at most 3 UTF-8 bytes.
      const pending = reserve(line.length * 3 + 1);
      batchUsed += batch.write(line, batchUsed, 'utf8');
      return endLine(pending);
    },
    writeJsonLine(before: string, text: string, after: string): Promise<void> | void {
      checkOpen();
      const escaped = escapesOnlyNewlines(text) ? null : jsonStringBody(text);
      // A UTF-16 unit takes at most 3 UTF-8 bytes, an escaped newline 2.
      const pending = reserve((before.length + (escaped ?? text).length + after.length) * 3 + 1);
      batchUsed += batch.write(before, batchUsed, 'utf8');
      if (escaped === null) batchUsed = writeNewlinesEscaped(batch, batchUsed, text);
      else batchUsed += batch.write(escaped, batchUsed, 'utf8');
      batchUsed += batch.write(after, batchUsed, 'utf8');
      return endLine(pending);
    },
    async commit(): Promise<ExportSummary> {
      if (failure) throw failure;
      if (state !== 'open') throw new ExportError(`Export to ${finalPath} was already committed.`);
      state = 'committing';
      try {
        await flushBatch();
        head.end();
        if (file.writableFinished !== true) await once(file, 'finish');
        await syncing;
        if (failure) throw failure;
        await promisify(fsync)(fd);
        const bytes = (await promisify(fstat)(fd)).size;
        await closeFd();
        await fs.rename(tempPath, finalPath);
        await syncDirectory(dir);
        state = 'done';
        return { path: finalPath, bytes, uncompressedBytes, records };
      } catch (error) {
        throw fail(error, 'finishing the file');
      }
    },
    async abort(reason?: string): Promise<void> {
      if (state === 'done' && !failure) return;
      if (failure) return cleanUp();
      state = 'done';
      if (!failure) failure = new ExportError(`Export to ${finalPath} was cancelled${reason ? `: ${reason}` : ''}.`);
      await cleanUp();
    },
  };
}

/** Makes the rename itself durable; not all platforms allow opening a directory, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
