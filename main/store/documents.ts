/**
 * The `documents` table (and its full-text index `documents_fts`): the original texts, in
 * corpus order (source, position), with the columns derived from their programs for fast
 * filtering.
 */
import type { DocStatus } from '../../contract/api';
import type { Prepare } from './statement';

/** Columns derived from a document's programs by executing them, kept for fast filtering. */
export interface DerivedColumns {
  status: DocStatus;
  doc_dropped: number;
  lines_removed: number;
  normalized: number;
  has_errors: number;
  refined_words: number | null;
  refined_chars: number | null;
}

export interface DocumentRecord extends DerivedColumns {
  seq: number;
  id: string;
  source_id: number;
  ord: number;
  locator: number | null;
  external_id: string | null;
  text: string;
  content_hash: string;
  chars: number;
  words: number;
  title: string;
  /** The input record's other fields as JSON (see migration 3); null when none. */
  extra: string | null;
}

/** A document's programs as columns (NULL when that stage has none): ProX's two stages and UltraX's one. */
export interface ProgramColumns {
  doc_program: string | null;
  doc_failure: string | null;
  doc_label: string | null;
  chunk_program: string | null;
  chunk_failure: string | null;
  chunk_label: string | null;
  ultrax_program: string | null;
  ultrax_failure: string | null;
  ultrax_label: string | null;
}

/** One document as export needs it, with both stages' programs. */
export interface ExportRow extends ProgramColumns {
  seq: number;
  id: string;
  source_id: number;
  ord: number;
  locator: number | null;
  text: string;
  path: string;
  /** The input record's other fields as JSON; null when none. */
  extra: string | null;
  /** The input's own id (null when it had none); differs from id when that id was already taken. */
  external_id: string | null;
}

/** One document as the statistics need it: its text and word count, its programs and their notes. */
export interface StatsRow extends ProgramColumns {
  seq: number;
  source_id: number;
  ord: number;
  text: string;
  words: number;
  content_hash: string;
  doc_notes: string | null;
  chunk_notes: string | null;
  ultrax_notes: string | null;
}

export type DocumentInsert = {
  id: string;
  source_id: number;
  ord: number;
  locator: number | null;
  external_id: string | null;
  /** UTF-8 bytes (the indexer's batches) are stored as TEXT all the same. */
  text: string | Uint8Array;
  content_hash: string;
  chars: number;
  words: number;
  title: string;
  extra: string | null;
};

/** Every stage's program joined to a document, with the label of the run that wrote each. */
const WITH_PROGRAMS = `FROM documents d JOIN sources s ON s.id = d.source_id
       LEFT JOIN programs pd ON pd.doc_seq = d.seq AND pd.stage = 'doc' LEFT JOIN runs rd ON rd.id = pd.run_id
       LEFT JOIN programs pc ON pc.doc_seq = d.seq AND pc.stage = 'chunk' LEFT JOIN runs rc ON rc.id = pc.run_id
       LEFT JOIN programs pu ON pu.doc_seq = d.seq AND pu.stage = 'ultrax' LEFT JOIN runs ru ON ru.id = pu.run_id
       WHERE (d.source_id, d.ord) > (?, ?) ORDER BY d.source_id, d.ord LIMIT ?`;
const PROGRAM_COLUMNS = `pd.program AS doc_program, pd.failure AS doc_failure, coalesce(rd.label, CASE WHEN pd.edited = 1 THEN 'edited by hand' END) AS doc_label,
         pc.program AS chunk_program, pc.failure AS chunk_failure, coalesce(rc.label, CASE WHEN pc.edited = 1 THEN 'edited by hand' END) AS chunk_label,
         pu.program AS ultrax_program, pu.failure AS ultrax_failure, coalesce(ru.label, CASE WHEN pu.edited = 1 THEN 'edited by hand' END) AS ultrax_label`;

export function documentStatements(p: Prepare) {
  return {
    insert: p<DocumentInsert>(
      'INSERT INTO documents (id, source_id, ord, locator, external_id, text, content_hash, chars, words, title, extra) VALUES (@id, @source_id, @ord, @locator, @external_id, CAST(@text AS TEXT), @content_hash, @chars, @words, @title, @extra)',
    ),
    /** Fills in the other fields of a document read before migration 3, if its text is still the one read now. */
    setExtra: p<{ source_id: number; ord: number; content_hash: string; extra: string | null }>(
      'UPDATE documents SET extra = @extra WHERE source_id = @source_id AND ord = @ord AND content_hash = @content_hash',
    ),
    deleteOfSource: p<[number]>('DELETE FROM documents WHERE source_id = ?'),
    maxSeq: p<[], number>('SELECT coalesce(max(seq), 0) FROM documents').pluck(),
    /** Adds documents inserted after `seq` to the full-text index (same transaction as the inserts). */
    indexTextAfter: p<[number]>('INSERT INTO documents_fts(rowid, text) SELECT seq, text FROM documents WHERE seq > ?'),
    searchCount: p<[string], number>('SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?').pluck(),
    byId: p<[string], DocumentRecord>('SELECT * FROM documents WHERE id = ?'),
    bySeq: p<[number], DocumentRecord>('SELECT * FROM documents WHERE seq = ?'),
    /** Documents after `seq`, in seq order: only what per-programmer figures read (main/workspace/programmer-retention.ts). */
    textsAfter: p<[number, number], { seq: number; text: string; content_hash: string }>('SELECT seq, text, content_hash FROM documents WHERE seq > ? ORDER BY seq LIMIT ?'),
    count: p<[], number>('SELECT count(*) FROM documents').pluck(),
    /** Documents per stored status (a full scan: once per finished batch, not per page). */
    countByStatus: p<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM documents GROUP BY status'),
    countKeptAfterDocStage: p<[], number>('SELECT count(*) FROM documents WHERE doc_dropped = 0').pluck(),
    updateDerived: p<DerivedColumns & { seq: number }>(
      `UPDATE documents SET status = @status, doc_dropped = @doc_dropped, lines_removed = @lines_removed, normalized = @normalized,
         has_errors = @has_errors, refined_words = @refined_words, refined_chars = @refined_chars WHERE seq = @seq`,
    ),
    /**
     * Export's page after a (source_id, ord) cursor: only the columns export reads (hashes,
     * titles, derived columns and notes are a measurable share of the row decoding on a big corpus).
     */
    exportPage: p<[number, number, number], ExportRow>(`SELECT d.seq, d.id, d.source_id, d.ord, d.locator, d.text, s.path, d.extra, d.external_id,
         ${PROGRAM_COLUMNS}
       ${WITH_PROGRAMS}`),
    /** The statistics' page after a (source_id, ord) cursor. */
    statsPage: p<[number, number, number], StatsRow>(`SELECT d.seq, d.source_id, d.ord, d.text, d.words, d.content_hash,
         ${PROGRAM_COLUMNS}, pd.notes AS doc_notes, pc.notes AS chunk_notes, pu.notes AS ultrax_notes
       ${WITH_PROGRAMS}`),
  };
}
