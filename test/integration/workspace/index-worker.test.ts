/**
 * The indexer reads in a worker thread for large scans and in-thread for small ones: both must
 * store exactly the same documents, facts, ids, scan errors and search index; an abort during
 * a worker read must leave a workspace that the next scan completes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../../main/workspace/service';
import { openStore, type Store } from '../../../main/store';
import { contentHash } from '../../../main/corpus/text-facts';
import { tempHome, type TempHome } from './helpers';

let homes: TempHome[] = [];
afterEach(() => {
  for (const h of homes) h.cleanup();
  homes = [];
});

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'épée', '中文', '😀', 'omega'];

function writeCorpus(folder: string): void {
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const words = Array.from({ length: 5 + (i % 40) }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]);
    const text = `Title ${i}\n${words.join(' ')}${i % 11 === 0 ? ' \ud800' : ''}`;
    lines.push(JSON.stringify({ id: i % 100 === 0 ? 'dup' : `doc-${i}`, text }));
    if (i % 1000 === 500) lines.push('{broken');
  }
  writeFileSync(join(folder, 'a.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(folder, 'b.jsonl.gz'), gzipSync(lines.slice(0, 3000).join('\n') + '\n{"id":"x"}\n'));
  writeFileSync(join(folder, 'c.txt'), 'a whole text file\nwith two lines');
  writeFileSync(join(folder, 'd.md'), '   \n');
}

function snapshot(ws: Workspace) {
  const store = openStore(ws.dbPath);
  try {
    return snapshotOf(store);
  } finally {
    store.db.close();
  }
}

function snapshotOf({ db, documents }: Store) {
  return {
    documents: db
      .prepare('SELECT d.id, s.path, d.ord, d.locator, d.external_id, d.text, typeof(d.text) AS type, d.content_hash, d.chars, d.words, d.title FROM documents d JOIN sources s ON s.id = d.source_id ORDER BY d.seq')
      .all() as { text: string; type: string; content_hash: string; chars: number }[],
    errors: db.prepare('SELECT file, line, field, message FROM scan_errors ORDER BY id').all(),
    sources: db.prepare('SELECT path, hash, documents, errors, complete FROM sources ORDER BY id').all(),
    search: ['alpha', 'épée', '中文', 'title'].map((word) => documents.searchCount.get(word)),
  };
}

async function indexed(readInWorker: boolean) {
  const h = tempHome();
  homes.push(h);
  writeCorpus(h.folder);
  const ws = Workspace.open(h.folder, { env: h.env });
  try {
    const result = await ws.index({ readInWorker, batchBytes: 64 * 1024 });
    return { result, snapshot: snapshot(ws) };
  } finally {
    await ws.dispose();
  }
}

describe('indexing in a worker thread', () => {
  it('stores exactly what in-thread indexing stores', { timeout: 60_000 }, async () => {
    const inThread = await indexed(false);
    const inWorker = await indexed(true);
    const { snapshot: s } = inWorker;
    expect(s.documents).toHaveLength(7998);
    expect(s.documents.every((d) => d.type === 'text' && d.content_hash === contentHash(d.text) && d.chars === d.text.length)).toBe(true);
    expect(s.search.every((n) => (n ?? 0) > 0)).toBe(true);
    expect(s.errors.length).toBeGreaterThan(5);
    expect(inWorker.snapshot).toEqual(inThread.snapshot);
    expect({ ...inWorker.result, seconds: 0 }).toEqual({ ...inThread.result, seconds: 0 });
  });

  it('stops on abort, and the next scan reads the interrupted file again in full', { timeout: 60_000 }, async () => {
    const h = tempHome();
    homes.push(h);
    writeCorpus(h.folder);
    const ws = Workspace.open(h.folder, { env: h.env });
    try {
      const controller = new AbortController();
      let progressEvents = 0;
      const aborted = ws.index({
        readInWorker: true,
        batchBytes: 16 * 1024,
        progressIntervalMs: 0,
        signal: controller.signal,
        onProgress: (p) => {
          if (!p.done && ++progressEvents === 3) controller.abort();
        },
      });
      await expect(aborted).rejects.toThrow(/abort/i);
      const partial = ws.summary().documents;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(7998);
      const again = await ws.index({ readInWorker: true });
      expect(again.documentsRead).toBeGreaterThan(0);
      expect(ws.summary().documents).toBe(7998);
    } finally {
      await ws.dispose();
    }
  });
});
