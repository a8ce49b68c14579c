/** The `runs` table: one row per stage and programmer identity, naming what wrote a program. */
import type { Prepare } from './statement';

export function runStatements(p: Prepare) {
  return {
    insert: p<{
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
    byKey: p<[string, string], number>('SELECT id FROM runs WHERE stage = ? AND programmer_key = ? ORDER BY id DESC LIMIT 1').pluck(),
  };
}
