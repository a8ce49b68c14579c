/**
 * Converter correctness against an independent computation: tiny HF-layout llama
 * checkpoints (random weights, MQA and GQA, F32/BF16/F16 sources, single and sharded,
 * tokenizer.model and tokenizer.json) are converted, run in llama.cpp, and the next-token
 * log-probabilities are compared with a float64 TypeScript forward pass over the HF tensors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGguf, metadataScalar } from '../../../native/gguf';
import { convertCheckpoint } from '../../../main/convert/convert-checkpoint';
import type { LlamaHyperparameters, OutputType } from '../../../main/convert/llama-gguf';
import { checkpointTensorValues, hfTensorShapes, writeRandomHfCheckpoint, type CheckpointDtype } from '../../support/synthetic-checkpoint';
import { tinyVocabulary } from '../../support/tiny-vocabulary';
import { llamaNextTokenLogProbs } from '../../support/llama-logprobs';
import { logSoftmax, referenceNextTokenLogits } from '../../support/llama-reference';

const dir = mkdtempSync(join(tmpdir(), 'convert-correct-'));
let llama: Llama;
beforeAll(async () => {
  llama = await getLlama({ gpu: false });
});
afterAll(async () => {
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const vocab = tinyVocabulary();
const TOKENS = [1, 400, 523, 17, 612, 300, 45, 700];

function hyper(heads: number, kvHeads: number): LlamaHyperparameters {
  return { layers: 2, hidden: 64, heads, kvHeads, ffn: 80, context: 128, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 };
}

interface Variant {
  label: string;
  h: LlamaHyperparameters;
  dtype: CheckpointDtype;
  shards: number;
  tokenizer: 'model' | 'json';
  tie?: boolean;
}

/** max |Δ log p| over tokens with reference log p > -20, relative to the spread of the reference logits. */
function relativeError(reference: Float64Array, got: Float64Array): number {
  const ref = logSoftmax(reference);
  const spread = Math.max(...reference) - Math.min(...reference);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) if (ref[i] > -20) worst = Math.max(worst, Math.abs(ref[i] - got[i]));
  return worst / spread;
}

async function convertAndCompare(v: Variant, outType: OutputType, seed = 11): Promise<number> {
  const folder = join(dir, `${v.label}-ckpt`);
  writeRandomHfCheckpoint(folder, { hyperparameters: v.h, vocabulary: vocab, seed, dtype: v.dtype, shards: v.shards, tokenizer: v.tokenizer, tieEmbeddings: v.tie });
  const out = join(dir, `${v.label}-${outType}.gguf`);
  convertCheckpoint(folder, out, { outType, overwrite: true, blockElements: 1000 });
  const shapes = new Map(hfTensorShapes(v.h, v.tie).map((t) => [t.name, t.shape]));
  const weight = (name: string) => {
    const shape = shapes.get(name);
    if (!shape) throw new Error(`reference asked for unknown tensor ${name}`);
    return checkpointTensorValues(seed, name, shape, v.dtype);
  };
  const reference = referenceNextTokenLogits(v.h, weight, TOKENS, v.tie);
  const got = await llamaNextTokenLogProbs(llama, out, TOKENS, v.h.vocabSize);
  expect(got.filter((x) => x > -Infinity).length).toBe(reference.length);
  return relativeError(reference, got);
}

const variants: Variant[] = [
  { label: 'mqa-f32-single-spm', h: hyper(4, 1), dtype: 'F32', shards: 1, tokenizer: 'model' },
  { label: 'gqa-bf16-sharded-json', h: hyper(4, 2), dtype: 'BF16', shards: 3, tokenizer: 'json' },
  { label: 'mha-f16-tied', h: hyper(4, 4), dtype: 'F16', shards: 2, tokenizer: 'model', tie: true },
];

describe('HF llama checkpoint -> GGUF computes the same function in llama.cpp', () => {
  it.each(variants)('$label, f32 output: relative logit error <= 1e-4', async (v) => {
    // The brief asks for 1e-3; with exact attention settings the error is float32 noise (~1e-6).
    const err = await convertAndCompare(v, 'f32');
    expect(err).toBeLessThanOrEqual(1e-4);
  });

  it('f16 and q8_0 outputs stay close (measured ~3e-4 and ~1.2e-2 relative)', async () => {
    const v = variants[1];
    expect(await convertAndCompare(v, 'f16')).toBeLessThanOrEqual(2e-3);
    expect(await convertAndCompare(v, 'q8_0')).toBeLessThanOrEqual(3e-2);
  });

  it('writes the llama metadata llama.cpp needs, from config.json and the tokenizer', () => {
    const f = readGguf(join(dir, 'gqa-bf16-sharded-json-q8_0.gguf'));
    const meta = (k: string) => metadataScalar(f, k);
    expect([meta('general.architecture'), meta('llama.block_count'), meta('llama.embedding_length'), meta('llama.attention.head_count'), meta('llama.attention.head_count_kv'), meta('llama.feed_forward_length'), meta('llama.context_length'), meta('llama.rope.dimension_count'), meta('general.file_type')])
      .toEqual(["llama", 2, 64, 4, 2, 80, 128, 16, 7]);
    expect(meta('llama.attention.layer_norm_rms_epsilon')).toBeCloseTo(1e-5, 10);
    expect([meta('tokenizer.ggml.model'), meta('tokenizer.ggml.bos_token_id'), meta('tokenizer.ggml.eos_token_id'), meta('tokenizer.ggml.unknown_token_id'), meta('tokenizer.ggml.add_bos_token')]).toEqual(['llama', 1, 2, 0, true]);
    const types = Object.fromEntries(f.tensors.map((t) => [t.name, t.typeName]));
    expect([types['blk.0.attn_norm.weight'], types['blk.0.attn_q.weight'], types['token_embd.weight']]).toEqual(['F32', 'Q8_0', 'Q8_0']);
    // ffn_down rows are 80 long: not whole Q8_0 blocks, so F16 instead.
    expect(types['blk.0.ffn_down.weight']).toBe('F16');
  });
});
