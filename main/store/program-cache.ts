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
    put: p<{ content_hash: string; stage: string; programmer_key: string } & CacheRecord>(
      `INSERT OR REPLACE INTO program_cache (content_hash, stage, programmer_key, program, notes, keep_probability, chunks, prompt_tokens, generated_tokens)
       VALUES (@content_hash, @stage, @programmer_key, @program, @notes, @keep_probability, @chunks, @prompt_tokens, @generated_tokens)`,
    ),
  };
}
