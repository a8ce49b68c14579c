/**
 * `refinery models convert` as a user runs it. One real CLI process proves the wiring (exit
 * code, progress on stderr, result on stdout); the other cases run the same commander
 * program in-process, because each cold CLI start costs seconds on a loaded machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { readGguf, metadataScalar } from '../../../native/gguf';
import { CliError } from '../../../main/cli/errors';
import { register as registerModels } from '../../../main/cli/models';
import { writeRandomHfCheckpoint } from '../../support/synthetic-checkpoint';
import { tinyVocabulary } from '../../support/tiny-vocabulary';
import { startFakeHub } from '../../support/hub-server';
import { REPO_ROOT } from '../../support/tiny-model';

// The test's file server is plain http on 127.0.0.1: allowed only behind this explicit flag (main/util/download-url.ts).
process.env.REFINERY_ALLOW_HTTP_LOOPBACK = '1';

const dir = mkdtempSync(join(tmpdir(), 'cli-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const vocab = tinyVocabulary();
function checkpoint(name: string, seed: number): string {
  const folder = join(dir, name);
  writeRandomHfCheckpoint(folder, {
    hyperparameters: { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
    vocabulary: vocab,
    seed,
  });
  return folder;
}

/** Runs `refinery models ...` in-process; returns stdout lines or the CliError thrown. */
async function models(...args: string[]): Promise<{ out: string[]; error?: CliError }> {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command().exitOverride();
  registerModels(program);
  try {
    await program.parseAsync(['node', 'refinery', 'models', ...args]);
    return { out };
  } catch (err) {
    if (err instanceof CliError) return { out, error: err };
    throw err;
  } finally {
    vi.restoreAllMocks();
  }
}

describe('refinery models convert', () => {
  it('a real CLI process converts a folder: progress on stderr, result on stdout, exit 0', () => {
    const folder = checkpoint('ckpt', 9);
    const out = join(dir, 'out.gguf');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/cli.ts'), 'models', 'convert', folder, '--out', out, '--type', 'q8_0'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.stderr).toMatch(/converting \d+\/\d+ MB/);
    expect(r.stdout).toMatch(/^wrote .*out\.gguf \([\d.]+ KiB, 12 tensors, q8_0\)/);
    expect(r.status).toBe(0);
    expect(metadataScalar(readGguf(out), 'general.file_type')).toBe(7);
  });

  it('refuses to overwrite without --force, replaces with it', async () => {
    const folder = checkpoint('ckpt-force', 3);
    const out = join(dir, 'force.gguf');
    expect((await models('convert', folder, '--out', out, '--type', 'f32')).error).toBeUndefined();
    const again = await models('convert', folder, '--out', out);
    expect([again.error?.exitCode, again.error?.message]).toEqual([1, `${out} already exists; choose another --out or pass --force to replace it`]);
    expect((await models('convert', folder, '--out', out, '--force')).error).toBeUndefined();
    expect(metadataScalar(readGguf(out), 'general.file_type')).toBe(1); // f16 is the default
  });

  it('user errors carry an exit code and a one-line message', async () => {
    const badType = await models('convert', dir, '--out', join(dir, 'x.gguf'), '--type', 'q4_k');
    expect([badType.error?.exitCode, badType.error?.message]).toEqual([2, '--type q4_k is not supported; use one of f32, f16, q8_0']);
    const notFolder = await models('convert', './no/such/./folder', '--out', join(dir, 'x.gguf'));
    expect([notFolder.error?.exitCode, notFolder.error?.message]).toEqual([1, './no/such/./folder: no such folder (give a checkpoint folder or a Hugging Face repository as hf:owner/repo)']);
  });

  it('fetches hf:owner/repo into <models folder>/checkpoints, then converts', async () => {
    const hub = await startFakeHub({ 'test-org/tiny-lm': checkpoint('served', 10) });
    vi.stubEnv('REFINERY_MODELS_DIR', join(dir, 'models'));
    try {
      const out = join(dir, 'hub.gguf');
      const r = await models('convert', 'hf:test-org/tiny-lm', '--out', out, '--hf-endpoint', hub.endpoint);
      expect(r.error).toBeUndefined();
      expect(r.out[0]).toBe(`checkpoint test-org/tiny-lm is in ${join(dir, 'models', 'checkpoints', 'test-org__tiny-lm')}`);
      expect(r.out[1]).toMatch(/^wrote .*hub\.gguf/);
      expect(metadataScalar(readGguf(out), 'general.architecture')).toBe('llama');
    } finally {
      await hub.close();
    }
  });
});
