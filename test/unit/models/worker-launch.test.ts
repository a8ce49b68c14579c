/** Where the model worker host finds its child's entry: the .ts source under tsx, model-worker.js in a build. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerInitError, workerLaunch } from '../../../main/models/worker-host';

const dir = mkdtempSync(join(tmpdir(), 'worker-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workerLaunch', () => {
  it('runs worker-entry.ts through tsx when the host is the TypeScript source', () => {
    const launch = workerLaunch();
    expect(launch.entry.endsWith(join('main', 'models', 'worker-entry.ts'))).toBe(true);
    expect(existsSync(launch.entry)).toBe(true);
    expect(launch.execArgv).toEqual(['--import', 'tsx']);
  });

  it('runs the bundled model-worker.js in a build, from the entry bundle or a shared chunk', () => {
    const main = join(dir, 'out', 'main');
    mkdirSync(join(main, 'chunks'), { recursive: true });
    writeFileSync(join(main, 'model-worker.js'), '');
    expect(workerLaunch(pathToFileURL(join(main, 'index.js')).href)).toEqual({ entry: join(main, 'model-worker.js'), execArgv: [] });
    expect(workerLaunch(pathToFileURL(join(main, 'chunks', 'registry-1a2b.js')).href)).toEqual({ entry: join(main, 'model-worker.js'), execArgv: [] });
  });

  it('says the build is broken when model-worker.js is missing', () => {
    const host = pathToFileURL(join(dir, 'elsewhere', 'index.js')).href;
    expect(() => workerLaunch(host)).toThrow(WorkerInitError);
    expect(() => workerLaunch(host)).toThrow(/model worker is missing from this build .*model-worker\.js.*reinstall/);
  });
});
