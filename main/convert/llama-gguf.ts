/**
 * What llama.cpp's "llama" architecture expects in a GGUF: metadata keys, tensor names and
 * shapes, and which tensors stay F32 whatever the output type. Shared by the HF converter
 * and the synthetic test-model generator so both write the same layout.
 */
import type { GgmlTypeName, GgufWriter } from '../../native/gguf';
import { checkVocabulary, LEGACY_KEY, type Vocabulary } from './vocabulary';

export interface LlamaHyperparameters {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly ffn: number;
  readonly context: number;
  readonly vocabSize: number;
  readonly rmsEps: number;
  readonly ropeTheta: number;
  /** Width of one attention head when it is not hidden / heads (Qwen3). */
  readonly headDim?: number;
}

export type OutputType = 'f32' | 'f16' | 'q8_0';

export const OUTPUT_TYPES: readonly OutputType[] = ['f32', 'f16', 'q8_0'];

/** general.file_type codes (llama_ftype): ALL_F32, MOSTLY_F16, MOSTLY_Q8_0. */
export const FILE_TYPE: Record<OutputType, number> = { f32: 0, f16: 1, q8_0: 7 };

export function checkHyperparameters(h: LlamaHyperparameters, where: string): void {
  for (const key of ['layers', 'hidden', 'heads', 'kvHeads', 'ffn', 'context', 'vocabSize'] as const) {
    if (!Number.isInteger(h[key]) || h[key] <= 0) throw new Error(`${where}: ${key} must be a positive integer, got ${h[key]}`);
  }
  if (h.headDim === undefined && h.hidden % h.heads !== 0) throw new Error(`${where}: hidden size ${h.hidden} is not divisible by ${h.heads} attention heads`);
  if (h.heads % h.kvHeads !== 0) throw new Error(`${where}: ${h.heads} attention heads are not a multiple of ${h.kvHeads} key/value heads`);
  if (headDim(h) % 2 !== 0 || !Number.isInteger(headDim(h))) throw new Error(`${where}: head dimension ${headDim(h)} must be a whole even number for RoPE`);
  if (!(h.rmsEps > 0)) throw new Error(`${where}: rms_norm_eps must be positive, got ${h.rmsEps}`);
  if (!(h.ropeTheta > 0)) throw new Error(`${where}: rope_theta must be positive, got ${h.ropeTheta}`);
}

export function headDim(h: LlamaHyperparameters): number {
  return h.headDim ?? h.hidden / h.heads;
}

/** GGUF tensor names with numpy shapes ([out, in] for linear layers), in file order. */
export function llamaTensorShapes(h: LlamaHyperparameters): { name: string; shape: number[] }[] {
  const kvDim = headDim(h) * h.kvHeads;
  const out: { name: string; shape: number[] }[] = [{ name: 'token_embd.weight', shape: [h.vocabSize, h.hidden] }];
  for (let i = 0; i < h.layers; i++) {
    const b = `blk.${i}`;
    out.push(
      { name: `${b}.attn_norm.weight`, shape: [h.hidden] },
      { name: `${b}.attn_q.weight`, shape: [h.hidden, h.hidden] },
      { name: `${b}.attn_k.weight`, shape: [kvDim, h.hidden] },
      { name: `${b}.attn_v.weight`, shape: [kvDim, h.hidden] },
      { name: `${b}.attn_output.weight`, shape: [h.hidden, h.hidden] },
      { name: `${b}.ffn_norm.weight`, shape: [h.hidden] },
      { name: `${b}.ffn_gate.weight`, shape: [h.ffn, h.hidden] },
      { name: `${b}.ffn_up.weight`, shape: [h.ffn, h.hidden] },
      { name: `${b}.ffn_down.weight`, shape: [h.hidden, h.ffn] },
    );
  }
  out.push({ name: 'output_norm.weight', shape: [h.hidden] }, { name: 'output.weight', shape: [h.vocabSize, h.hidden] });
  return out;
}

/**
 * The stored type of one tensor: 1-D tensors (norms) stay F32 as llama.cpp's converter keeps
 * them; Q8_0 needs rows that fill whole 32-value blocks, otherwise F16 is used instead.
 */
export function tensorTypeFor(shape: readonly number[], outType: OutputType): GgmlTypeName {
  if (shape.length < 2 || outType === 'f32') return 'F32';
  if (outType === 'f16') return 'F16';
  return shape[shape.length - 1] % 32 === 0 ? 'Q8_0' : 'F16';
}

export function writeLlamaMetadata(
  writer: GgufWriter,
  h: LlamaHyperparameters,
  vocab: Vocabulary,
  options: { name: string; outType: OutputType },
): void {
  checkHyperparameters(h, options.name);
  checkVocabulary(vocab, options.name);
  if (vocab.tokens.length !== h.vocabSize) {
    throw new Error(`${options.name}: vocabulary has ${vocab.tokens.length} pieces but the model has ${h.vocabSize} embedding rows`);
  }
  writer
    .set('general.architecture', 'string', 'llama')
    .set('general.name', 'string', options.name)
    .set('general.file_type', 'u32', FILE_TYPE[options.outType])
    .set('general.quantization_version', 'u32', 2)
    .set('llama.vocab_size', 'u32', h.vocabSize)
    .set('llama.context_length', 'u32', h.context)
    .set('llama.embedding_length', 'u32', h.hidden)
    .set('llama.block_count', 'u32', h.layers)
    .set('llama.feed_forward_length', 'u32', h.ffn)
    .set('llama.rope.dimension_count', 'u32', headDim(h))
    .set('llama.attention.head_count', 'u32', h.heads)
    .set('llama.attention.head_count_kv', 'u32', h.kvHeads)
    .set('llama.attention.layer_norm_rms_epsilon', 'f32', h.rmsEps)
    .set('llama.rope.freq_base', 'f32', h.ropeTheta)
    .set('tokenizer.ggml.model', 'string', 'llama')
    .setArray('tokenizer.ggml.tokens', 'string', vocab.tokens)
    .setArray('tokenizer.ggml.scores', 'f32', vocab.scores)
    .setArray('tokenizer.ggml.token_type', 'i32', vocab.types)
    .set('tokenizer.ggml.unknown_token_id', 'u32', vocab.unkId)
    .set('tokenizer.ggml.bos_token_id', 'u32', vocab.bosId)
    .set('tokenizer.ggml.eos_token_id', 'u32', vocab.eosId)
    .set('tokenizer.ggml.add_bos_token', 'bool', vocab.addBos)
    .set('tokenizer.ggml.add_eos_token', 'bool', vocab.addEos)
    .set('tokenizer.ggml.add_space_prefix', 'bool', vocab.addSpacePrefix);
  if (vocab.padId !== undefined) writer.set('tokenizer.ggml.padding_token_id', 'u32', vocab.padId);
  if (vocab.legacy !== undefined) writer.set(LEGACY_KEY, 'bool', vocab.legacy);
  if (vocab.chatTemplate !== undefined) writer.set('tokenizer.chat_template', 'string', vocab.chatTemplate);
}

export function declareLlamaTensors(writer: GgufWriter, h: LlamaHyperparameters, outType: OutputType): { name: string; shape: number[]; type: GgmlTypeName }[] {
  const plan = llamaTensorShapes(h).map((t) => ({ ...t, type: tensorTypeFor(t.shape, outType) }));
  for (const t of plan) writer.addTensor(t.name, t.shape, t.type);
  return plan;
}
