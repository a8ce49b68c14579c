/**
 * Per-programmer retention (Stats) over a real workspace: two rule programmers refine the
 * same corpus; stats.programmers computes documents, words and tokens kept per programmer in
 * time slices (a pass advanced call by call), and its totals are exactly those of the compare
 * view summed document by document. A finished pass is reused until something it depends on
 * changes (kind toggles, a refine writing programs), and a pass that saw programs change while
 * it ran says so and is not reused.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { methods, type MethodInput, type MethodName, type MethodOutput } from '../../../contract/api';
import { createWorkspaceApi } from '../../../main/api/handlers';
import { estimateLlamaTokens } from '../../../main/prox/tokens';
import { repoRoot, tempHome } from './helpers';
import { syntheticDocument, writeSyntheticCorpus } from './synthetic-corpus';

const DOCS = 80;
const home = tempHome('refinery-retention-');
const api = createWorkspaceApi({ shell: 'test', env: home.env, emit: () => undefined });
afterAll(async () => {
  await api.dispose();
  home.cleanup();
});

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const parsed = methods[method].input.parse(input) as Parameters<(typeof api.handlers)[M]>[0];
  const handler = api.handlers[method] as (i: typeof parsed) => Promise<MethodOutput<M>>;
  return methods[method].output.parse(await handler(parsed)) as MethodOutput<M>;
}

async function refine(preset: string): Promise<void> {
  await call('refine.start', { programmer: { type: 'rules', preset }, stages: 'both' });
  const started = Date.now();
  while ((await call('refine.status', {})).state !== 'done') {
    if (Date.now() - started > 120_000) throw new Error(`refine with ${preset} did not finish`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Pass = MethodOutput<'stats.programmers'>;

/** A fresh call, then resumed calls of at most `documents` each until the pass is complete; every answer. */
async function wholePass(documents?: number): Promise<Pass[]> {
  const answers = [await call('stats.programmers', { resume: false, budgetMs: 10_000, documents })];
  while (!answers[answers.length - 1]!.complete) {
    answers.push(await call('stats.programmers', { resume: true, budgetMs: 10_000, documents }));
    if (answers.length > 10_000) throw new Error('the pass never completed');
  }
  return answers;
}

const byLabel = (pass: Pass) => Object.fromEntries(pass.programmers.map((p) => [p.label, p]));

/** The same figures from doc.compare, document by document (the reference the pass must equal). */
async function fromCompare(): Promise<Record<string, { documents: number; keptDocuments: number; originalWords: number; keptWords: number; originalTokens: number; keptTokens: number }>> {
  const totals: Record<string, { documents: number; keptDocuments: number; originalWords: number; keptWords: number; originalTokens: number; keptTokens: number }> = {};
  for (let i = 0; i < DOCS; i++) {
    const text = syntheticDocument(i);
    for (const r of (await call('doc.compare', { docId: `doc-${i}` })).refinements) {
      const t = (totals[r.label] ??= { documents: 0, keptDocuments: 0, originalWords: 0, keptWords: 0, originalTokens: 0, keptTokens: 0 });
      t.documents++;
      t.originalWords += r.originalWords;
      t.originalTokens += estimateLlamaTokens(text);
      if (r.verdict === 'dropped') continue;
      t.keptDocuments++;
      t.keptWords += r.keptWords;
      t.keptTokens += estimateLlamaTokens(r.refined);
    }
  }
  return totals;
}

describe('stats.programmers', () => {
  it('pages per-programmer retention, equals the compare view summed, and is reused until something changes', { timeout: 240_000 }, async () => {
    writeSyntheticCorpus(home.folder, DOCS);
    await call('workspace.open', { folder: home.folder });
    expect(await call('stats.programmers', { budgetMs: 10_000 })).toMatchObject({ programmers: [], complete: true, done: DOCS, total: DOCS });
    await refine('c4');
    await refine('fineweb+prox-lines');

    // Pages of 7 documents: 12 calls, the last one finishing the pass.
    const answers = await wholePass(7);
    expect(answers.map((a) => a.done)).toEqual([7, 14, 21, 28, 35, 42, 49, 56, 63, 70, 77, 80]);
    expect(answers.map((a) => a.complete)).toEqual([...Array<boolean>(11).fill(false), true]);
    for (const a of answers) expect(a.total).toBe(DOCS);
    const last = answers[answers.length - 1]!;
    expect(last).toMatchObject({ complete: true, stale: false, done: DOCS, total: DOCS });

    const reference = await fromCompare();
    expect(Object.keys(reference).sort()).toEqual(Object.keys(byLabel(last)).sort());
    for (const [label, t] of Object.entries(byLabel(last))) {
      expect(t, label).toMatchObject(reference[label]!);
      expect(t.documents).toBe(DOCS);
      expect(t.keptTokens).toBeLessThan(t.originalTokens);
    }
    // Both programmers saw the same corpus: the same words and tokens before, and Stats' own token count.
    const [c4, fineweb] = [last.programmers.find((p) => p.label.includes('c4'))!, last.programmers.find((p) => p.label.includes('fineweb'))!];
    expect(c4.originalTokens).toBe(fineweb.originalTokens);
    expect(c4.originalTokens).toBe((await call('stats.get', {})).tokens.before);
    expect(c4.keptTokens !== fineweb.keptTokens || c4.keptDocuments !== fineweb.keptDocuments).toBe(true);

    // Nothing changed: a fresh call answers the finished pass at once, without executing anything again.
    const again = await call('stats.programmers', { documents: 1 });
    expect(again).toEqual(last);

    // A kind switched off everywhere changes what the programs do: a new pass, new figures.
    await call('toggles.setKind', { kind: 'remove_lines', enabled: false });
    // A slice of 1 ms still does at least one document; a fresh call at the same version goes on with that pass.
    const first = await call('stats.programmers', { resume: false, budgetMs: 1 });
    expect(first.done).toBeGreaterThanOrEqual(1);
    const off = await wholePass(50);
    expect(off[0]!.done).toBe(Math.min(DOCS, first.done + 50));
    const offLast = off[off.length - 1]!;
    expect(offLast).toMatchObject({ complete: true, stale: false, done: DOCS });
    for (const [label, t] of Object.entries(byLabel(offLast))) {
      expect(t.keptWords, label).toBeGreaterThanOrEqual(byLabel(last)[label]!.keptWords);
    }
    expect(offLast.programmers.some((t) => t.keptWords > byLabel(last)[t.label]!.keptWords)).toBe(true);
    await call('toggles.setKind', { kind: 'remove_lines', enabled: true });
    expect(byLabel((await wholePass()).pop()!)).toEqual(byLabel(last));

    // Programs written while a pass is under way: it finishes as it is, marked stale, and is not reused.
    await refine('gopher');
    const started = await call('stats.programmers', { resume: false, budgetMs: 10_000, documents: 10 });
    expect(started).toMatchObject({ done: 10, complete: false, stale: false });
    expect(started.programmers.map((p) => p.label)).toContain('Rules (gopher)');
    await refine('c4+prox-lines');
    const resumed = await call('stats.programmers', { resume: true, budgetMs: 10_000 });
    expect(resumed).toMatchObject({ done: DOCS, complete: true, stale: true });
    // Stale: the next fresh call starts over and sees the fourth programmer from the first document.
    const fresh = (await wholePass()).pop()!;
    // A pass under way when a kind is switched: a fresh call right away goes on with it (stale at
    // the end); one left alone for over 5 s is given up and started over (5 s: a slow toggle between two calls must not look like one).
    await call('toggles.setKind', { kind: 'remove_lines', enabled: false });
    expect(await call('stats.programmers', { resume: false, budgetMs: 10_000, documents: 10 })).toMatchObject({ done: 10, complete: false, stale: false });
    await call('toggles.setKind', { kind: 'remove_lines', enabled: true });
    expect(await call('stats.programmers', { resume: false, budgetMs: 10_000, documents: 10 })).toMatchObject({ done: 20, complete: false, stale: true });
    expect(await call('stats.programmers', { resume: false, budgetMs: 10_000 })).toMatchObject({ done: DOCS, complete: true, stale: true });
    expect(await call('stats.programmers', { resume: false, budgetMs: 10_000, documents: 10 })).toMatchObject({ done: 10, complete: false, stale: false });
    await call('toggles.setKind', { kind: 'remove_lines', enabled: false });
    await new Promise((r) => setTimeout(r, 5100));
    expect(await call('stats.programmers', { resume: false, budgetMs: 10_000, documents: 10 })).toMatchObject({ done: 10, complete: false, stale: false });
    await call('toggles.setKind', { kind: 'remove_lines', enabled: true });
    expect(fresh.stale).toBe(false);
    expect(fresh.programmers.map((p) => p.label).sort()).toEqual(['Rules (c4)', 'Rules (c4+prox-lines)', 'Rules (fineweb+prox-lines)', 'Rules (gopher)']);
    for (const p of fresh.programmers) expect(p.documents).toBe(DOCS);

    // The CLI: `refinery stats --programmers` prints the same figures, one row per programmer (in --json under `programmers`).
    // (The pass begun with remove_lines off was touched just now: it is finished, stale, then a fresh one starts.)
    expect((await wholePass()).pop()!.stale).toBe(true);
    const current = (await wholePass()).pop()!;
    expect(current.stale).toBe(false);
    const expected = current.programmers;
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'main', 'cli.ts'), 'stats', home.folder, ...args], { env: home.env, encoding: 'utf8' });
    const json = cli('--json', '--programmers');
    expect(json.status, json.stderr).toBe(0);
    const printed = (JSON.parse(json.stdout) as { programmers: Pass['programmers'] }).programmers;
    expect(Object.fromEntries(printed.map((p) => [p.label, p]))).toEqual(Object.fromEntries(expected.map((p) => [p.label, p])));
    const text = cli('--programmers');
    expect(text.status, text.stderr).toBe(0);
    const pct = (kept: number, of: number) => `${((100 * kept) / of).toFixed(1)}% (${kept}/${of})`;
    for (const p of expected) {
      const row = text.stdout.split('\n').find((line) => line.endsWith(`  ${p.label}`));
      expect(row, p.label).toBeDefined();
      for (const figure of [pct(p.keptDocuments, p.documents), pct(p.keptWords, p.originalWords), pct(p.keptTokens, p.originalTokens)]) expect(row).toContain(figure);
    }
    expect(cli().stdout).not.toContain('retention per programmer');
  });
});
