import { describe, expect, it } from 'vitest';
import { chooseSequences, InsufficientMemoryError, kvBytesPerToken, stagesFitTogether } from '../../../main/models/memory-plan';
import type { RuntimeInfo } from '../../../native/llama/runtime';
import type { ModelShape } from '../../../main/models/gguf-check';

const GiB = 2 ** 30;
const gpu = (freeBytes: number): RuntimeInfo => ({ backend: 'cuda', device: 'test GPU', vramBytes: 8 * GiB, vramFreeBytes: freeBytes, gpuAvailable: true, mathCores: 8, defaultThreads: 7, note: null });
/** The ProX 0.3B refiner: 24 layers, hidden 1280, 16 heads, 1 KV head. */
const prox03: ModelShape = { layers: 24, embedding: 1280, heads: 16, kvHeads: 1, feedForward: 2048, contextLength: 2048, vocabulary: 32000 };

describe('memory plan', () => {
  it('computes the f16 KV cache per token from the shape (MQA: one 80-wide KV head per layer)', () => {
    expect(kvBytesPerToken(prox03)).toBe(2 * 2 * 24 * 80);
  });

  it('takes the requested sequences when they fit, fewer when memory is short, and refuses when none fits', async () => {
    const perToken = kvBytesPerToken(prox03);
    const perSequence = perToken * 2048; // 15 MiB
    expect(await chooseSequences({ runtime: gpu(4 * GiB), requested: 16, kvBytesPerToken: perToken, contextSize: 2048, stage: 'doc' })).toBe(16);
    expect(await chooseSequences({ runtime: gpu(4 * GiB), requested: null, kvBytesPerToken: perToken, contextSize: 2048, stage: 'doc' })).toBe(32);
    // Half of the free memory is the budget: 5 sequences' worth of free VRAM allows 2.
    expect(await chooseSequences({ runtime: gpu(5 * perSequence), requested: 16, kvBytesPerToken: perToken, contextSize: 2048, stage: 'doc' })).toBe(2);
    const cpu: RuntimeInfo = { ...gpu(0), backend: 'cpu', device: null, vramBytes: null, vramFreeBytes: null, gpuAvailable: false };
    // A CPU gets a few sequences per stage (bench:model: more did not pay end to end).
    expect(await chooseSequences({ runtime: cpu, requested: null, kvBytesPerToken: perToken, contextSize: 2048, stage: 'chunk' })).toBe(4);
    expect(await chooseSequences({ runtime: cpu, requested: null, kvBytesPerToken: perToken, contextSize: 2048, stage: 'doc' })).toBe(4);
    await expect(chooseSequences({ runtime: gpu(perSequence), requested: 1, kvBytesPerToken: perToken, contextSize: 2048, stage: 'doc' })).rejects.toBeInstanceOf(InsufficientMemoryError);
  });

  it('says whether both stage models fit side by side', () => {
    const model = { weightBytes: 380e6, shape: prox03 };
    expect(stagesFitTogether([model, model], gpu(4 * GiB))).toBe(true);
    expect(stagesFitTogether([model, model], gpu(1 * GiB))).toBe(false);
  });
});
