/**
 * A tiny UltraX-shaped model for tests: a Qwen3 checkpoint with random weights, a byte-level
 * BPE vocabulary of the 256 byte pieces, a few merges and Qwen's chat tokens, Qwen3-0.6B's chat
 * template (from llama.cpp's copy in node-llama-cpp's bundle), and an inference script whose
 * SYSTEM_INSTRUCTION is a made-up one (UltraX's own is never copied into this repository).
 * Converted by the real converter, so the GGUF carries the template and the instruction.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { byteLevelAlphabet } from '../../main/convert/bpe-vocabulary';
import { convertCheckpoint } from '../../main/convert/convert-checkpoint';
import type { LlamaHyperparameters } from '../../main/convert/llama-gguf';
import { hfTensorShapes, writeCheckpointWeights } from './synthetic-checkpoint';
import { INFERENCE_SCRIPT_IN_MODEL_REPO } from '../../main/convert/ultrax-instruction';
import { llamaCppBundleFiles } from './llama-cpp-bundle';

/** A stand-in instruction: same role and shape as UltraX's, none of its text. */
export const TEST_INSTRUCTION = 'Test instruction: lines are marked <lid:N>, 1-indexed.\nAnswer with one call per line.';

const SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
const PLAIN_ADDED = ['<think>', '</think>'];
const MERGES: [string, string][] = [['r', 'e'], ['Ġ', 't'], ['_', 'l'], ['i', 'n'], ['(', '1']];

export function tinyQwen3Hyperparameters(vocabSize: number): LlamaHyperparameters {
  return { layers: 2, hidden: 32, heads: 4, kvHeads: 2, headDim: 16, ffn: 48, context: 4096, vocabSize, rmsEps: 1e-6, ropeTheta: 1_000_000 };
}

/** Qwen3-0.6B's chat template, or why it cannot be had. */
export function qwen3ChatTemplate(): string | { reason: string } {
  const { paths, reason } = llamaCppBundleFiles(['models/templates/Qwen-Qwen3-0.6B.jinja']);
  return paths ? readFileSync(paths[0]!, 'utf8') : { reason: reason ?? 'template unavailable' };
}

/** Writes the checkpoint folder; returns its vocabulary size. */
export function writeTinyQwen3Checkpoint(folder: string, options: { seed?: number; chatTemplate: string; instruction?: string | null }): number {
  const vocab: Record<string, number> = {};
  for (const piece of byteLevelAlphabet()) vocab[piece] = Object.keys(vocab).length;
  for (const [a, b] of MERGES) vocab[a + b] = Object.keys(vocab).length;
  const added = [...SPECIALS.map((content) => ({ content, special: true })), ...PLAIN_ADDED.map((content) => ({ content, special: false }))].map((t, i) => ({
    id: Object.keys(vocab).length + i,
    ...t,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
  }));
  const used = Object.keys(vocab).length + added.length;
  const vocabSize = Math.ceil(used / 32) * 32; // padded like Qwen's config, so there are [PADn] pieces too
  const h = tinyQwen3Hyperparameters(vocabSize);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      added_tokens: added,
      normalizer: { type: 'NFC' },
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [
          { type: 'Split', pattern: { Regex: String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+` }, behavior: 'Isolated', invert: false },
          { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
        ],
      },
      decoder: { type: 'ByteLevel' },
      model: { type: 'BPE', byte_fallback: false, vocab, merges: MERGES },
    }),
  );
  writeFileSync(
    join(folder, 'config.json'),
    JSON.stringify({
      architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', hidden_size: h.hidden, intermediate_size: h.ffn, head_dim: h.headDim, num_hidden_layers: h.layers,
      num_attention_heads: h.heads, num_key_value_heads: h.kvHeads, max_position_embeddings: h.context, vocab_size: h.vocabSize, rms_norm_eps: h.rmsEps,
      rope_theta: h.ropeTheta, rope_scaling: null, attention_bias: false, hidden_act: 'silu', use_sliding_window: false, tie_word_embeddings: true,
      bos_token_id: added[0]!.id, eos_token_id: added[2]!.id,
    }),
  );
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({ add_bos_token: false, bos_token: null, eos_token: '<|im_end|>', pad_token: '<|endoftext|>', chat_template: options.chatTemplate }));
  if (options.instruction !== null) {
    const script = join(folder, INFERENCE_SCRIPT_IN_MODEL_REPO);
    mkdirSync(dirname(script), { recursive: true });
    const literal = (options.instruction ?? TEST_INSTRUCTION).replaceAll('\\', '\\\\').replaceAll('"""', '\\"\\"\\"');
    writeFileSync(script, `import os\n\nSYSTEM_INSTRUCTION = """\\\n${literal}"""\n\n\ndef main():\n    pass\n`);
  }
  writeCheckpointWeights(folder, hfTensorShapes(h, true, 'qwen3'), { seed: options.seed ?? 3, dtype: 'F32', shards: 1 });
  return vocabSize;
}

/** The tiny checkpoint converted to a GGUF at `out` (f32). */
export function writeTinyUltraxGguf(dir: string, out: string, options: { seed?: number; chatTemplate: string; instruction?: string | null }): string {
  const folder = join(dir, 'tiny-ultrax-checkpoint');
  writeTinyQwen3Checkpoint(folder, options);
  convertCheckpoint(folder, out, { outType: 'f32', overwrite: true });
  return out;
}
