/**
 * Reads a GGUF file's header (metadata + tensor table) without loading it into llama.cpp.
 * node-llama-cpp parses the header in JavaScript, so a malformed file cannot abort the
 * process here; validation of what it says lives in main/models/gguf-check.ts.
 */
import { readGgufFileInfo, GgmlType } from 'node-llama-cpp';

export type HeaderValue = string | number | bigint | boolean | HeaderValue[];

export interface GgufTensor {
  readonly name: string;
  readonly dimensions: readonly number[];
  /** ggml type name, e.g. "F16", "Q8_0". */
  readonly type: string;
  /** Absolute offset of the tensor data in the file. */
  readonly fileOffset: number;
}

export interface GgufHeader {
  readonly version: number;
  /** Flattened metadata: "llama.block_count" -> 24. Token arrays are left out (see tokenCount). */
  readonly metadata: ReadonlyMap<string, HeaderValue>;
  /** Length of `tokenizer.ggml.tokens`, or null when absent. */
  readonly tokenCount: number | null;
  readonly tensors: readonly GgufTensor[];
}

/** Keys whose arrays hold a value per vocabulary entry: kept out of the flat map (size). */
const perTokenKeys = new Set(['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges']);

export async function readGgufHeader(path: string): Promise<GgufHeader> {
  const info = await readGgufFileInfo(path, { readTensorInfo: true, sourceType: 'filesystem', logWarnings: false });
  const metadata = new Map<string, HeaderValue>();
  let tokenCount: number | null = null;
  const walk = (prefix: string, node: unknown): void => {
    if (node === null || node === undefined) return;
    if (typeof node === 'object' && !Array.isArray(node)) {
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) walk(prefix ? `${prefix}.${key}` : key, value);
      return;
    }
    if (prefix === 'tokenizer.ggml.tokens' && Array.isArray(node)) tokenCount = node.length;
    if (perTokenKeys.has(prefix)) return;
    metadata.set(prefix, node as HeaderValue);
  };
  walk('', info.metadata);
  const tensors = (info.tensorInfo ?? []).map((tensor) => ({
    name: tensor.name,
    dimensions: tensor.dimensions.map((d) => Number(d)),
    type: GgmlType[tensor.ggmlType] ?? `type${tensor.ggmlType}`,
    fileOffset: Number(tensor.fileOffset),
  }));
  return { version: info.version, metadata, tokenCount, tensors };
}
