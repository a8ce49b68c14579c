/**
 * The model worker as the desktop app ships it: electron-vite bundles worker-entry.ts into
 * out/main/model-worker.js, which the app forks as a plain Node process (ELECTRON_RUN_AS_NODE).
 * Here the bundle is built and forked with Node, no tsx, and writes programs over the same
 * protocol the app uses, so a bundling mistake (a dependency inlined that must stay external,
 * a missing entry, a worker script the code looks for in the wrong folder) fails here rather
 * than on a user's machine.
 */
import { fork, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kvBytesPerToken } from '../../../main/models/memory-plan';
import { WORKERS } from '../../../main/workers/entries';
import type { FromWorker, ToWorker, WorkerInit } from '../../../main/models/worker-protocol';
import { repoRoot } from '../workspace/helpers';
import { sampleDocs, TEST_THREADS, tinyRefinerPath } from '../models/tiny-models';

const bundle = join(repoRoot, 'out', 'main', 'model-worker.js');

describe('the built workers (out/main)', () => {
  it('are where the built code starts them, and model-worker.js writes doc and chunk programs when forked with plain Node', async () => {
    const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    });
    expect(build.status, build.stderr).toBe(0);
    expect(existsSync(bundle)).toBe(true);

    // Every worker (main/workers/entries.ts) is where the built spawnWorker looks for it: beside
    // the built file that holds spawnWorker, or one folder up from a chunk.
    const mainOut = join(repoRoot, 'out', 'main');
    const scripts = [...readdirSync(mainOut).map((f) => join(mainOut, f)), ...readdirSync(join(mainOut, 'chunks')).map((f) => join(mainOut, 'chunks', f))].filter((f) => f.endsWith('.js'));
    const spawners = scripts.filter((file) => readFileSync(file, 'utf8').includes('is missing from this build'));
    expect(spawners.length).toBeGreaterThan(0);
    for (const spawner of spawners) {
      for (const name of Object.keys(WORKERS)) {
        const places = [join(dirname(spawner), `${name}.js`), join(dirname(dirname(spawner)), `${name}.js`)];
        expect(places.some((p) => existsSync(p)), `${name}.js for ${spawner}`).toBe(true);
      }
    }

    const shape = { layers: 2, embedding: 64, heads: 4, kvHeads: 1, feedForward: 128, contextLength: 2048, vocabulary: 32000 };
    for (const stage of ['doc', 'chunk'] as const) {
      const init: WorkerInit = {
        stage,
        modelPath: tinyRefinerPath(),
        mode: 'generate',
        keepThreshold: 0.5,
        sequences: 2,
        gpu: false,
        parseMode: 'strict',
        threads: TEST_THREADS,
        truncation: 'keep-inst',
        fidelity: 'improved',
        weightBytes: 0,
        kvBytesPerToken: kvBytesPerToken(shape),
      };
      const child = fork(bundle, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const messages: FromWorker[] = [];
      const docs = sampleDocs(3);
      const finished = new Promise<void>((resolve, reject) => {
        child.on('message', (message: FromWorker) => {
          messages.push(message);
          if (message.type === 'init-error') reject(new Error(message.message));
          if (messages.filter((m) => m.type === 'result').length === docs.length) resolve();
        });
        child.on('exit', (code, signal) => reject(new Error(`the bundled worker exited (${code ?? signal}): ${stderr.slice(-2000)}`)));
      });
      const send = (message: ToWorker) => child.send(message);
      send({ type: 'init', init });
      docs.forEach((doc, i) => send({ type: 'write', requestId: i + 1, doc }));
      try {
        await finished;
      } finally {
        child.kill();
      }
      const ready = messages.find((m) => m.type === 'ready');
      expect(ready?.type === 'ready' && ready.ready.model.layers).toBe(2);
      const results = messages.flatMap((m) => (m.type === 'result' ? [m] : [])).sort((a, b) => a.requestId - b.requestId);
      expect(results.map((r) => r.result.id)).toEqual(docs.map((d) => d.id));
      for (const { result } of results) {
        expect(result.failure, `${stage} ${result.id}`).toBeUndefined();
        if (stage === 'doc') expect(result.program).toMatch(/^(keep|drop)_doc\(\)$/);
        else expect(result.chunks?.length).toBeGreaterThan(0);
        expect(result.notes.filter((n) => /does not parse/.test(n.reason ?? ''))).toEqual([]);
      }
    }
  });
});
