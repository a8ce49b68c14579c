/**
 * The compare view over a real workspace: two rule programmers refine the same corpus one
 * after the other; the second does not overwrite the first's programs for the compare view,
 * and doc.compare shows both side by side with their agreement (output checked by the contract).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { methods, type MethodInput, type MethodName, type MethodOutput } from '../../../contract/api';
import { createWorkspaceApi } from '../../../main/api/handlers';
import { tempHome } from './helpers';
import { writeSyntheticCorpus } from './synthetic-corpus';

const home = tempHome('refinery-compare-');
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

describe('doc.compare', () => {
  it('shows two programmers side by side with their agreement', { timeout: 180_000 }, async () => {
    writeSyntheticCorpus(home.folder, 60);
    await call('workspace.open', { folder: home.folder });
    await refine('c4');
    await refine('fineweb+prox-lines');

    let differing: MethodOutput<'doc.compare'> | null = null;
    for (let i = 0; i < 60 && !differing; i++) {
      const view = await call('doc.compare', { docId: `doc-${i}` });
      expect(view.refinements).toHaveLength(2);
      for (const r of view.refinements) expect(r.kept).toHaveLength(view.lines.length);
      const { keptByAll, keptBySome, keptByNone } = view.agreement;
      expect(keptByAll + keptBySome + keptByNone).toBe(view.lines.length);
      const [a, b] = view.refinements;
      if (a!.kept.some((k, j) => k !== b!.kept[j]) || a!.verdict !== b!.verdict) differing = view;
    }
    expect(differing, 'some document the two presets refine differently').not.toBeNull();
    const view = differing!;
    const labels = view.refinements.map((r) => r.label);
    expect(labels.some((l) => l.includes('c4'))).toBe(true);
    expect(labels.some((l) => l.includes('fineweb'))).toBe(true);
    const keptByBoth = view.lines.filter((_, j) => view.refinements.every((r) => r.kept[j])).length;
    expect(view.agreement.keptByAll).toBe(keptByBoth);
    expect(view.agreement.verdictsAgree).toBe(view.refinements[0]!.verdict === view.refinements[1]!.verdict);

    // Only one programmer asked for.
    const one = await call('doc.compare', { docId: view.docId, programmers: [view.refinements[0]!.key] });
    expect(one.refinements.map((r) => r.label)).toEqual([view.refinements[0]!.label]);
    // Stats: both programmers' retention over the same 60 documents (one pass, big enough a slice).
    const pass = await call('stats.programmers', { budgetMs: 10_000 });
    expect(pass).toMatchObject({ complete: true, done: 60, total: 60, stale: false });
    const retention = pass.programmers;
    expect(retention).toHaveLength(2);
    for (const r of retention) {
      expect(r.documents).toBe(60);
      expect(r.keptWords).toBeLessThanOrEqual(r.originalWords);
    }
    expect(retention[0]!.originalWords).toBe(retention[1]!.originalWords);
    expect(retention[0]!.keptWords !== retention[1]!.keptWords || retention[0]!.keptDocuments !== retention[1]!.keptDocuments).toBe(true);
    await expect(call('doc.compare', { docId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
