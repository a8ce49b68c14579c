/** The `scan_errors` table: bad input found while indexing, by file and line. */
import type { Prepare } from './statement';

export interface ScanErrorRecord {
  file: string;
  line: number | null;
  field: string | null;
  message: string;
}

export function scanErrorStatements(p: Prepare) {
  return {
    insert: p<{ source_id: number | null } & ScanErrorRecord>(
      'INSERT INTO scan_errors (source_id, file, line, field, message) VALUES (@source_id, @file, @line, @field, @message)',
    ),
    page: p<[number, number], ScanErrorRecord>('SELECT file, line, field, message FROM scan_errors ORDER BY id LIMIT ? OFFSET ?'),
    count: p<[], number>('SELECT count(*) FROM scan_errors').pluck(),
    deleteOfSource: p<[number]>('DELETE FROM scan_errors WHERE source_id = ?'),
    /** Errors about the folder itself (unreadable entries), not about one file. */
    deleteOfFolder: p<[]>('DELETE FROM scan_errors WHERE source_id IS NULL'),
  };
}
