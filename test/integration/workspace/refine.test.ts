import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { executeProgram } from '../../../main/prox/executor';
import type { Programmer } from '../../../main/prox/programmer';
import { countWords } from '../../../main/prox/words';
import { createRuleProgrammer } from '../../../main/rules/rule-programmer';
import { recomputeDerived } from '../../../main/execution/document';
import { readSettings } from '../../../main/execution/settings';
import { runRefine } from '../../../main/jobs/refine-runner';
import { openStore, type Store } from '../../../main/store';
import { Workspace } from '../../../main/workspace/service';
import { devsetDocs, tempHome, type TempHome } from './helpers';

let homes: TempHome[] = [];
const open: Workspace[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) store.db.close();
  for (const ws of open.splice(0)) await ws.dispose();
  for (const h of homes) h.cleanup();
  homes = [];
});
async function devsetWorkspace(): Promise<{ h: TempHome; ws: Workspace }> {
  const h = tempHome();
  homes.push(h);
  copyFileSync(devsetDocs, join(h.folder, 'docs.jsonl'));
  const ws = Workspace.open(h.folder, { env: h.env });
  open.push(ws);
  await ws.index();
  return { h, ws };
}

/** The real rule programmer, counting what it is asked (to prove the cache keeps work from it). */
function counting(inner: Programmer): Programmer & { asked: string[] } {
  const asked: string[] = [];
  return {
    info: inner.info,
    stages: inner.stages,
    asked,
    async writePrograms(stage, docs, options) {
      asked.push(...docs.map((d) => `${stage}:${d.id}`));
      return inner.writePrograms(stage, docs, options);
    },
    dispose: () => inner.dispose(),
  };
}

const readJsonl = (path: string) =>
  (path.endsWith('.gz') ? gunzipSync(readFileSync(path)).toString('utf8') : readFileSync(path, 'utf8'))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as { id: string; text: string; metadata: Record<string, unknown> });

describe('refine, toggles, export, stats on the devset', () => {
  it('writes doc programs for all, chunk programs for kept, and never asks twice for the same text and programmer', async () => {
    const { ws } = await devsetWorkspace();
    const total = ws.summary().documents;
    const programmer = counting(createRuleProgrammer('fineweb+prox-lines'));
    // The runner on its own connection, as a refine job's worker thread has.
    const store = openStore(ws.dbPath);
    stores.push(store);
    const run = () => runRefine(store, { stages: 'both', programmers: { doc: programmer, chunk: programmer }, batchSize: 16, recompute: (seq) => recomputeDerived(store, seq, readSettings(store)) });
    const first = await run();
    const kept = store.documents.countKeptAfterDocStage.get()!;
    expect(first.processed).toEqual({ doc: total, chunk: kept });
    expect(programmer.asked.length).toBe(total + kept);
    expect(ws.listDocs({ filter: 'pending', search: '', sort: 'order', descending: false, offset: 0, limit: 10 }).total).toBe(0);

    // Nothing pending: a second run does nothing at all.
    const second = await run();
    expect(second.processed).toEqual({ doc: 0, chunk: 0 });

    // Re-indexing the same texts from a renamed file makes new documents; the cache answers them all.
    const text = readFileSync(join(ws.folder, 'docs.jsonl'));
    writeFileSync(join(ws.folder, 'docs.jsonl'), '');
    writeFileSync(join(ws.folder, 'renamed.jsonl'), text);
    await ws.index();
    const asked = programmer.asked.length;
    const third = await run();
    expect(third.processed.doc).toBe(total);
    expect(third.cacheHits).toBe(total + kept);
    expect(programmer.asked.length).toBe(asked);
  });

  it('derived columns, toggles and export agree with executing the stored programs', async () => {
    const { h, ws } = await devsetWorkspace();
    const final = await ws.refine({ spec: { type: 'rules', preset: 'fineweb+prox-lines' }, stages: 'both' });
    expect(final.state).toBe('done');
    const list = (filter: 'kept' | 'dropped' | 'modified' | 'all') => ws.listDocs({ filter, search: '', sort: 'order', descending: false, offset: 0, limit: 1000 });
    const dropped = list('dropped').total;
    const keptOrModified = list('kept').total + list('modified').total;
    expect(dropped + keptOrModified).toBe(ws.summary().documents);

    // Each document's derived status is what the executor says about its stored programs.
    for (const row of list('all').rows) {
      const detail = ws.getDoc(row.id);
      const execution = executeProgram({ text: detail.execution.original, docProgram: detail.doc?.text ?? null, chunkProgram: detail.chunk?.text ?? null });
      expect(row.status === 'dropped').toBe(execution.dropped);
      expect(detail.execution.refined).toBe(execution.text);
    }

    const out = join(h.home, 'clean.jsonl.gz');
    const result = await ws.export({ out, compression: 'gzip', auditDropped: true, auditRemovedLines: true });
    const records = readJsonl(out);
    expect(records.length).toBe(keptOrModified);
    expect(result.documents).toBe(keptOrModified);
    expect(readJsonl(result.auditFiles[0]!).length).toBe(dropped);
    const sample = records[0]!;
    expect(sample.metadata).toMatchObject({ source: 'docs.jsonl', programmer: { doc: expect.stringContaining('Rules') } });
    expect(sample.text).toBe(ws.getDoc(sample.id).execution.refined);

    // Switching drop_doc off for the workspace keeps documents the doc stage dropped.
    const docDropped = list('dropped').rows.filter((r) => ws.getDoc(r.id).execution.dropReason?.startsWith('doc program')).length;
    expect(docDropped).toBeGreaterThan(0);
    const passes: { done: number; total: number; running: boolean }[] = [];
    const stopListening = ws.events.on('statuses.progress', (p) => passes.push(p));
    await ws.setKind('drop_doc', false);
    expect(ws.toggles().drop_doc).toBe(false);
    await ws.statusesSettled();
    stopListening();
    const store = openStore(ws.dbPath);
    stores.push(store);
    const refined = store.programs.refinedCount.get()!;
    expect(passes.at(-1)).toEqual({ done: refined, total: refined, running: false });
    expect(store.meta.value.get('statusesStale')).toBe('0');
    expect(list('dropped').total).toBe(dropped - docDropped);
    const out2 = join(h.home, 'clean2.jsonl');
    await ws.export({ out: out2, compression: 'none', auditDropped: false, auditRemovedLines: false });
    const records2 = readJsonl(out2);
    expect(records2.length).toBe(keptOrModified + docDropped);
    expect(records2[0]!.metadata).toMatchObject({ toggles: { disabledKinds: ['drop_doc'] } });
    await ws.setKind('drop_doc', true);
    await ws.statusesSettled();
    expect(list('dropped').total).toBe(dropped);

    // A per-document toggle: switch off one remove_lines of a modified document.
    const modified = list('modified').rows.find((r) => r.linesRemoved > 0)!;
    const op = ws.getDoc(modified.id).execution.operations.find((o) => o.kind === 'remove_lines' && o.linesRemoved > 0)!;
    const view = ws.setOperation(modified.id, op.stage, op.line, false);
    expect(view.operations.find((o) => o.line === op.line && o.stage === op.stage)!.enabled).toBe(false);
    const after = ws.getDoc(modified.id).row;
    expect(after.linesRemoved).toBe(modified.linesRemoved - op.linesRemoved);
    const out3 = join(h.home, 'clean3.jsonl');
    await ws.export({ out: out3, compression: 'none', auditDropped: false, auditRemovedLines: false });
    const rec = readJsonl(out3).find((r) => r.id === modified.id)!;
    expect(rec.metadata).toMatchObject({ toggles: { disabledOperations: { [op.stage]: [op.line] } } });
    expect(rec.text).toBe(ws.getDoc(modified.id).execution.refined);

    // Stats before = the corpus; after = the exported texts.
    const stats = ws.stats();
    const texts = readJsonl(out3);
    expect(stats.documents).toEqual({ before: ws.summary().documents, after: texts.length });
    expect(stats.words.after).toBe(texts.reduce((n, r) => n + countWords(r.text), 0));
    expect(stats.lengthHistogram.before.reduce((a, b) => a + b, 0)).toBe(ws.summary().documents);
    expect(stats.lengthHistogram.after.reduce((a, b) => a + b, 0)).toBe(texts.length);
    expect(stats.operations.drop_doc).toBeGreaterThan(0);
    expect(Object.keys(stats.rules).length).toBeGreaterThan(0);
  });

  it('a failed or interrupted export leaves no file behind and says why', async () => {
    const { h, ws } = await devsetWorkspace();
    await expect(ws.export({ out: join(h.home, 'no-such-dir', 'x.jsonl'), compression: 'none', auditDropped: false, auditRemovedLines: false })).rejects.toThrow(/no-such-dir/);
    const abort = new AbortController();
    const out = join(h.home, 'interrupted.jsonl');
    const unsubscribe = ws.events.on('export.progress', () => abort.abort(new Error('stop here')));
    const pending = ws.export({ out, compression: 'none', auditDropped: true, auditRemovedLines: false }, abort.signal);
    await expect(pending).rejects.toThrow(/stop here/);
    unsubscribe();
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(h.home).filter((f) => f.includes('interrupted'))).toEqual([]);
  });
  it('a toggle during a status pass restarts it, and a pass cut short by a crash resumes on open', async () => {
    const { h, ws } = await devsetWorkspace();
    await ws.refine({ spec: { type: 'rules', preset: 'fineweb+prox-lines' }, stages: 'both' });
    const dropped = () => ws.listDocs({ filter: 'dropped', search: '', sort: 'order', descending: false, offset: 0, limit: 1 }).total;
    const before = dropped();
    // Two toggles back to back: the first pass is cancelled, the second leaves everything as before.
    await ws.setKind('drop_doc', false);
    await ws.setKind('drop_doc', true);
    await ws.statusesSettled();
    expect(dropped()).toBe(before);

    // Simulate a crash mid-pass: the toggle is stored and flagged, statuses not yet updated.
    const dbPath = ws.dbPath;
    const store = openStore(dbPath);
    stores.push(store);
    store.toggles.setKind.run('drop_doc', 0);
    store.meta.set.run('statusesStale', '1');
    await ws.dispose();
    open.splice(open.indexOf(ws), 1);
    const reopened = Workspace.open(h.folder, { env: h.env, dbPath });
    open.push(reopened);
    await reopened.statusesSettled();
    expect(store.meta.value.get('statusesStale')).toBe('0');
    expect(reopened.listDocs({ filter: 'dropped', search: '', sort: 'order', descending: false, offset: 0, limit: 1 }).total).toBeLessThan(before);
  });
});
