import { copyFileSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../../main/workspace/service';
import { devsetDocs, tempHome, type TempHome } from './helpers';

let homes: TempHome[] = [];
afterEach(() => {
  for (const h of homes) h.cleanup();
  homes = [];
});
function setup(): TempHome {
  const h = tempHome();
  homes.push(h);
  return h;
}

describe('indexing', () => {
  it('indexes the devset with input ids, provenance and full-text search', async () => {
    const h = setup();
    copyFileSync(devsetDocs, join(h.folder, 'docs.jsonl'));
    const ws = Workspace.open(h.folder, { env: h.env });
    try {
      const result = await ws.index();
      const lines = readFileSync(devsetDocs, 'utf8').trim().split('\n');
      expect(result.documentsRead).toBe(lines.length);
      expect(ws.summary().documents).toBe(lines.length);
      expect(ws.summary().dbPath.startsWith(h.home)).toBe(true);
      const first = JSON.parse(lines[0]!) as { id: string; text: string };
      const detail = ws.getDoc(first.id);
      expect(detail.row.file).toBe('docs.jsonl');
      expect(detail.row.locator).toBe(1);
      expect(detail.execution.original).toBe(first.text);
      expect(detail.row.status).toBe('pending');
      // A word that occurs in some documents but not all: the FTS result must be exactly those.
      const word = 'Physics';
      const expected = lines.filter((l) => new RegExp(`\\b${word}\\b`, 'i').test((JSON.parse(l) as { text: string }).text)).length;
      const found = ws.listDocs({ filter: 'all', search: word, sort: 'order', descending: false, offset: 0, limit: 1000 });
      expect(found.total).toBe(expected);
      expect(found.total).toBeGreaterThan(0);
      expect(found.total).toBeLessThan(lines.length);
    } finally {
      await ws.dispose();
    }
  });

  it('re-reads only what changed: same size+mtime skipped, touched but same content hashed and skipped, changed re-read, deleted removed', async () => {
    const h = setup();
    const a = join(h.folder, 'a.jsonl');
    const b = join(h.folder, 'b.txt');
    const c = join(h.folder, 'c.md');
    writeFileSync(a, '{"id":"x1","text":"first doc"}\n{"id":"x2","text":"second doc"}\n');
    writeFileSync(b, 'a plain text file\n');
    writeFileSync(c, '# notes\n');
    const ws = Workspace.open(h.folder, { env: h.env });
    try {
      const first = await ws.index();
      expect([first.filesRead, first.documentsRead]).toEqual([3, 4]);

      const second = await ws.index();
      expect([second.filesRead, second.filesUnchanged]).toEqual([0, 3]);

      const later = new Date(Date.now() + 60_000);
      utimesSync(a, later, later); // touched, content unchanged
      writeFileSync(b, 'a plain text file, edited\n');
      rmSync(c);
      const third = await ws.index();
      expect(third).toMatchObject({ filesRead: 1, filesUnchanged: 1, filesRemoved: 1, documentsRead: 1 });
      expect(ws.summary()).toMatchObject({ documents: 3, sources: 2 });
      expect(ws.getDoc('b.txt').execution.original).toBe('a plain text file, edited\n');
      expect(() => ws.getDoc('c.md')).toThrow(/no document with id "c.md"/);

      const fourth = await ws.index();
      expect(fourth.filesRead).toBe(0);
    } finally {
      await ws.dispose();
    }
  });

  it('uses the input id when unique in the workspace, else <file>:<line>', async () => {
    const h = setup();
    writeFileSync(join(h.folder, 'a.jsonl'), '{"id":"same","text":"one"}\n{"id":"same","text":"two"}\n{"text":"three"}\n{"id":7,"text":"four"}\n');
    writeFileSync(join(h.folder, 'b.jsonl'), '{"id":"same","text":"five"}\n');
    const ws = Workspace.open(h.folder, { env: h.env });
    try {
      await ws.index();
      const ids = ws.listDocs({ filter: 'all', search: '', sort: 'order', descending: false, offset: 0, limit: 10 }).rows.map((r) => r.id);
      expect(ids).toEqual(['same', 'a.jsonl:2', 'a.jsonl:3', '7', 'b.jsonl:1']);
    } finally {
      await ws.dispose();
    }
  });

  it('re-reads everything when the text field changes, and refuses a database of another folder', async () => {
    const h = setup();
    writeFileSync(join(h.folder, 'a.jsonl'), '{"id":"1","text":"t","body":"b"}\n');
    let ws = Workspace.open(h.folder, { env: h.env });
    await ws.index();
    await ws.dispose();
    ws = Workspace.open(h.folder, { env: h.env, textField: 'body' });
    try {
      const again = await ws.index();
      expect(again.filesRead).toBe(1);
      expect(ws.getDoc('1').execution.original).toBe('b');
    } finally {
      await ws.dispose();
    }
    const other = setup();
    expect(() => Workspace.open(other.folder, { env: h.env, dbPath: ws.dbPath })).toThrow(/is the index of/);
    expect(() => Workspace.open(join(h.folder, 'missing'), { env: h.env })).toThrow(/does not exist/);
  });
});
