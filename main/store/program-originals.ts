/**
 * The `program_originals` table: the programmer's program row a hand edit replaced, with its
 * chunk programs and switched-off operations, kept once per slot so the edit can be reverted
 * to exactly what the programmer wrote. Rows go when the edit is reverted.
 */
import type { Prepare } from './statement';

export interface ChunkProgramRow {
  idx: number;
  first_line: number;
  last_line: number;
  program: string;
  skipped: string | null;
}

export interface ProgramOriginalRecord {
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
  created_at: string;
  /** JSON ChunkProgramRow[], or null when the slot had none. */
  chunks: string | null;
  /** JSON number[]: the slot's switched-off program lines. */
  disabled: string;
}

export function programOriginalStatements(p: Prepare) {
  return {
    /** Keeps the slot's current programmer row, unless an original is kept already or the row is a hand edit. */
    keep: p<{ doc_seq: number; stage: string; chunks: string | null; disabled: string }>(
      `INSERT OR IGNORE INTO program_originals (doc_seq, stage, run_id, programmer_key, program, notes, keep_probability, failure, prompt_tokens, generated_tokens, created_at, chunks, disabled)
       SELECT doc_seq, stage, run_id, programmer_key, program, notes, keep_probability, failure, prompt_tokens, generated_tokens, created_at, @chunks, @disabled
       FROM programs WHERE doc_seq = @doc_seq AND stage = @stage AND edited = 0`,
    ),
    ofDoc: p<[number], ProgramOriginalRecord>('SELECT * FROM program_originals WHERE doc_seq = ? ORDER BY stage'),
    /** The label of a kept original's run, for "revert to the programmer's output (…)". */
    labels: p<[number], { stage: string; programmer_key: string; label: string | null }>(
      'SELECT o.stage, o.programmer_key, r.label FROM program_originals o LEFT JOIN runs r ON r.id = o.run_id WHERE o.doc_seq = ? ORDER BY o.stage',
    ),
    deleteDoc: p<[number]>('DELETE FROM program_originals WHERE doc_seq = ?'),
    chunksOf: p<[number], ChunkProgramRow>('SELECT idx, first_line, last_line, program, skipped FROM chunk_programs WHERE doc_seq = ? ORDER BY idx'),
    /** Edited slots of a document. */
    editedStages: p<[number], string>('SELECT stage FROM programs WHERE doc_seq = ? AND edited = 1 ORDER BY stage').pluck(),
    restore: p<Omit<ProgramOriginalRecord, 'chunks' | 'disabled'>>(
      `INSERT INTO programs (doc_seq, stage, run_id, programmer_key, program, notes, keep_probability, failure, prompt_tokens, generated_tokens, edited, created_at)
       VALUES (@doc_seq, @stage, @run_id, @programmer_key, @program, @notes, @keep_probability, @failure, @prompt_tokens, @generated_tokens, 0, @created_at)
       ON CONFLICT(doc_seq, stage) DO UPDATE SET run_id = excluded.run_id, programmer_key = excluded.programmer_key, program = excluded.program,
         notes = excluded.notes, keep_probability = excluded.keep_probability, failure = excluded.failure, prompt_tokens = excluded.prompt_tokens,
         generated_tokens = excluded.generated_tokens, edited = 0, created_at = excluded.created_at`,
    ),
  };
}
