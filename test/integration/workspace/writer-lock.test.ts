/**
 * One writer per workspace across processes (main/workspace/writer-lock.ts): a second CLI
 * refine or index while another process refines is refused with a message naming the holder;
 * the lock of a holder that died is taken over; a holder whose lock was taken over stops.
 */
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../main/store';
import { Workspace } from '../../../main/workspace/service';
import { HEARTBEAT_MS, readHolder, STALE_OTHER_HOST_MS, WriterLock } from '../../../main/workspace/writer-lock';
import { WorkspaceError } from '../../../main/workspace/errors';
import { repoRoot, tempHome } from './helpers';
import { writeSyntheticCorpus } from './synthetic-corpus';

/** Enough that a refine in batches of 5 runs for several seconds. */
const DOCS = 5_000;
const bin = join(repoRoot, 'bin', 'refinery.mjs');
const PROGRAMMER = 'rules:fineweb+prox-lines';
const homes: ReturnType<typeof tempHome>[] = [];
function home(): ReturnType<typeof tempHome> {
  const h = tempHome('refinery-lock-');
  homes.push(h);
  return h;
}
afterAll(() => {
  if (!process.env.REFINERY_KEEP_TEST_HOME) for (const h of homes) h.cleanup();
});

function count(dbPath: string, sql: string): number {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return -1;
  }
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (status) => resolve({ status, stderr }));
  });
}

async function until(ready: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!ready()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('writer lock', () => {
  it('a second refine or index while a CLI refine runs is refused, naming the process that holds the workspace; nothing is done twice', { timeout: 180_000 }, async () => {
    const h = home();
    writeSyntheticCorpus(h.folder, DOCS);
    const dbPath = join(h.home, 'ws.sqlite');
    const args = ['refine', h.folder, '--db', dbPath, '--batch-size', '5', '--programmer', PROGRAMMER, '-q'];
    const first = spawn(process.execPath, [bin, ...args], { env: h.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstOut = '';
    first.stdout.on('data', (d: Buffer) => (firstOut += d.toString()));
    const firstEnded = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    await until(() => count(dbPath, 'SELECT count(*) FROM programs') > 0, 'the first refine to store programs');

    // Both at once, while the first refine is still far from done.
    const app = Workspace.open(h.folder, { env: h.env, dbPath });
    const appRefused = app.startRefine({ type: 'rules', preset: 'fineweb+prox-lines' }, 'both').then(
      () => null,
      (err: unknown) => err,
    );
    const [second, index] = await Promise.all([run(args, h.env), run(['index', h.folder, '--db', dbPath, '-q'], h.env)]);
    // The app (refine.start in the browser shell or Electron) is refused the same way.
    expect(await appRefused).toMatchObject({ code: 'busy', message: expect.stringContaining(`refine is running in process ${first.pid} on ${hostname()}`) });
    await app.dispose();
    expect(count(dbPath, "SELECT count(*) FROM programs WHERE stage = 'doc'")).toBeLessThan(DOCS); // it was still running
    expect(second.status, second.stderr).toBe(75);
    expect(second.stderr).toContain(`${dbPath} is locked: refine is running in process ${first.pid} on ${hostname()}`);
    expect(index.status, index.stderr).toBe(75);
    expect(index.stderr).toContain(`refine is running in process ${first.pid}`);

    expect(await firstEnded, firstOut).toBe(0);
    expect(firstOut).toMatch(/^refine done/m);
    // One job, one doc-stage program per document: the refused runs did nothing.
    expect(count(dbPath, 'SELECT count(*) FROM jobs')).toBe(1);
    expect(count(dbPath, "SELECT count(*) FROM programs WHERE stage = 'doc'")).toBe(DOCS);
    expect(count(dbPath, "SELECT count(*) FROM meta WHERE key = 'writerLock'")).toBe(0); // released at the end
    const after = spawnSync(process.execPath, [bin, 'index', h.folder, '--db', dbPath, '-q'], { env: h.env, encoding: 'utf8' });
    expect(after.status, after.stderr).toBe(0);
  });

  it('a CLI index while the app refines (worker thread, paused) is refused; once the job ends it runs', { timeout: 120_000 }, async () => {
    const h = home();
    writeSyntheticCorpus(h.folder, DOCS);
    const dbPath = join(h.home, 'ws.sqlite');
    const ws = Workspace.open(h.folder, { env: h.env, dbPath });
    try {
      await ws.index();
      await ws.startRefine({ type: 'rules', preset: 'fineweb+prox-lines' }, 'both');
      ws.pauseRefine();
      const refused = spawnSync(process.execPath, [bin, 'index', h.folder, '--db', dbPath, '-q'], { env: h.env, encoding: 'utf8' });
      expect(refused.status, refused.stderr).toBe(75);
      expect(refused.stderr).toContain(`is locked: refine is running in process ${process.pid} on ${hostname()}`);
      ws.cancelRefine();
      const final = await ws.refineFinished();
      expect(final.state).toBe('cancelled');
      const runs = spawnSync(process.execPath, [bin, 'index', h.folder, '--db', dbPath, '-q'], { env: h.env, encoding: 'utf8' });
      expect(runs.status, runs.stderr).toBe(0);
    } finally {
      await ws.dispose();
    }
  });

  it('the lock of a holder that died is taken over; a live holder on another host is respected until its heartbeat is stale', () => {
    const h = home();
    const dbPath = join(h.home, 'lock.sqlite');
    const store = openStore(dbPath);
    try {
      const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
      const dead = WriterLock.acquire(store, dbPath, 'refine', { pid: deadPid });
      const taken = WriterLock.acquire(store, dbPath, 'index');
      expect(taken.stolenFrom?.pid).toBe(deadPid);
      // The dead holder, were it only suspended, finds out at its next heartbeat and stops.
      dead.beat();
      expect(dead.lost.aborted).toBe(true);
      expect(readHolder(store)?.token).toBe(taken.holder.token);
      dead.release(); // does not release the lock it lost
      expect(readHolder(store)?.token).toBe(taken.holder.token);
      taken.release();
      expect(readHolder(store)).toBeNull();

      let now = Date.parse('2026-12-05T06:00:00Z');
      const clock = { now: () => now };
      const remote = WriterLock.acquire(store, dbPath, 'refine', { ...clock, host: 'other-host', pid: 4242 });
      now += STALE_OTHER_HOST_MS - HEARTBEAT_MS;
      let refusal: unknown;
      try {
        WriterLock.acquire(store, dbPath, 'index', clock);
      } catch (err) {
        refusal = err;
      }
      expect(refusal).toBeInstanceOf(WorkspaceError);
      expect((refusal as WorkspaceError).code).toBe('busy');
      expect((refusal as WorkspaceError).message).toContain('refine is running in process 4242 on other-host (since 2026-12-05T06:00:00.000Z, last heartbeat 55 s ago)');
      now += 2 * HEARTBEAT_MS;
      const mine = WriterLock.acquire(store, dbPath, 'index', clock);
      expect(mine.stolenFrom?.host).toBe('other-host');
      mine.release();
      remote.release();
    } finally {
      store.db.close();
    }
  });
});
