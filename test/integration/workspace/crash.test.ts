/**
 * Crash test: `refinery refine` in a subprocess is killed with SIGKILL at random moments
 * (during indexing and during both refine stages), restarted each time, and finally allowed
 * to finish. Its export must be byte-identical to an uninterrupted run's, and no document may
 * have been given two programs for one stage.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../../main/workspace/service';
import { repoRoot, tempHome } from './helpers';
import { writeSyntheticCorpus } from './synthetic-corpus';

const DOCS = 800;
const KILLS = 3;
// bin/refinery.mjs runs the CLI in this process: the SIGKILL hits the refine itself, not a wrapper.
const cli = [join(repoRoot, 'bin', 'refinery.mjs')];
const home = tempHome('refinery-crash-');
afterAll(() => {
  if (!process.env.REFINERY_KEEP_TEST_HOME) home.cleanup();
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** While a child runs, look only once it has switched the file to WAL (a reader could delay that switch). */
function programsWhileRunning(dbPath: string): number {
  return existsSync(`${dbPath}-wal`) ? programsSoFar(dbPath) : -1;
}

function programsSoFar(dbPath: string): number {
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT count(*) FROM programs').pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return -1; // not created or not migrated yet
  }
}

/** Starts a refine and SIGKILLs it once `shouldKill` says so; resolves with how it ended. */
function refineUntilKilled(dbPath: string, shouldKill: (elapsedMs: number, programs: number) => boolean): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cli, 'refine', home.folder, '--db', dbPath, '--batch-size', '5', '--programmer', 'rules:fineweb+prox-lines', '-q'], {
      env: home.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const started = performance.now();
    let killed = false;
    const timer = setInterval(() => {
      if (!killed && shouldKill(performance.now() - started, programsWhileRunning(dbPath))) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 25);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`refine exited with ${code}: ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it(`survives ${KILLS} SIGKILLs at random moments and exports byte-identical output`, { timeout: 240_000 }, async () => {
    writeSyntheticCorpus(home.folder, DOCS);

    // Reference: the same corpus refined in one go, in-process, with its own database.
    const reference = Workspace.open(home.folder, { env: home.env, dbPath: join(home.home, 'reference.sqlite') });
    await reference.index();
    const final = await reference.refine({ spec: { type: 'rules', preset: 'fineweb+prox-lines' }, stages: 'both', batchSize: 5 });
    expect(final.state).toBe('done');
    const expectedOut = join(home.home, 'reference.jsonl');
    const expected = await reference.export({ out: expectedOut, compression: 'none', auditDropped: false, auditRemovedLines: false });
    const totalPrograms = final.stages.reduce((n, s) => n + s.total, 0);
    await reference.dispose();
    expect(expected.documents).toBeGreaterThan(DOCS / 10);

    const dbPath = join(home.home, 'crashing.sqlite');
    const random = rng(20261127);
    const outcomes: string[] = [];
    let before = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      // The first kill lands at a random time soon after the database appears (indexing or
      // the first batches), later ones at a random point of the remaining refine work.
      const delay = random() * 400;
      let appearedAt: number | null = null;
      const target = before + 1 + Math.floor(random() * Math.max(1, (totalPrograms - before) / 2));
      const outcome = await refineUntilKilled(dbPath, (elapsed, programs) => {
        if (kill > 0) return programs >= target;
        if (programs >= 0) appearedAt ??= elapsed;
        return appearedAt !== null && elapsed - appearedAt >= delay;
      });
      outcomes.push(outcome);
      const now = programsSoFar(dbPath);
      // Committed work is never lost (-1: killed before the database existed).
      expect(now === -1 ? before === 0 : now >= before).toBe(true);
      before = Math.max(now, 0);
      if (outcome === 'finished') break;
    }
    expect(outcomes.filter((o) => o === 'killed').length).toBeGreaterThanOrEqual(2);

    const last = spawnSync(process.execPath, [...cli, 'refine', home.folder, '--db', dbPath, '--batch-size', '5', '--programmer', 'rules:fineweb+prox-lines', '-q'], { env: home.env, encoding: 'utf8' });
    expect(last.status, last.stderr).toBe(0);
    expect(last.stdout).toMatch(/refine done/);

    const actualOut = join(home.home, 'crashed.jsonl');
    const crashed = Workspace.open(home.folder, { env: home.env, dbPath });
    await crashed.export({ out: actualOut, compression: 'none', auditDropped: false, auditRemovedLines: false });
    await crashed.dispose();
    const actualLines = readFileSync(actualOut, 'utf8').split('\n');
    const expectedLines = readFileSync(expectedOut, 'utf8').split('\n');
    const firstDiff = expectedLines.findIndex((line, i) => line !== actualLines[i]);
    expect(firstDiff === -1 ? null : { line: firstDiff, expected: expectedLines[firstDiff]?.slice(0, 2000), actual: actualLines[firstDiff]?.slice(0, 2000), outcomes }).toBeNull();
    expect(readFileSync(actualOut).equals(readFileSync(expectedOut))).toBe(true);

    // Nothing done twice: one program per document and stage, one cache entry per distinct text.
    const db = new Database(dbPath, { readonly: true });
    const docs = db.prepare('SELECT count(*) FROM documents').pluck().get() as number;
    const perStage = db.prepare("SELECT stage, count(*) AS n, count(DISTINCT doc_seq) AS d FROM programs GROUP BY stage").all() as { stage: string; n: number; d: number }[];
    db.close();
    expect(docs).toBe(DOCS);
    expect(perStage.find((s) => s.stage === 'doc')).toEqual({ stage: 'doc', n: DOCS, d: DOCS });
    expect(perStage.reduce((n, s) => n + s.n, 0)).toBe(totalPrograms);
  });
});
