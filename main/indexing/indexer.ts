/**
 * Reads a folder into the workspace index. Re-indexing reads only what changed: a file whose
 * size and mtime are unchanged is skipped; one whose mtime changed but size did not is hashed
 * and skipped when its content is the same; everything else is re-read in full. Bad input
 * becomes scan errors (file, line, field, message) and never stops the scan.
 *
 * Documents are written in large transactions, each ending with a bulk insert into the
 * full-text index, so a crash leaves whole batches (each searchable) or nothing; a file whose
 * reading was interrupted is still marked incomplete and is read again next time.
 *
 * For large scans the files are parsed in a worker thread (batch-source.ts) while this thread
 * only writes to SQLite, and commits do not wait for the disk until the scan ends
 * (relaxDurability): both measured as the largest gains in bench:workspace.
 */
import { inShard, shardKey, type Shard } from '../shards/shard';
import type { ScanProgress } from '../../contract/api';
import { isScanIssue, scanFolder, emptyScanStats } from '../corpus/scan';
import type { ReadIssue, ScanStats, SourceFile } from '../corpus/types';
import { relaxDurability } from '../../native/sqlite/database';
import type { DocumentInsert, SourceRow, Store } from '../store';
import { prepareWorker } from '../workers/spawn-worker';
import { inThreadReader, workerReader, type BatchReader } from './batch-source';
import { batchTextBytes, hashFile, type DocBatch } from './file-batches';

export type { ScanProgress };

export interface IndexOptions {
  readonly textField?: string;
  readonly idField?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Called for every new scan error as it is found (the CLI prints them). */
  readonly onIssue?: (issue: ReadIssue) => void;
  /** UTF-8 text bytes per transaction. Larger is faster; smaller keeps the thread responsive. */
  readonly batchBytes?: number;
  /**
   * Parse in a worker thread while this thread writes to SQLite (about twice as fast on two
   * cores). Default: only when there are at least a few MB to read.
   */
  readonly readInWorker?: boolean;
  readonly progressIntervalMs?: number;
  /** A shard worker's workspace: only the documents of this shard are stored (main/shards/shard.ts). */
  readonly shard?: Shard;
  /** Absolute paths of files never to read (the workspace's exports inside its folder). */
  readonly exclude?: ReadonlySet<string>;
}

export interface IndexResult {
  filesListed: number;
  filesRead: number;
  filesUnchanged: number;
  filesRemoved: number;
  documentsRead: number;
  documentsRemoved: number;
  /** Scan errors found in this pass (files not re-read keep theirs). */
  errors: number;
  /** Documents whose input id another document already had: they got `<file>:<line>` ids (the export keeps the input's in metadata.input.id). */
  idsRenamed: number;
  /** The first such document: its input id and where it is. */
  firstRenamed: { id: string; file: string; locator: number | null } | null;
  /** Files that could not be read to their end (unreadable, removed meanwhile): read again on the next scan. */
  filesIncomplete: number;
  bytesRead: number;
  seconds: number;
  skipped: ScanStats;
}

const DEFAULT_BATCH_BYTES = 32 * 1024 * 1024;
const MAX_BATCH_DOCS = 20_000;
/** Below this much to read, a worker thread costs more to start than it saves. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;

export async function indexFolder(store: Store, folder: string, options: IndexOptions = {}): Promise<IndexResult> {
  const started = performance.now();
  // Not on module load: most processes that load the workspace (CLI stats and export, the server) never index.
  prepareWorker('read-worker');
  const skipped = emptyScanStats();
  const fieldsKey = JSON.stringify([options.textField ?? 'text', options.idField ?? 'id']);
  const fieldsChanged = (store.meta.value.get('fields') ?? fieldsKey) !== fieldsKey;
  store.meta.set.run('fields', fieldsKey);

  const listed: SourceFile[] = [];
  const folderIssues: ReadIssue[] = [];
  for await (const entry of scanFolder(folder, { stats: skipped, signal: options.signal, exclude: options.exclude })) {
    if (isScanIssue(entry)) folderIssues.push(entry.issue);
    else listed.push(entry);
  }

  const known = new Map<string, SourceRow>(store.sources.list.all().map((row) => [row.path, row]));
  const result: IndexResult = {
    filesListed: listed.length,
    filesRead: 0,
    filesUnchanged: 0,
    filesRemoved: 0,
    documentsRead: 0,
    documentsRemoved: 0,
    errors: folderIssues.length,
    filesIncomplete: 0,
    idsRenamed: 0,
    firstRenamed: null,
    bytesRead: 0,
    seconds: 0,
    skipped,
  };

  store.db.transaction(() => {
    store.scanErrors.deleteOfFolder.run();
    for (const issue of folderIssues) store.scanErrors.insert.run({ source_id: null, ...issue });
    const present = new Set(listed.map((f) => f.relPath));
    for (const row of known.values()) {
      if (present.has(row.path)) continue;
      result.documentsRemoved += row.documents;
      store.sources.delete.run(row.id);
      result.filesRemoved += 1;
    }
  }).immediate();
  for (const issue of folderIssues) options.onIssue?.(issue);

  const toRead: { file: SourceFile; row: SourceRow | undefined }[] = [];
  const toFill: { file: SourceFile; row: SourceRow }[] = [];
  const unchanged = (file: SourceFile, row: SourceRow): void => {
    result.filesUnchanged += 1;
    if (row.fields_read === 1) return;
    if (RECORD_FORMATS.has(file.format)) toFill.push({ file, row });
    else store.sources.fieldsRead.run(row.id);
  };
  for (const file of listed) {
    const row = known.get(file.relPath);
    if (row && row.complete === 1 && !fieldsChanged && row.size === file.size) {
      if (row.mtime_ms === Math.trunc(file.mtimeMs)) {
        unchanged(file, row);
        continue;
      }
      // Touched but maybe not changed (copied, checked out again): the content decides.
      // A file that cannot be hashed now is read (and its problem recorded) like a changed one.
      if (row.hash !== null && (await hashFile(file.path).catch(() => null)) === row.hash) {
        store.sources.touch.run({ id: row.id, size: file.size, mtime_ms: Math.trunc(file.mtimeMs) });
        unchanged(file, row);
        continue;
      }
    }
    toRead.push({ file, row });
  }

  const bytesToRead = [...toRead, ...toFill].reduce((sum, f) => sum + f.file.size, 0);
  const progress = createProgressTracker(bytesToRead, toRead.length + toFill.length, options);
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  const readerOptions = { textField: options.textField, idField: options.idField, signal: options.signal };
  const useWorker = options.readInWorker ?? bytesToRead >= WORKER_MIN_BYTES;
  const reader = (useWorker ? await workerReader(readerOptions) : null) ?? inThreadReader(readerOptions);
  const restoreDurability = toRead.length > 0 ? relaxDurability(store.db) : () => {};

  try {
    for (const { file, row } of toRead) {
      options.signal?.throwIfAborted();
      const now = new Date().toISOString();
      const sourceId = store.db.transaction(() => {
        if (row) {
          result.documentsRemoved += store.documents.deleteOfSource.run(row.id).changes;
          store.scanErrors.deleteOfSource.run(row.id);
          store.sources.startRead.run({ id: row.id, format: file.format, size: file.size, mtime_ms: Math.trunc(file.mtimeMs), indexed_at: now });
          return row.id;
        }
        return Number(store.sources.insert.run({ path: file.relPath, format: file.format, size: file.size, mtime_ms: Math.trunc(file.mtimeMs), indexed_at: now }).lastInsertRowid);
      }).immediate();

      const target: FileTarget = { sourceId, relPath: file.relPath, nextOrd: 0 };
      let pending: DocBatch[] = [];
      let pendingBytes = 0;
      let pendingDocs = 0;
      let fileDocs = 0;
      let fileErrors = 0;
      let fileHash: string | null = null;
      let ended = false;
      for await (const event of reader.read(file)) {
        if (event.type === 'end') {
          fileHash = event.fileHash;
          ended = true;
          continue;
        }
        const { batch } = event;
        const documents = batch.textEnds.length;
        pending.push(batch);
        pendingBytes += batchTextBytes(batch);
        pendingDocs += documents;
        fileDocs += documents;
        fileErrors += batch.issues.length;
        progress.documents += documents;
        progress.errors += batch.issues.length;
        for (const issue of batch.issues) options.onIssue?.(issue);
        progress.update(batch.bytesRead);
        // Write once a transaction is full, or early (at a quarter of it) when the reader has
        // nothing more ready: the writer then works while the reader catches up, instead of
        // idling until a whole transaction is parsed (at the start, and whenever parsing is the
        // slower side).
        const full = pendingBytes >= batchBytes || pendingDocs >= MAX_BATCH_DOCS;
        if (full || (pendingBytes >= batchBytes / 4 && !reader.hasQueued())) {
          writeBatches(store, target, pending, null, options.shard, result);
          for (const written of pending) reader.recycle(written);
          pending = [];
          pendingBytes = 0;
          pendingDocs = 0;
          // Let timers, IPC and aborts through between transactions.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      options.signal?.throwIfAborted();
      if (!ended) throw new Error(`${file.relPath}: reading ended without the file's end`);
      const counts = { documents: fileDocs, errors: fileErrors };
      writeBatches(store, target, pending, fileHash === null ? { ...counts, hash: null } : { ...counts, hash: fileHash }, options.shard, result);
      if (fileHash === null) result.filesIncomplete += 1;
      for (const written of pending) reader.recycle(written);
      progress.fileDone(file.size);
      result.filesRead += 1;
      result.documentsRead += fileDocs;
      result.errors += fileErrors;
      result.bytesRead += file.size;
    }
    for (const { file, row } of toFill) {
      await fillOtherFields(store, reader, file, row, options.signal, progress);
      result.bytesRead += file.size;
    }
  } finally {
    await reader.close();
    restoreDurability();
  }
  result.seconds = (performance.now() - started) / 1000;
  progress.finish();
  return result;
}

/** Formats whose records can have fields besides the text and id. */
const RECORD_FORMATS: ReadonlySet<string> = new Set(['jsonl', 'jsonl.gz', 'jsonl.zst', 'json', 'parquet']);

/**
 * A file indexed before documents kept their other fields (migration 3): read it again and
 * fill in each document's fields in place, matched by position and text, so its programs,
 * switches and hand edits stay. Its scan errors were recorded then and are not repeated.
 */
async function fillOtherFields(store: Store, reader: BatchReader, file: SourceFile, row: SourceRow, signal: AbortSignal | undefined, progress: { update(bytes: number): void; fileDone(size: number): void }): Promise<void> {
  let ord = 0;
  let complete = false;
  for await (const event of reader.read(file)) {
    if (event.type === 'end') {
      complete = event.fileHash !== null;
      continue;
    }
    const { batch } = event;
    store.db.transaction(() => {
      for (let i = 0; i < batch.textEnds.length; i++) {
        store.documents.setExtra.run({ source_id: row.id, ord: ord++, content_hash: batch.contentHashes[i]!, extra: batch.extras[i]! });
      }
    }).immediate();
    reader.recycle(batch);
    progress.update(batch.bytesRead);
    signal?.throwIfAborted();
  }
  if (complete) store.sources.fieldsRead.run(row.id);
  progress.fileDone(file.size);
}

interface FileTarget {
  readonly sourceId: number;
  readonly relPath: string;
  /** Position of the next document within its source. */
  nextOrd: number;
}

/** One transaction: the documents, their full-text rows (one bulk insert), the issues, and the file's completion when given. */
function writeBatches(store: Store, target: FileTarget, batches: readonly DocBatch[], finish: { hash: string | null; documents: number; errors: number } | null, shard: Shard | undefined, renamed: Pick<IndexResult, 'idsRenamed' | 'firstRenamed'>): void {
  store.db.transaction(() => {
    const before = store.documents.maxSeq.get() ?? 0;
    let inserted = 0;
    let renamedHere = 0;
    let firstHere: { id: string; locator: number | null } | null = null;
    // One parameter object, refilled per document: no garbage per row.
    const row: DocumentInsert = { id: '', source_id: target.sourceId, ord: 0, locator: null, external_id: null, text: new Uint8Array(0), content_hash: '', chars: 0, words: 0, title: '', extra: null };
    for (const batch of batches) {
      const text = Buffer.from(batch.text.buffer, batch.text.byteOffset, batch.text.byteLength);
      let start = 0;
      for (let i = 0; i < batch.textEnds.length; i++) {
        const end = batch.textEnds[i]!;
        row.ord = target.nextOrd++;
        // Another shard's document keeps its position (ord) here, so shards and the whole agree on it.
        if (shard && !inShard(shardKey(target.relPath, row.ord), shard)) {
          start = end;
          continue;
        }
        row.locator = batch.locators[i]!;
        row.external_id = batch.externalIds[i]!;
        row.extra = batch.extras[i]!;
        row.text = text.subarray(start, end);
        row.content_hash = batch.contentHashes[i]!;
        row.chars = batch.chars[i]!;
        row.words = batch.words[i]!;
        row.title = batch.titles[i]!;
        if (insertWithStableId(store, target.relPath, row)) {
          renamed.idsRenamed += 1;
          renamed.firstRenamed ??= { id: row.external_id!, file: target.relPath, locator: row.locator };
          renamedHere += 1;
          firstHere ??= { id: row.external_id!, locator: row.locator };
        }
        inserted += 1;
        start = end;
      }
      for (const issue of batch.issues) store.scanErrors.insert.run({ source_id: target.sourceId, file: issue.file, line: issue.line, field: issue.field, message: issue.message });
    }
    if (inserted > 0) store.documents.indexTextAfter.run(before);
    // Kept per file, so the warning outlives this pass (Workspace.summary: the app, serve).
    if (firstHere) store.sources.addRenamed.run({ id: target.sourceId, count: renamedHere, first_id: firstHere.id, first_locator: firstHere.locator });
    if (finish?.hash === null) store.sources.finishIncomplete.run({ id: target.sourceId, documents: finish.documents, errors: finish.errors });
    else if (finish) store.sources.finishRead.run({ id: target.sourceId, ...finish, hash: finish.hash });
  }).immediate();
}

/**
 * The input's id when present and not yet used in this workspace, else `<relPath>:<locator>`
 * (`<relPath>` alone for whole-file documents). True when the input's id was taken (the
 * document was renamed; the caller counts them and the export keeps the input's id). Uniqueness is enforced by the index itself,
 * which is cheaper than asking first.
 */
function insertWithStableId(store: Store, relPath: string, row: DocumentInsert): boolean {
  const fallback = row.locator === null ? relPath : `${relPath}:${row.locator}`;
  const hasId = row.external_id !== null && row.external_id !== '';
  if (hasId && tryInsert(store, row, row.external_id!)) return false;
  if (tryInsert(store, row, fallback)) return hasId;
  if (tryInsert(store, row, `${fallback}#${row.ord}`)) return hasId;
  throw new Error(`${relPath}: could not give document ${row.ord} a unique id`);
}

function tryInsert(store: Store, row: DocumentInsert, id: string): boolean {
  row.id = id;
  try {
    store.documents.insert.run(row);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
    return false;
  }
}

function createProgressTracker(bytesTotal: number, filesTotal: number, options: IndexOptions) {
  const started = performance.now();
  const interval = options.progressIntervalMs ?? 250;
  let lastEmit = 0;
  let bytesBefore = 0; // bytes of files already finished
  let bytesDone = 0;
  let filesDone = 0;
  const tracker = {
    documents: 0,
    errors: 0,
    snapshot(done: boolean): ScanProgress {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? bytesDone / seconds : 0;
      return {
        filesDone,
        filesTotal,
        bytesDone,
        bytesTotal,
        documents: tracker.documents,
        errors: tracker.errors,
        bytesPerSecond: rate,
        etaSeconds: done ? 0 : rate > 0 ? Math.max(0, (bytesTotal - bytesDone) / rate) : null,
        done,
      };
    },
    update(fileBytesRead: number) {
      bytesDone = bytesBefore + fileBytesRead;
      const now = performance.now();
      if (now - lastEmit >= interval) {
        lastEmit = now;
        options.onProgress?.(tracker.snapshot(false));
      }
    },
    fileDone(size: number) {
      bytesBefore += size;
      filesDone += 1;
      tracker.update(0);
    },
    finish() {
      bytesDone = bytesTotal;
      options.onProgress?.(tracker.snapshot(true));
    },
  };
  return tracker;
}
