/**
 * The workspace store: one SQLite file per workspace, its schema (numbered migrations) and
 * every statement the workspace runs, named by what it does and grouped by table. Callers
 * never write SQL; the only dynamic queries (list filters, full-text search) are built in
 * document-list.ts from fixed fragments.
 */
import { openDatabase, type SqliteDatabase } from '../../native/sqlite/database';
import { documentStatements } from './documents';
import { jobStatements } from './jobs';
import { metaStatements } from './meta';
import { workspaceMigrations } from './migrations';
import { programCacheStatements } from './program-cache';
import { programOriginalStatements } from './program-originals';
import { programStatements } from './programs';
import { runStatements } from './runs';
import { scanErrorStatements } from './scan-errors';
import { sourceStatements } from './sources';
import { preparer } from './statement';
import { toggleStatements } from './toggles';

export type { DerivedColumns, DocumentInsert, DocumentRecord, ExportRow, ProgramColumns, StatsRow } from './documents';
export type { JobRecord } from './jobs';
export type { MetaKey } from './meta';
export type { CacheRecord } from './program-cache';
export type { PendingDoc, ProgramRecord } from './programs';
export type { ChunkProgramRow, ProgramOriginalRecord } from './program-originals';
export type { ScanErrorRecord } from './scan-errors';
export type { SourceRow } from './sources';
export { workspaceMigrations };
export { clearOtherDialect, otherDialectSlots } from './dialect';

/** Prepares every statement on an open, migrated connection. */
export function prepareStore(db: SqliteDatabase) {
  const p = preparer(db);
  return {
    db,
    meta: metaStatements(p),
    sources: sourceStatements(p),
    documents: documentStatements(p),
    scanErrors: scanErrorStatements(p),
    runs: runStatements(p),
    programs: programStatements(p),
    programCache: programCacheStatements(p),
    programOriginals: programOriginalStatements(p),
    toggles: toggleStatements(p),
    jobs: jobStatements(p),
  };
}

export type Store = ReturnType<typeof prepareStore>;

/** Opens (creating and migrating as needed) a workspace database; close it with `store.db.close()`. */
export function openStore(path: string): Store {
  const db = openDatabase(path, workspaceMigrations);
  try {
    return prepareStore(db);
  } catch (err) {
    db.close();
    throw err;
  }
}
