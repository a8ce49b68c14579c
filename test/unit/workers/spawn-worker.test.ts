/** Where spawnWorker finds each worker: the .ts source under tsx, <name>.js in a build. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKERS, type WorkerName } from '../../../main/workers/entries';
import { WorkerMissingError, workerEntry } from '../../../main/workers/spawn-worker';

const dir = mkdtempSync(join(tmpdir(), 'worker-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workerEntry', () => {
  it('runs each worker from its TypeScript source under tsx', () => {
    for (const name of Object.keys(WORKERS) as WorkerName[]) {
      const entry = workerEntry(name);
      expect(entry.source).toBe(true);
      expect(entry.file.endsWith(join('main', ...WORKERS[name].source.split('/')))).toBe(true);
      expect(existsSync(entry.file), entry.file).toBe(true);
    }
  });

  it('runs <name>.js in a build, asked from the entry bundle or from a chunk folder below it', () => {
    const main = join(dir, 'out', 'main');
    mkdirSync(join(main, 'chunks'), { recursive: true });
    writeFileSync(join(main, 'model-worker.js'), '');
    expect(workerEntry('model-worker', pathToFileURL(join(main, 'index.js')).href)).toEqual({ file: join(main, 'model-worker.js'), source: false });
    expect(workerEntry('model-worker', pathToFileURL(join(main, 'chunks', 'registry-1a2b.js')).href)).toEqual({ file: join(main, 'model-worker.js'), source: false });
  });

  it('says the build is broken when a worker is missing', () => {
    const host = pathToFileURL(join(dir, 'elsewhere', 'index.js')).href;
    expect(() => workerEntry('read-worker', host)).toThrow(WorkerMissingError);
    expect(() => workerEntry('refine-worker', host)).toThrow(/refine-worker is missing from this build .*refine-worker\.js.*reinstall/);
  });
});
