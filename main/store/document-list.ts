/**
 * The document list: filter, full-text search, sort and paging, built from fixed SQL
 * fragments (never from user text: search terms are bound parameters).
 */
import type { DocCounts, DocFilter, DocSort, ListPageQuery } from '../../contract/api';
import type { SqliteDatabase } from '../../native/sqlite/database';
import type { DocumentRecord } from './documents';

/**
 * A row of the list: the stored columns but the text, its source file's path, and the text's
 * head, from which the list's title is taken (main/corpus/text-facts.ts titleOf). The head costs
 * next to nothing: the derived columns after `text` in the record are read through it anyway,
 * and a title made here follows the current title rules without re-indexing.
 */
export type ListedDocument = Omit<DocumentRecord, 'text' | 'extra'> & { path: string; head: string };

const FILTERS: Record<DocFilter, string | null> = {
  all: null,
  pending: "d.status = 'pending'",
  kept: "d.status = 'kept'",
  dropped: "d.status = 'dropped'",
  modified: "d.status = 'modified'",
  errors: 'd.has_errors = 1',
};

const SORTS: Record<DocSort, string[]> = {
  order: ['d.source_id', 'd.ord'],
  words: ['d.words', 'd.source_id', 'd.ord'],
  linesRemoved: ['d.lines_removed', 'd.source_id', 'd.ord'],
  id: ['d.id'],
};

/**
 * Free text to an FTS5 query: every whitespace-separated term must occur (each quoted, so
 * FTS syntax characters in user text are just text); a trailing `*` keeps prefix search.
 */
export function toFtsQuery(search: string): string | null {
  const terms = search
    .split(/\s+/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((t) => {
      const prefix = t.endsWith('*') && t.length > 1;
      const body = (prefix ? t.slice(0, -1) : t).replace(/"/g, '""');
      return `"${body}"${prefix ? '*' : ''}`;
    });
  return terms.length > 0 ? terms.join(' ') : null;
}

function whereClause(filter: DocFilter, search: string): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const fts = toFtsQuery(search);
  if (fts !== null) {
    parts.push('d.seq IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)');
    params.push(fts);
  }
  const f = FILTERS[filter];
  if (f) parts.push(f);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const LIST_COLUMNS =
  'd.seq, d.id, d.source_id, d.ord, d.locator, d.external_id, d.content_hash, d.chars, d.words, d.title, d.status, d.doc_dropped, d.lines_removed, d.normalized, d.has_errors, d.refined_words, d.refined_chars, s.path, substr(d.text, 1, ?) AS head';

/** `headChars`: how much of each text comes back as `head` (the title reads that much: TITLE_HEAD_CHARS). */
export function listDocuments(db: SqliteDatabase, query: ListPageQuery, headChars: number): { total: number; rows: ListedDocument[] } {
  const where = whereClause(query.filter, query.search);
  const direction = query.descending ? 'DESC' : 'ASC';
  const order = SORTS[query.sort].map((c) => `${c} ${direction}`).join(', ');
  const total = db.prepare(`SELECT count(*) FROM documents d ${where.sql}`).pluck().get(...where.params) as number;
  const rows = db
    .prepare(`SELECT ${LIST_COLUMNS} FROM documents d JOIN sources s ON s.id = d.source_id ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(headChars, ...where.params, query.limit, query.offset) as ListedDocument[];
  return { total, rows };
}

/** These documents' list rows, in the order of `ids` (unknown ids left out). */
export function listedByIds(db: SqliteDatabase, ids: readonly string[], headChars: number): ListedDocument[] {
  const statement = db.prepare(`SELECT ${LIST_COLUMNS} FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.id = ?`);
  const rows: ListedDocument[] = [];
  for (const id of ids) {
    const row = statement.get(headChars, id) as ListedDocument | undefined;
    if (row) rows.push(row);
  }
  return rows;
}

/**
 * Documents per filter for a search (all documents when it is empty). Without a search the
 * status counts come from the status index and the error count from the partial index of
 * migration 5, so neither reads the texts.
 */
export function countDocuments(db: SqliteDatabase, search: string): DocCounts {
  const where = whereClause('all', search);
  const counts: DocCounts = { all: 0, pending: 0, kept: 0, modified: 0, dropped: 0, errors: 0 };
  const byStatus = db.prepare(`SELECT d.status AS status, count(*) AS n FROM documents d ${where.sql} GROUP BY d.status`).all(...where.params) as { status: string; n: number }[];
  for (const { status, n } of byStatus) {
    counts.all += n;
    if (status === 'pending' || status === 'kept' || status === 'modified' || status === 'dropped') counts[status] += n;
  }
  const errors = whereClause('errors', search);
  counts.errors = db.prepare(`SELECT count(*) FROM documents d ${errors.sql}`).pluck().get(...errors.params) as number;
  return counts;
}

/** The next or previous document in corpus order that passes the filter. */
export function neighborDocument(db: SqliteDatabase, from: DocumentRecord, direction: 'next' | 'previous', filter: DocFilter): string | null {
  const f = FILTERS[filter];
  const cmp = direction === 'next' ? '>' : '<';
  const dir = direction === 'next' ? 'ASC' : 'DESC';
  const sql = `SELECT d.id FROM documents d WHERE (d.source_id, d.ord) ${cmp} (?, ?) ${f ? `AND ${f}` : ''} ORDER BY d.source_id ${dir}, d.ord ${dir} LIMIT 1`;
  return (db.prepare(sql).pluck().get(from.source_id, from.ord) as string | undefined) ?? null;
}
