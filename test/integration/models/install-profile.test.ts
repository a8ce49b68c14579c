/**
 * `models.installProfile` (the Models screen's one-click install) against a Hugging Face
 * stand-in on 127.0.0.1 (never the internet): prox-web's doc model comes as QuantFactory's GGUF
 * build (the Q8_0 file, not the others the repository has), its chunk model as gair-prox's
 * checkpoint converted to Q8_0; progress with bytes, rate and time left; cancel and resume;
 * fallback to conversion where the GGUF repository is missing; one install at a time. The
 * GGUF build lacks the checkpoint's tokenizer settings: gair-prox's tokenizer_config.json
 * (legacy false) is fetched and written into the downloaded file's metadata, so the doc prompt
 * starts BOS, '[' (29961); without a tokenizer_config.json the file is kept as served.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../../main/cli/errors';
import { register as registerModels } from '../../../main/cli/models';
import { InstallProgressSchema, ProfileInfoSchema, type InstallProgress } from '../../../contract/api';
import { createWorkspaceApi, type WorkspaceApi } from '../../../main/api/handlers';
import { resolveProfile } from '../../../main/models/profiles';
import { sha256File } from '../../../main/models/file-hash';
import { startFakeHub, type FakeHub } from '../../support/hub-server';
import { writeRandomHfCheckpoint } from '../../support/synthetic-checkpoint';
import { writeTinyLlamaGguf } from '../../support/tiny-model';
import { TEST_INSTRUCTION, writeTinyQwen3Checkpoint } from '../../support/tiny-qwen3';
import { INSTRUCTION_GGUF_KEY } from '../../../main/convert/ultrax-instruction';
import { metadataScalar, readGguf } from '../../../native/gguf';
import { LEGACY_KEY } from '../../../main/convert/vocabulary';
import { addModel } from '../../../main/models/registry';
import { proxTokenizer } from '../../../main/models/tokenizer';
import { buildPromptTokens } from '../../../main/prox/prompts';
import { loadRuntime } from '../../../native/llama/runtime';
import { loadVocabulary } from '../../../native/llama/model';
import { tinyVocabulary } from '../../support/tiny-vocabulary';

// The stand-in is plain http on 127.0.0.1: allowed only behind this explicit flag (main/util/download-url.ts).
process.env.REFINERY_ALLOW_HTTP_LOOPBACK = '1';

const root = mkdtempSync(join(tmpdir(), 'install-profile-'));
const vocab = tinyVocabulary();
const ggufRepo = join(root, 'hub', 'web-doc-refining-lm-GGUF');
const docCheckpoint = join(root, 'hub', 'web-doc-refining-lm');
const chunkCheckpoint = join(root, 'hub', 'web-chunk-refining-lm');
let hub: FakeHub;
let slowHub: FakeHub;
let bareHub: FakeHub;
/** A checkpoint whose conversion takes a while (~40 MB of F32 weights), to cancel mid-way. */
const bigCheckpoint = join(root, 'hub', 'math-doc-refining-lm');
let bigHub: FakeHub;

function checkpoint(folder: string, seed: number): void {
  writeRandomHfCheckpoint(folder, {
    hyperparameters: { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
    vocabulary: vocab,
    seed,
  });
}

beforeAll(async () => {
  mkdirSync(ggufRepo, { recursive: true });
  // The repository has several builds; the install takes Q8_0, the profiles' first choice.
  writeTinyLlamaGguf(join(ggufRepo, 'web-doc-refining-lm.Q8_0.gguf'), { vocab: 'llama2', layers: 2, hidden: 64, heads: 4, kvHeads: 1, ffn: 128, context: 256, seed: 31, type: 'q8_0' });
  writeTinyLlamaGguf(join(ggufRepo, 'web-doc-refining-lm.F16.gguf'), { vocab: 'llama2', layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, seed: 32, type: 'f16' });
  checkpoint(docCheckpoint, 41);
  checkpoint(chunkCheckpoint, 42);
  const repos = {
    'QuantFactory/web-doc-refining-lm-GGUF': ggufRepo,
    'gair-prox/web-doc-refining-lm': docCheckpoint,
    'gair-prox/web-chunk-refining-lm': chunkCheckpoint,
  };
  hub = await startFakeHub(repos);
  // ~2 MB at 64 KiB per 40 ms: about 1.3 s per download, time enough to see progress and cancel.
  slowHub = await startFakeHub(repos, { throttleMs: 40 });
  // No GGUF repository: the install converts gair-prox's checkpoint instead.
  bareHub = await startFakeHub({ 'gair-prox/web-doc-refining-lm': docCheckpoint, 'gair-prox/web-chunk-refining-lm': chunkCheckpoint });
  writeRandomHfCheckpoint(bigCheckpoint, {
    hyperparameters: { layers: 4, hidden: 512, heads: 8, kvHeads: 8, ffn: 1024, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
    vocabulary: vocab,
    seed: 43,
  });
  bigHub = await startFakeHub({ 'gair-prox/math-doc-refining-lm': bigCheckpoint, 'gair-prox/math-chunk-refining-lm': chunkCheckpoint });
});

afterAll(async () => {
  await Promise.all([hub?.close(), slowHub?.close(), bareHub?.close(), bigHub?.close()]);
  rmSync(root, { recursive: true, force: true });
});

function apiFor(modelsDir: string, endpoint: string): { api: WorkspaceApi; events: InstallProgress[] } {
  const events: InstallProgress[] = [];
  const api = createWorkspaceApi({
    shell: 'test',
    emit: (event, payload) => {
      if (event === 'models.install') events.push(InstallProgressSchema.parse(payload));
    },
    env: { REFINERY_MODELS_DIR: modelsDir, HF_ENDPOINT: endpoint },
  });
  return { api, events };
}

describe('models.installProfile', () => {
  it('installs prox-web in one call: the doc model as a GGUF download, the chunk model converted from its checkpoint', async () => {
    const modelsDir = join(root, 'models-web');
    const { api, events } = apiFor(modelsDir, hub.endpoint);
    try {
      const before = ProfileInfoSchema.array().parse(await api.handlers['models.profiles']({ fidelity: 'improved' }));
      const web = before.find((p) => p.name === 'prox-web')!;
      expect(web.ready).toBe(false);
      expect(web.models).toEqual([
        { stage: 'doc', repo: 'gair-prox/web-doc-refining-lm', parameters: '0.3B', gguf: 'QuantFactory/web-doc-refining-lm-GGUF', licence: null, installed: null },
        { stage: 'chunk', repo: 'gair-prox/web-chunk-refining-lm', parameters: '0.3B', gguf: null, licence: null, installed: null },
      ]);
      const ultrax = before.find((p) => p.name === 'ultrax')!;
      expect(ultrax.models[0]).toMatchObject({ stage: 'ultrax', repo: 'openbmb/UltraX-0.6B-Preview', gguf: null });
      expect(ultrax.models[0]!.licence).toMatch(/forbids redistribut/);

      const result = await api.handlers['models.installProfile']({ profile: 'prox-web', fidelity: 'improved' });
      expect(result.state).toBe('done');
      expect(result.profile.ready).toBe(true);
      const doc = join(modelsDir, 'web-doc-refining-lm.Q8_0.gguf');
      const chunk = join(modelsDir, 'web-chunk-refining-lm.Q8_0.gguf');
      expect(result.profile.models.map((m) => m.installed)).toEqual([doc, chunk]);
      // The downloaded build is the served file with gair-prox's tokenizer settings written into
      // its metadata (tensors byte for byte), registered with the sha256 of the file as kept.
      expectServedPlusSettings(doc, join(ggufRepo, 'web-doc-refining-lm.Q8_0.gguf'), { [LEGACY_KEY]: false, 'tokenizer.ggml.add_bos_token': true });
      expect(metadataScalar(readGguf(join(ggufRepo, 'web-doc-refining-lm.Q8_0.gguf')), LEGACY_KEY)).toBeUndefined();
      // The doc prompt follows the checkpoint's tokenizer (legacy false): BOS, then '[' (29961), not llama.cpp's '▁[' (518).
      expect(await docPromptHead(doc)).toEqual([1, 29961]);
      expect(await docPromptHead(join(ggufRepo, 'web-doc-refining-lm.Q8_0.gguf'))).toEqual([1, 518]);
      expect(readFileSync(`${doc}.sha256`, 'utf8').trim()).toBe(await sha256File(doc));
      expect(readFileSync(`${chunk}.sha256`, 'utf8').trim()).toBe(await sha256File(chunk));
      // A batch with the profile finds both.
      expect(resolveProfile('prox-web', modelsDir)).toEqual({ name: 'prox-web', doc: { type: 'model', path: doc }, chunk: { type: 'model', path: chunk } });
      expect(hub.requests).toContain('GET /QuantFactory/web-doc-refining-lm-GGUF/resolve/main/web-doc-refining-lm.Q8_0.gguf');
      expect(hub.requests.some((r) => r.includes('web-doc-refining-lm.F16.gguf'))).toBe(false);
      // Of the doc checkpoint only its tokenizer files (no chat_template in the config, so chat_template.jinja is asked for: there is none).
      expect(hub.requests.filter((r) => r.startsWith('GET /gair-prox/web-doc-refining-lm/'))).toEqual([
        'GET /gair-prox/web-doc-refining-lm/resolve/main/tokenizer_config.json',
        'GET /gair-prox/web-doc-refining-lm/resolve/main/chat_template.jinja',
      ]);
      expect(hub.requests.indexOf('GET /gair-prox/web-doc-refining-lm/resolve/main/tokenizer_config.json')).toBeLessThan(
        hub.requests.indexOf('GET /QuantFactory/web-doc-refining-lm-GGUF/resolve/main/web-doc-refining-lm.Q8_0.gguf'),
      );
      expect(hub.requests).toContain('GET /gair-prox/web-chunk-refining-lm/resolve/main/model.safetensors');

      // Progress: step 1 downloads from the GGUF repository, step 2 fetches and converts the checkpoint.
      const download = events.filter((e) => e.action === 'download');
      expect(download.length).toBeGreaterThan(0);
      expect(download.every((e) => e.step === 1 && e.steps === 2 && e.stage === 'doc' && e.repo === 'QuantFactory/web-doc-refining-lm-GGUF' && e.file === 'web-doc-refining-lm.Q8_0.gguf')).toBe(true);
      const size = readFileSync(join(ggufRepo, 'web-doc-refining-lm.Q8_0.gguf')).length;
      expect(download.at(-1)).toMatchObject({ bytes: size, total: size });
      const fetched = events.filter((e) => e.action === 'fetch-checkpoint' && e.file === 'model.safetensors');
      expect(fetched.at(-1)).toMatchObject({ step: 2, stage: 'chunk', repo: 'gair-prox/web-chunk-refining-lm' });
      expect(fetched.at(-1)!.bytes).toBe(fetched.at(-1)!.total);
      const converted = events.filter((e) => e.action === 'convert');
      expect(converted.at(-1)!.bytes).toBe(converted.at(-1)!.total);
      expect(events.filter((e) => e.action === 'installed' && e.state === 'running').map((e) => [e.file, e.message])).toEqual([
        [doc, "kept gair-prox/web-doc-refining-lm's tokenizer settings in the GGUF: legacy false, add_bos_token true"],
        [chunk, null],
      ]);
      expect(events.at(-1)).toMatchObject({ state: 'done', message: 'installed web-doc-refining-lm.Q8_0, web-chunk-refining-lm.Q8_0' });
      expect(await api.handlers['models.installStatus']({})).toEqual(events.at(-1));

      // Again: nothing to fetch.
      const requests = hub.requests.length;
      events.length = 0;
      expect((await api.handlers['models.installProfile']({ profile: 'prox-web', fidelity: 'improved' })).state).toBe('done');
      expect(hub.requests.length).toBe(requests);
      expect(events.map((e) => e.action)).toEqual(['present', 'present', 'installed']);
      expect(events.at(-1)!.message).toBe('every model of prox-web was already installed');

      // Fidelity reference wants the 16-bit weights the reference ran: the Q8_0 files do not count.
      const reference = await api.handlers['models.profiles']({ fidelity: 'reference' });
      expect(reference.find((p) => p.name === 'prox-web')).toMatchObject({ ready: false, models: [{ installed: null }, { installed: null }] });
      const wide = await api.handlers['models.installProfile']({ profile: 'prox-web', fidelity: 'reference' });
      const docF16 = join(modelsDir, 'web-doc-refining-lm.F16.gguf');
      const chunkF16 = join(modelsDir, 'web-chunk-refining-lm.F16.gguf');
      expect(wide.profile).toMatchObject({ ready: true, models: [{ installed: docF16 }, { installed: chunkF16 }] });
      expectServedPlusSettings(docF16, join(ggufRepo, 'web-doc-refining-lm.F16.gguf'), { [LEGACY_KEY]: false, 'tokenizer.ggml.add_bos_token': true });
      expect(resolveProfile('prox-web', modelsDir, 'reference')).toEqual({ name: 'prox-web', doc: { type: 'model', path: docF16 }, chunk: { type: 'model', path: chunkF16 } });
      // The improved run keeps its Q8_0 files.
      expect(resolveProfile('prox-web', modelsDir)).toEqual({ name: 'prox-web', doc: { type: 'model', path: doc }, chunk: { type: 'model', path: chunk } });
    } finally {
      await api.dispose();
    }
  });

  it('reports the rate and time left, cancels mid-download, and the next install completes it', async () => {
    const modelsDir = join(root, 'models-cancel');
    const { api, events } = apiFor(modelsDir, slowHub.endpoint);
    try {
      const running = api.handlers['models.installProfile']({ profile: 'prox-web', fidelity: 'improved' });
      // Wait until a third of the file is in, then cancel.
      const size = readFileSync(join(ggufRepo, 'web-doc-refining-lm.Q8_0.gguf')).length;
      await waitFor(() => events.some((e) => e.action === 'download' && e.bytes > size / 3));
      // One install at a time.
      await expect(api.handlers['models.installProfile']({ profile: 'prox-math', fidelity: 'improved' })).rejects.toThrow(/being installed; wait for it or cancel it first/);
      expect(await api.handlers['models.cancelInstall']({})).toEqual({ cancelled: true });
      const result = await running;
      expect(result.state).toBe('cancelled');
      expect(result.profile.ready).toBe(false);
      expect(events.at(-1)).toMatchObject({ state: 'cancelled', action: 'download' });
      expect(events.at(-1)!.message).toMatch(/next install resumes it/);
      const measured = events.filter((e) => e.action === 'download' && e.bytesPerSecond !== null);
      expect(measured.length).toBeGreaterThan(0);
      // 64 KiB per 40 ms is about 1.6 MB/s; the measure is within a factor of 3 of it on a busy machine.
      const rate = measured.at(-1)!.bytesPerSecond!;
      expect(rate).toBeGreaterThan(1.6e6 / 3);
      expect(rate).toBeLessThan(1.6e6 * 3);
      const eta = measured.at(-1)!;
      expect(eta.etaSeconds).toBeCloseTo((eta.total! - eta.bytes) / eta.bytesPerSecond!, 5);
      expect(existsSync(join(modelsDir, 'web-doc-refining-lm.Q8_0.gguf'))).toBe(false);
      expect(await api.handlers['models.cancelInstall']({})).toEqual({ cancelled: false });

      // Install again: it goes on to the end (ipull resumes a partial file chunk by chunk; download.test.ts shows it).
      const again = await api.handlers['models.installProfile']({ profile: 'prox-web', fidelity: 'improved' });
      expect(again.state).toBe('done');
      expect(again.profile.ready).toBe(true);
      expectServedPlusSettings(join(modelsDir, 'web-doc-refining-lm.Q8_0.gguf'), join(ggufRepo, 'web-doc-refining-lm.Q8_0.gguf'), { [LEGACY_KEY]: false });
      expect(readdirSync(modelsDir).filter((f) => f.endsWith('.ipull') || f.endsWith('.rewrite'))).toEqual([]);
    } finally {
      await api.dispose();
    }
  });

  it('converts off the event loop: progress arrives while it runs, and Cancel stops it and leaves no file behind', async () => {
    const modelsDir = join(root, 'models-convert-cancel');
    const { api, events } = apiFor(modelsDir, bigHub.endpoint);
    try {
      const running = api.handlers['models.installProfile']({ profile: 'prox-math', fidelity: 'improved' });
      // This poll runs on the event loop: it sees a conversion in progress only if the conversion leaves the loop free.
      await waitFor(() => events.some((e) => e.action === 'convert' && e.total !== null && e.bytes > 0 && e.bytes < e.total));
      expect(await api.handlers['models.cancelInstall']({})).toEqual({ cancelled: true });
      const result = await running;
      expect(result.state).toBe('cancelled');
      expect(events.at(-1)).toMatchObject({ state: 'cancelled', action: 'convert', step: 1, repo: 'gair-prox/math-doc-refining-lm' });
      expect(readdirSync(modelsDir).filter((f) => f.includes('.gguf'))).toEqual([]);
      // The fetched checkpoint is kept: installing again converts without downloading it again.
      const fetched = bigHub.requests.filter((r) => r.endsWith('/math-doc-refining-lm/resolve/main/model.safetensors')).length;
      expect((await api.handlers['models.installProfile']({ profile: 'prox-math', fidelity: 'improved' })).state).toBe('done');
      expect(bigHub.requests.filter((r) => r.endsWith('/math-doc-refining-lm/resolve/main/model.safetensors')).length).toBe(fetched);
      expect(existsSync(join(modelsDir, 'math-doc-refining-lm.Q8_0.gguf'))).toBe(true);
      expect(existsSync(join(modelsDir, 'math-chunk-refining-lm.Q8_0.gguf'))).toBe(true);
    } finally {
      await api.dispose();
    }
  });

  it('installs ultrax: openbmb\'s checkpoint with its inference script, converted here, the system instruction kept in the GGUF', async () => {
    const served = join(root, 'hub', 'UltraX-0.6B-Preview');
    writeTinyQwen3Checkpoint(served, { chatTemplate: '{{ messages }}' });
    const ultraxHub = await startFakeHub({ 'openbmb/UltraX-0.6B-Preview': served });
    const modelsDir = join(root, 'models-ultrax');
    const { api, events } = apiFor(modelsDir, ultraxHub.endpoint);
    try {
      const result = await api.handlers['models.installProfile']({ profile: 'ultrax', fidelity: 'improved' });
      const file = join(modelsDir, 'UltraX-0.6B-Preview.Q8_0.gguf');
      expect(result.profile).toMatchObject({ name: 'ultrax', ready: true, models: [{ stage: 'ultrax', repo: 'openbmb/UltraX-0.6B-Preview', installed: file }] });
      expect(resolveProfile('ultrax', modelsDir)).toEqual({ name: 'ultrax', ultrax: { type: 'model', path: file } });
      expect(ultraxHub.requests).toContain('GET /openbmb/UltraX-0.6B-Preview/resolve/main/code/stage2_large_scale_execution/inference/inference.py');
      expect(metadataScalar(readGguf(file), INSTRUCTION_GGUF_KEY)).toBe(TEST_INSTRUCTION);
      expect(events.filter((e) => e.state === 'running').map((e) => e.stage)).toEqual(expect.arrayContaining(['ultrax']));
      expect(events.at(-1)).toMatchObject({ state: 'done', steps: 1, message: 'installed UltraX-0.6B-Preview.Q8_0' });
    } finally {
      await api.dispose();
      await ultraxHub.close();
    }
  });

  it('converts the checkpoint where the GGUF repository is not there', async () => {
    const modelsDir = join(root, 'models-bare');
    const { api, events } = apiFor(modelsDir, bareHub.endpoint);
    try {
      const result = await api.handlers['models.installProfile']({ profile: 'prox-web', fidelity: 'improved' });
      expect(result.profile.models.map((m) => m.installed)).toEqual([join(modelsDir, 'web-doc-refining-lm.Q8_0.gguf'), join(modelsDir, 'web-chunk-refining-lm.Q8_0.gguf')]);
      expect(bareHub.requests).toContain('GET /api/models/QuantFactory/web-doc-refining-lm-GGUF/revision/main');
      expect(bareHub.requests).toContain('GET /gair-prox/web-doc-refining-lm/resolve/main/model.safetensors');
      expect(events.some((e) => e.step === 1 && e.action === 'convert' && e.repo === 'gair-prox/web-doc-refining-lm')).toBe(true);
    } finally {
      await api.dispose();
    }
  });

  it('keeps the GGUF as served, and says so, where the base checkpoint has no tokenizer_config.json', async () => {
    // The checkpoint repository lists its files but serves none of them (no tokenizer_config.json).
    const noConfigHub = await startFakeHub({
      'QuantFactory/web-doc-refining-lm-GGUF': ggufRepo,
      'gair-prox/web-doc-refining-lm': ['config.json', 'model.safetensors', 'tokenizer.model'],
      'gair-prox/web-chunk-refining-lm': chunkCheckpoint,
    });
    const modelsDir = join(root, 'models-no-config');
    const { api, events } = apiFor(modelsDir, noConfigHub.endpoint);
    try {
      expect((await api.handlers['models.installProfile']({ profile: 'prox-web', fidelity: 'improved' })).state).toBe('done');
      const doc = join(modelsDir, 'web-doc-refining-lm.Q8_0.gguf');
      expect(readFileSync(doc).equals(readFileSync(join(ggufRepo, 'web-doc-refining-lm.Q8_0.gguf')))).toBe(true);
      expect(metadataScalar(readGguf(doc), LEGACY_KEY)).toBeUndefined();
      expect(await docPromptHead(doc)).toEqual([1, 518]);
      expect(events.find((e) => e.action === 'installed' && e.stage === 'doc')!.message).toBe(
        "gair-prox/web-doc-refining-lm has no tokenizer_config.json: the GGUF is kept as downloaded (no legacy setting, so prompts use llama.cpp's '▁[' spelling after BOS)",
      );
      expect(noConfigHub.requests).toContain('GET /gair-prox/web-doc-refining-lm/resolve/main/tokenizer_config.json');
    } finally {
      await api.dispose();
      await noConfigHub.close();
    }
  });

  it('models add hf:<GGUF repository of a profile> keeps the base checkpoint\'s settings too; a file added by path is never altered', async () => {
    const modelsDir = join(root, 'models-add');
    const served = join(ggufRepo, 'web-doc-refining-lm.Q8_0.gguf');
    const added = await addModel('hf:QuantFactory/web-doc-refining-lm-GGUF/web-doc-refining-lm.Q8_0.gguf', { dir: modelsDir, huggingFaceEndpoint: hub.endpoint });
    expect(added.note).toBe("kept gair-prox/web-doc-refining-lm's tokenizer settings in the GGUF: legacy false, add_bos_token true");
    expectServedPlusSettings(added.path, served, { [LEGACY_KEY]: false, 'tokenizer.ggml.add_bos_token': true });
    expect(added.sha256).toBe(await sha256File(added.path));
    expect(await docPromptHead(added.path)).toEqual([1, 29961]);

    const byPath = await addModel(served, { dir: join(root, 'models-add-path') });
    expect(byPath.note).toBeNull();
    expect(readFileSync(byPath.path).equals(readFileSync(served))).toBe(true);
    expect(metadataScalar(readGguf(served), LEGACY_KEY)).toBeUndefined();
  });

  it('says what failed: an unknown profile, a repository the hub does not have', async () => {
    const modelsDir = join(root, 'models-fail');
    const { api, events } = apiFor(modelsDir, bareHub.endpoint);
    try {
      await expect(api.handlers['models.installProfile']({ profile: 'prox-code', fidelity: 'improved' })).rejects.toThrow('unknown profile "prox-code"; built-in profiles: prox-web, prox-math, ultrax');
      await expect(api.handlers['models.installProfile']({ profile: 'prox-math', fidelity: 'improved' })).rejects.toThrow(
        /could not install the models of prox-math: gair-prox\/math-doc-refining-lm was not found on http:\/\/127\.0\.0\.1:\d+ \(HTTP 404\)/,
      );
      expect(events.at(-1)).toMatchObject({ state: 'failed', step: 1, stage: 'doc', repo: 'gair-prox/math-doc-refining-lm' });
      expect(events.at(-1)!.message).toMatch(/math-doc-refining-lm was not found/);
      // The failure leaves the next install free to run.
      expect((await api.handlers['models.installProfile']({ profile: 'prox-web', fidelity: 'improved' })).state).toBe('done');
    } finally {
      await api.dispose();
    }
  });
});

describe('refinery models install <profile>', () => {
  it('installs the profile from the command line, says where each model comes from, and refuses an unknown profile', async () => {
    const modelsDir = join(root, 'models-cli');
    const out: string[] = [];
    const run = async (...args: string[]): Promise<CliError | undefined> => {
      vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const program = new Command().exitOverride();
      registerModels(program);
      try {
        await program.parseAsync(['node', 'refinery', 'models', 'install', ...args, '--models-dir', modelsDir, '--hf-endpoint', hub.endpoint]);
        return undefined;
      } catch (err) {
        if (err instanceof CliError) return err;
        throw err;
      } finally {
        vi.restoreAllMocks();
      }
    };
    expect(await run('prox-web')).toBeUndefined();
    expect(out).toEqual([
      'prox-web doc: gair-prox/web-doc-refining-lm (0.3B) from the GGUF builds in QuantFactory/web-doc-refining-lm-GGUF',
      'prox-web chunk: gair-prox/web-chunk-refining-lm (0.3B) from its checkpoint, converted to Q8_0',
      `[1/2] doc: installed ${join(modelsDir, 'web-doc-refining-lm.Q8_0.gguf')}`,
      "  kept gair-prox/web-doc-refining-lm's tokenizer settings in the GGUF: legacy false, add_bos_token true",
      `[2/2] chunk: installed ${join(modelsDir, 'web-chunk-refining-lm.Q8_0.gguf')}`,
      'profile prox-web: ready (doc web-doc-refining-lm.Q8_0.gguf, chunk web-chunk-refining-lm.Q8_0.gguf)',
    ]);
    expect((await run('prox-code'))?.message).toBe('unknown profile "prox-code"; built-in profiles: prox-web, prox-math, ultrax');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The tensor-data section of a GGUF (everything after its header), byte for byte. */
function tensorData(path: string): Buffer {
  return readFileSync(path).subarray(readGguf(path).dataOffset);
}

/** The first tokens of the doc-stage prompt built with the GGUF's own tokenizer, as a run builds it. */
async function docPromptHead(gguf: string): Promise<number[]> {
  const runtime = await loadRuntime(false);
  const vocab = await loadVocabulary(runtime, gguf);
  try {
    return buildPromptTokens('doc', 'Home | About\nWelcome to the page.', proxTokenizer(vocab.tokenizer, gguf)).tokens.slice(0, 2);
  } finally {
    await vocab.dispose();
  }
}

/** The downloaded build is the served one with the checkpoint's settings added to its metadata: every other key and every tensor unchanged. */
function expectServedPlusSettings(installed: string, served: string, settings: Record<string, unknown>): void {
  const got = readGguf(installed);
  const original = readGguf(served);
  expect(tensorData(installed).equals(tensorData(served))).toBe(true);
  expect(got.dataOffset % 32).toBe(0);
  expect(got.tensors).toEqual(original.tensors);
  const rest = new Map(got.metadata);
  for (const [key, value] of Object.entries(settings)) {
    expect(metadataScalar(got, key)).toBe(value);
    if (!original.metadata.has(key)) rest.delete(key);
    else rest.set(key, original.metadata.get(key)!);
  }
  expect(rest).toEqual(original.metadata);
}
