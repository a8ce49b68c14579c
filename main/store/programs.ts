/**
 * The `programs` table (one program per document and stage, with the programmer's notes) and
 * `chunk_programs` (the chunk stage's per-chunk programs behind a document's merged one, or an
 * UltraX program's per-window answers). Stages: ProX's `doc` and `chunk`, UltraX's `ultrax`.
 */
import type { Prepare } from './statement';

export interface ProgramRecord {
  doc_seq: number;
  stage: string;
  run_id: number | null;
  programmer_key: string;
  program: string;
  /** JSON OperationNote[]. */
  notes: string;
  keep_probability: number | null;
  failure: string | null;
  prompt_tokens: number;
  generated_tokens: number;
  edited: number;
  /** The label of the run that wrote it; null when edited by hand. */
  label: string | null;
}

/** Documents as a refine job sees them: what a programmer needs plus the cache key. */
export interface PendingDoc {
  seq: number;
  id: string;
  text: string;
  content_hash: string;
}

/**
 * What a refine run still has to do for a stage: documents with no program, one by another
 * programmer, or (retrying) one whose programmer failed before `retryBefore`, the run's start,
 * so a document failed in this run is not asked twice in it. Hand edits are always kept.
 * `retryBefore: ''` retries nothing (--no-retry).
 */
export interface PendingCount {
  key: string;
  retryBefore: string;
}
export interface PendingQuery extends PendingCount {
  after: number;
  limit: number;
}

export function programStatements(p: Prepare) {
  return {
    upsert: p<Omit<ProgramRecord, 'label'> & { created_at: string }>(
      `INSERT INTO programs (doc_seq, stage, run_id, programmer_key, program, notes, keep_probability, failure, prompt_tokens, generated_tokens, edited, created_at)
       VALUES (@doc_seq, @stage, @run_id, @programmer_key, @program, @notes, @keep_probability, @failure, @prompt_tokens, @generated_tokens, @edited, @created_at)
       ON CONFLICT(doc_seq, stage) DO UPDATE SET run_id = excluded.run_id, programmer_key = excluded.programmer_key, program = excluded.program,
         notes = excluded.notes, keep_probability = excluded.keep_probability, failure = excluded.failure, prompt_tokens = excluded.prompt_tokens,
         generated_tokens = excluded.generated_tokens, edited = excluded.edited, created_at = excluded.created_at`,
    ),
    of: p<[number, string], ProgramRecord>('SELECT p.*, r.label FROM programs p LEFT JOIN runs r ON r.id = p.run_id WHERE p.doc_seq = ? AND p.stage = ?'),
    /** Documents whose programs of a stage failed (the programmer crashed or gave up), edits aside. */
    failedCount: p<[string], number>('SELECT count(*) FROM programs WHERE stage = ? AND failure IS NOT NULL AND edited = 0').pluck(),
    failures: p<[number], { id: string; stage: string; failure: string }>(
      'SELECT d.id, p.stage, p.failure FROM programs p JOIN documents d ON d.seq = p.doc_seq WHERE p.failure IS NOT NULL ORDER BY p.created_at DESC LIMIT ?',
    ),
    /** Documents with a program of either stage, in seq order after a cursor. */
    refinedSeqs: p<[number, number], number>('SELECT DISTINCT doc_seq FROM programs WHERE doc_seq > ? ORDER BY doc_seq LIMIT ?').pluck(),
    refinedCount: p<[], number>('SELECT COUNT(DISTINCT doc_seq) FROM programs').pluck(),
    deleteChunks: p<[number]>('DELETE FROM chunk_programs WHERE doc_seq = ?'),
    insertChunk: p<{ doc_seq: number; idx: number; first_line: number; last_line: number; program: string; skipped: string | null }>(
      'INSERT INTO chunk_programs (doc_seq, idx, first_line, last_line, program, skipped) VALUES (@doc_seq, @idx, @first_line, @last_line, @program, @skipped)',
    ),

    /** Documents still needing a doc-stage program from this programmer (hand edits are kept). */
    pendingDocStage: p<PendingQuery, PendingDoc>(
      `SELECT d.seq, d.id, d.text, d.content_hash FROM documents d
       LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'doc'
       WHERE d.seq > @after AND (p.doc_seq IS NULL OR (p.edited = 0 AND (p.programmer_key <> @key OR (p.failure IS NOT NULL AND p.created_at < @retryBefore))))
       ORDER BY d.seq LIMIT @limit`,
    ),
    countPendingDocStage: p<PendingCount, number>(
      `SELECT count(*) FROM documents d LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'doc'
       WHERE p.doc_seq IS NULL OR (p.edited = 0 AND (p.programmer_key <> @key OR (p.failure IS NOT NULL AND p.created_at < @retryBefore)))`,
    ).pluck(),
    /** Kept documents (after the doc stage, toggles in force) still needing a chunk-stage program. */
    pendingChunkStage: p<PendingQuery, PendingDoc>(
      `SELECT d.seq, d.id, d.text, d.content_hash FROM documents d
       LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'chunk'
       WHERE d.seq > @after AND d.doc_dropped = 0 AND (p.doc_seq IS NULL OR (p.edited = 0 AND (p.programmer_key <> @key OR (p.failure IS NOT NULL AND p.created_at < @retryBefore))))
       ORDER BY d.seq LIMIT @limit`,
    ),
    countPendingChunkStage: p<PendingCount, number>(
      `SELECT count(*) FROM documents d LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'chunk'
       WHERE d.doc_dropped = 0 AND (p.doc_seq IS NULL OR (p.edited = 0 AND (p.programmer_key <> @key OR (p.failure IS NOT NULL AND p.created_at < @retryBefore))))`,
    ).pluck(),
    /** Documents still needing an UltraX program from this programmer (hand edits are kept). */
    pendingUltraxStage: p<PendingQuery, PendingDoc>(
      `SELECT d.seq, d.id, d.text, d.content_hash FROM documents d
       LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'ultrax'
       WHERE d.seq > @after AND (p.doc_seq IS NULL OR (p.edited = 0 AND (p.programmer_key <> @key OR (p.failure IS NOT NULL AND p.created_at < @retryBefore))))
       ORDER BY d.seq LIMIT @limit`,
    ),
    countPendingUltraxStage: p<PendingCount, number>(
      `SELECT count(*) FROM documents d LEFT JOIN programs p ON p.doc_seq = d.seq AND p.stage = 'ultrax'
       WHERE p.doc_seq IS NULL OR (p.edited = 0 AND (p.programmer_key <> @key OR (p.failure IS NOT NULL AND p.created_at < @retryBefore)))`,
    ).pluck(),
    /** A stage's program of a document goes (a program of the other dialect replaced it). */
    delete: p<[number, string]>('DELETE FROM programs WHERE doc_seq = ? AND stage = ?'),
  };
}
