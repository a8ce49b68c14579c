/**
 * What goes into each llama.cpp batch when several sequences wait: every generating sequence's
 * next token first, so no generation waits a batch, then the waiting prompts whole, in arrival
 * order. node-llama-cpp's default instead gives every waiting prompt an equal slice; on a CPU a
 * 512-token batch made of 16 sequences' 32-token slices took 2.9x as long as one made of one or
 * two prompts (0.3B Q8_0, 1 thread, bench:model chunk stage), and a prompt finished early starts
 * generating early.
 */
import type { BatchItem, PrioritizedBatchItem } from 'node-llama-cpp';

export function stepsThenPrompts({ items, size }: { items: readonly BatchItem[]; size: number }): PrioritizedBatchItem[] {
  const steps = items.filter((item) => item.tokens.length === 1);
  const prompts = items.filter((item) => item.tokens.length !== 1);
  const batch: PrioritizedBatchItem[] = [];
  let left = size;
  for (const item of [...steps, ...prompts]) {
    if (left === 0) break;
    const processAmount = Math.min(item.tokens.length, left);
    batch.push({ item, processAmount });
    left -= processAmount;
  }
  return batch;
}
