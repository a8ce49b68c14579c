/** The `meta` table: workspace settings and markers as key/value text. */
import type { Prepare } from './statement';

/** Keys the workspace keeps in `meta`. */
/** `shard`: `i/N` in a shard worker's workspace (refine --shard), absent in a whole folder's. */
/** `exports`: JSON array of the absolute paths this workspace exported to (index skips them inside the folder). */
/** `writerLock`: who writes the workspace now (main/workspace/writer-lock.ts), JSON; absent when nobody does. */
/** `programsVersion`: a counter the schema's triggers bump on every change to the program cache, runs or sources (migration 7). */
export type MetaKey = 'folder' | 'createdAt' | 'textField' | 'idField' | 'fields' | 'parseMode' | 'statusesStale' | 'shard' | 'writerLock' | 'exports' | 'programsVersion';

export function metaStatements(p: Prepare) {
  return {
    value: p<[MetaKey], string>('SELECT value FROM meta WHERE key = ?').pluck(),
    set: p<[MetaKey, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    remove: p<[MetaKey]>('DELETE FROM meta WHERE key = ?'),
  };
}
