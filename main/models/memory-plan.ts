/**
 * How many documents a model can work on at once, and whether two models fit side by side.
 * The KV cache grows with sequences x context; the weights are paid once per loaded model.
 */
import { freemem } from 'node:os';
import type { RuntimeInfo } from '../../native/llama/runtime';
import type { ProgramSlot } from '../prox/programmer';
import type { ModelShape } from './gguf-check';

/** Every released ProX refiner was trained with a 2,048-token context; prompts are fitted to it. */
export const CONTEXT_SIZE = 2048;

/**
 * Default parallel sequences per stage. On a CPU, llama.cpp's matrix kernels are several times
 * faster per token on wide batches than on narrow ones (0.3B Q8_0, one thread: ~26 ms for one
 * token, ~11 ms per token for 16 tokens, ~5.5 ms per token for a 512-token prompt), yet end to
 * end more sequences did not pay: the doc stage (nearly all prompt, a ~5-token answer) ran at
 * 0.91-0.94 x raw at 1-8 sequences and 0.78 x at 16; the chunk stage with random weights
 * (long, grammar-bound generations) at 84 / 83 / 84 tokens/s with 4 / 16 / 32 sequences for
 * Q8_0 and 65 / 52 tokens/s with 4 / 16 for F16 (bench:model). So 4 on a CPU for both; on a GPU
 * many sequences are what keeps it busy. Always capped by free memory (chooseSequences).
 */
export const DEFAULT_SEQUENCES: Readonly<Record<'cpu' | 'gpu', Readonly<Record<ProgramSlot, number>>>> = {
  // UltraX windows are long (up to 48,000 characters): fewer of them fit, memory caps them further.
  cpu: { doc: 4, chunk: 4, ultrax: 4 },
  gpu: { doc: 32, chunk: 32, ultrax: 32 },
};

/** Leave room for the OS, the app and llama.cpp's compute buffers. */
const MEMORY_SHARE = 0.5;

export class InsufficientMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InsufficientMemoryError';
  }
}

/** KV-cache bytes per token of context: K and V in f16 for every layer's KV heads. */
export function kvBytesPerToken(shape: ModelShape): number {
  return 2 * 2 * shape.layers * (shape.headDim ?? shape.embedding / shape.heads) * shape.kvHeads;
}

function freeBytes(runtime: RuntimeInfo): number {
  return runtime.gpuAvailable && runtime.vramFreeBytes !== null ? runtime.vramFreeBytes : freemem();
}

export async function chooseSequences(options: {
  runtime: RuntimeInfo;
  requested: number | null;
  kvBytesPerToken: number;
  contextSize: number;
  stage: ProgramSlot;
}): Promise<number> {
  const perSequence = options.kvBytesPerToken * options.contextSize;
  const budget = freeBytes(options.runtime) * MEMORY_SHARE;
  const fit = Math.floor(budget / perSequence);
  if (fit < 1) {
    throw new InsufficientMemoryError(
      `too little memory for one ${options.contextSize}-token sequence (${mib(perSequence)} MiB of KV cache, ${mib(budget)} MiB usable). Close other programs or use a smaller model.`,
    );
  }
  const wanted = options.requested ?? DEFAULT_SEQUENCES[options.runtime.gpuAvailable ? 'gpu' : 'cpu'][options.stage];
  return Math.max(1, Math.min(wanted, fit));
}

/** Checks that a model's weights fit the memory it will load into; throws a readable error if not. */
export function assertWeightsFit(path: string, weightBytes: number, runtime: RuntimeInfo | null): void {
  const free = runtime ? freeBytes(runtime) : freemem();
  if (weightBytes > free * 0.9) {
    throw new InsufficientMemoryError(`${path}: the model needs about ${mib(weightBytes)} MiB but only ${mib(free)} MiB are free. Close other programs or use a smaller quantization (e.g. Q8_0 instead of F16).`);
  }
}

/**
 * Whether the models of both stages can be loaded at once (weights + a KV cache for the default
 * sequences each). When not, run the doc stage to the end, dispose its programmer, then the chunk stage.
 */
export function stagesFitTogether(models: readonly { weightBytes: number; shape: ModelShape }[], runtime: RuntimeInfo | null, sequences = DEFAULT_SEQUENCES.cpu.chunk, freeOverride?: number): boolean {
  const need = models.reduce((sum, m) => sum + m.weightBytes + kvBytesPerToken(m.shape) * CONTEXT_SIZE * sequences, 0);
  const free = freeOverride ?? (runtime ? freeBytes(runtime) : freemem());
  return need <= free * MEMORY_SHARE;
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
