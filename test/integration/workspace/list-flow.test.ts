/**
 * What the review list reads besides docs.list (issue 15.6, 15.8, 15.9): one document's row
 * after a toggle (docs.rows), the chips' counts (docs.counts, consistent with Stats), real
 * titles, and "refine this document now" (doc.refine) through the batch's own path.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocCountsSchema, DocRefineResultSchema, DocumentRowSchema } from '../../../contract/api';
import { devsetDocs, disposedAfterEach } from './helpers';

const opened = disposedAfterEach();

describe('list flow', () => {
  it('counts per filter agree with the lists and with Stats; a row reads back after a toggle; a dropped page switched back is no longer dropped', { timeout: 120_000 }, async () => {
    const home = opened.home('refinery-listflow-');
    copyFileSync(devsetDocs, join(home.folder, 'devset.jsonl'));
    const ws = opened.open(home);
    await ws.index();

    const pendingCounts = DocCountsSchema.parse(ws.countDocs(''));
    expect(pendingCounts).toEqual({ all: 69, pending: 69, kept: 0, modified: 0, dropped: 0, errors: 0 });

    expect((await ws.refine({ spec: { type: 'rules', preset: 'fineweb+prox-lines' }, stages: 'both' })).state).toBe('done');
    const counts = ws.countDocs('');
    for (const filter of ['pending', 'kept', 'modified', 'dropped', 'errors'] as const) {
      expect(counts[filter], filter).toBe(ws.listDocs({ filter, search: '', sort: 'order', descending: false, offset: 0, limit: 1 }).total);
    }
    expect(counts.all).toBe(69);
    expect(counts.dropped).toBeGreaterThan(0);
    expect(counts.kept + counts.modified).toBeGreaterThan(0);
    // Stats keeps every document that is not dropped: kept unchanged, modified, and any not refined.
    expect(ws.stats().documents.after).toBe(counts.all - counts.dropped);

    // With a search, the counts are those of the matching documents.
    const searched = ws.countDocs('tiger');
    expect(searched.all).toBe(ws.listDocs({ filter: 'all', search: 'tiger', sort: 'order', descending: false, offset: 0, limit: 1 }).total);
    expect(searched.all).toBeGreaterThan(0);
    expect(searched.all).toBeLessThan(69);

    // The page whose first line is "Home>>" is listed by its headline.
    const [home41] = ws.docRows(['dev-041', 'no-such-id']).map((r) => DocumentRowSchema.parse(r));
    expect(home41).toMatchObject({ id: 'dev-041', file: 'devset.jsonl', title: 'Monitoring system aids wild animal protection efforts in NE China' });
    expect(ws.getDoc('dev-041').row.title).toBe(home41!.title);

    // A page dropped by its doc program, switched back: its row says so at once.
    const dropped = ws.listDocs({ filter: 'dropped', search: '', sort: 'order', descending: false, offset: 0, limit: 200 }).rows;
    const byDocStage = dropped.map((r) => ws.getDoc(r.id)).find((d) => d.execution.operations.some((op) => op.kind === 'drop_doc' && op.enabled));
    expect(byDocStage, 'a page dropped by drop_doc()').toBeDefined();
    const drop = byDocStage!.execution.operations.find((op) => op.kind === 'drop_doc')!;
    const execution = ws.setOperation(byDocStage!.row.id, drop.stage, drop.line, false);
    expect(execution.dropped).toBe(false);
    const [row] = ws.docRows([byDocStage!.row.id]);
    expect(row!.status).not.toBe('dropped');
    expect(ws.countDocs('').dropped).toBe(counts.dropped - 1);
    ws.setOperation(byDocStage!.row.id, drop.stage, drop.line, true);
    expect(ws.docRows([byDocStage!.row.id])[0]!.status).toBe('dropped');
  });

  it('refines one document now with the last batch’s programmer or a chosen one, and refuses a hand edit', { timeout: 120_000 }, async () => {
    const home = opened.home('refinery-refine-one-');
    const page = ['Home', 'About', ...Array.from({ length: 12 }, (_, i) => `Sentence ${i} of the article has plenty of ordinary words to keep it in the text.`), 'Copyright 2024 All rights reserved.'];
    writeFileSync(join(home.folder, 'docs.jsonl'), [JSON.stringify({ id: 'a', text: page.join('\n') }), JSON.stringify({ id: 'b', text: page.join('\n') + '\nOne more line of ordinary words here.' })].join('\n') + '\n');
    const ws = opened.open(home);
    await ws.index();

    // No batch yet: the default rule preset; only this document is refined.
    const first = DocRefineResultSchema.parse(await ws.refineDocument('a'));
    expect(first.before).toBe('pending');
    expect(first.after).not.toBe('pending');
    // A page the doc stage drops gets no chunk program, as in a batch.
    expect(first.wrote).toEqual(first.after === 'dropped' ? ['doc'] : ['doc', 'chunk']);
    expect(first.programmer).toMatch(/web/);
    expect(first.detail.row.status).toBe(first.after);
    expect(ws.docRows(['b'])[0]!.status).toBe('pending');
    expect(ws.refineStatus().state).toBe('idle');

    // Again with the same programmer: nothing to ask.
    expect((await ws.refineDocument('a')).wrote).toEqual([]);

    // A chosen programmer replaces the programs; the same text refined before comes from the cache.
    const c4 = await ws.refineDocument('a', { type: 'rules', preset: 'c4' });
    expect(c4.programmer).toMatch(/c4/);
    expect(c4.wrote).toEqual(['doc', 'chunk']);
    expect(c4.detail.doc?.programmer).toContain('c4');

    // After a batch, its programmer is the default: back from c4 to the batch's programs, from the cache.
    expect((await ws.refine({ spec: { type: 'rules', preset: 'prox-lines' }, stages: 'both' })).state).toBe('done');
    expect((await ws.refineDocument('a', { type: 'rules', preset: 'c4' })).fromCache).toBe(2);
    const again = await ws.refineDocument('a');
    expect(again.programmer).toContain('prox-lines');
    expect(again.wrote).toEqual(['doc', 'chunk']);
    expect(again.fromCache).toBe(2);

    ws.saveProgram('a', 'chunk', 'remove_lines(start=0, end=0)');
    await expect(ws.refineDocument('a', { type: 'rules', preset: 'c4' })).rejects.toMatchObject({ code: 'invalid_input', message: /edited by hand \(chunk stage\).*revert/ });
    await expect(ws.refineDocument('zz')).rejects.toMatchObject({ code: 'not_found' });
    await expect(ws.refineDocument('b', { type: 'rules', preset: 'nope' })).rejects.toMatchObject({ code: 'invalid_input', message: /could not refine b:/ });
  });
});
