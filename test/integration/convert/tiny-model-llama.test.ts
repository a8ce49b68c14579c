/**
 * The synthetic GGUFs must be real models to llama.cpp: load them with node-llama-cpp,
 * tokenize, and generate. Each output type and both vocabularies.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGguf, metadataScalar } from '../../../native/gguf';
import { writeTinyLlamaGguf } from '../../support/tiny-model';

const dir = mkdtempSync(join(tmpdir(), 'tiny-llama-'));
let llama: Llama;
beforeAll(async () => {
  llama = await getLlama({ gpu: false });
});
afterAll(async () => {
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function greedyTokens(path: string, prompt: string, n: number): Promise<number[]> {
  const model = await llama.loadModel({ modelPath: path });
  try {
    // One thread: on a loaded machine llama.cpp's thread sync turns 20 ms into 20 s for a tiny model.
    const context = await model.createContext({ contextSize: 128, threads: 1 });
    const sequence = context.getSequence();
    const out: number[] = [];
    for await (const token of sequence.evaluate(model.tokenize(prompt), { temperature: 0 })) {
      out.push(token);
      if (out.length >= n) break;
    }
    await context.dispose();
    return out;
  } finally {
    await model.dispose();
  }
}

describe('synthetic tiny llama GGUF in llama.cpp', () => {
  it('is deterministic: same options, same bytes; another seed, other weights', () => {
    const a = join(dir, 'a.gguf');
    const b = join(dir, 'b.gguf');
    const c = join(dir, 'c.gguf');
    writeTinyLlamaGguf(a, { seed: 7 });
    writeTinyLlamaGguf(b, { seed: 7 });
    writeTinyLlamaGguf(c, { seed: 8 });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
  });

  it.each(['f32', 'f16', 'q8_0'] as const)('loads and generates as %s', async (type) => {
    const path = join(dir, `tiny-${type}.gguf`);
    writeTinyLlamaGguf(path, { type, layers: 2, hidden: 64, heads: 4, kvHeads: 1 });
    const f = readGguf(path);
    expect(metadataScalar(f, 'general.file_type')).toBe({ f32: 0, f16: 1, q8_0: 7 }[type]);
    const first = await greedyTokens(path, 'keep_doc() Home', 6);
    expect(first).toHaveLength(6);
    // Greedy decoding of the same weights is reproducible.
    expect(await greedyTokens(path, 'keep_doc() Home', 6)).toEqual(first);
  });

  it('tiny vocabulary tokenizes the program words into whole pieces', async () => {
    const path = join(dir, 'tiny-vocab.gguf');
    writeTinyLlamaGguf(path);
    const model = await llama.loadModel({ modelPath: path });
    const tokens = model.tokenize('remove_lines(line_start=0, line_end=3)');
    const pieces = tokens.map((t) => model.detokenize([t]));
    const text = model.detokenize(tokens);
    await model.dispose();
    expect(text).toContain('remove_lines(line_start=0, line_end=3)');
    expect(pieces).toContain('remove_lines');
    expect(pieces.length).toBeLessThanOrEqual(14);
  });

  it('llama2 vocabulary (from the node-llama-cpp bundle) gives the Llama-2 ids of the ProX prompt pieces', async () => {
    const path = join(dir, 'tiny-llama2.gguf');
    writeTinyLlamaGguf(path, { vocab: 'llama2', hidden: 32, heads: 2, kvHeads: 1, ffn: 64, layers: 1 });
    const model = await llama.loadModel({ modelPath: path });
    try {
      expect(model.tokens.bos).toBe(1);
      expect(model.tokens.eos).toBe(2);
      expect(model.tokenize('<s>[INST] <<SYS>>\n', true)).toEqual([1, 518, 25580, 29962, 3532, 14816, 29903, 6778, 13]);
      expect(model.tokenize(' [/INST]', true).slice(-4)).toEqual([518, 29914, 25580, 29962]);
    } finally {
      await model.dispose();
    }
  });
});
