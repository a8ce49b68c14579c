/**
 * Qwen3 checkpoints (the architecture of UltraX-0.6B) -> GGUF, tested the way the llama path
 * is: tiny checkpoints with random weights (q/k norms, heads wider than hidden / heads, GQA,
 * tied and untied embeddings) and the real Qwen2/Qwen3 byte-level BPE vocabulary are
 * converted, run in llama.cpp, and the next-token log-probabilities compared with a float64
 * TypeScript forward pass over the Hugging Face tensors; the converted vocabulary must
 * tokenize llama.cpp's Qwen2 tokenizer test cases to the ids Hugging Face gives them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama, type Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../../../main/convert/convert-checkpoint';
import type { LlamaHyperparameters, OutputType } from '../../../main/convert/llama-gguf';
import { checkpointTensorValues, hfTensorShapes, type CheckpointDtype } from '../../support/synthetic-checkpoint';
import { TOKEN_TYPE } from '../../../main/convert/vocabulary';
import { checkModelFile } from '../../../main/models/gguf-check';
import { metadataArray, metadataScalar, readGguf } from '../../../native/gguf';
import { llamaNextTokenLogProbs } from '../../support/llama-logprobs';
import { logSoftmax, referenceNextTokenLogits } from '../../support/llama-reference';
import { qwenFixtures, QWEN3_EXTRA_TOKENS, writeQwen3Checkpoint, type QwenFixtures } from '../../support/qwen3-checkpoint';

const fixtures = qwenFixtures();
const dir = mkdtempSync(join(tmpdir(), 'convert-qwen3-'));
let llama: Llama;
beforeAll(async () => {
  llama = await getLlama({ gpu: false });
});
afterAll(async () => {
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** 151,936 rows as in Qwen3 (the tokenizer has fewer: the rest become unused [PADn] pieces). */
const H: LlamaHyperparameters = { layers: 2, hidden: 32, heads: 4, kvHeads: 2, headDim: 16, ffn: 64, context: 128, vocabSize: 151_936, rmsEps: 1e-6, ropeTheta: 1_000_000 };
// "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n" and a few words.
const TOKENS = [151644, 872, 198, 9707, 151645, 198, 151644, 77091, 198, 151667, 271, 151668, 271, 1122];

function relativeError(reference: Float64Array, got: Float64Array): number {
  const ref = logSoftmax(reference);
  let max = -Infinity;
  let min = Infinity;
  for (const x of reference) {
    max = Math.max(max, x);
    min = Math.min(min, x);
  }
  const spread = max - min;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) if (ref[i]! > -20) worst = Math.max(worst, Math.abs(ref[i]! - got[i]!));
  return worst / spread;
}

interface Variant {
  readonly label: string;
  readonly tie: boolean;
  readonly dtype: CheckpointDtype;
  readonly shards: number;
}

async function convertAndCompare(f: QwenFixtures, v: Variant, outType: OutputType, seed = 5): Promise<{ error: number; gguf: string; folder: string }> {
  const folder = join(dir, `${v.label}-ckpt`);
  writeQwen3Checkpoint(folder, { hyperparameters: H, fixtures: f, seed, dtype: v.dtype, shards: v.shards, tieEmbeddings: v.tie });
  const gguf = join(dir, `${v.label}-${outType}.gguf`);
  convertCheckpoint(folder, gguf, { outType, overwrite: true, blockElements: 1 << 16 });
  const shapes = new Map(hfTensorShapes(H, v.tie, 'qwen3').map((t) => [t.name, t.shape]));
  const weight = (name: string) => {
    const shape = shapes.get(name);
    if (!shape) throw new Error(`reference asked for unknown tensor ${name}`);
    return checkpointTensorValues(seed, name, shape, v.dtype);
  };
  const reference = referenceNextTokenLogits(H, weight, TOKENS, v.tie, 'qwen3');
  const got = await llamaNextTokenLogProbs(llama, gguf, TOKENS, H.vocabSize);
  expect(got.filter((x) => x > -Infinity).length).toBe(reference.length);
  return { error: relativeError(reference, got), gguf, folder };
}

describe.skipIf(typeof fixtures === 'string')(`HF Qwen3 checkpoint -> GGUF computes the same function in llama.cpp${typeof fixtures === 'string' ? ` (skipped: ${fixtures})` : ''}`, () => {
  const f = fixtures as QwenFixtures;
  let tiedGguf = '';

  it('tied embeddings, f32 output: relative logit error <= 1e-4; metadata, vocabulary and chat template as llama.cpp expects', async () => {
    const { error, gguf } = await convertAndCompare(f, { label: 'tied', tie: true, dtype: 'F32', shards: 1 }, 'f32');
    tiedGguf = gguf;
    expect(error).toBeLessThanOrEqual(1e-4);

    const file = readGguf(gguf);
    const meta = (k: string) => metadataScalar(file, k);
    expect(['general.architecture', 'qwen3.block_count', 'qwen3.embedding_length', 'qwen3.attention.head_count', 'qwen3.attention.head_count_kv', 'qwen3.attention.key_length', 'qwen3.attention.value_length', 'qwen3.feed_forward_length', 'qwen3.context_length'].map(meta))
      .toEqual(['qwen3', 2, 32, 4, 2, 16, 16, 64, 128]);
    expect(meta('qwen3.rope.freq_base')).toBe(1_000_000);
    expect(['tokenizer.ggml.model', 'tokenizer.ggml.pre', 'tokenizer.ggml.bos_token_id', 'tokenizer.ggml.eos_token_id', 'tokenizer.ggml.padding_token_id', 'tokenizer.ggml.add_bos_token'].map(meta))
      .toEqual(['gpt2', 'qwen2', 151643, 151645, 151643, false]);
    expect(meta('tokenizer.chat_template')).toBe(f.chatTemplate);
    // Tied: no output matrix; llama.cpp reuses token_embd.
    expect(file.tensors.some((t) => t.name === 'output.weight')).toBe(false);
    expect(file.tensors.find((t) => t.name === 'blk.0.attn_q_norm.weight')?.dims).toEqual([16]);
    expect(file.tensors.find((t) => t.name === 'blk.0.attn_q.weight')?.dims).toEqual([32, 64]);

    // The vocabulary is the source's, piece for piece and merge for merge.
    const source = readGguf(f.vocabGguf);
    const tokens = metadataArray(file, 'tokenizer.ggml.tokens')!.map(String);
    const types = metadataArray(file, 'tokenizer.ggml.token_type')!.map(Number);
    expect(tokens.slice(0, 151646)).toEqual(metadataArray(source, 'tokenizer.ggml.tokens')!.map(String).slice(0, 151646));
    expect(metadataArray(file, 'tokenizer.ggml.merges')).toEqual(metadataArray(source, 'tokenizer.ggml.merges'));
    expect(types.slice(151643, 151646)).toEqual([TOKEN_TYPE.CONTROL, TOKEN_TYPE.CONTROL, TOKEN_TYPE.CONTROL]);
    for (const t of QWEN3_EXTRA_TOKENS) expect([tokens[t.id], types[t.id]]).toEqual([t.content, TOKEN_TYPE.USER_DEFINED]);
    expect([tokens[151700], types[151700]]).toEqual(['[PAD151700]', TOKEN_TYPE.UNUSED]);

    // And Refinery's own pre-load check accepts it.
    const summary = await checkModelFile(gguf);
    expect(summary).toMatchObject({ architecture: 'qwen3', shape: { layers: 2, embedding: 32, heads: 4, kvHeads: 2, vocabulary: 151_936 } });
  });

  it("tokenizes llama.cpp's Qwen2 test cases to Hugging Face's ids, and the chat markers to single tokens", async () => {
    const model = await llama.loadModel({ modelPath: tiedGguf, vocabOnly: true });
    try {
      for (const { text, ids } of f.cases) expect([text, Array.from(model.tokenize(text, false))]).toEqual([text, ids]);
      expect(Array.from(model.tokenize('<|im_start|>user\n<think>\n\n</think>\n\n', true))).toEqual([151644, 872, 198, 151667, 271, 151668, 271]);
      expect(model.tokens.bos).toBe(151643);
      expect(model.tokens.eos).toBe(151645);
    } finally {
      await model.dispose();
    }
  });

  it('untied embeddings from bf16 shards, q8_0 and f16 outputs stay close', async () => {
    const v = { label: 'untied', tie: false, dtype: 'BF16' as const, shards: 3 };
    const f32 = await convertAndCompare(f, v, 'f32');
    expect(f32.error).toBeLessThanOrEqual(1e-4);
    expect(readGguf(f32.gguf).tensors.some((t) => t.name === 'output.weight')).toBe(true);
    expect((await convertAndCompare(f, v, 'f16')).error).toBeLessThanOrEqual(2e-3);
    expect((await convertAndCompare(f, v, 'q8_0')).error).toBeLessThanOrEqual(3e-2);
  });
});
