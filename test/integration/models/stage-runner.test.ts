/**
 * The stage runner in this process, on a real tiny model through node-llama-cpp: exact prompt
 * tokens, grammar-constrained outputs that parse, determinism, batching invariance, and the
 * doc fast path agreeing with greedy generation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuntime } from '../../../native/llama/runtime';
import { loadModel, type LoadedModel } from '../../../native/llama/model';
import type { GenerationEngine } from '../../../native/llama/engine';
import { createStageRunner } from '../../../main/models/stage-runner';
import { proxTokenizer } from '../../../main/models/tokenizer';
import { buildPromptTokens } from '../../../main/prox/prompts';
import { chunkDocument } from '../../../main/prox/chunker';
import { parseProgram } from '../../../main/prox/parse';
import type { Tokenizer } from '../../../main/prox/tokens';
import { sampleDocs, TEST_THREADS, tinyRefinerPath } from './tiny-models';

let model: LoadedModel;
let engine: GenerationEngine;
let tokenizer: Tokenizer;
const prompts: number[][] = [];

beforeAll(async () => {
  const runtime = await loadRuntime(false);
  model = await loadModel(runtime, tinyRefinerPath());
  const real = await model.createEngine({ sequences: 4, contextSize: 2048, threads: TEST_THREADS });
  // Record what the model is fed; everything else is the real engine.
  engine = { ...real, info: real.info, dispose: real.dispose, probe: real.probe, generate: (prompt, options) => (prompts.push([...prompt]), real.generate(prompt, options)) };
  tokenizer = proxTokenizer(model.tokenizer, tinyRefinerPath());
});

afterAll(async () => {
  await engine?.dispose();
  await model?.dispose();
});

describe('doc stage, greedy', () => {
  it('feeds exactly the reference prompt tokens with one BOS, and every output parses', async () => {
    const runner = createStageRunner({ stage: 'doc', engine, tokenizer });
    const docs = sampleDocs(6);
    prompts.length = 0;
    const results = await Promise.all(docs.map((doc) => runner.writeProgram(doc)));
    for (const [i, result] of results.entries()) {
      expect(result.failure).toBeUndefined();
      expect(result.program).toMatch(/^(drop_doc|keep_doc)\(\)$/);
      expect(parseProgram(result.program, 'strict').errors).toEqual([]);
      const expected = buildPromptTokens('doc', docs[i]!.text, tokenizer, { contextSize: 2048 }).tokens;
      expect(prompts).toContainEqual(expected);
      expect(result.promptTokens).toBe(expected.length);
    }
    for (const prompt of prompts) expect(prompt.filter((t) => t === tokenizer.bos)).toHaveLength(1);
  });

  it('is deterministic, and a batch of N equals N single runs', async () => {
    const runner = createStageRunner({ stage: 'doc', engine, tokenizer });
    const docs = sampleDocs(8);
    const batched = await Promise.all(docs.map((doc) => runner.writeProgram(doc)));
    const again = await Promise.all(docs.map((doc) => runner.writeProgram(doc)));
    const single = [];
    for (const doc of docs) single.push(await runner.writeProgram(doc));
    const programs = (r: typeof batched) => r.map((x) => x.program);
    expect(programs(again)).toEqual(programs(batched));
    expect(programs(single)).toEqual(programs(batched));
  });
});

describe('doc stage, long documents', () => {
  it("keeps ` [/INST]` by default and cuts at 2,000 tokens like the reference when asked", async () => {
    const long = { id: 'long', text: Array.from({ length: 200 }, (_, i) => `Paragraph ${i} talks about the weather in town ${i}.`).join('\n') };
    const instTail = tokenizer.tokenize('[/INST]');
    prompts.length = 0;
    const saner = await createStageRunner({ stage: 'doc', engine, tokenizer }).writeProgram(long);
    const reference = await createStageRunner({ stage: 'doc', engine, tokenizer, truncation: 'reference' }).writeProgram(long);
    expect(saner.failure).toBeUndefined();
    expect(reference.failure).toBeUndefined();
    expect(reference.promptTokens).toBe(2000);
    expect(saner.promptTokens).toBeLessThanOrEqual(2048 - 16);
    const [sanerPrompt, referencePrompt] = prompts;
    expect(sanerPrompt!.slice(-instTail.length)).toEqual(instTail);
    expect(referencePrompt!.slice(-instTail.length)).not.toEqual(instTail);
  });
});

describe('doc stage, probability fast path', () => {
  it('agrees with greedy generation at threshold 0.5 and reports P(keep)', async () => {
    const greedy = createStageRunner({ stage: 'doc', engine, tokenizer });
    const fast = createStageRunner({ stage: 'doc', engine, tokenizer, mode: 'probability', keepThreshold: 0.5 });
    const docs = sampleDocs(10).map((d, i) => ({ ...d, text: `${d.text}\n${'filler words '.repeat(i * 7)}` }));
    const a = await Promise.all(docs.map((doc) => greedy.writeProgram(doc)));
    const b = await Promise.all(docs.map((doc) => fast.writeProgram(doc)));
    expect(b.map((r) => r.program)).toEqual(a.map((r) => r.program));
    for (const r of b) {
      expect(r.keepProbability).toBeGreaterThan(0);
      expect(r.keepProbability).toBeLessThan(1);
      expect(r.notes[0]?.probability).toBe(r.keepProbability);
      // One forward pass over the prompt, then at most a step past a bare leading space.
      expect(r.generatedTokens).toBeLessThanOrEqual(2);
    }
  });

  it('applies the user threshold', async () => {
    const docs = sampleDocs(4);
    const keepAll = createStageRunner({ stage: 'doc', engine, tokenizer, mode: 'probability', keepThreshold: 0 });
    const dropAll = createStageRunner({ stage: 'doc', engine, tokenizer, mode: 'probability', keepThreshold: 1 });
    expect((await Promise.all(docs.map((d) => keepAll.writeProgram(d)))).map((r) => r.program)).toEqual(docs.map(() => 'keep_doc()'));
    expect((await Promise.all(docs.map((d) => dropAll.writeProgram(d)))).map((r) => r.program)).toEqual(docs.map(() => 'drop_doc()'));
  });
});

describe('chunk stage', () => {
  it('chunks with the model tokenizer, prompts each chunk, joins chunk programs in order', async () => {
    const runner = createStageRunner({ stage: 'chunk', engine, tokenizer });
    // About 2,700 tokens of numbered lines: two chunks under the 1,500-token budget.
    const long = Array.from({ length: 120 }, (_, i) => `Line ${i} of the page says something about item ${i * 7}.`).join('\n');
    const expectedChunks = chunkDocument(long, { budget: 1500, counter: tokenizer });
    expect(expectedChunks.length).toBeGreaterThan(1);
    prompts.length = 0;
    const result = await runner.writeProgram({ id: 'long', text: long });
    expect(result.failure).toBeUndefined();
    expect(result.chunks?.map((c) => [c.firstLine, c.lastLine])).toEqual(expectedChunks.map((c) => [c.firstLine, c.lastLine]));
    expect(result.program).toBe(result.chunks!.map((c) => c.program).join('\n'));
    for (const chunk of expectedChunks) expect(prompts).toContainEqual(buildPromptTokens('chunk', chunk.text, tokenizer, { contextSize: 2048, maxNewTokens: 256 }).tokens);
    // Random weights: an answer either ends by itself and parses, or runs into the 256-token
    // budget (nothing else caps it) and is reported as cut off, its calls not applied.
    for (const chunk of result.chunks!) {
      if (chunk.skipped !== undefined) {
        expect(chunk.skipped).toMatch(/cut off at the 256-token budget/);
        expect(chunk.program).toBe('');
        continue;
      }
      expect(chunk.program.length).toBeGreaterThan(0);
      expect(parseProgram(chunk.program, 'strict').errors).toEqual([]);
    }
    expect(result.generatedTokens).toBeLessThanOrEqual(256 * expectedChunks.length);
  });

  it('gives an empty document no chunks and an empty program', async () => {
    const runner = createStageRunner({ stage: 'chunk', engine, tokenizer });
    const result = await runner.writeProgram({ id: 'empty', text: '' });
    expect(result.program).toBe('');
    expect(result.chunks).toEqual([]);
    expect(result.failure).toBeUndefined();
  });
});
