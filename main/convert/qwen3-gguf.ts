/**
 * What llama.cpp's "qwen3" architecture expects in a GGUF (UltraX-0.6B is a Qwen3): the llama
 * layout plus an RMSNorm over each head of Q and K (`attn_q_norm`, `attn_k_norm`), heads
 * whose width is given on its own (`attention.key_length`, not hidden / heads), an output
 * matrix that may be the token embedding (tied), and a byte-level BPE ("gpt2") tokenizer.
 * Q/K rows are not permuted: llama.cpp rotates Qwen3 heads in halves (NEOX), as transformers does.
 */
import type { GgufWriter } from '../../native/gguf';
import type { BpeVocabulary } from './bpe-vocabulary';
import { checkHyperparameters, FILE_TYPE, headDim, type LlamaHyperparameters, type OutputType } from './llama-gguf';

/** GGUF tensor names with numpy shapes ([out, in] for linear layers), in file order. */
export function qwen3TensorShapes(h: LlamaHyperparameters): { name: string; shape: number[] }[] {
  const d = headDim(h);
  const qDim = d * h.heads;
  const kvDim = d * h.kvHeads;
  const out: { name: string; shape: number[] }[] = [{ name: 'token_embd.weight', shape: [h.vocabSize, h.hidden] }];
  for (let i = 0; i < h.layers; i++) {
    const b = `blk.${i}`;
    out.push(
      { name: `${b}.attn_norm.weight`, shape: [h.hidden] },
      { name: `${b}.attn_q.weight`, shape: [qDim, h.hidden] },
      { name: `${b}.attn_k.weight`, shape: [kvDim, h.hidden] },
      { name: `${b}.attn_v.weight`, shape: [kvDim, h.hidden] },
      { name: `${b}.attn_output.weight`, shape: [h.hidden, qDim] },
      { name: `${b}.attn_q_norm.weight`, shape: [d] },
      { name: `${b}.attn_k_norm.weight`, shape: [d] },
      { name: `${b}.ffn_norm.weight`, shape: [h.hidden] },
      { name: `${b}.ffn_gate.weight`, shape: [h.ffn, h.hidden] },
      { name: `${b}.ffn_up.weight`, shape: [h.ffn, h.hidden] },
      { name: `${b}.ffn_down.weight`, shape: [h.hidden, h.ffn] },
    );
  }
  out.push({ name: 'output_norm.weight', shape: [h.hidden] }, { name: 'output.weight', shape: [h.vocabSize, h.hidden] });
  return out;
}

export function writeQwen3Metadata(writer: GgufWriter, h: LlamaHyperparameters, vocab: BpeVocabulary, options: { name: string; outType: OutputType }): void {
  checkHyperparameters(h, options.name);
  if (vocab.tokens.length !== h.vocabSize) throw new Error(`${options.name}: vocabulary has ${vocab.tokens.length} pieces but the model has ${h.vocabSize} embedding rows`);
  const d = headDim(h);
  writer
    .set('general.architecture', 'string', 'qwen3')
    .set('general.name', 'string', options.name)
    .set('general.file_type', 'u32', FILE_TYPE[options.outType])
    .set('general.quantization_version', 'u32', 2)
    .set('qwen3.context_length', 'u32', h.context)
    .set('qwen3.embedding_length', 'u32', h.hidden)
    .set('qwen3.block_count', 'u32', h.layers)
    .set('qwen3.feed_forward_length', 'u32', h.ffn)
    .set('qwen3.attention.head_count', 'u32', h.heads)
    .set('qwen3.attention.head_count_kv', 'u32', h.kvHeads)
    .set('qwen3.attention.key_length', 'u32', d)
    .set('qwen3.attention.value_length', 'u32', d)
    .set('qwen3.rope.dimension_count', 'u32', d)
    .set('qwen3.rope.freq_base', 'f32', h.ropeTheta)
    .set('qwen3.attention.layer_norm_rms_epsilon', 'f32', h.rmsEps)
    .set('tokenizer.ggml.model', 'string', 'gpt2')
    .set('tokenizer.ggml.pre', 'string', vocab.pre)
    .setArray('tokenizer.ggml.tokens', 'string', vocab.tokens)
    .setArray('tokenizer.ggml.token_type', 'i32', vocab.types)
    .setArray('tokenizer.ggml.merges', 'string', vocab.merges)
    .set('tokenizer.ggml.add_bos_token', 'bool', vocab.addBos)
    .set('tokenizer.ggml.add_eos_token', 'bool', vocab.addEos);
  if (vocab.bosId !== undefined) writer.set('tokenizer.ggml.bos_token_id', 'u32', vocab.bosId);
  if (vocab.eosId !== undefined) writer.set('tokenizer.ggml.eos_token_id', 'u32', vocab.eosId);
  if (vocab.padId !== undefined) writer.set('tokenizer.ggml.padding_token_id', 'u32', vocab.padId);
  if (vocab.chatTemplate !== undefined) writer.set('tokenizer.chat_template', 'string', vocab.chatTemplate);
}
