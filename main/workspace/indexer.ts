/**
 * Reads a folder into the workspace index. Re-indexing reads only what changed: a file whose
 * size and mtime are unchanged is skipped; one whose mtime changed but size did not is hashed
 * and skipped when its content is the same; everything else is re-read in full. Bad input
 * becomes scan errors (file, line, field, message) and never stops the scan.
 *
 * Documents are written in large transactions, each ending with a bulk insert into the
 * full-text index, so a crash leaves whole batches (each searchable) or nothing; a file whose
 * reading was interrupted is still marked incomplete and is read again next time.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isScanIssue, scanFolder, emptyScanStats } from '../corpus/scan';
import { readSource } from '../corpus/read';
import type { ReadIssue, ScanStats, SourceFile } from '../corpus/types';
import type { SqliteDatabase } from '../../native/sqlite/database';
import type { SourceRow, Statements } from '../../native/sqlite/statements';
import { contentHash, countWordsFast, titleOf } from './text-facts';

export interface ScanProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  documents: number;
  errors: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  done: boolean;
}

export interface IndexOptions {
  readonly textField?: string;
  readonly idField?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ScanProgress) => void;
  /** Called for every new scan error as it is found (the CLI prints them). */
  readonly onIssue?: (issue: ReadIssue) => void;
  /** Text bytes per transaction. Larger is faster; smaller keeps the thread responsive. */
  readonly batchBytes?: number;
  readonly progressIntervalMs?: number;
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
  bytesRead: number;
  seconds: number;
  skipped: ScanStats;
}

const DEFAULT_BATCH_BYTES = 32 * 1024 * 1024;
const MAX_BATCH_DOCS = 20_000;

interface PendingDoc {
  id: string;
  external: string | null;
  locator: number | null;
  ord: number;
  text: string;
}

export async function indexFolder(db: SqliteDatabase, st: Statements, folder: string, options: IndexOptions = {}): Promise<IndexResult> {
  const started = performance.now();
  const skipped = emptyScanStats();
  const fieldsKey = JSON.stringify([options.textField ?? 'text', options.idField ?? 'id']);
  const fieldsChanged = (st.getMeta.get('fields') ?? fieldsKey) !== fieldsKey;
  st.setMeta.run('fields', fieldsKey);

  const listed: SourceFile[] = [];
  const folderIssues: ReadIssue[] = [];
  for await (const entry of scanFolder(folder, { stats: skipped, signal: options.signal })) {
    if (isScanIssue(entry)) folderIssues.push(entry.issue);
    else listed.push(entry);
  }

  const known = new Map<string, SourceRow>(st.allSources.all().map((row) => [row.path, row]));
  const result: IndexResult = {
    filesListed: listed.length,
    filesRead: 0,
    filesUnchanged: 0,
    filesRemoved: 0,
    documentsRead: 0,
    documentsRemoved: 0,
    errors: folderIssues.length,
    bytesRead: 0,
    seconds: 0,
    skipped,
  };

  db.transaction(() => {
    st.deleteFolderScanErrors.run();
    for (const issue of folderIssues) st.insertScanError.run({ source_id: null, ...issue });
    const present = new Set(listed.map((f) => f.relPath));
    for (const row of known.values()) {
      if (present.has(row.path)) continue;
      result.documentsRemoved += row.documents;
      st.deleteSource.run(row.id);
      result.filesRemoved += 1;
    }
  }).immediate();
  for (const issue of folderIssues) options.onIssue?.(issue);

  const toRead: { file: SourceFile; row: SourceRow | undefined }[] = [];
  for (const file of listed) {
    const row = known.get(file.relPath);
    if (row && row.complete === 1 && !fieldsChanged && row.size === file.size) {
      if (row.mtime_ms === Math.trunc(file.mtimeMs)) {
        result.filesUnchanged += 1;
        continue;
      }
      // Touched but maybe not changed (copied, checked out again): the content decides.
      if (row.hash !== null && (await hashFile(file.path)) === row.hash) {
        st.touchSource.run({ id: row.id, size: file.size, mtime_ms: Math.trunc(file.mtimeMs) });
        result.filesUnchanged += 1;
        continue;
      }
    }
    toRead.push({ file, row });
  }

  const progress = createProgressTracker(toRead.reduce((sum, f) => sum + f.file.size, 0), toRead.length, options);
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;

  for (const { file, row } of toRead) {
    options.signal?.throwIfAborted();
    const now = new Date().toISOString();
    const sourceId = db.transaction(() => {
      if (row) {
        result.documentsRemoved += st.deleteDocumentsOfSource.run(row.id).changes;
        st.deleteScanErrorsOfSource.run(row.id);
        st.startSourceRead.run({ id: row.id, format: file.format, size: file.size, mtime_ms: Math.trunc(file.mtimeMs), indexed_at: now });
        return row.id;
      }
      return Number(st.insertSource.run({ path: file.relPath, format: file.format, size: file.size, mtime_ms: Math.trunc(file.mtimeMs), indexed_at: now }).lastInsertRowid);
    }).immediate();

    let docs: PendingDoc[] = [];
    let issues: ReadIssue[] = [];
    let pendingBytes = 0;
    let ord = 0;
    let fileDocs = 0;
    let fileErrors = 0;
    let fileBytesRead = 0;
    const flush = (finalHash: string | null) => {
      writeBatch(db, st, sourceId, file.relPath, docs, issues, finalHash === null ? null : { hash: finalHash, documents: fileDocs, errors: fileErrors });
      docs = [];
      issues = [];
      pendingBytes = 0;
    };
    for await (const event of readSource(file, { textField: options.textField, idField: options.idField, signal: options.signal })) {
      fileBytesRead = event.bytesRead;
      if (event.kind === 'doc') {
        const { doc } = event;
        docs.push({ id: '', external: doc.externalId, locator: doc.locator, ord: ord++, text: doc.text });
        pendingBytes += doc.text.length;
        fileDocs += 1;
        progress.documents += 1;
      } else {
        issues.push(event.issue);
        fileErrors += 1;
        progress.errors += 1;
        options.onIssue?.(event.issue);
      }
      if (pendingBytes >= batchBytes || docs.length >= MAX_BATCH_DOCS) {
        flush(null);
        progress.update(fileBytesRead);
        // Let timers, IPC and aborts through between transactions.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    flush(await hashFile(file.path));
    progress.fileDone(file.size);
    result.filesRead += 1;
    result.documentsRead += fileDocs;
    result.errors += fileErrors;
    result.bytesRead += file.size;
  }
  result.seconds = (performance.now() - started) / 1000;
  progress.finish();
  return result;
}

function writeBatch(
  db: SqliteDatabase,
  st: Statements,
  sourceId: number,
  relPath: string,
  docs: PendingDoc[],
  issues: ReadIssue[],
  finish: { hash: string; documents: number; errors: number } | null,
): void {
  db.transaction(() => {
    const before = st.maxDocumentSeq.get() ?? 0;
    for (const doc of docs) insertWithStableId(st, sourceId, relPath, doc);
    if (docs.length > 0) st.indexDocumentsAfter.run(before);
    for (const issue of issues) st.insertScanError.run({ source_id: sourceId, file: issue.file, line: issue.line, field: issue.field, message: issue.message });
    if (finish) st.finishSourceRead.run({ id: sourceId, ...finish });
  }).immediate();
}

/**
 * The input's id when present and not yet used in this workspace, else `<relPath>:<locator>`
 * (`<relPath>` alone for whole-file documents). Uniqueness is enforced by the index itself,
 * which is cheaper than asking first.
 */
function insertWithStableId(st: Statements, sourceId: number, relPath: string, doc: PendingDoc): void {
  const fallback = doc.locator === null ? relPath : `${relPath}:${doc.locator}`;
  const candidates = doc.external !== null && doc.external !== '' ? [doc.external, fallback] : [fallback];
  candidates.push(`${fallback}#${doc.ord}`);
  const row = {
    id: '',
    source_id: sourceId,
    ord: doc.ord,
    locator: doc.locator,
    external_id: doc.external,
    text: doc.text,
    content_hash: contentHash(doc.text),
    chars: doc.text.length,
    words: countWordsFast(doc.text),
    title: titleOf(doc.text),
  };
  for (const id of candidates) {
    try {
      row.id = id;
      st.insertDocument.run(row);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
    }
  }
  throw new Error(`${relPath}: could not give document ${doc.ord} a unique id`);
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
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
