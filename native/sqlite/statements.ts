/**
 * Every SQL statement the workspace runs, prepared once per connection and named by what it
 * does. Callers never write SQL; the few dynamic queries (list filters, FTS) are built in
 * main/workspace/queries.ts from fixed fragments.
 */
import type { DocStatus } from '../../contract/api';
import type { SqliteDatabase } from './database';

export interface SourceRow {
  id: number;
  path: string;
  format: string;
  size: number;
  mtime_ms: number;
  hash: string | null;
  documents: number;
  errors: number;
  complete: number;
}

/** Columns derived from a document's programs by executing them, kept for fast filtering. */
export interface DerivedColumns {
  status: DocStatus;
  doc_dropped: number;
  lines_removed: number;
  normalized: number;
  has_errors: number;
  refined_words: number | null;
  refined_chars: number | null;
}

export interface DocumentRecord extends DerivedColumns {
  seq: number;
  id: string;
  source_id: number;
  ord: number;
  locator: number | null;
  external_id: string | null;
  text: string;
  content_hash: string;
  chars: number;
  words: number;
  title: string;
}

export interface ProgramRecord {
  doc_seq: number;
  stage: string;
  run_id: number | null;
  programmer_key: string;
  program: string;
  notes: string;
  keep_probability: number | null;
  failure: string | null;
  prompt_tokens: number;
  generated_tokens: number;
  edited: number;
  label: string | null;
}

export interface ChunkProgramRecord {
  idx: number;
  first_line: number;
  last_line: number;
  program: string;
  skipped: string | null;
}

export interface CacheRecord {
  program: string;
  notes: string;
  keep_probability: number | null;
  chunks: string | null;
  prompt_tokens: number;
  generated_tokens: number;
}

export interface JobRecord {
  id: number;
  spec: string;
  stages: string;
  state: string;
  programmer: string | null;
  errors: number;
  message: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface ScanErrorRecord {
  file: string;
  line: number | null;
  field: string | null;
  message: string;
}

/** Both stages' programs of a document as columns (NULL when that stage has none). */
export interface ProgramPair {
  doc_program: string | null;
  doc_failure: string | null;
  doc_notes: string | null;
  doc_label: string | null;
  chunk_program: string | null;
  chunk_failure: string | null;
  chunk_notes: string | null;
  chunk_label: string | null;
}

/** One document as export needs it, with both stages' programs. */
export interface ExportRow {
  seq: number;
  id: string;
  source_id: number;
  ord: number;
  locator: number | null;
  text: string;
  path: string;
  doc_program: string | null;
  doc_failure: string | null;
  doc_label: string | null;
  chunk_program: string | null;
  chunk_failure: string | null;
  chunk_label: string | null;
}

/** Documents as the job sees them: what a programmer needs plus the cache key. */
export interface PendingDoc {
  seq: number;
  id: string;
  text: string;
  content_hash: string;
}

export function prepareStatements(db: SqliteDatabase) {
  const p = <P extends unknown[] | object, R = unknown>(sql: string) => db.prepare<P, R>(sql);
  return {
    getMeta: p<[string], string>('SELECT value FROM meta WHERE key = ?').pluck(),
    setMeta: p<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),

    allSources: p<[], SourceRow>('SELECT id, path, format, size, mtime_ms, hash, documents, errors, complete FROM sources ORDER BY id'),
    insertSource: p<{ path: string; format: string; size: number; mtime_ms: number; indexed_at: string }>(
      'INSERT INTO sources (path, format, size, mtime_ms, indexed_at) VALUES (@path, @format, @size, @mtime_ms, @indexed_at)',
    ),
    startSourceRead: p<{ id: number; format: string; size: number; mtime_ms: number; indexed_at: string }>(
      'UPDATE sources SET format = @format, size = @size, mtime_ms = @mtime_ms, hash = NULL, complete = 0, documents = 0, errors = 0, indexed_at = @indexed_at WHERE id = @id',
    ),
    finishSourceRead: p<{ id: number; hash: string; documents: number; errors: number }>(
      'UPDATE sources SET hash = @hash, documents = @documents, errors = @errors, complete = 1 WHERE id = @id',
    ),
    touchSource: p<{ id: number; size: number; mtime_ms: number }>('UPDATE sources SET size = @size, mtime_ms = @mtime_ms WHERE id = @id'),
    deleteSource: p<[number]>('DELETE FROM sources WHERE id = ?'),
    deleteDocumentsOfSource: p<[number]>('DELETE FROM documents WHERE source_id = ?'),
    deleteScanErrorsOfSource: p<[number]>('DELETE FROM scan_errors WHERE source_id = ?'),
    deleteFolderScanErrors: p<[]>('DELETE FROM scan_errors WHERE source_id IS NULL'),

    maxDocumentSeq: p<[], number>('SELECT coalesce(max(seq), 0) FROM documents').pluck(),
    /** Adds documents inserted after `seq` to the full-text index (same transaction as the inserts). */
    indexDocumentsAfter: p<[number]>('INSERT INTO documents_fts(rowid, text) SELECT seq, text FROM documents WHERE seq > ?'),
    searchCount: p<[string], number>('SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?').pluck(),
    documentIdTaken: p<[string], number>('SELECT 1 FROM documents WHERE id = ?').pluck(),
    /** `text` may be UTF-8 bytes (the indexer's batches): stored as TEXT all the same. */
    insertDocument: p<{
      id: string;
      source_id: number;
      ord: number;
      locator: number | null;
      external_id: string | null;
      text: string | Uint8Array;
      content_hash: string;
      chars: number;
      words: number;
      title: string;
    }>(
      'INSERT INTO documents (id, source_id, ord, locator, external_id, text, content_hash, chars, words, title) VALUES (@id, @source_id, @ord, @locator, @external_id, CAST(@text AS TEXT), @content_hash, @chars, @words, @title)',
    ),
    documentById: p<[string], DocumentRecord>('SELECT * FROM documents WHERE id = ?'),
    documentBySeq: p<[number], DocumentRecord>('SELECT * FROM documents WHERE seq = ?'),
    documentPath: p<[number], string>('SELECT path FROM sources WHERE id = ?').pluck(),
    countDocuments: p<[], number>('SELECT count(*) FROM documents').pluck(),
    countSources: p<[], number>('SELECT count(*) FROM sources').pluck(),
    sumSourceBytes: p<[], number>('SELECT coalesce(sum(size), 0) FROM sources').pluck(),
    countScanErrors: p<[], number>('SELECT count(*) FROM scan_errors').pluck(),
    /** Every document in export order, with what export and stats need. */
    documentsInOrder: p<[], DocumentRecord & { path: string }>(
      'SELECT d.*, s.path FROM documents d JOIN sources s ON s.id = d.source_id ORDER BY d.source_id, d.ord',
    ),
    /** A page of documents in corpus order after (source_id, ord), with both stages' programs. */
    documentsPage: p<[number, number, number], DocumentRecord & ProgramPair & { path: string }>(
      `SELECT d.*, s.path,
         pd.program AS doc_program, pd.failure AS doc_failure, pd.notes AS doc_notes, coalesce(rd.label, CASE WHEN pd.edited = 1 THEN 'edited by hand' END) AS doc_label,
         pc.program AS chunk_program, pc.failure AS chunk_failure, pc.notes AS chunk_notes, coalesce(rc.label, CASE WHEN pc.edited = 1 THEN 'edited by hand' END) AS chunk_label
       FROM documents d JOIN sources s ON s.id = d.source_id
       LEFT JOIN programs pd ON pd.doc_seq = d.seq AND pd.stage = 'doc' LEFT JOIN runs rd ON rd.id = pd.run_id
       LEFT JOIN programs pc ON pc.doc_seq = d.seq AND pc.stage = 'chunk' LEFT JOIN runs rc ON rc.id = pc.run_id
       WHERE (d.source_id, d.ord) > (?, ?) ORDER BY d.source_id, d.ord LIMIT ?`,
    ),
    /**
     * Export's page: documentsPage without the columns export never reads (hashes, titles,
     * derived columns, notes), which are a measurable share of the row decoding on a big corpus.
     */
    exportPage: p<[number, number, number], ExportRow>(
      `SELECT d.seq, d.id, d.source_id, d.ord, d.locator, d.text, s.path,
         pd.program AS doc_program, pd.failure AS doc_failure, coalesce(rd.label, CASE WHEN pd.edited = 1 THEN 'edited by hand' END) AS doc_label,
         pc.program AS chunk_program, pc.failure AS chunk_failure, coalesce(rc.label, CASE WHEN pc.edited = 1 THEN 'edited by hand' END) AS chunk_label
       FROM documents d JOIN sources s ON s.id = d.source_id
       LEFT JOIN programs pd ON pd.doc_seq = d.seq AND pd.stage = 'doc' LEFT JOIN runs rd ON rd.id = pd.run_id
       LEFT JOIN programs pc ON pc.doc_seq = d.seq AND pc.stage = 'chunk' LEFT JOIN runs rc ON rc.id = pc.run_id
       WHERE (d.source_id, d.ord) > (?, ?) ORDER BY d.source_id, d.ord LIMIT ?`,
    ),
    refinedSeqs: p<[number, number], number>(
      "SELECT DISTINCT doc_seq FROM programs WHERE doc_seq > ? ORDER BY doc_seq LIMIT ?",
    ).pluck(),
    refinedCount: p<[], number>("SELECT COUNT(DISTINCT doc_seq) FROM programs").pluck(),

    insertScanError: p<{ source_id: number | null; file: string; line: number | null; field: string | null; message: string }>(
      'INSERT INTO scan_errors (source_id, file, line, field, message) VALUES (@source_id, @file, @line, @field, @message)',
    ),
    scanErrorsPage: p<[number, number], ScanErrorRecord>('SELECT file, line, field, message FROM scan_errors ORDER BY id LIMIT ? OFFSET ?'),

    insertRun: p<{
      stage: string;
      programmer_key: string;
      programmer_id: string;
      kind: string;
      label: string;
      model_hash: string | null;
      prompt_version: string | null;
      grammar_version: string | null;
      parameters: string;
      created_at: string;
    }>(
      'INSERT INTO runs (stage, programmer_key, programmer_id, kind, label, model_hash, prompt_version, grammar_version, parameters, created_at) VALUES (@stage, @programmer_key, @programmer_id, @kind, @label, @model_hash, @prompt_version, @grammar_version, @parameters, @created_at)',
    ),
    runByKey: p<[string, string], number>('SELECT id FROM runs WHERE stage = ? AND programmer_key = ? ORDER BY id DESC LIMIT 1').pluck(),
    upsertProgram: p<Omit<ProgramRecord, 'label'> & { created_at: string }>(
      `INSERT INTO programs (doc_seq, stage, run_id, programmer_key, program, notes, keep_probability, failure, prompt_tokens, generated_tokens, edited, created_at)
       VALUES (@doc_seq, @stage, @run_id, @programmer_key, @program, @notes, @keep_probability, @failure, @prompt_tokens, @generated_tokens, @edited, @created_at)
       ON CONFLICT(doc_seq, stage) DO UPDATE SET run_id = excluded.run_id, programmer_key = excluded.programmer_key, program = excluded.program,
         notes = excluded.notes, keep_probability = excluded.keep_probability, failure = excluded.failure, prompt_tokens = excluded.prompt_tokens,
         generated_tokens = excluded.generated_tokens, edited = excluded.edited, created_at = excluded.created_at`,
    ),
    programOf: p<[number, string], ProgramRecord>(
      'SELECT p.*, r.label FROM programs p LEFT JOIN runs r ON r.id = p.run_id WHERE p.doc_seq = ? AND p.stage = ?',
    ),
    deleteChunkPrograms: p<[number]>('DELETE FROM chunk_programs WHERE doc_seq = ?'),
    insertChunkProgram: p<{ doc_seq: number; idx: number; first_line: number; last_line: number; program: string; skipped: string | null }>(
      'INSERT INTO chunk_programs (doc_seq, idx, first_line, last_line, program, skipped) VALUES (@doc_seq, @idx, @first_line, @last_line, @program, @skipped)',
    ),
    chunkProgramsOf: p<[number], ChunkProgramRecord>('SELECT idx, first_line, last_line, program, skipped FROM chunk_programs WHERE doc_seq = ? ORDER BY idx'),
    programFailures: p<[number], { id: string; stage: string; failure: string }>(
      'SELECT d.id, p.stage, p.failure FROM programs p JOIN documents d ON d.seq = p.doc_seq WHERE p.failure IS NOT NULL ORDER BY p.created_at DESC LIMIT ?',
    ),
    countProgramsByStage: p<[], { stage: string; n: number }>('SELECT stage, count(*) AS n FROM programs GROUP BY stage'),

    cacheGet: p<[string, string, string], CacheRecord>(
      'SELECT program, notes, keep_probability, chunks, prompt_tokens, generated_tokens FROM program_cache WHERE content_hash = ? AND stage = ? AND programmer_key = ?',
    ),
    cachePut: p<{ content_hash: string; stage: string; programmer_key: string; program: string; notes: string; keep_probability: number | null; chunks: string | null; prompt_tokens: number; generated_tokens: number }>(
      `INSERT OR REPLACE INTO program_cache (content_hash, stage, programmer_key, program, notes, keep_probability, chunks, prompt_tokens, generated_tokens)
       VALUES (@content_hash, @stage, @programmer_key, @program, @notes, @keep_probability, @chunks, @prompt_tokens, @generated_tokens)`,
    ),

    /** Documents still needing a doc-stage program from this programmer (hand edits are kept). */
    pendingDocStage: p<[number, string, number], PendingDoc>(
      `SELECT d.seq, d.id, d.text, d.content_hash FROM documents d
       LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'doc'
       WHERE d.seq > ? AND (p.doc_seq IS NULL OR (p.programmer_key <> ? AND p.edited = 0))
       ORDER BY d.seq LIMIT ?`,
    ),
    countPendingDocStage: p<[string], number>(
      `SELECT count(*) FROM documents d LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'doc'
       WHERE p.doc_seq IS NULL OR (p.programmer_key <> ? AND p.edited = 0)`,
    ).pluck(),
    /** Kept documents (after the doc stage, toggles in force) still needing a chunk-stage program. */
    pendingChunkStage: p<[number, string, number], PendingDoc>(
      `SELECT d.seq, d.id, d.text, d.content_hash FROM documents d
       LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'chunk'
       WHERE d.seq > ? AND d.doc_dropped = 0 AND (p.doc_seq IS NULL OR (p.programmer_key <> ? AND p.edited = 0))
       ORDER BY d.seq LIMIT ?`,
    ),
    countPendingChunkStage: p<[string], number>(
      `SELECT count(*) FROM documents d LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'chunk'
       WHERE d.doc_dropped = 0 AND (p.doc_seq IS NULL OR (p.programmer_key <> ? AND p.edited = 0))`,
    ).pluck(),
    countDocStageDone: p<[string], number>("SELECT count(*) FROM programs WHERE stage = 'doc' AND programmer_key = ?").pluck(),
    countChunkStageDone: p<[string], number>(
      "SELECT count(*) FROM programs p JOIN documents d ON d.seq = p.doc_seq WHERE p.stage = 'chunk' AND p.programmer_key = ? AND d.doc_dropped = 0",
    ).pluck(),
    countKeptAfterDocStage: p<[], number>('SELECT count(*) FROM documents WHERE doc_dropped = 0').pluck(),

    updateDerived: p<DerivedColumns & { seq: number }>(
      `UPDATE documents SET status = @status, doc_dropped = @doc_dropped, lines_removed = @lines_removed, normalized = @normalized,
         has_errors = @has_errors, refined_words = @refined_words, refined_chars = @refined_chars WHERE seq = @seq`,
    ),

    disabledOps: p<[number], { stage: string; line: number }>('SELECT stage, line FROM op_toggles WHERE doc_seq = ?'),
    /** Export: the switched-off operations of a page of documents (a JSON array of seqs), ordered by document, stage, line. */
    disabledOpsOfDocs: p<[string], { doc_seq: number; stage: string; line: number }>(
      'SELECT doc_seq, stage, line FROM op_toggles WHERE doc_seq IN (SELECT value FROM json_each(?)) ORDER BY doc_seq, stage, line',
    ),
    disableOp: p<[number, string, number]>('INSERT OR IGNORE INTO op_toggles (doc_seq, stage, line) VALUES (?, ?, ?)'),
    enableOp: p<[number, string, number]>('DELETE FROM op_toggles WHERE doc_seq = ? AND stage = ? AND line = ?'),
    clearOpsOfStage: p<[number, string]>('DELETE FROM op_toggles WHERE doc_seq = ? AND stage = ?'),
    countDisabledOps: p<[], number>('SELECT count(*) FROM op_toggles').pluck(),
    kindToggles: p<[], { kind: string; enabled: number }>('SELECT kind, enabled FROM kind_toggles'),
    setKindToggle: p<[string, number]>('INSERT INTO kind_toggles (kind, enabled) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET enabled = excluded.enabled'),

    insertJob: p<{ spec: string; stages: string; state: string; programmer: string | null; started_at: string }>(
      'INSERT INTO jobs (spec, stages, state, programmer, started_at) VALUES (@spec, @stages, @state, @programmer, @started_at)',
    ),
    updateJob: p<{ id: number; state: string; errors: number; message: string | null; finished_at: string | null }>(
      'UPDATE jobs SET state = @state, errors = @errors, message = @message, finished_at = @finished_at WHERE id = @id',
    ),
    lastJob: p<[], JobRecord>('SELECT * FROM jobs ORDER BY id DESC LIMIT 1'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
