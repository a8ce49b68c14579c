/**
 * Issue 16.2: a document whose model process crashed stays visibly failed and is retried.
 * The real CLI and model worker process; the crash is injected into the worker
 * (test/support/abort-on-marker.mjs: a document holding the marker aborts it the way a
 * llama.cpp assertion does). refine exits 4 and says "1 documents failed" once; stats counts
 * the document as failed, not refined; the Errors filter lists it; export marks it
 * metadata.failed or holds it back; --no-retry keeps it failed; the next refine retries it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCUMENTS_FAILED_EXIT_CODE } from '../../../main/cli/refine';
import { Workspace } from '../../../main/workspace/service';
import { repoRoot, tempHome } from '../workspace/helpers';
import { sampleDocs, tinyRefinerPath } from './tiny-models';

const MARKER = 'please-crash-the-model-worker';
const home = tempHome('refinery-failed-docs-');
afterAll(() => home.cleanup());
const preload = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'support', 'abort-on-marker.mjs')).href;
const cli = [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'main', 'cli.ts')];
const db = join(home.home, 'ws.sqlite');

function refinery(args: string[], crash: boolean) {
  const env = { ...home.env, ...(crash ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${preload}`.trim(), REFINERY_TEST_CRASH_MARKER: MARKER } : {}) };
  return spawnSync(process.execPath, [...cli, ...args, '--db', db], { env, encoding: 'utf8' });
}

function exported(name: string, ...flags: string[]): Record<string, unknown>[] {
  const out = join(home.home, name);
  const run = refinery(['export', home.folder, '--out', out, ...flags], false);
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('a document whose model process crashed', () => {
  it('stays failed (exit code, stats, Errors filter, export) until a refine retries it', { timeout: 300_000 }, async () => {
    const docs = sampleDocs(4);
    docs[2] = { id: 'poison', text: `Home | News\nA page that ${MARKER} when the model reads it.\nFooter` };
    writeFileSync(join(home.folder, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    const model = tinyRefinerPath();
    const refine = ['refine', home.folder, '--doc-model', model, '--stage', 'doc', '--quiet'];

    const crashed = refinery(refine, true);
    expect(crashed.status, crashed.stderr).toBe(DOCUMENTS_FAILED_EXIT_CODE);
    expect(crashed.stdout.match(/documents failed/g)).toHaveLength(1);
    expect(crashed.stdout).toMatch(/^refine done .*; 1 documents failed$/m);
    expect(crashed.stdout).toMatch(/^ {2}poison \[doc\]: the model process crashed while writing this document's program/m);

    const stats = JSON.parse(refinery(['stats', home.folder, '--json'], false).stdout) as { refined: { doc: number }; failed: { documents: number; doc: number } };
    expect(stats.refined.doc).toBe(3);
    expect(stats.failed).toMatchObject({ documents: 1, doc: 1 });
    expect(refinery(['stats', home.folder], false).stdout).toMatch(/^failed: 1 documents \(1 doc\)/m);

    const ws = Workspace.open(home.folder, { dbPath: db, env: home.env });
    try {
      expect(ws.listDocs({ filter: 'errors', search: '', sort: 'order', descending: false, offset: 0, limit: 10 }).rows.map((r) => r.id)).toEqual(['poison']);
    } finally {
      await ws.dispose();
    }

    const all = exported('all.jsonl');
    const poison = all.find((r) => r.id === 'poison') as { metadata: { failed?: Record<string, string> } } | undefined;
    expect(poison?.metadata.failed?.doc).toMatch(/model process crashed/);
    expect(all.filter((r) => (r.metadata as { failed?: unknown }).failed !== undefined)).toHaveLength(1);
    const held = exported('held.jsonl', '--failed', 'hold');
    expect(held.map((r) => r.id)).not.toContain('poison');
    expect(held.length).toBe(all.length - 1);

    // --no-retry: the failure stays as it is, and the exit code still says so.
    const kept = refinery([...refine, '--no-retry'], false);
    expect(kept.status, kept.stderr).toBe(DOCUMENTS_FAILED_EXIT_CODE);
    expect(kept.stdout).toMatch(/; 1 documents failed$/m);

    // The next refine (retry is the default) asks the model again; without the crash it succeeds.
    const retried = refinery(refine, false);
    expect(retried.status, retried.stderr + retried.stdout).toBe(0);
    expect(retried.stdout).toMatch(/^refine done .*doc 4\/4; 0 documents failed$/m);
    const after = JSON.parse(refinery(['stats', home.folder, '--json'], false).stdout) as { refined: { doc: number }; failed: { documents: number } };
    expect(after.refined.doc).toBe(4);
    expect(after.failed.documents).toBe(0);
    expect(exported('after.jsonl').every((r) => (r.metadata as { failed?: unknown }).failed === undefined)).toBe(true);
  });
});
