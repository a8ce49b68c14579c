/** The `sources` table: one row per file of the folder, with what indexing learned about it. */
import type { Prepare } from './statement';

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
  /** 0 for a file read before its documents' other fields were kept (migration 3). */
  fields_read: number;
}

export function sourceStatements(p: Prepare) {
  return {
    list: p<[], SourceRow>('SELECT id, path, format, size, mtime_ms, hash, documents, errors, complete, fields_read FROM sources ORDER BY id'),
    insert: p<{ path: string; format: string; size: number; mtime_ms: number; indexed_at: string }>(
      'INSERT INTO sources (path, format, size, mtime_ms, indexed_at) VALUES (@path, @format, @size, @mtime_ms, @indexed_at)',
    ),
    startRead: p<{ id: number; format: string; size: number; mtime_ms: number; indexed_at: string }>(
      'UPDATE sources SET format = @format, size = @size, mtime_ms = @mtime_ms, hash = NULL, complete = 0, documents = 0, errors = 0, ids_renamed = 0, first_renamed_id = NULL, first_renamed_locator = NULL, indexed_at = @indexed_at WHERE id = @id',
    ),
    finishRead: p<{ id: number; hash: string; documents: number; errors: number }>(
      'UPDATE sources SET hash = @hash, documents = @documents, errors = @errors, complete = 1, fields_read = 1 WHERE id = @id',
    ),
    /** A file read only in part (unreadable, removed during the scan): what was read stays, and the next scan reads it again. */
    finishIncomplete: p<{ id: number; documents: number; errors: number }>('UPDATE sources SET hash = NULL, documents = @documents, errors = @errors, complete = 0 WHERE id = @id'),
    /** Documents of the file renamed because their input id was taken; the first one stays the first the file had. */
    addRenamed: p<{ id: number; count: number; first_id: string; first_locator: number | null }>(
      'UPDATE sources SET ids_renamed = ids_renamed + @count, first_renamed_id = coalesce(first_renamed_id, @first_id), first_renamed_locator = CASE WHEN first_renamed_id IS NULL THEN @first_locator ELSE first_renamed_locator END WHERE id = @id',
    ),
    renamedCount: p<[], number>('SELECT coalesce(sum(ids_renamed), 0) FROM sources').pluck(),
    firstRenamed: p<[], { path: string; first_renamed_id: string; first_renamed_locator: number | null }>(
      'SELECT path, first_renamed_id, first_renamed_locator FROM sources WHERE ids_renamed > 0 AND first_renamed_id IS NOT NULL ORDER BY id LIMIT 1',
    ),
    fieldsRead: p<[number]>('UPDATE sources SET fields_read = 1 WHERE id = ?'),
    touch: p<{ id: number; size: number; mtime_ms: number }>('UPDATE sources SET size = @size, mtime_ms = @mtime_ms WHERE id = @id'),
    delete: p<[number]>('DELETE FROM sources WHERE id = ?'),
    path: p<[number], string>('SELECT path FROM sources WHERE id = ?').pluck(),
    count: p<[], number>('SELECT count(*) FROM sources').pluck(),
    totalBytes: p<[], number>('SELECT coalesce(sum(size), 0) FROM sources').pluck(),
  };
}
