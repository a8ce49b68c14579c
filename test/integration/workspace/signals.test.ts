/**
 * Ctrl-C and SIGTERM reach the CLI itself (bin/refinery.mjs runs it in-process, no tsx wrapper
 * to escalate to SIGKILL): `refine` rolls back the batch in flight and marks its job cancelled,
 * `export` deletes its temp file and leaves no output, and a temp file a killed export left is
 * cleared by the next export.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../../main/workspace/service';
import { repoRoot, tempHome } from './helpers';
import { writeSyntheticCorpus } from './synthetic-corpus';

/** Enough for an export to be caught while it writes (tens of MB). */
const EXPORT_DOCS = 20_000;
/** Enough for a refine in batches of 5 to be caught between its first and last batch. */
const REFINE_DOCS = 1_500;
const bin = join(repoRoot, 'bin', 'refinery.mjs');
const home = tempHome('refinery-signals-');
const dbPath = join(home.home, 'ws.sqlite');
const refineHome = tempHome('refinery-signals-refine-');
const refineDb = join(refineHome.home, 'ws.sqlite');
const PROGRAMMER = 'rules:fineweb+prox-lines';

beforeAll(async () => {
  writeSyntheticCorpus(home.folder, EXPORT_DOCS);
  const ws = Workspace.open(home.folder, { env: home.env, dbPath });
  await ws.index();
  await ws.dispose();
  writeSyntheticCorpus(refineHome.folder, REFINE_DOCS);
}, 120_000);
afterAll(() => {
  if (process.env.REFINERY_KEEP_TEST_HOME) return;
  home.cleanup();
  refineHome.cleanup();
});

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env = home.env): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<Ended>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, ended };
}

/** Polls `ready` every 5 ms; sends `sig` once it holds. Rejects if the child ends first. */
async function signalWhen(child: ChildProcess, ended: Promise<Ended>, ready: () => boolean, sig: NodeJS.Signals): Promise<void> {
  let done = false;
  void ended.then(() => (done = true));
  while (!ready()) {
    if (done) throw new Error(`the command ended before it could be interrupted: ${JSON.stringify(await ended)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill(sig);
}

function query<T>(sql: string, path = refineDb): T {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
}

function programsSoFar(): number {
  try {
    return query<{ n: number }>('SELECT count(*) AS n FROM programs').n;
  } catch {
    return 0; // busy for a moment: look again
  }
}

describe('signals', () => {
  it('SIGINT during refine: the batch in flight is rolled back, the job is marked cancelled, and the next refine finishes without doing anything twice', { timeout: 180_000 }, async () => {
    const args = ['refine', refineHome.folder, '--db', refineDb, '--batch-size', '5', '--programmer', PROGRAMMER, '-q'];
    const { child, ended } = start(args, refineHome.env);
    await signalWhen(child, ended, () => programsSoFar() > 0, 'SIGINT');
    const result = await ended;
    expect(result.signal, result.stderr).toBeNull(); // it ended by itself, not killed by the signal
    expect(result.code, result.stderr).toBe(130);
    expect(result.stdout).toMatch(/^refine cancelled/m);
    expect(result.stderr).toMatch(/SIGINT: stopping refine/);
    const job = query<{ id: number; state: string; message: string | null }>('SELECT id, state, message FROM jobs ORDER BY id DESC LIMIT 1');
    expect(job.state).toBe('cancelled');
    const stored = programsSoFar();
    expect(stored).toBeGreaterThan(0);
    const docPrograms = query<{ n: number }>("SELECT count(*) AS n FROM programs WHERE stage = 'doc'").n;
    expect(docPrograms).toBeLessThan(REFINE_DOCS);

    const again = spawnSync(process.execPath, [bin, ...args], { env: refineHome.env, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^refine done/m);
    const resumed = query<{ id: number; state: string }>('SELECT id, state FROM jobs ORDER BY id DESC LIMIT 1');
    expect(resumed).toEqual({ id: job.id, state: 'done' }); // the same job, continued
    const perDoc = query<{ n: number; d: number }>("SELECT count(*) AS n, count(DISTINCT doc_seq) AS d FROM programs WHERE stage = 'doc'");
    expect(perDoc).toEqual({ n: REFINE_DOCS, d: REFINE_DOCS });
  });

  it('SIGTERM during index: the files finished are kept, the lock is released, and the next index reads the rest', { timeout: 120_000 }, async () => {
    const h = tempHome('refinery-signals-index-');
    try {
      writeSyntheticCorpus(h.folder, EXPORT_DOCS);
      const db = join(h.home, 'ws.sqlite');
      const docs = (): number => {
        try {
          return query<{ n: number }>('SELECT count(*) AS n FROM documents', db).n;
        } catch {
          return 0;
        }
      };
      const { child, ended } = start(['index', h.folder, '--db', db, '-q'], h.env);
      await signalWhen(child, ended, () => docs() > 0, 'SIGTERM');
      const result = await ended;
      expect(result.signal, result.stderr).toBeNull();
      expect(result.code, result.stderr).toBe(143);
      expect(result.stderr).toMatch(/indexing interrupted by SIGTERM: the files read so far are kept/);
      expect(docs()).toBeLessThan(EXPORT_DOCS);
      expect(query<{ n: number }>("SELECT count(*) AS n FROM meta WHERE key = 'writerLock'", db).n).toBe(0);
      const again = spawnSync(process.execPath, [bin, 'index', h.folder, '--db', db, '-q'], { env: h.env, encoding: 'utf8' });
      expect(again.status, again.stderr).toBe(0);
      expect(docs()).toBe(EXPORT_DOCS);
    } finally {
      if (!process.env.REFINERY_KEEP_TEST_HOME) h.cleanup();
    }
  });

  it('SIGINT during `program` (plain JSONL out): --out is not written, its temp file is deleted, and a dead run\'s temp file is cleared', { timeout: 120_000 }, async () => {
    const outDir = join(home.home, 'programs');
    mkdirSync(outDir, { recursive: true });
    const out = join(outDir, 'programs.jsonl');
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = `${out}.tmp-${deadPid}`;
    writeFileSync(stale, '{"half": ');
    const { child, ended } = start(['program', '--programmer', PROGRAMMER, '--in', join(home.folder, 'part-1.jsonl'), '--out', out]);
    await signalWhen(child, ended, () => existsSync(`${out}.tmp-${child.pid}`), 'SIGINT');
    const result = await ended;
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain(`interrupted by SIGINT: ${out} was not written, and no temp file is left`);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('SIGINT during export: nothing is written and no temp file is left', { timeout: 120_000 }, async () => {
    const out = join(home.folder, 'clean.jsonl.zst');
    const { child, ended } = start(['export', home.folder, '--db', dbPath, '--out', out, '-q']);
    const temp = () => readdirSync(home.folder).some((f) => f.startsWith('.clean.jsonl.zst.') && f.endsWith('.tmp'));
    await signalWhen(child, ended, temp, 'SIGINT');
    const result = await ended;
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/export interrupted by SIGINT: nothing was written/);
    expect(readdirSync(home.folder).filter((f) => f.includes('clean'))).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('SIGTERM during export does the same, and a temp file a killed export left is cleared by the next one', { timeout: 120_000 }, async () => {
    const out = join(home.folder, 'clean.jsonl');
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = join(home.folder, `.clean.jsonl.${deadPid}.tmp`);
    writeFileSync(stale, '{"half": ');
    const { child, ended } = start(['export', home.folder, '--db', dbPath, '--out', out, '-q']);
    const ownTemp = () => existsSync(join(home.folder, `.clean.jsonl.${child.pid}.tmp`));
    await signalWhen(child, ended, ownTemp, 'SIGTERM');
    const result = await ended;
    expect(result.code, result.stderr).toBe(143);
    expect(existsSync(stale)).toBe(false); // cleared when the export started
    expect(readdirSync(home.folder).filter((f) => f.includes('clean'))).toEqual([]);

    writeFileSync(stale, '{"half": ');
    const full = spawnSync(process.execPath, [bin, 'export', home.folder, '--db', dbPath, '--out', out, '-q'], { env: home.env, encoding: 'utf8' });
    expect(full.status, full.stderr).toBe(0);
    expect(readdirSync(home.folder).filter((f) => f.includes('clean'))).toEqual(['clean.jsonl']);
  });
});
