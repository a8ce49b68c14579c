/**
 * The workspace schema, as numbered migrations. Never edit a released migration: its
 * checksum is stored in every database it created; append a new one instead.
 *
 * Programs are stored, never refined text (refined = execute(program, original)). Derived
 * columns on `documents` (status, lines_removed, ...) exist only for fast list filtering and
 * are recomputed whenever programs or toggles change.
 */
import type { Migration } from '../../native/sqlite/database';

export const workspaceMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,          -- relative to the workspace folder, '/' separators
  format TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms INTEGER NOT NULL,
  hash TEXT,                          -- sha256 of the file bytes, set once fully read
  documents INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  complete INTEGER NOT NULL DEFAULT 0, -- 0 while being read: an interrupted read is redone
  indexed_at TEXT NOT NULL
);

CREATE TABLE documents (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,               -- position within its source
  locator INTEGER,                    -- jsonl line / parquet row / json index; NULL for whole-file texts
  external_id TEXT,
  text TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  chars INTEGER NOT NULL,
  words INTEGER NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  doc_dropped INTEGER NOT NULL DEFAULT 0,
  lines_removed INTEGER NOT NULL DEFAULT 0,
  normalized INTEGER NOT NULL DEFAULT 0,
  has_errors INTEGER NOT NULL DEFAULT 0,
  refined_words INTEGER,
  refined_chars INTEGER
);
CREATE UNIQUE INDEX documents_by_source ON documents(source_id, ord);
CREATE INDEX documents_by_status ON documents(status);

-- External-content FTS: the index only, the text lives once in documents. Rows are added in
-- bulk (INSERT ... SELECT) at the end of each indexing transaction, which is several times
-- faster than a per-row trigger; every committed document is therefore always indexed, so
-- the delete trigger below is always correct.
CREATE VIRTUAL TABLE documents_fts USING fts5(text, content='documents', content_rowid='seq');
INSERT INTO documents_fts(documents_fts, rank) VALUES ('hashsize', 67108864);
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
  INSERT INTO documents_fts(documents_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;

CREATE TABLE scan_errors (
  id INTEGER PRIMARY KEY,
  source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,
  file TEXT NOT NULL,
  line INTEGER,
  field TEXT,
  message TEXT NOT NULL
);

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  stage TEXT NOT NULL,
  programmer_key TEXT NOT NULL,       -- cache key: programmer id + model hash + versions + parameters
  programmer_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  model_hash TEXT,
  prompt_version TEXT,
  grammar_version TEXT,
  parameters TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE programs (
  doc_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  stage TEXT NOT NULL,
  run_id INTEGER REFERENCES runs(id),  -- NULL when edited by hand
  programmer_key TEXT NOT NULL,
  program TEXT NOT NULL,
  notes TEXT NOT NULL,                -- JSON OperationNote[]
  keep_probability REAL,
  failure TEXT,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  generated_tokens INTEGER NOT NULL DEFAULT 0,
  edited INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  PRIMARY KEY (doc_seq, stage)
) WITHOUT ROWID;
CREATE INDEX programs_by_key ON programs(stage, programmer_key);

CREATE TABLE chunk_programs (
  doc_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  first_line INTEGER NOT NULL,
  last_line INTEGER NOT NULL,
  program TEXT NOT NULL,
  skipped TEXT,
  PRIMARY KEY (doc_seq, idx)
) WITHOUT ROWID;

-- Survives re-indexing: the same text, stage and programmer never goes to the model twice.
CREATE TABLE program_cache (
  content_hash TEXT NOT NULL,
  stage TEXT NOT NULL,
  programmer_key TEXT NOT NULL,
  program TEXT NOT NULL,
  notes TEXT NOT NULL,
  keep_probability REAL,
  chunks TEXT,                        -- JSON ChunkProgram[]
  prompt_tokens INTEGER NOT NULL,
  generated_tokens INTEGER NOT NULL,
  PRIMARY KEY (content_hash, stage, programmer_key)
) WITHOUT ROWID;

-- Only switched-off operations are stored.
CREATE TABLE op_toggles (
  doc_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  stage TEXT NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (doc_seq, stage, line)
) WITHOUT ROWID;

CREATE TABLE kind_toggles (kind TEXT PRIMARY KEY, enabled INTEGER NOT NULL);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  spec TEXT NOT NULL,                 -- JSON ProgrammerSpec
  stages TEXT NOT NULL,
  state TEXT NOT NULL,
  programmer TEXT,
  errors INTEGER NOT NULL DEFAULT 0,
  message TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT
);
`,
  },
  {
    version: 2,
    name: 'full-text index merges less often',
    // FTS5 merges index segments once `automerge` of them share a level (default 4). Bulk
    // indexing writes one segment per transaction; merging at 16 instead measured ~12% less
    // writer CPU, while a search still looks at a few dozen segments at most. A setting stored
    // in the index itself, so an existing database only gains it.
    sql: `INSERT INTO documents_fts(documents_fts, rank) VALUES ('automerge', 16);`,
  },
  {
    version: 3,
    name: "the input record's other fields",
    // documents.extra: everything a JSON/parquet record had besides its text and id, as one JSON
    // object, so export can write it back (NULL: nothing else, or read before this migration).
    // sources.fields_read: 1 once a file was read with its other fields; files read before
    // stay 0 until the next index fills their documents' extra in place (programs, toggles
    // and hand edits are kept), see indexing/indexer.ts.
    sql: `
ALTER TABLE documents ADD COLUMN extra TEXT;
ALTER TABLE sources ADD COLUMN fields_read INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 4,
    name: "the programmer's output behind a hand edit",
    // A hand edit replaces a document's program row; the row it replaced (and its chunk
    // programs and switched-off operations) is kept here, once per slot, so the edit can be
    // reverted exactly. A slot with no row here had no programmer's program before the edit.
    sql: `
CREATE TABLE program_originals (
  doc_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
  stage TEXT NOT NULL,
  run_id INTEGER REFERENCES runs(id),
  programmer_key TEXT NOT NULL,
  program TEXT NOT NULL,
  notes TEXT NOT NULL,
  keep_probability REAL,
  failure TEXT,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  generated_tokens INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  chunks TEXT,                        -- JSON rows of chunk_programs (chunk and UltraX slots), NULL: none
  disabled TEXT NOT NULL DEFAULT '[]', -- JSON program lines switched off in this slot
  PRIMARY KEY (doc_seq, stage)
) WITHOUT ROWID;
`,
  },
  {
    version: 5,
    name: 'documents with errors, indexed',
    // The list's Errors chip counts (and filters) documents with has_errors = 1 on every
    // refresh; without an index that reads every row, texts included. Few documents have
    // errors, so a partial index is small.
    sql: `CREATE INDEX documents_with_errors ON documents(seq) WHERE has_errors = 1;`,
  },
  {
    version: 6,
    name: 'documents renamed for a duplicate id, per file',
    // sources.ids_renamed: documents of the file whose input id another document already had
    // (they got `<file>:<line>` ids), and the first of them (its input id and line), so the app
    // and `serve` can warn about them after the pass that found them. Reset when the file is
    // read again; 0 for files read before this migration.
    sql: `
ALTER TABLE sources ADD COLUMN ids_renamed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN first_renamed_id TEXT;
ALTER TABLE sources ADD COLUMN first_renamed_locator INTEGER;
`,
  },
  {
    version: 7,
    name: 'programs version',
    // meta.programsVersion counts every change to what per-programmer figures are computed
    // from: the program cache (every programmer's programs by text), the runs (their labels)
    // and the sources (documents come and go only with a source read, re-read or removed).
    // Triggers bump it in the writer's own transaction (the refine worker's too), so a result
    // computed at one value is still exact while the value is unchanged (main/workspace/
    // programmer-retention.ts). Documents themselves get no trigger: one per inserted row
    // would slow indexing down, and no document changes without its source's row changing.
    sql: `
INSERT INTO meta (key, value) VALUES ('programsVersion', '0') ON CONFLICT(key) DO NOTHING;
CREATE TRIGGER program_cache_insert_version AFTER INSERT ON program_cache BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'programsVersion';
END;
CREATE TRIGGER program_cache_update_version AFTER UPDATE ON program_cache BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'programsVersion';
END;
CREATE TRIGGER program_cache_delete_version AFTER DELETE ON program_cache BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'programsVersion';
END;
CREATE TRIGGER runs_insert_version AFTER INSERT ON runs BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'programsVersion';
END;
CREATE TRIGGER runs_update_version AFTER UPDATE ON runs BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'programsVersion';
END;
CREATE TRIGGER sources_insert_version AFTER INSERT ON sources BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'programsVersion';
END;
CREATE TRIGGER sources_update_version AFTER UPDATE ON sources BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'programsVersion';
END;
CREATE TRIGGER sources_delete_version AFTER DELETE ON sources BEGIN
  UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'programsVersion';
END;
`,
  },
];
