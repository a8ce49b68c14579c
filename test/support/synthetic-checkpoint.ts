/**
 * Synthetic Hugging Face llama checkpoints (config.json, safetensors single or sharded,
 * tokenizer.model or tokenizer.json) with seeded random weights, for converter tests and the
 * conversion benchmark. `checkpointTensorValues` regenerates exactly what was stored (after
 * rounding to the storage dtype) without reading the files, so a reference computation over
 * it is independent of the converter's readers.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { f16BitsToF32, f32ToF16Bits } from '../../native/gguf';
import type { CheckpointArchitecture } from '../../main/convert/hf-config';
import { headDim, type LlamaHyperparameters } from '../../main/convert/llama-gguf';
import { randomTensorBlocks } from './synthetic-llama';
import { TOKEN_TYPE, type Vocabulary } from '../../main/convert/vocabulary';

export type CheckpointDtype = 'F32' | 'F16' | 'BF16';

export interface RandomCheckpointOptions {
  readonly hyperparameters: LlamaHyperparameters;
  readonly vocabulary: Vocabulary;
  readonly seed: number;
  readonly dtype?: CheckpointDtype;
  readonly shards?: number;
  readonly tokenizer?: 'model' | 'json';
  readonly tieEmbeddings?: boolean;
}

export function hfTensorShapes(h: LlamaHyperparameters, tieEmbeddings = false, architecture: CheckpointArchitecture = 'llama'): { name: string; shape: number[] }[] {
  const d = headDim(h);
  const q = d * h.heads;
  const kv = d * h.kvHeads;
  const out = [{ name: 'model.embed_tokens.weight', shape: [h.vocabSize, h.hidden] }];
  for (let i = 0; i < h.layers; i++) {
    const p = `model.layers.${i}`;
    out.push(
      { name: `${p}.input_layernorm.weight`, shape: [h.hidden] },
      { name: `${p}.self_attn.q_proj.weight`, shape: [q, h.hidden] },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kv, h.hidden] },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kv, h.hidden] },
      { name: `${p}.self_attn.o_proj.weight`, shape: [h.hidden, q] },
      ...(architecture === 'qwen3' ? [{ name: `${p}.self_attn.q_norm.weight`, shape: [d] }, { name: `${p}.self_attn.k_norm.weight`, shape: [d] }] : []),
      { name: `${p}.post_attention_layernorm.weight`, shape: [h.hidden] },
      { name: `${p}.mlp.gate_proj.weight`, shape: [h.ffn, h.hidden] },
      { name: `${p}.mlp.up_proj.weight`, shape: [h.ffn, h.hidden] },
      { name: `${p}.mlp.down_proj.weight`, shape: [h.hidden, h.ffn] },
    );
  }
  out.push({ name: 'model.norm.weight', shape: [h.hidden] });
  if (!tieEmbeddings) out.push({ name: 'lm_head.weight', shape: [h.vocabSize, h.hidden] });
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bf16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Rounds in place to what the dtype can hold; returns the stored bytes. */
function storeAs(block: Float32Array, dtype: CheckpointDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
  const bits = new Uint16Array(block.length);
  for (let i = 0; i < block.length; i++) {
    if (dtype === 'F16') {
      bits[i] = f32ToF16Bits(block[i]);
      block[i] = f16BitsToF32(bits[i]);
    } else {
      bits[i] = bf16Bits(block[i]);
      u32[0] = bits[i] << 16;
      block[i] = f32[0];
    }
  }
  return new Uint8Array(bits.buffer);
}

/** The exact float values stored for one tensor of a checkpoint written with these options. */
export function checkpointTensorValues(seed: number, name: string, shape: readonly number[], dtype: CheckpointDtype = 'F32'): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let off = 0;
  for (const block of randomTensorBlocks(seed, name, shape)) {
    storeAs(block, dtype);
    out.set(block, off);
    off += block.length;
  }
  return out;
}

const DTYPE_BYTES: Record<CheckpointDtype, number> = { F32: 4, F16: 2, BF16: 2 };

function writeSafetensorsFile(path: string, tensors: { name: string; shape: number[] }[], seed: number, dtype: CheckpointDtype): void {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const fd = openSync(path, 'w');
  try {
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
    writeSync(fd, len);
    writeSync(fd, Buffer.from(json));
    for (const t of tensors) {
      for (const block of randomTensorBlocks(seed, t.name, t.shape)) {
        const bytes = storeAs(block, dtype);
        let o = 0;
        while (o < bytes.byteLength) o += writeSync(fd, bytes, o, bytes.byteLength - o);
      }
    }
  } finally {
    closeSync(fd);
  }
}

// --- SentencePiece ModelProto encoding (the inverse of sentencepiece.ts, for test checkpoints)

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(field * 8 + 2), ...varint(payload.byteLength), ...payload]);
}

/** An int32 field; negatives become 10-byte two's-complement varints, as protobuf encodes them. */
function intField(field: number, value: number): number[] {
  const out = varint(field * 8);
  let x = BigInt.asUintN(64, BigInt(value));
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

export function encodeSentencePieceModel(vocab: Vocabulary): Uint8Array {
  const parts: Uint8Array[] = [];
  const f = new DataView(new ArrayBuffer(4));
  vocab.tokens.forEach((piece, i) => {
    f.setFloat32(0, vocab.scores[i], true);
    const body = Uint8Array.from([
      ...lengthDelimited(1, Buffer.from(piece, 'utf8')),
      ...varint((2 << 3) | 5), ...new Uint8Array(f.buffer.slice(0)),
      ...varint(3 << 3), ...varint(vocab.types[i]),
    ]);
    parts.push(lengthDelimited(1, body));
  });
  // TrainerSpec: model_type BPE (2), special ids; NormalizerSpec: add_dummy_prefix.
  parts.push(lengthDelimited(2, Uint8Array.from([...intField(3, 2), ...intField(40, vocab.unkId), ...intField(41, vocab.bosId), ...intField(42, vocab.eosId), ...intField(43, vocab.padId ?? -1)])));
  parts.push(lengthDelimited(3, Uint8Array.from([...varint(3 << 3), vocab.addSpacePrefix ? 1 : 0])));
  return Buffer.concat(parts);
}

/** An SPM-style tokenizer.json (BPE with byte fallback) carrying the same pieces. */
export function tokenizerJsonFor(vocab: Vocabulary): string {
  const special = vocab.tokens.map((t, id) => ({ t, id })).filter(({ id }) => vocab.types[id] === TOKEN_TYPE.CONTROL || vocab.types[id] === TOKEN_TYPE.UNKNOWN);
  return JSON.stringify({
    version: '1.0',
    added_tokens: special.map(({ t, id }) => ({ id, content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: vocab.addSpacePrefix
      ? { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] }
      : { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
    pre_tokenizer: null,
    model: { type: 'BPE', dropout: null, unk_token: vocab.tokens[vocab.unkId], byte_fallback: true, fuse_unk: true, vocab: Object.fromEntries(vocab.tokens.map((t, i) => [t, i])), merges: [] },
  });
}

export function writeRandomHfCheckpoint(folder: string, options: RandomCheckpointOptions): void {
  const h = options.hyperparameters;
  const dtype = options.dtype ?? 'F32';
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'config.json'),
    JSON.stringify({
      architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: h.hidden, intermediate_size: h.ffn,
      num_hidden_layers: h.layers, num_attention_heads: h.heads, num_key_value_heads: h.kvHeads,
      max_position_embeddings: h.context, vocab_size: h.vocabSize, rms_norm_eps: h.rmsEps, rope_theta: h.ropeTheta,
      rope_scaling: null, tie_word_embeddings: options.tieEmbeddings === true, hidden_act: 'silu',
      torch_dtype: { F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dtype], bos_token_id: options.vocabulary.bosId, eos_token_id: options.vocabulary.eosId,
    }, null, 2),
  );
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({ add_bos_token: options.vocabulary.addBos, add_eos_token: options.vocabulary.addEos, bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', legacy: false }));
  if ((options.tokenizer ?? 'model') === 'model') writeFileSync(join(folder, 'tokenizer.model'), encodeSentencePieceModel(options.vocabulary));
  else writeFileSync(join(folder, 'tokenizer.json'), tokenizerJsonFor(options.vocabulary));

  writeCheckpointWeights(folder, hfTensorShapes(h, options.tieEmbeddings), { seed: options.seed, dtype, shards: options.shards ?? 1 });
}

/** The safetensors files of a checkpoint (one, or `shards` with an index), seeded random values per tensor. */
export function writeCheckpointWeights(folder: string, tensors: { name: string; shape: number[] }[], options: { seed: number; dtype: CheckpointDtype; shards: number }): void {
  const { seed, dtype } = options;
  const shards = Math.max(1, Math.min(options.shards, tensors.length));
  if (shards === 1) {
    writeSafetensorsFile(join(folder, 'model.safetensors'), tensors, seed, dtype);
    return;
  }
  const weightMap: Record<string, string> = {};
  const per = Math.ceil(tensors.length / shards);
  for (let s = 0; s < shards; s++) {
    const file = `model-${String(s + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    const group = tensors.slice(s * per, (s + 1) * per);
    for (const t of group) weightMap[t.name] = file;
    writeSafetensorsFile(join(folder, file), group, seed, dtype);
  }
  writeFileSync(join(folder, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }, null, 2));
}
