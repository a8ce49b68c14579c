/**
 * An export replaces only what it wrote before: a file there that is not a previous export is
 * left alone and the export refused (in the workspace, the API and the CLI) unless overwrite is
 * asked; a relative `out` given to the API lands in the corpus folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods, type MethodInput, type MethodName, type MethodOutput } from '../../../contract/api';
import { createWorkspaceApi } from '../../../main/api/handlers';
import { exportTargetKind } from '../../../main/workspace/export-target';
import { Workspace } from '../../../main/workspace/service';
import { repoRoot, tempHome } from './helpers';
import { writeSyntheticCorpus } from './synthetic-corpus';

const home = tempHome('refinery-export-overwrite-');
const dbPath = join(home.home, 'ws.sqlite');
const outDir = join(home.home, 'out');
let ws: Workspace;
const request = (out: string, extra: { overwrite?: boolean; auditDropped?: boolean } = {}) => ({ out, auditDropped: extra.auditDropped ?? false, auditRemovedLines: false, ...(extra.overwrite !== undefined ? { overwrite: extra.overwrite } : {}) });

beforeAll(async () => {
  writeSyntheticCorpus(home.folder, 60);
  spawnSync('mkdir', ['-p', outDir]);
  ws = Workspace.open(home.folder, { env: home.env, dbPath });
  await ws.index();
  await ws.refine({ spec: { type: 'rules', preset: 'fineweb+prox-lines' }, stages: 'both' });
}, 60_000);
afterAll(async () => {
  await ws.dispose();
  if (!process.env.REFINERY_KEEP_TEST_HOME) home.cleanup();
});

const leftovers = () => readdirSync(outDir).filter((f) => f.endsWith('.tmp'));

describe('export overwrite', () => {
  it('refuses to replace a file that is not a previous export, and says what to do; overwrite replaces it', async () => {
    const notes = join(outDir, 'notes.jsonl');
    writeFileSync(notes, 'my notes, not an export\n');
    await expect(ws.export(request(notes))).rejects.toThrow(`${notes} exists and is not a Refinery export`);
    expect(readFileSync(notes, 'utf8')).toBe('my notes, not an export\n');
    expect(leftovers()).toEqual([]);

    // JSON, but not what an export writes (a corpus file, say).
    writeFileSync(notes, '{"title": "a corpus record", "body": "..."}\n');
    await expect(ws.export(request(notes))).rejects.toThrow(/is not a Refinery export.*--overwrite/);

    const replaced = await ws.export(request(notes, { overwrite: true }));
    expect(replaced.documents).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(notes, 'utf8').split('\n')[0]!)).toMatchObject({ id: expect.any(String), text: expect.any(String) });
  });

  it('replaces a previous export (plain, gzip, zstd, and its audit files) and an empty file without asking', async () => {
    for (const name of ['again.jsonl', 'again.jsonl.gz', 'again.jsonl.zst']) {
      const out = join(outDir, name);
      const first = await ws.export(request(out, { auditDropped: true }));
      expect(await exportTargetKind(out, name.endsWith('.gz') ? 'gzip' : name.endsWith('.zst') ? 'zstd' : 'none')).toBe('export');
      const second = await ws.export(request(out, { auditDropped: true }));
      expect(second.documents).toBe(first.documents);
    }
    const empty = join(outDir, 'empty.jsonl');
    writeFileSync(empty, '');
    await expect(ws.export(request(empty))).resolves.toMatchObject({ path: empty });
  });

  it('a file named .gz that is not gzip, or an audit file that is not one, is refused too', async () => {
    const fake = join(outDir, 'fake.jsonl.gz');
    writeFileSync(fake, '{"id": "x", "text": "plain text under a .gz name"}\n');
    await expect(ws.export(request(fake))).rejects.toThrow('is not a Refinery export');
    expect(await exportTargetKind(fake, 'gzip')).toBe('other');
    writeFileSync(fake, gzipSync('{"id": "x", "text": "y"}\n'));
    expect(await exportTargetKind(fake, 'gzip')).toBe('export');

    const main = join(outDir, 'with-audit.jsonl');
    const audit = join(outDir, 'with-audit.dropped.jsonl');
    writeFileSync(audit, 'a file that happens to have the audit name\n');
    await expect(ws.export(request(main, { auditDropped: true }))).rejects.toThrow(`${audit} exists and is not a Refinery export`);
    expect(existsSync(main)).toBe(false); // refused before anything was written
    expect(leftovers()).toEqual([]);
  });

  it('the CLI refuses with exit 1 and the message, and --overwrite replaces', () => {
    const target = join(outDir, 'cli.jsonl');
    writeFileSync(target, 'precious\n');
    const bin = join(repoRoot, 'bin', 'refinery.mjs');
    const refused = spawnSync(process.execPath, [bin, 'export', home.folder, '--db', dbPath, '--out', target, '-q'], { env: home.env, encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`export failed, nothing was written: ${target} exists and is not a Refinery export`);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    const forced = spawnSync(process.execPath, [bin, 'export', home.folder, '--db', dbPath, '--out', target, '--overwrite', '-q'], { env: home.env, encoding: 'utf8' });
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).not.toBe('precious\n');
  });

  it('export.run resolves a relative out against the corpus folder, not the server\'s working folder', async () => {
    const api = createWorkspaceApi({ shell: 'test', env: home.env, emit: () => undefined });
    const call = async <M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
      const parsed = methods[method].input.parse(input) as Parameters<(typeof api.handlers)[M]>[0];
      return (api.handlers[method] as (i: typeof parsed) => Promise<MethodOutput<M>>)(parsed);
    };
    try {
      await call('workspace.open', { folder: home.folder }); // its own database, in REFINERY_HOME
      const result = await call('export.run', { out: 'relative-export.jsonl' });
      expect(result.path).toBe(join(home.folder, 'relative-export.jsonl'));
      expect(existsSync(join(process.cwd(), 'relative-export.jsonl'))).toBe(false);
      writeFileSync(join(home.folder, 'relative-notes.jsonl'), 'not an export\n');
      await expect(call('export.run', { out: 'relative-notes.jsonl' })).rejects.toMatchObject({ code: 'failed', message: expect.stringContaining('is not a Refinery export') });
      await expect(call('export.run', { out: 'relative-notes.jsonl', overwrite: true })).resolves.toMatchObject({ path: join(home.folder, 'relative-notes.jsonl') });
      // The exports now inside the corpus folder are never read back as corpus input.
      expect(await call('workspace.rescan', {})).toMatchObject({ documents: 60, sources: 2 });
    } finally {
      await api.dispose();
    }
  });
});
