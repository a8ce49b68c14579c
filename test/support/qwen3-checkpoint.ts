/**
 * Tiny Qwen3 checkpoints in the Hugging Face layout, with the real Qwen2/Qwen3 byte-level BPE
 * vocabulary: llama.cpp keeps that vocabulary as a vocab-only GGUF, with tokenizer test cases
 * (`.inp` texts, `.out` token ids made by Hugging Face tokenizers), and Qwen3-0.6B's chat
 * template, in the source node-llama-cpp ships. From those we write the `tokenizer.json`,
 * `tokenizer_config.json` and `config.json` a Qwen3 checkpoint has, plus seeded random weights.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlamaHyperparameters } from '../../main/convert/llama-gguf';
import { hfTensorShapes, writeCheckpointWeights, type CheckpointDtype } from './synthetic-checkpoint';
import { TOKEN_TYPE } from '../../main/convert/vocabulary';
import { metadataArray, readGguf } from '../../native/gguf';
import { llamaCppBundleFiles } from './llama-cpp-bundle';

export interface QwenFixtures {
  readonly vocabGguf: string;
  /** Tokenizer test cases: texts and the ids Hugging Face gives them. */
  readonly cases: readonly { readonly text: string; readonly ids: readonly number[] }[];
  readonly chatTemplate: string;
}

/** The fixtures, or why they cannot be had (tests skip with that reason). */
export function qwenFixtures(): QwenFixtures | string {
  const { paths, reason } = llamaCppBundleFiles(['models/ggml-vocab-qwen2.gguf', 'models/ggml-vocab-qwen2.gguf.inp', 'models/ggml-vocab-qwen2.gguf.out', 'models/templates/Qwen-Qwen3-0.6B.jinja']);
  if (paths === undefined) return reason ?? 'qwen fixtures unavailable';
  const [vocabGguf, inp, out, template] = paths as [string, string, string, string];
  // Cases are separated, and the file ended, by a marker line.
  const marker = '\n__ggml_vocab_test__\n';
  const raw = readFileSync(inp, 'utf8');
  const texts = (raw.endsWith(marker) ? raw.slice(0, -marker.length) : raw).split(marker);
  const ids = readFileSync(out, 'utf8').split('\n').slice(0, texts.length).map((line) => line.trim().split(/\s+/).filter(Boolean).map(Number));
  return { vocabGguf, cases: texts.map((text, i) => ({ text, ids: ids[i]! })), chatTemplate: readFileSync(template, 'utf8') };
}

const QWEN2_PRE_TOKENIZER = {
  type: 'Sequence',
  pretokenizers: [
    { type: 'Split', pattern: { Regex: String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+` }, behavior: 'Isolated', invert: false },
    { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
  ],
};

/** Added tokens Qwen3 has beyond Qwen2's three specials (a few, at their Qwen3 ids; not special). */
export const QWEN3_EXTRA_TOKENS = [
  { id: 151657, content: '<tool_call>' },
  { id: 151658, content: '</tool_call>' },
  { id: 151667, content: '<think>' },
  { id: 151668, content: '</think>' },
] as const;

/** A Qwen3-style tokenizer.json from the vocab GGUF: its normal pieces and merges, its control tokens as special added tokens. */
export function qwenTokenizerJson(vocabGguf: string): { json: string; specials: Map<string, number>; baseSize: number } {
  const file = readGguf(vocabGguf);
  const tokens = metadataArray(file, 'tokenizer.ggml.tokens')!.map(String);
  const types = metadataArray(file, 'tokenizer.ggml.token_type')!.map(Number);
  const merges = metadataArray(file, 'tokenizer.ggml.merges')!.map(String);
  const vocab: Record<string, number> = {};
  const added: { id: number; content: string; special: boolean }[] = [];
  tokens.forEach((t, id) => {
    if (types[id] === TOKEN_TYPE.NORMAL) vocab[t] = id;
    else if (types[id] === TOKEN_TYPE.CONTROL) added.push({ id, content: t, special: true });
  });
  for (const t of QWEN3_EXTRA_TOKENS) added.push({ ...t, special: false });
  const json = JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added.map((t) => ({ ...t, single_word: false, lstrip: false, rstrip: false, normalized: false })),
    normalizer: { type: 'NFC' },
    pre_tokenizer: QWEN2_PRE_TOKENIZER,
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  });
  return { json, specials: new Map(added.map((t) => [t.content, t.id])), baseSize: Object.keys(vocab).length };
}

export interface Qwen3CheckpointOptions {
  readonly hyperparameters: LlamaHyperparameters;
  readonly fixtures: QwenFixtures;
  readonly seed: number;
  readonly dtype?: CheckpointDtype;
  readonly shards?: number;
  readonly tieEmbeddings: boolean;
}

/** A Qwen3 checkpoint folder as Hugging Face publishes one (config, tokenizer files, safetensors). */
export function writeQwen3Checkpoint(folder: string, options: Qwen3CheckpointOptions): void {
  const h = options.hyperparameters;
  const dtype = options.dtype ?? 'F32';
  mkdirSync(folder, { recursive: true });
  const tokenizer = qwenTokenizerJson(options.fixtures.vocabGguf);
  writeFileSync(join(folder, 'tokenizer.json'), tokenizer.json);
  writeFileSync(
    join(folder, 'config.json'),
    JSON.stringify({
      architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', hidden_size: h.hidden, intermediate_size: h.ffn, head_dim: h.headDim,
      num_hidden_layers: h.layers, num_attention_heads: h.heads, num_key_value_heads: h.kvHeads, max_position_embeddings: h.context,
      vocab_size: h.vocabSize, rms_norm_eps: h.rmsEps, rope_theta: h.ropeTheta, rope_scaling: null, attention_bias: false, attention_dropout: 0,
      hidden_act: 'silu', use_sliding_window: false, sliding_window: null, max_window_layers: h.layers, tie_word_embeddings: options.tieEmbeddings,
      torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dtype], bos_token_id: 151643, eos_token_id: 151645,
    }, null, 2),
  );
  writeFileSync(
    join(folder, 'tokenizer_config.json'),
    JSON.stringify({
      add_bos_token: false, add_prefix_space: false, bos_token: null, eos_token: '<|im_end|>', pad_token: '<|endoftext|>', unk_token: null,
      chat_template: options.fixtures.chatTemplate, clean_up_tokenization_spaces: false, errors: 'replace', model_max_length: 131072,
      split_special_tokens: false, tokenizer_class: 'Qwen2Tokenizer',
    }, null, 2),
  );
  writeCheckpointWeights(folder, hfTensorShapes(h, options.tieEmbeddings, 'qwen3'), { seed: options.seed, dtype, shards: options.shards ?? 1 });
}
