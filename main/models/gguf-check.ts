/**
 * Checks a GGUF file before llama.cpp sees it. llama.cpp aborts the whole process on some
 * malformed files (a missing `llama.feed_forward_length` is enough), so everything it would
 * trip over is checked here first and reported as a readable error naming the file and field.
 */
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { readGguf, GgufFormatError, type GgufScalar } from '../../native/gguf';

/** What the checks need from the header; read with the project's bounds-checked GGUF reader. */
interface GgufTensor {
  readonly name: string;
  /** ggml order: the fastest-varying axis first. */
  readonly dimensions: readonly number[];
  readonly type: string;
  readonly fileOffset: number;
}
interface GgufHeader {
  readonly metadata: ReadonlyMap<string, GgufScalar | readonly GgufScalar[]>;
  readonly tokenCount: number | null;
  readonly tensors: readonly GgufTensor[];
}
type HeaderValue = GgufScalar | readonly GgufScalar[];

/** ggml type codes (ggml.h) of the types a refiner may come in. */
const TYPE_NAMES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0',
  10: 'Q2_K', 11: 'Q3_K', 12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K', 30: 'BF16',
};

function readHeader(path: string): GgufHeader {
  const file = readGguf(path);
  const metadata = new Map<string, HeaderValue>();
  for (const [key, value] of file.metadata) metadata.set(key, value.type === 'array' ? value.values : value.value);
  const tokens = metadata.get('tokenizer.ggml.tokens');
  return {
    metadata,
    tokenCount: Array.isArray(tokens) ? tokens.length : null,
    tensors: file.tensors.map((t) => ({ name: t.name, dimensions: t.dims, type: TYPE_NAMES[t.typeCode] ?? `type${t.typeCode}`, fileOffset: file.dataOffset + t.offset })),
  };
}

export type ModelFileProblem = 'missing' | 'not-gguf' | 'malformed' | 'unsupported-architecture' | 'truncated';

export class ModelFileError extends Error {
  constructor(
    readonly path: string,
    readonly problem: ModelFileProblem,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = 'ModelFileError';
  }
}

export interface ModelShape {
  readonly layers: number;
  readonly embedding: number;
  readonly heads: number;
  readonly kvHeads: number;
  /** Width of one attention head when it is not embedding / heads (Qwen3 gives it on its own). */
  readonly headDim?: number;
  readonly feedForward: number;
  readonly contextLength: number;
  readonly vocabulary: number;
}

export interface ModelFileSummary {
  readonly path: string;
  readonly bytes: number;
  readonly architecture: string;
  readonly name: string | null;
  readonly shape: ModelShape;
  readonly parameters: number;
  /** Dominant weight type of the 2-D tensors, e.g. "Q8_0", "F16". */
  readonly quantization: string;
  /** Bytes of tensor data (what loading needs in RAM/VRAM, before the KV cache). */
  readonly weightBytes: number;
}

/** Architectures llama.cpp runs with the tensor layouts checked below: ProX refiners are `llama`, UltraX ones `qwen3`. */
const SUPPORTED_ARCHITECTURES = new Set(['llama', 'qwen3']);

/** Bytes per block and elements per block of the ggml types a refiner may come in. */
const TYPE_LAYOUT: Record<string, readonly [bytes: number, elements: number]> = {
  F32: [4, 1], F16: [2, 1], BF16: [2, 1],
  Q4_0: [18, 32], Q4_1: [20, 32], Q5_0: [22, 32], Q5_1: [24, 32], Q8_0: [34, 32],
  Q2_K: [84, 256], Q3_K: [110, 256], Q4_K: [144, 256], Q5_K: [176, 256], Q6_K: [210, 256], Q8_K: [292, 256],
};

export function tensorBytes(tensor: Pick<GgufTensor, 'dimensions' | 'type'>): number | null {
  const layout = TYPE_LAYOUT[tensor.type];
  if (!layout) return null;
  const elements = tensor.dimensions.reduce((a, b) => a * b, 1);
  return Math.ceil(elements / layout[1]) * layout[0];
}

export async function checkModelFile(path: string): Promise<ModelFileSummary> {
  let bytes: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new ModelFileError(path, 'missing', 'is not a file. Give the path of a .gguf model file.');
    bytes = stat.size;
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    throw new ModelFileError(path, 'missing', 'model file not found. Check the path, or add the model with `refinery models add <path | hf:owner/repo | URL>`.');
  }
  checkMagic(path);
  let header: GgufHeader;
  try {
    header = readHeader(path);
  } catch (err) {
    if (err instanceof GgufFormatError && /truncated/.test(err.message)) {
      throw new ModelFileError(path, 'truncated', `the file is truncated (${err.message}). Download it again.`);
    }
    throw new ModelFileError(path, 'malformed', `the GGUF header cannot be read (${err instanceof Error ? err.message : String(err)}). Re-download or re-convert the model.`);
  }
  const architecture = stringField(path, header, 'general.architecture');
  if (!SUPPORTED_ARCHITECTURES.has(architecture)) {
    throw new ModelFileError(path, 'unsupported-architecture', `architecture "${architecture}" is not supported: ProX refining models are "llama" models (Llama-2 vocabulary), UltraX ones "qwen3".`);
  }
  const shape = readShape(path, header, architecture);
  checkTensors(path, header, shape, bytes, architecture);
  let parameters = 0;
  let weightBytes = 0;
  const typeCounts = new Map<string, number>();
  for (const tensor of header.tensors) {
    const elements = tensor.dimensions.reduce((a, b) => a * b, 1);
    parameters += elements;
    weightBytes += tensorBytes(tensor) ?? 0;
    if (tensor.dimensions.length === 2) typeCounts.set(tensor.type, (typeCounts.get(tensor.type) ?? 0) + elements);
  }
  const quantization = [...typeCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
  const name = header.metadata.get('general.name');
  return { path, bytes, architecture, name: typeof name === 'string' ? name : null, shape, parameters, quantization, weightBytes };
}

function checkMagic(path: string): void {
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 4 && head.toString('latin1') === 'GGUF') return;
  const hint = path.endsWith('.safetensors') || path.endsWith('.bin') || path.endsWith('.pt')
    ? ' It looks like a Hugging Face/PyTorch checkpoint: convert it with `refinery models convert <checkpoint folder>`.'
    : '';
  throw new ModelFileError(path, 'not-gguf', `not a GGUF file (it does not start with "GGUF").${hint}`);
}

function field(header: GgufHeader, key: string): HeaderValue | undefined {
  return header.metadata.get(key);
}

function stringField(path: string, header: GgufHeader, key: string): string {
  const value = field(header, key);
  if (typeof value !== 'string' || value === '') throw new ModelFileError(path, 'malformed', `metadata field "${key}" is missing or not a string. Re-convert the model.`);
  return value;
}

function intField(path: string, header: GgufHeader, key: string, fallback?: number): number {
  const value = field(header, key);
  if (value === undefined && fallback !== undefined) return fallback;
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) {
    throw new ModelFileError(path, 'malformed', `metadata field "${key}" is ${value === undefined ? 'missing' : `invalid (${String(value)})`}; llama.cpp would abort on this file. Re-convert the model.`);
  }
  return n;
}

function readShape(path: string, header: GgufHeader, arch: string): ModelShape {
  const heads = intField(path, header, `${arch}.attention.head_count`);
  const embedding = intField(path, header, `${arch}.embedding_length`);
  const shape: ModelShape = {
    layers: intField(path, header, `${arch}.block_count`),
    embedding,
    heads,
    kvHeads: intField(path, header, `${arch}.attention.head_count_kv`, heads),
    headDim: intField(path, header, `${arch}.attention.key_length`, embedding / heads),
    feedForward: intField(path, header, `${arch}.feed_forward_length`),
    contextLength: intField(path, header, `${arch}.context_length`),
    vocabulary: header.tokenCount ?? 0,
  };
  stringField(path, header, 'tokenizer.ggml.model');
  if (shape.vocabulary === 0) throw new ModelFileError(path, 'malformed', 'metadata field "tokenizer.ggml.tokens" is missing or empty: the file has no vocabulary.');
  if (field(header, `${arch}.attention.key_length`) === undefined && shape.embedding % heads !== 0) throw new ModelFileError(path, 'malformed', `embedding_length ${shape.embedding} is not a multiple of head_count ${heads}.`);
  if (heads % shape.kvHeads !== 0) throw new ModelFileError(path, 'malformed', `head_count ${heads} is not a multiple of head_count_kv ${shape.kvHeads}.`);
  return shape;
}

function checkTensors(path: string, header: GgufHeader, shape: ModelShape, fileBytes: number, architecture: string): void {
  const byName = new Map(header.tensors.map((t) => [t.name, t]));
  const headDim = shape.headDim ?? shape.embedding / shape.heads;
  const qWidth = headDim * shape.heads;
  const kvWidth = headDim * shape.kvHeads;
  const expect = (name: string, dims: readonly number[], optional = false): void => {
    const tensor = byName.get(name);
    if (!tensor) {
      if (optional) return;
      throw new ModelFileError(path, 'malformed', `tensor "${name}" is missing. Re-convert the model.`);
    }
    const same = tensor.dimensions.length === dims.length && tensor.dimensions.every((d, i) => d === dims[i]);
    if (!same) throw new ModelFileError(path, 'malformed', `tensor "${name}" has shape [${tensor.dimensions.join(', ')}], expected [${dims.join(', ')}] from the metadata.`);
  };
  const { embedding: e, feedForward: f, vocabulary: v } = shape;
  expect('token_embd.weight', [e, v]);
  expect('output_norm.weight', [e]);
  expect('output.weight', [e, v], true); // absent = tied to token_embd
  for (let i = 0; i < shape.layers; i++) {
    expect(`blk.${i}.attn_norm.weight`, [e]);
    expect(`blk.${i}.attn_q.weight`, [e, qWidth]);
    expect(`blk.${i}.attn_k.weight`, [e, kvWidth]);
    expect(`blk.${i}.attn_v.weight`, [e, kvWidth]);
    expect(`blk.${i}.attn_output.weight`, [qWidth, e]);
    if (architecture === 'qwen3') {
      expect(`blk.${i}.attn_q_norm.weight`, [headDim]);
      expect(`blk.${i}.attn_k_norm.weight`, [headDim]);
    }
    expect(`blk.${i}.ffn_norm.weight`, [e]);
    expect(`blk.${i}.ffn_gate.weight`, [e, f]);
    expect(`blk.${i}.ffn_up.weight`, [e, f]);
    expect(`blk.${i}.ffn_down.weight`, [f, e]);
  }
  for (const tensor of header.tensors) {
    const size = tensorBytes(tensor);
    if (size !== null && tensor.fileOffset + size > fileBytes) {
      throw new ModelFileError(path, 'truncated', `the file is truncated: tensor "${tensor.name}" ends at byte ${tensor.fileOffset + size} but the file has ${fileBytes}. Download it again.`);
    }
  }
}
