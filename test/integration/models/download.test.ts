/**
 * `models add` over HTTP against a local server on 127.0.0.1 (never the internet): plain URLs,
 * `hf:owner/repo:quant` through the Hugging Face endpoint setting, resume after an interrupted
 * download, checksum verification.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addModel, listModels } from '../../../main/models/registry';
import { createWorkspaceApi } from '../../../main/api/handlers';
import { GENERATED_DIR, writeTinyLlamaGguf } from '../../support/tiny-model';

// The test's file server is plain http on 127.0.0.1: allowed only behind this explicit flag (main/util/download-url.ts).
process.env.REFINERY_ALLOW_HTTP_LOOPBACK = '1';

const root = join(GENERATED_DIR, 'models-download');
const modelPath = join(root, 'served', 'tiny.Q8_0.gguf');
/** ~66 MB, a dozen of ipull's 5 MiB chunks: resume works chunk by chunk, several chunks in parallel. */
const largePath = join(root, 'served', 'large.F32.gguf');
let bytes: Buffer;
let large: Buffer;
let sha256: string;
let server: Server;
let base: string;
/** Every GET the server answered: path and the first byte asked for. */
const gets: { path: string; from: number; ranged: boolean; sent: number }[] = [];
/** Delay per 64 KiB chunk, so a download can be interrupted half way. */
let throttleMs = 0;

function serve(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const manifest = /^\/v2\/([^/]+)\/([^/]+)\/manifests\/([^/]+)$/.exec(url.pathname);
  if (manifest) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ggufFile: { rfilename: 'tiny.Q8_0.gguf', size: bytes.length } }));
    return;
  }
  const file = url.pathname === '/files/large.F32.gguf' ? large : ['/files/tiny.Q8_0.gguf', '/test-owner/tiny-refiner-GGUF/resolve/main/tiny.Q8_0.gguf'].includes(url.pathname) ? bytes : null;
  if (!file) {
    res.writeHead(404).end('not found');
    return;
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const from = range ? Number(range[1]) : 0;
  const to = range && range[2] ? Number(range[2]) : file.length - 1;
  const headers = { 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream', 'content-length': String(to - from + 1) };
  if (range) res.writeHead(206, { ...headers, 'content-range': `bytes ${from}-${to}/${file.length}` });
  else res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const served = { path: url.pathname, from, ranged: range !== null, sent: 0 };
  gets.push(served);
  let offset = from;
  const pump = (): void => {
    if (res.destroyed) return;
    if (offset > to) {
      res.end();
      return;
    }
    const end = Math.min(offset + 65536, to + 1);
    res.write(file.subarray(offset, end));
    served.sent += end - offset;
    offset = end;
    if (throttleMs > 0) setTimeout(pump, throttleMs);
    else setImmediate(pump);
  };
  pump();
}

beforeAll(async () => {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'served'), { recursive: true });
  writeTinyLlamaGguf(modelPath, { vocab: 'llama2', layers: 2, hidden: 64, heads: 4, kvHeads: 1, ffn: 128, context: 256, seed: 21, type: 'q8_0' });
  writeTinyLlamaGguf(largePath, { vocab: 'llama2', layers: 1, hidden: 256, heads: 4, kvHeads: 1, ffn: 256, context: 256, seed: 22, type: 'f32' });
  large = readFileSync(largePath);
  bytes = readFileSync(modelPath);
  sha256 = createHash('sha256').update(bytes).digest('hex');
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('models add over HTTP', () => {
  it('refuses plain http unless the loopback flag is set, and then only to 127.0.0.1; the API (models.add) too', async () => {
    const dir = join(root, 'refused');
    const requestsBefore = gets.length;
    delete process.env.REFINERY_ALLOW_HTTP_LOOPBACK;
    try {
      await expect(addModel(`${base}/files/tiny.Q8_0.gguf`, { dir })).rejects.toThrow(`the model URL ${base}/files/tiny.Q8_0.gguf: only https downloads are allowed`);
      await expect(addModel(`${base}/files/tiny.Q8_0.gguf`, { dir })).rejects.toThrow('for a test server on 127.0.0.1 set REFINERY_ALLOW_HTTP_LOOPBACK=1');
      await expect(addModel('hf:test-owner/tiny-refiner-GGUF:Q8_0', { dir, huggingFaceEndpoint: `${base}/` })).rejects.toThrow('the Hugging Face endpoint');
      const api = createWorkspaceApi({ shell: 'test', env: { REFINERY_MODELS_DIR: dir }, emit: () => undefined });
      try {
        await expect(api.handlers['models.add']({ source: `${base}/files/tiny.Q8_0.gguf` })).rejects.toThrow('only https downloads are allowed');
      } finally {
        await api.dispose();
      }
    } finally {
      process.env.REFINERY_ALLOW_HTTP_LOOPBACK = '1';
    }
    // With the flag, http goes only to 127.0.0.1 (refused before any connection is tried).
    await expect(addModel('http://localhost:1/tiny.gguf', { dir })).rejects.toThrow('only https downloads are allowed (over http');
    await expect(addModel('http://example.com/tiny.gguf', { dir })).rejects.toThrow('use the https address');
    expect(gets.length).toBe(requestsBefore); // nothing was fetched
    expect(existsSync(dir) ? (await listModels(dir)).length : 0).toBe(0);
  });

  it('downloads a URL with progress, checks the sha256 and registers the model', async () => {
    const dir = join(root, 'url');
    let last = 0;
    const added = await addModel(`${base}/files/tiny.Q8_0.gguf`, { dir, sha256, onProgress: (p) => (last = p.bytes) });
    expect(added).toMatchObject({ id: 'tiny.Q8_0', sha256, quantization: 'Q8_0', problem: null });
    expect(readFileSync(added.path).equals(bytes)).toBe(true);
    expect(last).toBe(bytes.length);
    expect((await listModels(dir)).map((m) => m.id)).toEqual(['tiny.Q8_0']);
  });

  it('resolves hf:owner/repo:quant through the configured endpoint', async () => {
    const dir = join(root, 'hf');
    const added = await addModel('hf:test-owner/tiny-refiner-GGUF:Q8_0', { dir, huggingFaceEndpoint: `${base}/` });
    expect(added.sha256).toBe(sha256);
    expect(gets.some((g) => g.path === '/test-owner/tiny-refiner-GGUF/resolve/main/tiny.Q8_0.gguf')).toBe(true);
  });

  it('resumes an interrupted download from where it stopped', async () => {
    const dir = join(root, 'resume');
    const url = `${base}/files/large.F32.gguf`;
    throttleMs = 2;
    const controller = new AbortController();
    const first = addModel(url, {
      dir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytes > large.length * 0.6) controller.abort();
      },
    });
    await expect(first).rejects.toThrow(/abort/i);
    expect(readdirSync(dir)).toContain('large.F32.gguf.ipull');
    throttleMs = 0;
    gets.length = 0;
    const added = await addModel(url, { dir, sha256: createHash('sha256').update(large).digest('hex') });
    expect(readFileSync(added.path).equals(large)).toBe(true);
    // Chunks completed before the interruption were not fetched again.
    const ranged = gets.filter((g) => g.ranged);
    expect(ranged.length).toBeGreaterThan(0);
    expect(ranged.reduce((sum, g) => sum + g.sent, 0)).toBeLessThan(large.length * 0.8);
  });

  it('deletes a download whose checksum does not match', async () => {
    const dir = join(root, 'bad-sum');
    await expect(addModel(`${base}/files/tiny.Q8_0.gguf`, { dir, sha256: 'f'.repeat(64) })).rejects.toThrow(/checksum mismatch/);
    expect(existsSync(join(dir, 'tiny.Q8_0.gguf'))).toBe(false);
  });
});
