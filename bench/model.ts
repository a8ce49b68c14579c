/**
 * Model runtime throughput: the end-to-end doc and chunk stages (worker process, prompts,
 * grammar, continuous batching over N sequences) against the raw prompt-processing speed of
 * the same model file measured in the same run (one long evaluation, no pipeline around it).
 *
 * The model is a synthetic-weights GGUF with the exact shape of the ProX 0.3B refiner
 * (24 layers, hidden 1280, 16 heads, 1 KV head, FFN 2048, vocab 32,000, context 2,048), Q8_0
 * and F16, cached in bench/.data. Random weights write long, random (but grammatical)
 * programs, so the chunk stage generates close to its 256-token cap: a worst case.
 *
 * Usage: npm run bench:model [-- --quick] [--gpu] [--threads N] [--types q8_0,f16] [--seqs 1,2,4,8,16]
 *        [--chunk-seqs 8,16] [--docs N]
 * --quick: Q8_0 only, doc stage at 1 and 4 sequences, chunk stage at 4, fewer documents (about 3 minutes on 2 CPU cores).
 * The chunk stage is also compared with the raw model doing the same work (its prompt tokens at
 * the raw prompt speed + its generated tokens at the raw generation speed of steps as wide).
 * --gpu: let node-llama-cpp pick a GPU build (CUDA/Vulkan/Metal); default is the CPU.
 * Last line: one JSON object with the figures (best configuration first-level).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OutputType } from '../main/convert/llama-gguf';
import { seededRandom } from '../main/convert/synthetic-llama';
import { createModelProgrammer } from '../main/models/programmer';
import { loadRuntime } from '../native/llama/runtime';
import { loadModel } from '../native/llama/model';
import type { DocumentInput } from '../main/prox/programmer';
import type { Stage } from '../main/prox/program';
import { PROX_03B_SHAPE, writeTinyLlamaGguf } from '../test/support/tiny-model';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const gpu = flag('--gpu');
const threads = option('--threads') ? Number(option('--threads')) : undefined;
const types = (option('--types') ?? (quick ? 'q8_0' : 'q8_0,f16')).split(',') as OutputType[];
const sequenceCounts = (option('--seqs') ?? (quick ? '1,4' : '1,2,4,8,16')).split(',').map(Number);
/** Sequence counts for the chunk stage (it generates up to 256 tokens per chunk). */
const chunkSequenceCounts = (option('--chunk-seqs') ?? (quick ? '4' : '4,16,32')).split(',').map(Number);
const docStageDocs = Number(option('--docs') ?? (quick ? 4 : 16));
const rawTokens = quick ? 256 : 512;
const rawGeneratedTokens = quick ? 16 : 32;

const dataDir = join(resolve(fileURLToPath(new URL('.', import.meta.url))), '.data');

function modelFile(type: OutputType): string {
  const path = join(dataDir, `prox-0.3b-shape.${type}.gguf`);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const started = performance.now();
    process.stdout.write(`generating ${path} (0.3B shape, ${type}) ... `);
    writeTinyLlamaGguf(path, { ...PROX_03B_SHAPE, type, seed: 1 });
    console.log(`${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return path;
}

const WORDS = 'the river house market school water city north report data light table story music garden energy people system country science history family winter coffee bridge'.split(' ');

/** Web-page-like documents: a menu line, a headline, body paragraphs, a footer (~450 prompt tokens, a typical web page). */
function corpus(n: number, seed: number): DocumentInput[] {
  const random = seededRandom(seed);
  const pick = (): string => WORDS[Math.floor(random() * WORDS.length)]!;
  const sentence = (words: number): string => Array.from({ length: words }, pick).join(' ') + '.';
  return Array.from({ length: n }, (_, i) => ({
    id: `bench-${seed}-${i}`,
    text: [
      'Home | News | Sport | Weather | Contact',
      `Headline ${i}: ${sentence(8)}`,
      ...Array.from({ length: 12 }, () => `${sentence(12)} ${sentence(10)}`),
      `Copyright 2024 Example ${i}. All rights reserved.`,
    ].join('\n'),
  }));
}

interface RawMeter {
  /** Tokens/s of one prompt evaluation on a fresh single-sequence context, no pipeline around it. */
  measure(): Promise<number>;
  /**
   * Tokens/s of plain greedy generation in `width` sequences at once (no grammar, no worker, no
   * prompts to build): the raw speed of generation steps that wide. On a CPU a step of a few
   * tokens costs several times more per token than a long prompt batch, so a stage that mostly
   * generates is compared with this, not with the prompt speed.
   */
  measureGeneration(width: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * The raw reference, loaded once in this process from the same file. It is measured right
 * before and right after every pipeline run, because on a shared machine the speed drifts.
 */
async function openRawMeter(path: string): Promise<RawMeter> {
  const runtime = await loadRuntime(gpu ? 'auto' : false);
  const model = await loadModel(runtime, path);
  const engine = await model.createEngine({ sequences: 1, contextSize: 2048, threads });
  const text = corpus(8, 99).map((d) => d.text).join('\n');
  const tokens = model.tokenizer.encode(text, false).slice(0, rawTokens);
  await engine.prefill(tokens.slice(0, 16)); // first touch of the weights
  const generationEngines = new Map<number, Awaited<ReturnType<typeof model.createEngine>>>();
  return {
    async measure() {
      const started = performance.now();
      await engine.prefill(tokens);
      return tokens.length / ((performance.now() - started) / 1000);
    },
    async measureGeneration(width) {
      let wide = generationEngines.get(width);
      if (!wide) {
        wide = await model.createEngine({ sequences: width, contextSize: 2048, threads });
        generationEngines.set(width, wide);
      }
      // The same short prompt everywhere: a second call finds it in whichever sequence it gets
      // and evaluates one token, so the timed part is the generation steps alone.
      const prompt = tokens.slice(0, 32);
      await Promise.all(Array.from({ length: width }, () => wide.generate(prompt, { maxTokens: 1 })));
      const started = performance.now();
      const runs = await Promise.all(Array.from({ length: width }, () => wide.generate(prompt, { maxTokens: rawGeneratedTokens })));
      const generated = runs.reduce((n, r) => n + r.tokens.length, 0);
      return generated / ((performance.now() - started) / 1000);
    },
    async close() {
      for (const wide of generationEngines.values()) await wide.dispose();
      await engine.dispose();
      await model.dispose();
    },
  };
}

interface PipelineResult {
  stage: Stage;
  mode: 'generate' | 'probability';
  sequences: number;
  docs: number;
  seconds: number;
  promptTokens: number;
  generatedTokens: number;
  promptTokensPerSecond: number;
  generatedTokensPerSecond: number;
  tokensPerSecond: number;
  docsPerSecond: number;
  failures: number;
  /** Raw prompt speed measured right before and after this run, and pipeline / their mean. */
  rawBefore: number;
  rawAfter: number;
  ratio: number;
  /** Raw generation speed at this width (chunk stage only), and the time the raw model would need for the same prompt and generated tokens / the pipeline's time. */
  rawGeneration?: number;
  sameWorkRatio?: number;
}

async function pipeline(raw: RawMeter, path: string, stage: Stage, sequences: number, docs: DocumentInput[], mode: 'generate' | 'probability' = 'generate'): Promise<PipelineResult> {
  const programmer = await createModelProgrammer({ stage, modelPath: path, sequences, gpu: gpu ? 'auto' : false, threads, mode });
  try {
    // Warm-up outside the timing: first-touch of the mmapped weights, grammar compilation.
    await programmer.writePrograms(stage, corpus(1, 7));
    const rawBefore = await raw.measure();
    let promptTokens = 0;
    let generatedTokens = 0;
    const started = performance.now();
    const results = await programmer.writePrograms(stage, docs, {
      onTokens: (delta) => {
        promptTokens += delta.promptTokens;
        generatedTokens += delta.generatedTokens;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const rawAfter = await raw.measure();
    const tokensPerSecond = (promptTokens + generatedTokens) / seconds;
    const rawGeneration = stage === 'chunk' ? await raw.measureGeneration(sequences) : undefined;
    const sameWorkRatio = rawGeneration === undefined ? undefined : (promptTokens / ((rawBefore + rawAfter) / 2) + generatedTokens / rawGeneration) / seconds;
    return {
      stage, mode, sequences, docs: docs.length, seconds, promptTokens, generatedTokens,
      promptTokensPerSecond: promptTokens / seconds,
      generatedTokensPerSecond: generatedTokens / seconds,
      tokensPerSecond,
      docsPerSecond: docs.length / seconds,
      failures: results.filter((r) => r.failure !== undefined).length,
      rawBefore,
      rawAfter,
      ratio: tokensPerSecond / ((rawBefore + rawAfter) / 2),
      rawGeneration,
      sameWorkRatio,
    };
  } finally {
    await programmer.dispose();
  }
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits).padStart(8);

function printRow(r: PipelineResult): void {
  console.log(
    `  ${r.stage.padEnd(5)} ${r.mode.padEnd(11)} seq ${String(r.sequences).padStart(2)}  docs ${String(r.docs).padStart(3)}  ` +
      `prompt ${fmt(r.promptTokensPerSecond)} tok/s  gen ${fmt(r.generatedTokensPerSecond)} tok/s  all ${fmt(r.tokensPerSecond)} tok/s  ` +
      `${fmt(r.docsPerSecond, 3)} docs/s  raw ${fmt(r.rawBefore)}/${fmt(r.rawAfter).trim()} tok/s  ratio ${r.ratio.toFixed(2)}${r.sameWorkRatio === undefined ? '' : `  raw gen ${r.rawGeneration!.toFixed(1)} tok/s  same-work ratio ${r.sameWorkRatio.toFixed(2)}`}${r.failures ? `  FAILURES ${r.failures}` : ''}`,
  );
}

const runtime = await loadRuntime(gpu ? 'auto' : false);
console.log(`model bench: backend ${runtime.info.backend}${runtime.info.device ? ` (${runtime.info.device})` : ''}, threads ${threads ?? `default (${runtime.info.cpuThreads})`}, ${quick ? 'quick' : 'full'}`);
if (runtime.info.note) console.log(`  ${runtime.info.note}`);

const summary: Record<string, unknown>[] = [];
let best: { type: OutputType; result: PipelineResult; chunk: PipelineResult } | null = null;

for (const type of types) {
  const path = modelFile(type);
  const raw = await openRawMeter(path);
  console.log(`${type}: ${path}`);
  const results: PipelineResult[] = [];
  const run = async (stage: Stage, sequences: number, docs: DocumentInput[], mode: 'generate' | 'probability' = 'generate'): Promise<void> => {
    const r = await pipeline(raw, path, stage, sequences, docs, mode);
    results.push(r);
    printRow(r);
  };
  const docDocs = corpus(docStageDocs, 1);
  for (const sequences of sequenceCounts) await run('doc', sequences, docDocs);
  const fastest = Math.max(...sequenceCounts);
  await run('doc', fastest, docDocs, 'probability');
  // The chunk stage generates up to 256 tokens per chunk; one ~450-token document is one chunk,
  // and twice as many documents as sequences show the queue refilling freed sequences.
  for (const sequences of chunkSequenceCounts) await run('chunk', sequences, corpus(2 * sequences, 2));
  await raw.close();
  // Best configuration: the greedy doc-stage run closest to the raw speed measured around it.
  const top = results.filter((r) => r.stage === 'doc' && r.mode === 'generate').reduce((a, b) => (b.ratio > a.ratio ? b : a));
  console.log(`${type}: best doc-stage pipeline: ${top.sequences} sequences, ${top.tokensPerSecond.toFixed(1)} tok/s = ${top.ratio.toFixed(2)} x raw (target >= 0.85)`);
  const chunkTop = results.filter((r) => r.stage === 'chunk').reduce((a, b) => (b.ratio > a.ratio ? b : a));
  console.log(
    `${type}: best chunk-stage pipeline: ${chunkTop.sequences} sequences, ${chunkTop.tokensPerSecond.toFixed(1)} tok/s = ${chunkTop.ratio.toFixed(2)} x raw prompt speed, ` +
      `${chunkTop.sameWorkRatio!.toFixed(2)} x the raw model doing the same prompt and generation work`,
  );
  if (!best || top.ratio > best.result.ratio) best = { type, result: top, chunk: chunkTop };
  summary.push({ type, runs: results });
}

if (best) {
  const r = best.result;
  console.log(
    JSON.stringify({
      bench: 'model',
      quick,
      backend: runtime.info.backend,
      threads: threads ?? runtime.info.cpuThreads,
      best_type: best.type,
      best_sequences: r.sequences,
      pipeline_tokens_per_s: Number(r.tokensPerSecond.toFixed(2)),
      pipeline_docs_per_s: Number(r.docsPerSecond.toFixed(4)),
      raw_tokens_per_s: Number(((r.rawBefore + r.rawAfter) / 2).toFixed(2)),
      ratio: Number(r.ratio.toFixed(3)),
      chunk_sequences: best.chunk.sequences,
      chunk_tokens_per_s: Number(best.chunk.tokensPerSecond.toFixed(2)),
      chunk_ratio: Number(best.chunk.ratio.toFixed(3)),
      chunk_raw_generation_tokens_per_s: Number(best.chunk.rawGeneration!.toFixed(2)),
      chunk_same_work_ratio: Number(best.chunk.sameWorkRatio!.toFixed(3)),
      types: summary,
    }),
  );
}
