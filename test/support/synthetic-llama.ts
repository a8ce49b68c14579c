/**
 * Synthetic llama models with random weights from a seeded generator: a GGUF written
 * directly (test models, benchmarks of the runtime) — same seed, same file. Tensors are
 * generated and written in row blocks so even a 0.3B-shape model needs little memory.
 */
import { GgufWriter, encodeTensor, type GgmlTypeName } from '../../native/gguf';
import { declareLlamaTensors, writeLlamaMetadata, type LlamaHyperparameters, type OutputType } from '../../main/convert/llama-gguf';
import type { Vocabulary } from '../../main/convert/vocabulary';
import { seededRandom } from './seeded-random';

// Seeded per tensor, so tensors are independent of the order they are written in.
export { seededRandom };

export function tensorSeed(seed: number, name: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Value scale per tensor so activations stay O(1) through the layers: norms near 1, linear
 * layers ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))·sqrt(3) (unit-variance outputs), embeddings U(-1, 1).
 */
export function weightRange(name: string, shape: readonly number[]): { center: number; halfWidth: number } {
  if (shape.length === 1) return { center: 1, halfWidth: 0.1 };
  if (/embd|embed_tokens/.test(name)) return { center: 0, halfWidth: 1 };
  return { center: 0, halfWidth: Math.sqrt(3 / shape[shape.length - 1]) };
}

/** Rows of a random tensor in blocks of about `blockElements` values (whole rows only). */
export function* randomTensorBlocks(seed: number, name: string, shape: readonly number[], blockElements = 1 << 20): Generator<Float32Array> {
  const rowLength = shape[shape.length - 1];
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const rowsPerBlock = Math.max(1, Math.floor(blockElements / rowLength));
  const rand = seededRandom(tensorSeed(seed, name));
  const { center, halfWidth } = weightRange(name, shape);
  for (let r = 0; r < rows; r += rowsPerBlock) {
    const n = Math.min(rowsPerBlock, rows - r) * rowLength;
    const block = new Float32Array(n);
    for (let i = 0; i < n; i++) block[i] = center + (rand() * 2 - 1) * halfWidth;
    yield block;
  }
}

export interface RandomLlamaGgufOptions {
  readonly hyperparameters: LlamaHyperparameters;
  readonly vocabulary: Vocabulary;
  readonly seed: number;
  readonly outType: OutputType;
  readonly name?: string;
}

export function writeRandomLlamaGguf(path: string, options: RandomLlamaGgufOptions): void {
  const h = options.hyperparameters;
  const writer = new GgufWriter(path);
  try {
    writeLlamaMetadata(writer, h, options.vocabulary, { name: options.name ?? 'refinery-synthetic-llama', outType: options.outType });
    const plan = declareLlamaTensors(writer, h, options.outType);
    writer.begin();
    for (const t of plan) {
      for (const block of randomTensorBlocks(options.seed, t.name, t.shape)) {
        writer.writeTensorData(t.name, encodeTensor(block, t.type as Exclude<GgmlTypeName, 'BF16'>));
      }
    }
    writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
}
