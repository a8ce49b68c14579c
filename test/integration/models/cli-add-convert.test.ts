/**
 * `refinery models add` for a Hub repository that ships no GGUF file: the checkpoint is
 * fetched from a local hub stand-in on 127.0.0.1 (never the internet), converted and saved
 * under the name the profiles look for. Runs the commander program in-process.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { metadataScalar, readGguf } from '../../../native/gguf';
import { CliError } from '../../../main/cli/errors';
import { register as registerModels } from '../../../main/cli/models';
import { createWorkspaceApi } from '../../../main/api/handlers';
import { writeRandomHfCheckpoint } from '../../support/synthetic-checkpoint';
import { tinyVocabulary } from '../../support/tiny-vocabulary';
import { sha256File } from '../../../main/models/file-hash';
import { startFakeHub, type FakeHub } from '../../support/hub-server';

// The test's file server is plain http on 127.0.0.1: allowed only behind this explicit flag (main/util/download-url.ts).
process.env.REFINERY_ALLOW_HTTP_LOOPBACK = '1';

const dir = mkdtempSync(join(tmpdir(), 'cli-add-convert-'));
const served = join(dir, 'served');
const vocab = tinyVocabulary();
let hub: FakeHub;

beforeAll(async () => {
  writeRandomHfCheckpoint(served, {
    hyperparameters: { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
    vocabulary: vocab,
    seed: 11,
  });
  hub = await startFakeHub({
    'gair-prox/web-chunk-refining-lm': served,
    'test-org/gguf-only': ['README.md', 'model.Q8_0.gguf'],
  });
});
afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function models(...args: string[]): Promise<{ out: string[]; error?: CliError }> {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const program = new Command().exitOverride();
  registerModels(program);
  try {
    await program.parseAsync(['node', 'refinery', 'models', ...args, '--hf-endpoint', hub.endpoint]);
    return { out };
  } catch (err) {
    if (err instanceof CliError) return { out, error: err };
    throw err;
  } finally {
    vi.restoreAllMocks();
  }
}

describe('refinery models add <owner/repo> --quant (checkpoint conversion)', () => {
  it('fetches and converts a bare owner/repo to <repo>.Q8_0.gguf, registered with its sha256', async () => {
    const modelsDir = join(dir, 'models-a');
    const r = await models('add', 'gair-prox/web-chunk-refining-lm', '--quant', 'q8_0', '--models-dir', modelsDir);
    expect(r.error).toBeUndefined();
    const path = join(modelsDir, 'web-chunk-refining-lm.Q8_0.gguf');
    expect(r.out.join('\n')).toMatch(/added web-chunk-refining-lm\.Q8_0 +llama/);
    expect(metadataScalar(readGguf(path), 'general.file_type')).toBe(7);
    expect(readFileSync(`${path}.sha256`, 'utf8').trim()).toBe(await sha256File(path));
    expect(hub.requests).toContain('GET /gair-prox/web-chunk-refining-lm/resolve/main/model.safetensors');

    // Again without --force: the converted file is kept and the user is told.
    const again = await models('add', 'gair-prox/web-chunk-refining-lm', '--quant', 'q8_0', '--models-dir', modelsDir);
    expect(again.error?.message).toMatch(/already exists/);
  });

  it('hf:owner/repo with no GGUF files converts too (default q8_0, --quant f16 honoured)', async () => {
    const modelsDir = join(dir, 'models-b');
    expect((await models('add', 'hf:gair-prox/web-chunk-refining-lm', '--quant', 'F16', '--models-dir', modelsDir)).error).toBeUndefined();
    expect(metadataScalar(readGguf(join(modelsDir, 'web-chunk-refining-lm.F16.gguf')), 'general.file_type')).toBe(1);
    expect((await models('add', 'hf:gair-prox/web-chunk-refining-lm', '--models-dir', modelsDir)).error).toBeUndefined();
    expect(existsSync(join(modelsDir, 'web-chunk-refining-lm.Q8_0.gguf'))).toBe(true);
  });

  it('explains a quantization the converter cannot make and --quant on a repository that has GGUF files', async () => {
    const modelsDir = join(dir, 'models-c');
    const bad = await models('add', 'gair-prox/web-chunk-refining-lm', '--quant', 'q4_k_m', '--models-dir', modelsDir);
    expect(bad.error?.message).toMatch(/q4_k_m.*f32, f16, q8_0/);
    const gguf = await models('add', 'hf:test-org/gguf-only', '--quant', 'q8_0', '--models-dir', modelsDir);
    expect(gguf.error?.message).toMatch(/--quant applies to Hub repositories converted from their checkpoint/);
    const missing = await models('add', 'test-org/missing', '--models-dir', modelsDir);
    expect(missing.error?.message).toMatch(/test-org\/missing was not found on http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('models.add (workspace API) for a Hub repository without GGUF files', () => {
  it('converts the checkpoint to <repo>.Q8_0.gguf and reports download progress', async () => {
    const modelsDir = join(dir, 'models-api');
    const events: string[] = [];
    const api = createWorkspaceApi({ shell: 'test', emit: (event) => void events.push(event), env: { REFINERY_MODELS_DIR: modelsDir, HF_ENDPOINT: hub.endpoint } });
    try {
      const m = await api.handlers['models.add']({ source: 'hf:gair-prox/web-chunk-refining-lm' });
      expect(m.path).toBe(join(modelsDir, 'web-chunk-refining-lm.Q8_0.gguf'));
      expect(m.sha256).toBe(await sha256File(m.path));
      expect(events.filter((e) => e === 'models.download').length).toBeGreaterThan(1);
    } finally {
      await api.dispose();
    }
  });
});
