/** `refinery models convert` as a user runs it: a real CLI process, exit codes, messages. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGguf, metadataScalar } from '../../../native/gguf';
import { writeRandomHfCheckpoint } from '../../../main/convert/synthetic-checkpoint';
import { tinyVocabulary } from '../../../main/convert/tiny-vocabulary';
import { REPO_ROOT } from '../../support/tiny-model';

const dir = mkdtempSync(join(tmpdir(), 'cli-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refinery(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/cli.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, REFINERY_MODELS_DIR: join(dir, 'models') } });
  return { code: r.status, out: r.stdout, err: r.stderr };
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
});
