/**
 * The workspace API's model methods that need no model loaded: `models.runtime` (the
 * llama.cpp backend report) and `models.convert` (a tiny synthetic HF checkpoint -> GGUF in
 * the models folder under the name the profiles look for, registered with its sha256).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelInfoSchema, RuntimeInfoSchema } from '../../../contract/api';
import { createWorkspaceApi, type WorkspaceApi } from '../../../main/api/handlers';
import { writeRandomHfCheckpoint } from '../../support/synthetic-checkpoint';
import { tinyVocabulary } from '../../support/tiny-vocabulary';
import { expectedFileNames, PROFILES, resolveStageSource } from '../../../main/models/profiles';
import { listModels } from '../../../main/models/registry';

const dir = mkdtempSync(join(tmpdir(), 'api-models-'));
const modelsDir = join(dir, 'models');
const vocab = tinyVocabulary();
const checkpoint = join(dir, 'web-chunk-refining-lm');
let api: WorkspaceApi;
const progress: { id: string; file: string; bytes: number; total: number | null; done: boolean }[] = [];

beforeAll(() => {
  writeRandomHfCheckpoint(checkpoint, {
    hyperparameters: { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
    vocabulary: vocab,
    seed: 7,
  });
  api = createWorkspaceApi({
    shell: 'test',
    emit: (event, payload) => {
      if (event === 'models.download') progress.push(payload as (typeof progress)[number]);
    },
    env: { REFINERY_MODELS_DIR: modelsDir },
  });
});
afterAll(async () => {
  await api?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('models API', () => {
  it('models.runtime reports the backend without loading a model', async () => {
    const info = RuntimeInfoSchema.parse(await api.handlers['models.runtime']({}));
    expect(['cuda', 'vulkan', 'metal', 'cpu']).toContain(info.backend);
    expect(info.gpuAvailable).toBe(info.backend !== 'cpu');
    // On the CPU the report says why the GPU is not used; on a GPU it names the device.
    if (info.gpuAvailable) expect(info.device).not.toBeNull();
    else expect(info.note).toMatch(/CPU/);
  });

  it('models.convert writes <repo>.<TYPE>.gguf into the models folder and registers it', async () => {
    const model = ModelInfoSchema.parse(await api.handlers['models.convert']({ checkpoint, type: 'q8_0' }));
    expect(model.id).toBe('web-chunk-refining-lm.Q8_0');
    expect(model.path).toBe(join(modelsDir, 'web-chunk-refining-lm.Q8_0.gguf'));
    expect(model.architecture).toBe('llama');
    expect(model.quantization).toMatch(/Q8_0/i);
    expect(model.sha256).toBe(createHash('sha256').update(readFileSync(model.path)).digest('hex'));
    // The file name is the one the prox-web profile looks for, so the profile finds it.
    const chunk = PROFILES['prox-web'].chunk;
    if (chunk.type !== 'model') throw new Error('prox-web chunk stage should be a model');
    expect(expectedFileNames(chunk)).toContain('web-chunk-refining-lm.Q8_0.gguf');
    expect(resolveStageSource('web-chunk-refining-lm.Q8_0', modelsDir)).toEqual({ type: 'model', path: model.path });
    expect((await api.handlers['models.list']({})).map((m) => m.id)).toEqual(['web-chunk-refining-lm.Q8_0']);
    expect((await listModels(modelsDir))[0]!.problem).toBeNull();
    // Progress went out as models.download events, ending with every tensor byte read.
    const converting = progress.filter((p) => p.id === checkpoint);
    expect(converting.length).toBeGreaterThan(0);
    expect(converting.at(-1)).toMatchObject({ file: 'converted' });
    expect(converting.at(-1)!.bytes).toBe(converting.at(-1)!.total);
  });

  it('models.add converts a local checkpoint folder (q8_0) with progress events', async () => {
    const folder = join(dir, 'math-doc-refining-lm');
    writeRandomHfCheckpoint(folder, {
      hyperparameters: { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
      vocabulary: vocab,
      seed: 8,
    });
    const model = ModelInfoSchema.parse(await api.handlers['models.add']({ source: folder }));
    expect(model.path).toBe(join(modelsDir, 'math-doc-refining-lm.Q8_0.gguf'));
    expect(model.quantization).toMatch(/Q8_0/i);
    expect(progress.filter((p) => p.id === folder).at(-1)).toMatchObject({ file: model.path, done: true });
    expect(progress.some((p) => p.id === folder && p.file.startsWith('converting '))).toBe(true);
  });

  it('models.convert refuses an existing file and a missing checkpoint with a clear message', async () => {
    await expect(api.handlers['models.convert']({ checkpoint, type: 'q8_0' })).rejects.toThrow(/already exists/);
    await expect(api.handlers['models.convert']({ checkpoint: join(dir, 'nope'), type: 'f16' })).rejects.toThrow(/nope: no such checkpoint folder/);
    expect(existsSync(join(modelsDir, 'nope.F16.gguf'))).toBe(false);
  });
});
