/** `refinery models convert` as a user runs it: a real CLI process, exit codes, messages. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGguf, metadataScalar } from '../../../native/gguf';
import { writeRandomHfCheckpoint } from '../../../main/convert/synthetic-checkpoint';
import { tinyVocabulary } from '../../../main/convert/tiny-vocabulary';
import { startFakeHub } from '../../support/hub-server';
import { REPO_ROOT } from '../../support/tiny-model';

const dir = mkdtempSync(join(tmpdir(), 'cli-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refinery(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/cli.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, REFINERY_MODELS_DIR: join(dir, 'models') } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Async variant for when the test process itself must keep serving (the fake hub). */
function refineryAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/cli.ts'), ...args], { cwd: REPO_ROOT, env: { ...process.env, REFINERY_MODELS_DIR: join(dir, 'models') } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('refinery models convert', () => {
  it('converts a checkpoint folder, reports progress and the result; refuses to overwrite without --force', () => {
    const vocab = tinyVocabulary();
    const folder = join(dir, 'ckpt');
    writeRandomHfCheckpoint(folder, {
      hyperparameters: { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
      vocabulary: vocab,
      seed: 9,
    });
    const out = join(dir, 'out.gguf');
    const first = refinery('models', 'convert', folder, '--out', out, '--type', 'q8_0');
    expect(first.err).toMatch(/converting \d+\/\d+ MB/);
    expect(first.out).toMatch(/^wrote .*out\.gguf \([\d.]+ KiB, 12 tensors, q8_0\)/);
    expect(first.code).toBe(0);
    expect(metadataScalar(readGguf(out), 'general.file_type')).toBe(7);

    const again = refinery('models', 'convert', folder, '--out', out);
    expect([again.code, again.err.trim()]).toEqual([1, `refinery: ${out} already exists; choose another --out or pass --force to replace it`]);
    expect(refinery('models', 'convert', folder, '--out', out, '--force', '--type', 'f32').code).toBe(0);
  });

  it('user errors: exit code and one line, no stack', () => {
    const badType = refinery('models', 'convert', dir, '--out', join(dir, 'x.gguf'), '--type', 'q4_k');
    expect([badType.code, badType.err.trim()]).toEqual([2, 'refinery: --type q4_k is not supported; use one of f32, f16, q8_0']);
    const notFolder = refinery('models', 'convert', './no/such/./folder', '--out', join(dir, 'x.gguf'));
    expect(notFolder.code).toBe(1);
    expect(notFolder.err.trim()).toBe('refinery: ./no/such/./folder: no such folder (give a checkpoint folder or a Hugging Face repository as hf:owner/repo)');
  });

  it('fetches hf:owner/repo into <models folder>/checkpoints, then converts', async () => {
    const vocab = tinyVocabulary();
    const served = join(dir, 'served');
    writeRandomHfCheckpoint(served, {
      hyperparameters: { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
      vocabulary: vocab,
      seed: 10,
    });
    const hub = await startFakeHub({ 'test-org/tiny-lm': served });
    try {
      const out = join(dir, 'hub.gguf');
      const r = await refineryAsync('models', 'convert', 'hf:test-org/tiny-lm', '--out', out, '--hf-endpoint', hub.endpoint);
      expect(r.out).toContain(`checkpoint test-org/tiny-lm is in ${join(dir, 'models', 'checkpoints', 'test-org__tiny-lm')}`);
      expect(r.code).toBe(0);
      expect(metadataScalar(readGguf(out), 'general.file_type')).toBe(1); // f16 is the default
    } finally {
      await hub.close();
    }
  });
});
