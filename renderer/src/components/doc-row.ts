/**
 * What a list row says besides its title: where the document comes from, so the `.txt` and
 * the `.jsonl` copy of a page (same title) are told apart at a glance.
 */
import type { DocumentRow } from '../../../contract/api';

/** Compressions that wrap a format: `a.jsonl.gz` is a gzipped JSONL file. */
const WRAPPERS = new Set(['gz', 'zst', 'bz2', 'xz']);

/** The file's format as its name says it: `jsonl`, `txt`, `jsonl.gz`; '' for a name without one. */
export function fileKind(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1).toLowerCase();
  const parts = base.split('.').slice(1);
  if (parts.length === 0) return '';
  const last = parts[parts.length - 1]!;
  if (WRAPPERS.has(last) && parts.length >= 2) return `${parts[parts.length - 2]}.${last}`;
  return last;
}

export interface RowOrigin {
  /** `file:line` (jsonl line, parquet row, json index) or the file alone for a whole-file text. */
  place: string;
  /** The document's id when it says more than its place (an input's own id); null otherwise. */
  id: string | null;
  kind: string;
}

export function rowOrigin(row: Pick<DocumentRow, 'id' | 'file' | 'locator'>): RowOrigin {
  const place = row.locator === null ? row.file : `${row.file}:${row.locator}`;
  return { place, id: row.id === place || row.id === row.file ? null : row.id, kind: fileKind(row.file) };
}
