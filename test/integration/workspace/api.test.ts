/**
 * The handler map over a real workspace, every output checked against the contract's schema;
 * refine runs in the worker thread (pause, resume, cancel, progress events).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { methods, type EventName, type MethodInput, type MethodName, type MethodOutput } from '../../../contract/api';
import { createWorkspaceApi } from '../../../main/api/handlers';
import { tempHome } from './helpers';
import { writeSyntheticCorpus } from './synthetic-corpus';

const home = tempHome('refinery-api-');
const events: { event: EventName; payload: unknown }[] = [];
const api = createWorkspaceApi({ shell: 'test', env: home.env, emit: (event, payload) => events.push({ event, payload }) });
afterAll(async () => {
  await api.dispose();
  home.cleanup();
});

async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const parsed = methods[method].input.parse(input) as Parameters<(typeof api.handlers)[M]>[0];
  const handler = api.handlers[method] as (i: typeof parsed) => Promise<MethodOutput<M>>;
  const output = await handler(parsed);
  return methods[method].output.parse(output) as MethodOutput<M>;
}

async function until(predicate: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('workspace API', () => {
  it('opens, lists, refines in a worker, toggles, exports and reports stats', { timeout: 180_000 }, async () => {
    await expect(call('docs.list', {})).rejects.toMatchObject({ code: 'no_workspace' });
    writeSyntheticCorpus(home.folder, 300);
    const summary = await call('workspace.open', { folder: home.folder });
    expect(summary).toMatchObject({ documents: 300, sources: 2, scanErrors: 0 });
    expect(events.some((e) => e.event === 'scan.progress' && (e.payload as { done: boolean }).done)).toBe(true);
    expect((await call('workspace.recent', {}))[0]!.folder).toBe(home.folder);

    const page = await call('docs.list', { limit: 10, sort: 'words', descending: true });
    expect(page.total).toBe(300);
    expect(page.rows[0]!.words).toBeGreaterThanOrEqual(page.rows[9]!.words);
    expect(await call('docs.neighbor', { docId: 'doc-0', direction: 'next' })).toBe('doc-1');

    // Start, pause at once, resume, and let it finish in the worker thread.
    const started = await call('refine.start', { programmer: { type: 'rules', preset: 'fineweb+prox-lines' }, stages: 'both' });
    expect(started.state).toBe('running');
    await expect(call('refine.start', { programmer: { type: 'rules', preset: 'c4' } })).rejects.toMatchObject({ code: 'busy' });
    expect((await call('refine.pause', {})).state).toBe('paused');
    expect((await call('refine.resume', {})).state).toBe('running');
    await until(async () => (await call('refine.status', {})).state === 'done');
    const status = await call('refine.status', {});
    expect(status.stages.find((s) => s.stage === 'doc')).toEqual({ stage: 'doc', done: 300, total: 300 });
    expect(events.filter((e) => e.event === 'job.progress').length).toBeGreaterThan(2);
    expect(await call('refine.errors', {})).toEqual([]);

    const dropped = await call('docs.list', { filter: 'dropped' });
    const modified = await call('docs.list', { filter: 'modified' });
    expect(dropped.total).toBeGreaterThan(0);
    expect(modified.total).toBeGreaterThan(0);
    const detail = await call('doc.get', { docId: modified.rows[0]!.id });
    expect(detail.chunk?.text.length).toBeGreaterThan(0);
    const preview = await call('doc.preview', { docId: detail.row.id, doc: null, chunk: 'remove_lines(line_start=0, line_end=0)' });
    expect(preview.removedBy[0]).toBe(0);
    const op = detail.execution.operations.find((o) => o.stage === 'chunk' && (o.linesRemoved > 0 || o.replacements > 0))!;
    const toggled = await call('doc.setOperation', { docId: detail.row.id, stage: 'chunk', line: op.line, enabled: false });
    expect(toggled.operations.find((o) => o.stage === 'chunk' && o.line === op.line)!.enabled).toBe(false);
    const saved = await call('doc.saveProgram', { docId: detail.row.id, stage: 'doc', text: 'drop_doc()' });
    expect(saved.row.status).toBe('dropped');
    expect(saved.doc?.programmer).toBe('edited by hand');

    expect((await call('toggles.setKind', { kind: 'normalize', enabled: false })).normalize).toBe(false);
    expect((await call('toggles.get', {})).normalize).toBe(false);

    const exported = await call('export.run', { out: join(home.home, 'out.jsonl.gz'), auditDropped: true });
    expect(exported.documents).toBe(300 - dropped.total - 1);
    expect(exported.auditFiles).toHaveLength(1);
    await expect(call('export.run', { out: join(home.home, 'missing', 'x.jsonl') })).rejects.toThrow(/missing/);

    const stats = await call('stats.get', {});
    expect(stats.documents).toEqual({ before: 300, after: exported.documents });

    // A cancelled job stops and says how to continue; the next start continues it.
    await call('refine.start', { programmer: { type: 'rules', preset: 'c4' }, stages: 'doc' });
    await call('refine.cancel', {});
    await until(async () => ['cancelled', 'done'].includes((await call('refine.status', {})).state));
    await expect(call('refine.start', { programmer: { type: 'rules', preset: 'no-such-preset' } })).resolves.toMatchObject({ state: 'running' });
    await until(async () => (await call('refine.status', {})).state === 'failed');
    expect((await call('refine.status', {})).message).toMatch(/no-such-preset/);

    await expect(call('doc.get', { docId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
    // Served through the dispatcher now (test/integration/models/api-models.test.ts checks the report itself).
    expect(['cuda', 'vulkan', 'metal', 'cpu']).toContain((await call('models.runtime', {})).backend);
  });
});
