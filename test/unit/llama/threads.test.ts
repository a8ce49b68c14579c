import { describe, expect, it } from 'vitest';
import { defaultLlamaThreads } from '../../../native/llama/threads';

describe('default llama.cpp threads', () => {
  it('is one per core less one, and at least one', () => {
    expect([0, 1, 2, 4, 8, 16].map(defaultLlamaThreads)).toEqual([1, 1, 1, 3, 7, 15]);
  });
});
