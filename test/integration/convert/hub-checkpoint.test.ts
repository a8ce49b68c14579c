/**
 * Fetching a checkpoint from a Hugging Face-style hub, against a local server on 127.0.0.1
 * (never the internet): file listing, downloads through the app's downloader, conversion of
 * the result, and errors for repositories that cannot be converted.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGguf, metadataScalar } from '../../../native/gguf';
import { convertCheckpoint } from '../../../main/convert/convert-checkpoint';
import { fetchHubCheckpoint, parseHubRepo } from '../../../main/convert/hub-checkpoint';
import { writeRandomHfCheckpoint } from '../../support/synthetic-checkpoint';
import { tinyVocabulary } from '../../support/tiny-vocabulary';
import { startFakeHub, type FakeHub } from '../../support/hub-server';

// The test's file server is plain http on 127.0.0.1: allowed only behind this explicit flag (main/util/download-url.ts).
process.env.REFINERY_ALLOW_HTTP_LOOPBACK = '1';

const dir = mkdtempSync(join(tmpdir(), 'hub-ckpt-'));
const served = join(dir, 'served');
const vocab = tinyVocabulary();
let hub: FakeHub;
let endpoint: string;

beforeAll(async () => {
  writeRandomHfCheckpoint(served, {
    hyperparameters: { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 },
    vocabulary: vocab,
    seed: 4,
    shards: 2,
  });
  hub = await startFakeHub({
    'test-org/tiny-refining-lm': served,
    'test-org/gguf-only': ['README.md', 'model.Q8_0.gguf', 'config.json', 'tokenizer.model'],
  });
  endpoint = hub.endpoint;
});
afterAll(async () => {
  await hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Hub checkpoint fetch', () => {
  it('parses repository references', () => {
    expect(parseHubRepo('gair-prox/web-chunk-refining-lm')).toBe('gair-prox/web-chunk-refining-lm');
    expect(parseHubRepo('hf:gair-prox/web-doc-refining-lm')).toBe('gair-prox/web-doc-refining-lm');
    expect(parseHubRepo('./some/local/folder')).toBeUndefined();
    expect(parseHubRepo('/abs/path')).toBeUndefined();
  });

  it('downloads the checkpoint files (sharded) and the result converts', async () => {
    const cacheDir = join(dir, 'cache');
    const folder = await fetchHubCheckpoint('test-org/tiny-refining-lm', { cacheDir, endpoint });
    expect(readdirSync(folder).sort()).toEqual(readdirSync(served).sort());
    for (const f of readdirSync(served)) expect(readFileSync(join(folder, f)).equals(readFileSync(join(served, f)))).toBe(true);
    const out = join(dir, 'hub.gguf');
    convertCheckpoint(folder, out, { outType: 'q8_0' });
    expect(metadataScalar(readGguf(out), 'general.architecture')).toBe('llama');

    // A second fetch finds everything in place and downloads nothing.
    const before = hub.requests.filter((r) => r.includes('/resolve/')).length;
    await fetchHubCheckpoint('test-org/tiny-refining-lm', { cacheDir, endpoint });
    expect(hub.requests.filter((r) => r.includes('/resolve/')).length).toBe(before);
  });

  it('explains repositories that cannot be converted', async () => {
    const cacheDir = join(dir, 'cache-errors');
    await expect(fetchHubCheckpoint('test-org/missing', { cacheDir, endpoint })).rejects.toThrow(/test-org\/missing was not found on http:\/\/127\.0\.0\.1:\d+ \(HTTP 404\)/);
    await expect(fetchHubCheckpoint('test-org/gguf-only', { cacheDir, endpoint })).rejects.toThrow(/has no \.safetensors weights.*refinery models add hf:test-org\/gguf-only/);
    await expect(fetchHubCheckpoint('test-org/x', { cacheDir, endpoint: 'http://127.0.0.1:1' })).rejects.toThrow(/could not reach http:\/\/127\.0\.0\.1:1/);
  });
});
