/**
 * One thread default for every caller: an engine created without `threads` computes with the
 * runtime's defaultThreads (native/llama/threads.ts), and an explicit count is used as given,
 * not capped by node-llama-cpp's own splitter.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRuntime, type LlamaRuntime } from '../../../native/llama/runtime';
import { loadModel, type LoadedModel } from '../../../native/llama/model';
import { defaultLlamaThreads } from '../../../native/llama/threads';
import { tinyRefinerPath } from './tiny-models';

let runtime: LlamaRuntime;
let model: LoadedModel;

beforeAll(async () => {
  runtime = await loadRuntime(false);
  model = await loadModel(runtime, tinyRefinerPath());
});

afterAll(async () => {
  await model?.dispose();
});

it('uses the runtime default when no threads are given, and an explicit count as given', async () => {
  expect(runtime.info.defaultThreads).toBe(defaultLlamaThreads(runtime.info.mathCores));
  const byDefault = await model.createEngine({ sequences: 1, contextSize: 2048 });
  const explicit = await model.createEngine({ sequences: 1, contextSize: 2048, threads: runtime.info.mathCores + 3 });
  try {
    expect(byDefault.info.threads).toBe(runtime.info.defaultThreads);
    expect(explicit.info.threads).toBe(runtime.info.mathCores + 3);
  } finally {
    await byDefault.dispose();
    await explicit.dispose();
  }
});
