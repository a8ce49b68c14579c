/** The `program_cache` table: the same text, stage and programmer never go to the programmer twice. */
import type { Prepare } from './statement';

export interface CacheRecord {
  program: string;
  notes: string;
  keep_probability: number | null;
  chunks: string | null;
  prompt_tokens: number;
  generated_tokens: number;
}

export function programCacheStatements(p: Prepare) {
  return {
    get: p<[string, string, string], CacheRecord>(
      'SELECT program, notes, keep_probability, chunks, prompt_tokens, generated_tokens FROM program_cache WHERE content_hash = ? AND stage = ? AND programmer_key = ?',
    ),
    /**
     * Every programmer's programs for one text (the compare view): with the label of the
     * latest run that wrote each (stage, programmer), null when no run row names it.
     */
    forContent: p<[string], CacheRecord & { stage: string; programmer_key: string; label: string | null }>(
      `SELECT c.stage, c.programmer_key, c.program, c.notes, c.keep_probability, c.chunks, c.prompt_tokens, c.generated_tokens,
         (SELECT r.label FROM runs r WHERE r.stage = c.stage AND r.programmer_key = c.programmer_key ORDER BY r.id DESC LIMIT 1) AS label
       FROM program_cache c WHERE c.content_hash = ? ORDER BY c.programmer_key, c.stage`,
    ),
    put: p<{ content_hash: string; stage: string; programmer_key: string } & CacheRecord>(
      `INSERT OR REPLACE INTO program_cache (content_hash, stage, programmer_key, program, notes, keep_probability, chunks, prompt_tokens, generated_tokens)
       VALUES (@content_hash, @stage, @programmer_key, @program, @notes, @keep_probability, @chunks, @prompt_tokens, @generated_tokens)`,
    ),
  };
}
