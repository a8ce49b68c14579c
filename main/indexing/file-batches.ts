/**
 * The CPU-heavy half of indexing, with no database: read one source file, parse it and compute
 * each document's facts (content hash, word count, title), handing documents on in batches of
 * columns. It runs in the read worker (read-worker.ts) while the main thread only writes to
 * SQLite, or in-thread for small scans; both give the same batches.
 */
import { createHash, hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { describeFsError } from '../corpus/errors';
import { readSource } from '../corpus/read';
import type { ReadIssue, SourceFile } from '../corpus/types';
import { countWordsFast, titleOf } from '../corpus/text-facts';

/**
 * Documents of one file in file order, as parallel columns. The texts travel as UTF-8 bytes in
 * one buffer (moved, not copied, between threads, and never a JS string on the writing side:
 * fewer copies and far less garbage collection there).
 */
export interface DocBatch {
  /** UTF-8 text of every document, back to back; document i ends at textEnds[i]. */
  readonly text: Uint8Array;
  readonly textEnds: number[];
  /** Length of each text in UTF-16 code units (JS string length, what `chars` stores). */
  readonly chars: number[];
  readonly externalIds: (string | null)[];
  /** The record's other fields as JSON (CorpusDocument.extra), null where it has none. */
  readonly extras: (string | null)[];
  readonly locators: (number | null)[];
  readonly contentHashes: string[];
  readonly words: number[];
  readonly titles: string[];
  /** Issues found since the previous batch, in file order. */
  readonly issues: ReadIssue[];
  /** Bytes of the file on disk consumed so far, for progress. */
  bytesRead: number;
}

/**
 * `end` closes one file's events. Its fileHash is null when the file could not be read to the
 * end (permission denied, removed during the scan, an unexpected reader failure): its
 * documents so far and an issue saying why were handed on, and the indexer keeps the file
 * incomplete, so the next scan reads it again.
 */
export type FileBatchEvent = { type: 'batch'; batch: DocBatch } | { type: 'end'; fileHash: string | null };

export interface ReadBatchOptions {
  readonly textField?: string;
  readonly idField?: string;
  readonly signal?: AbortSignal;
  /** Text buffer size of a batch (bytes); a larger document gets a batch of its own. */
  readonly batchBytes?: number;
  /** A batch is handed on once it holds this many documents. */
  readonly batchDocs?: number;
  /** Where text buffers come from when they can be reused (its size is the batch size then). */
  readonly pool?: BufferPool;
}

/** A few MB per batch: large enough that per-message costs vanish, small enough to keep memory flat. */
export const DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
export const DEFAULT_BATCH_DOCS = 2_000;

/** The byte length of a finished batch's text. */
export function batchTextBytes(batch: DocBatch): number {
  return batch.textEnds.length === 0 ? 0 : batch.textEnds[batch.textEnds.length - 1]!;
}

/**
 * Text buffers given back after their batch was written, for reuse: a fresh buffer costs a
 * page fault per 4 KiB on first write, which measured more than the UTF-8 encoding itself.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    readonly size: number = DEFAULT_BATCH_BYTES,
    private readonly keep = 24,
  ) {}

  take(): ArrayBuffer | undefined {
    return this.free.pop();
  }

  /** Only full-size buffers are kept (one big document's buffer is let go). */
  give(buffer: ArrayBufferLike): void {
    if (buffer instanceof ArrayBuffer && buffer.byteLength === this.size && this.free.length < this.keep) this.free.push(buffer);
  }
}

class BatchBuilder {
  /** Allocated on the first document, so a file without documents costs no buffer. */
  private buffer: Buffer | null = null;
  private used = 0;
  private batch: DocBatch;

  constructor(
    private readonly capacity: number,
    private readonly pool: BufferPool | undefined,
  ) {
    this.batch = this.fresh(0);
  }

  get documents(): number {
    return this.batch.textEnds.length;
  }

  get issues(): number {
    return this.batch.issues.length;
  }

  /** False when the text might not fit (UTF-8 needs at most 3 bytes per UTF-16 unit): take() first. */
  fits(text: string): boolean {
    return this.used + 3 * text.length <= (this.buffer?.length ?? this.capacity);
  }

  add(text: string, externalId: string | null, locator: number | null, extra: string | null): void {
    if (this.buffer === null || !this.fits(text)) {
      // Only an empty batch gets here (the caller takes a full one first): size it for this text.
      this.buffer = this.allocate(text);
    }
    const buffer = this.buffer;
    const start = this.used;
    this.used += buffer.write(text, start, 'utf8');
    const b = this.batch;
    b.textEnds.push(this.used);
    b.chars.push(text.length);
    b.externalIds.push(externalId);
    b.extras.push(extra);
    b.locators.push(locator);
    // The same value as contentHash(text) (crypto hashes a string as its UTF-8 bytes), without
    // encoding the text a second time.
    b.contentHashes.push(hash('sha256', buffer.subarray(start, this.used), 'hex').slice(0, 32));
    b.words.push(countWordsFast(text));
    // A title sliced from the text would keep the whole text alive until the batch is posted
    // (V8 slices share their parent): a copy lets each text die young, as measured in GC time.
    b.titles.push(Buffer.from(titleOf(text)).toString());
  }

  addIssue(issue: ReadIssue, bytesRead: number): void {
    this.batch.issues.push(issue);
    this.batch.bytesRead = bytesRead;
  }

  setBytesRead(bytesRead: number): void {
    this.batch.bytesRead = bytesRead;
  }

  /** The batch so far (its text trimmed to what is used), and a new empty one. */
  take(): DocBatch {
    const text = this.buffer === null ? new Uint8Array(0) : new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.used);
    const done: DocBatch = { ...this.batch, text };
    this.buffer = null;
    this.used = 0;
    this.batch = this.fresh(done.bytesRead);
    return done;
  }

  private allocate(text: string): Buffer {
    if (this.pool && this.capacity === this.pool.size && 3 * text.length <= this.capacity) {
      const reused = this.pool.take();
      if (reused) return Buffer.from(reused);
    }
    return Buffer.allocUnsafeSlow(Math.max(this.capacity, Buffer.byteLength(text)));
  }

  private fresh(bytesRead: number): DocBatch {
    return { text: new Uint8Array(0), textEnds: [], chars: [], externalIds: [], extras: [], locators: [], contentHashes: [], words: [], titles: [], issues: [], bytesRead };
  }
}

/**
 * Batches of one file's documents and issues, then its sha256: of the bytes as they were read
 * where the format streams the file, else read after the documents (either way a file changed
 * during the read gets a hash that no longer matches and is read again later).
 */
export async function* readFileBatches(file: SourceFile, options: ReadBatchOptions = {}): AsyncGenerator<FileBatchEvent> {
  const maxDocs = options.batchDocs ?? DEFAULT_BATCH_DOCS;
  const batchBytes = options.pool?.size ?? options.batchBytes ?? DEFAULT_BATCH_BYTES;
  // A small uncompressed file needs no full-size buffer (UTF-8 of its texts <= its size, but
  // fits() reserves 3 bytes per character for the next text).
  const compressed = file.format === 'jsonl.gz' || file.format === 'jsonl.zst' || file.format === 'parquet';
  const builder = new BatchBuilder(compressed ? batchBytes : Math.min(batchBytes, 3 * file.size + 1024), options.pool);
  // Hash the bytes as they are read where the format streams the file; else read it again after.
  const streamHash = createHash('sha256');
  let hashedBytes = 0;
  let readFailed = false;
  const onRawChunk = (chunk: Buffer) => {
    streamHash.update(chunk);
    hashedBytes += chunk.length;
  };
  for await (const event of readSource(file, { textField: options.textField, idField: options.idField, signal: options.signal, onRawChunk })) {
    if (event.kind === 'issue') {
      if (event.readStopped) readFailed = true;
      builder.addIssue(event.issue, event.bytesRead);
      continue;
    }
    const { text, externalId, locator, extra } = event.doc;
    if (builder.documents > 0 && !builder.fits(text)) yield { type: 'batch', batch: builder.take() };
    builder.add(text, externalId, locator, extra ?? null);
    builder.setBytesRead(event.bytesRead);
    if (builder.documents >= maxDocs) yield { type: 'batch', batch: builder.take() };
  }
  if (builder.documents > 0 || builder.issues > 0) yield { type: 'batch', batch: builder.take() };
  options.signal?.throwIfAborted();
  if (hashedBytes === file.size && hashedBytes > 0) return yield { type: 'end', fileHash: streamHash.digest('hex') };
  let fileHash: string;
  try {
    fileHash = await hashFile(file.path, options.signal);
  } catch (error) {
    options.signal?.throwIfAborted();
    // readSource already said why when the read itself failed (the usual case: one message per file).
    if (!readFailed) yield* unreadableFileEvents(file, error);
    else yield { type: 'end', fileHash: null };
    return;
  }
  yield { type: 'end', fileHash };
}

/** An empty batch carrying one issue, for a file that could not be read or hashed. */
export function issueBatch(issue: ReadIssue, bytesRead = 0): DocBatch {
  return { text: new Uint8Array(0), textEnds: [], chars: [], externalIds: [], extras: [], locators: [], contentHashes: [], words: [], titles: [], issues: [issue], bytesRead };
}

/**
 * The events of a file whose reading failed outside the format readers (hashing it, or a
 * reader bug): one issue naming the file and why, then an end without a hash. Bad input
 * never stops a scan.
 */
export function* unreadableFileEvents(file: SourceFile, error: unknown): Generator<FileBatchEvent> {
  const message = `cannot read this file: ${describeFsError(error)}. It is read again on the next scan.`;
  yield { type: 'batch', batch: issueBatch({ file: file.relPath, line: null, field: null, message }) };
  yield { type: 'end', fileHash: null };
}

export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, signal }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}
