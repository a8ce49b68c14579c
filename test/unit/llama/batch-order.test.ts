import type { BatchItem, Token } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { stepsThenPrompts } from '../../../native/llama/batch-order';

const item = (tokens: number): BatchItem => ({ tokens: Array.from({ length: tokens }, (_, i) => i as Token), logits: [], evaluationPriority: 5 });

describe('batch order', () => {
  it('puts every generation step in, then whole prompts in arrival order, never over the batch size', () => {
    const promptA = item(300);
    const step1 = item(1);
    const promptB = item(400);
    const step2 = item(1);
    const batch = stepsThenPrompts({ items: [promptA, step1, promptB, step2], size: 512 });
    expect(batch.map((b) => [b.item, b.processAmount])).toEqual([
      [step1, 1],
      [step2, 1],
      [promptA, 300],
      [promptB, 210],
    ]);
    expect(batch.reduce((n, b) => n + b.processAmount, 0)).toBe(512);
  });

  it('leaves out what does not fit', () => {
    const prompts = [item(600), item(50)];
    const batch = stepsThenPrompts({ items: prompts, size: 512 });
    expect(batch).toEqual([{ item: prompts[0], processAmount: 512 }]);
  });
});
