import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DatabaseOpenError, NEW_FILE_PAGE_SIZE, openDatabase, relaxDurability, type Migration } from '../../../native/sqlite/database';
import { prepareStore, workspaceMigrations } from '../../../main/store';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'refinery-sqlite-'));
  dirs.push(dir);
  return join(dir, 'nested', 'ws.sqlite');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const two: Migration[] = [
  { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER)' },
  { version: 2, name: 'two', sql: 'CREATE TABLE b (y INTEGER)' },
];

describe('openDatabase', () => {
  it('creates the folder, uses WAL and applies every migration once', () => {
    const path = tempDb();
    const db = openDatabase(path, two);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([1, 2]);
    db.close();
    const again = openDatabase(path, two);
    expect(again.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(2);
    again.close();
  });

  it('gives a new file 16 KiB pages and leaves an existing file its own page size', () => {
    const fresh = tempDb();
    const db = openDatabase(fresh, two);
    expect(db.pragma('page_size', { simple: true })).toBe(NEW_FILE_PAGE_SIZE);
    db.close();
    const older = tempDb();
    openDatabase(older, two.slice(0, 1)).close();
    const raw = new Database(older);
    raw.pragma('journal_mode = DELETE');
    raw.pragma('page_size = 4096');
    raw.exec('VACUUM');
    raw.close();
    const reopened = openDatabase(older, two);
    expect(reopened.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe('b');
    reopened.close();
  });

  it('applies only the new migrations to an older file', () => {
    const path = tempDb();
    openDatabase(path, two.slice(0, 1)).close();
    const db = openDatabase(path, two);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe('b');
    db.close();
  });

  it('refuses a mis-numbered migration list', () => {
    expect(() => openDatabase(':memory:', [two[1]!])).toThrow(/mis-numbered/);
  });

  it('refuses a file made by a newer schema, saying what to do', () => {
    const path = tempDb();
    openDatabase(path, two).close();
    expect(() => openDatabase(path, two.slice(0, 1))).toThrow(DatabaseOpenError);
    expect(() => openDatabase(path, two.slice(0, 1))).toThrow(/newer than this Refinery knows.*--db/);
  });

  it('refuses a file whose migration was edited after it ran', () => {
    const path = tempDb();
    openDatabase(path, two).close();
    const edited = [two[0]!, { ...two[1]!, sql: 'CREATE TABLE b (z TEXT)' }];
    expect(() => openDatabase(path, edited)).toThrow(/differs from the one that created this file/);
  });

  it('fails with the path when the database cannot be created', () => {
    const blocker = tempDb().replace(/nested.*$/, 'a-file');
    writeFileSync(blocker, 'not a folder');
    expect(() => openDatabase(join(blocker, 'ws.sqlite'), two)).toThrow(/a-file/);
  });
});

describe('workspace schema', () => {
  it('keeps the full-text index in step with inserts and deletes (external content)', () => {
    const db = openDatabase(':memory:', workspaceMigrations);
    const { sources, documents } = prepareStore(db);
    const source = Number(sources.insert.run({ path: 'a.jsonl', format: 'jsonl', size: 1, mtime_ms: 1, indexed_at: 'now' }).lastInsertRowid);
    const base = { source_id: source, locator: 1, external_id: null, content_hash: 'h', chars: 1, words: 1, title: '', extra: null };
    db.transaction(() => {
      const before = documents.maxSeq.get() ?? 0;
      documents.insert.run({ ...base, id: 'd1', ord: 0, text: 'alpha beta' });
      documents.insert.run({ ...base, id: 'd2', ord: 1, text: 'beta gamma' });
      documents.indexTextAfter.run(before);
    })();
    expect(documents.searchCount.get('beta')).toBe(2);
    sources.delete.run(source);
    expect(documents.count.get()).toBe(0);
    expect(documents.searchCount.get('beta')).toBe(0);
    expect(db.prepare("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')").run().changes).toBeGreaterThanOrEqual(0);
    db.close();
  });
});

describe('workspace migrations', () => {
  it('merge full-text segments at 16 per level, on new files and on files made by the first schema', () => {
    const automerge = (db: Database.Database) => db.prepare("SELECT v FROM documents_fts_config WHERE k = 'automerge'").pluck().get();
    const fresh = openDatabase(tempDb(), workspaceMigrations);
    expect(automerge(fresh)).toBe(16);
    fresh.close();

    const path = tempDb();
    const old = openDatabase(path, workspaceMigrations.slice(0, 1));
    // The statements of today's store need today's schema: the first schema is written to directly.
    const source = Number(old.prepare("INSERT INTO sources (path, format, size, mtime_ms, indexed_at) VALUES ('a.jsonl', 'jsonl', 1, 1, '')").run().lastInsertRowid);
    old.prepare("INSERT INTO documents (id, source_id, ord, locator, text, content_hash, chars, words, title) VALUES ('d1', ?, 0, 1, 'alpha beta', 'h', 10, 2, 'alpha beta')").run(source);
    old.prepare('INSERT INTO documents_fts(rowid, text) SELECT seq, text FROM documents').run();
    expect(automerge(old)).toBeUndefined();
    old.close();
    const upgraded = openDatabase(path, workspaceMigrations);
    expect(automerge(upgraded)).toBe(16);
    expect(prepareStore(upgraded).documents.searchCount.get('beta')).toBe(1);
    upgraded.prepare("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')").run();
    upgraded.close();
  });
});

describe('relaxDurability', () => {
  it('turns synchronous off for a bulk load and puts the previous setting back, data intact', () => {
    const path = tempDb();
    const db = openDatabase(path, two);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    const restore = relaxDurability(db);
    expect(db.pragma('synchronous', { simple: true })).toBe(0); // OFF
    db.prepare('INSERT INTO a (x) VALUES (?)').run(42);
    restore();
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    db.close();
    const again = openDatabase(path, two);
    expect(again.prepare('SELECT x FROM a').pluck().get()).toBe(42);
    again.close();
  });
});
