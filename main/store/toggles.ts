/** The `op_toggles` (switched-off operations of one document) and `kind_toggles` (whole kinds) tables. */
import type { Prepare } from './statement';

export function toggleStatements(p: Prepare) {
  return {
    disabledOps: p<[number], { stage: string; line: number }>('SELECT stage, line FROM op_toggles WHERE doc_seq = ?'),
    /** The switched-off operations of a page of documents (a JSON array of seqs), ordered by document, stage, line. */
    disabledOpsOfDocs: p<[string], { doc_seq: number; stage: string; line: number }>(
      'SELECT doc_seq, stage, line FROM op_toggles WHERE doc_seq IN (SELECT value FROM json_each(?)) ORDER BY doc_seq, stage, line',
    ),
    disableOp: p<[number, string, number]>('INSERT OR IGNORE INTO op_toggles (doc_seq, stage, line) VALUES (?, ?, ?)'),
    enableOp: p<[number, string, number]>('DELETE FROM op_toggles WHERE doc_seq = ? AND stage = ? AND line = ?'),
    /** A new program's line numbers mean other operations: its stage's toggles go. */
    clearStage: p<[number, string]>('DELETE FROM op_toggles WHERE doc_seq = ? AND stage = ?'),
    countDisabledOps: p<[], number>('SELECT count(*) FROM op_toggles').pluck(),
    kinds: p<[], { kind: string; enabled: number }>('SELECT kind, enabled FROM kind_toggles'),
    setKind: p<[string, number]>('INSERT INTO kind_toggles (kind, enabled) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET enabled = excluded.enabled'),
  };
}
