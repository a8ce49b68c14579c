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
 * The defaults a user gets are measured first: llama.cpp threads and sequences per stage as the
 * app and the CLI choose them (native/llama/threads.ts, main/models/memory-plan.ts). Other
 * sequence counts, and `--threads N`, run beside them, each against a raw reference with the
 * same threads; the JSON line's top-level figures are the defaults'.
 *
 * Usage: npm run bench:model [-- --quick] [--gpu] [--threads N] [--types q8_0,f16] [--seqs 1,2,4,8,16]
 *        [--chunk-seqs 8,16] [--docs N] [--prepare]
 * --quick: Q8_0 only, doc stage at the default and 1 sequence (GPU: the default and 64), chunk
 *   stage at the default, fewer documents (about 2 minutes on 2 CPU cores).
 * The chunk stage is also compared with the raw model doing the same work (its prompt tokens at
 * the raw prompt speed + its generated tokens at the raw generation speed of steps as wide).
 * --gpu: let node-llama-cpp pick a GPU build (CUDA/Vulkan/Metal); default is the CPU.
 * --prepare: only write the model files the other flags would use (bench/.data), then exit.
 * --threads N: also run everything with N llama.cpp threads, beside the default.
 * Last line: one JSON object with the figures.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import type { OutputType } from '../main/convert/llama-gguf';
import { seededRandom } from '../test/support/synthetic-llama';
import { createModelProgrammer } from '../main/models/model-programmer';
import { DEFAULT_SEQUENCES } from '../main/models/memory-plan';
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
const numbers = (text: string): number[] => text.split(',').map(Number);
const quick = flag('--quick');
const gpu = flag('--gpu');
const tunedThreads = option('--threads') ? Number(option('--threads')) : undefined;
const types = (option('--types') ?? (quick ? 'q8_0' : 'q8_0,f16')).split(',') as OutputType[];
const defaults = DEFAULT_SEQUENCES[gpu ? 'gpu' : 'cpu'];
/** Doc-stage sequence counts: the default first, the others beside it. */
const sequenceCounts = unique([defaults.doc, ...numbers(option('--seqs') ?? (gpu ? (quick ? '64' : '8,64') : quick ? '1' : '1,2,8,16'))]);
/** Chunk-stage sequence counts (it generates up to 256 tokens per chunk), the default first. */
const chunkSequenceCounts = unique([defaults.chunk, ...numbers(option('--chunk-seqs') ?? (quick ? '' : gpu ? '64' : '16,32'))]);
/** Enough documents that every sequence count is filled several times over. */
const docStageDocs = Number(option('--docs') ?? (gpu ? 8 * Math.max(...sequenceCounts) : quick ? 8 : 16));
/** Raw reference: one long prompt on a CPU; on a GPU, sequences x tokens in 2,048-token batches (a GPU needs wide batches). */
const raw = gpu ? { sequences: 16, tokens: 1024, batchSize: 2048 } : { sequences: 1, tokens: quick ? 256 : 512, batchSize: 512 };
const rawGeneratedTokens = quick ? 16 : 32;

function unique(values: number[]): number[] {
  return [...new Set(values.filter((v) => Number.isInteger(v) && v > 0))];
}

const dataDir = join(resolve(fileURLToPath(new URL('.', import.meta.url))), '.data');

function modelFile(type: OutputType): string {
  const path = join(dataDir, `prox-0.3b-shape.${type}.gguf`);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const started = performance.now();
    process.stdout.write(`generating ${path} (0.3B shape, ${type}) ... `);
    // Under a temporary name, so that a run stopped while writing leaves no truncated model behind.
    const partial = `${path}.partial`;
    writeTinyLlamaGguf(partial, { ...PROX_03B_SHAPE, type, seed: 1 });
    renameSync(partial, path);
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
  readonly threads: number;
  /** Prompt tokens/s of plain prefills on fresh sequences (CPU: one long prompt; GPU: many at once), no pipeline around them. */
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
 * The raw reference, loaded once in this process from the same file with the same threads as
 * the pipeline. It is measured right before and right after every pipeline run, because on a
 * shared machine the speed drifts.
 */
async function openRawMeter(path: string, threads: number | undefined): Promise<RawMeter> {
  const runtime = await loadRuntime(gpu ? 'auto' : false);
  const model = await loadModel(runtime, path);
  const engine = await model.createEngine({ sequences: raw.sequences, contextSize: 2048, batchSize: raw.batchSize, threads });
  const text = corpus(6 * raw.sequences, 99).map((d) => d.text).join('\n');
  const all = model.tokenizer.encode(text, false);
  const prompts = Array.from({ length: raw.sequences }, (_, i) => all.slice(i * raw.tokens, (i + 1) * raw.tokens));
  if (prompts.some((p) => p.length < raw.tokens)) throw new Error('raw reference: the generated text is too short');
  await engine.prefill(prompts[0]!.slice(0, 16)); // first touch of the weights
  const generationEngines = new Map<number, Awaited<ReturnType<typeof model.createEngine>>>();
  return {
    threads: engine.info.threads,
    async measure() {
      const started = performance.now();
      await Promise.all(prompts.map((p) => engine.prefill(p)));
      return (raw.sequences * raw.tokens) / ((performance.now() - started) / 1000);
    },
    async measureGeneration(width) {
      let wide = generationEngines.get(width);
      if (!wide) {
        wide = await model.createEngine({ sequences: width, contextSize: 2048, threads });
        generationEngines.set(width, wide);
      }
      // The same short prompt everywhere: a second call finds it in whichever sequence it gets
      // and evaluates one token, so the timed part is the generation steps alone.
      const prompt = prompts[0]!.slice(0, 32);
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
  /** Whether threads and sequences are the defaults a user gets. */
  isDefault: boolean;
  threads: number;
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
  /** 1-minute load average when the run ended (other processes depress wall-clock figures). */
  load: number;
}

interface PipelineRun {
  stage: Stage;
  /** undefined: the default for the stage (chosen by the programmer as in the app). */
  sequences: number | undefined;
  threads: number | undefined;
  docs: DocumentInput[];
  mode?: 'generate' | 'probability';
}

async function pipeline(meter: RawMeter, path: string, run: PipelineRun): Promise<PipelineResult> {
  const { stage, docs } = run;
  const mode = run.mode ?? 'generate';
  const programmer = await createModelProgrammer({ stage, modelPath: path, sequences: run.sequences, gpu: gpu ? 'auto' : false, threads: run.threads, mode });
  try {
    // Warm-up outside the timing: first-touch of the mmapped weights, grammar compilation.
    await programmer.writePrograms(stage, corpus(1, 7));
    const { engine } = programmer.runtime();
    const rawBefore = await meter.measure();
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
    const rawAfter = await meter.measure();
    const tokensPerSecond = (promptTokens + generatedTokens) / seconds;
    const rawGeneration = stage === 'chunk' ? await meter.measureGeneration(engine.sequences) : undefined;
    const sameWorkRatio = rawGeneration === undefined ? undefined : (promptTokens / ((rawBefore + rawAfter) / 2) + generatedTokens / rawGeneration) / seconds;
    return {
      stage, mode,
      isDefault: run.sequences === undefined && run.threads === undefined,
      threads: engine.threads,
      sequences: engine.sequences,
      docs: docs.length, seconds, promptTokens, generatedTokens,
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
      load: loadavg()[0]!,
    };
  } finally {
    await programmer.dispose();
  }
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits).padStart(8);

function printRow(r: PipelineResult): void {
  console.log(
    `  ${r.isDefault ? '*' : ' '} ${r.stage.padEnd(5)} ${r.mode.padEnd(11)} thr ${String(r.threads).padStart(2)} seq ${String(r.sequences).padStart(2)}  docs ${String(r.docs).padStart(3)}  ` +
      `prompt ${fmt(r.promptTokensPerSecond)} tok/s  gen ${fmt(r.generatedTokensPerSecond)} tok/s  all ${fmt(r.tokensPerSecond)} tok/s  ` +
      `${fmt(r.docsPerSecond, 3)} docs/s  raw ${fmt(r.rawBefore)}/${fmt(r.rawAfter).trim()} tok/s  ratio ${r.ratio.toFixed(2)}${r.sameWorkRatio === undefined ? '' : `  raw gen ${r.rawGeneration!.toFixed(1)} tok/s  same-work ratio ${r.sameWorkRatio.toFixed(2)}`}  load ${r.load.toFixed(1)}${r.failures ? `  FAILURES ${r.failures}` : ''}`,
  );
}

if (flag('--prepare')) {
  // Only write the model files (the GPU kit does this while llama.cpp builds).
  for (const type of types) console.log(`${type}: ${modelFile(type)}`);
  process.exit(0);
}

const benchStarted = performance.now();
const runtime = await loadRuntime(gpu ? 'auto' : false);
console.log(
  `model bench: backend ${runtime.info.backend}${runtime.info.device ? ` (${runtime.info.device})` : ''}, ${quick ? 'quick' : 'full'}; ` +
    `default llama.cpp threads ${runtime.info.defaultThreads} (one per core less one, ${runtime.info.mathCores} cores)${tunedThreads ? `, beside it ${tunedThreads}` : ''}; ` +
    `default sequences doc ${defaults.doc}, chunk ${defaults.chunk}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
);
if (runtime.info.note) console.log(`  ${runtime.info.note}`);
console.log('  * = the defaults a user gets');

interface TypeSummary {
  type: OutputType;
  runs: PipelineResult[];
}
const summary: TypeSummary[] = [];
const threadSettings: Array<number | undefined> = [undefined, ...(tunedThreads !== undefined ? [tunedThreads] : [])];

for (const type of types) {
  const path = modelFile(type);
  console.log(`${type}: ${path}`);
  const results: PipelineResult[] = [];
  for (const threads of threadSettings) {
    const meter = await openRawMeter(path, threads);
    const run = async (r: PipelineRun): Promise<void> => {
      const result = await pipeline(meter, path, r);
      results.push(result);
      printRow(result);
    };
    const asked = (n: number, defaultCount: number): number | undefined => (n === defaultCount ? undefined : n);
    const docDocs = corpus(docStageDocs, 1);
    for (const n of sequenceCounts) await run({ stage: 'doc', sequences: asked(n, defaults.doc), threads, docs: docDocs });
    await run({ stage: 'doc', sequences: undefined, threads, docs: docDocs, mode: 'probability' });
    // The chunk stage generates up to 256 tokens per chunk; one ~450-token document is one chunk,
    // and twice as many documents as sequences show the queue refilling freed sequences.
    for (const n of chunkSequenceCounts) await run({ stage: 'chunk', sequences: asked(n, defaults.chunk), threads, docs: corpus(2 * n, 2) });
    await meter.close();
  }
  summary.push({ type, runs: results });
  const docDefault = results.find((r) => r.stage === 'doc' && r.mode === 'generate' && r.isDefault)!;
  const chunkDefault = results.find((r) => r.stage === 'chunk' && r.isDefault)!;
  console.log(`${type}: doc stage with the defaults (${docDefault.threads} threads, ${docDefault.sequences} sequences): ${docDefault.tokensPerSecond.toFixed(1)} tok/s = ${docDefault.ratio.toFixed(2)} x raw (target >= 0.85)`);
  console.log(
    `${type}: chunk stage with the defaults (${chunkDefault.threads} threads, ${chunkDefault.sequences} sequences): ${chunkDefault.tokensPerSecond.toFixed(1)} tok/s = ${chunkDefault.ratio.toFixed(2)} x raw prompt speed, ` +
      `${chunkDefault.sameWorkRatio!.toFixed(2)} x the raw model doing the same prompt and generation work (target >= 0.80)`,
  );
  const best = results.filter((r) => r.stage === 'doc' && r.mode === 'generate').reduce((a, b) => (b.tokensPerSecond > a.tokensPerSecond ? b : a));
  if (best !== docDefault) console.log(`${type}: fastest doc stage: ${best.threads} threads, ${best.sequences} sequences, ${best.tokensPerSecond.toFixed(1)} tok/s = ${best.ratio.toFixed(2)} x raw`);
}

const round = (n: number | undefined, digits = 3): number | null => (n === undefined ? null : Number(n.toFixed(digits)));
const headline = summary[0]!;
const docDefault = headline.runs.find((r) => r.stage === 'doc' && r.mode === 'generate' && r.isDefault)!;
const chunkDefault = headline.runs.find((r) => r.stage === 'chunk' && r.isDefault)!;
const fastestDoc = headline.runs.filter((r) => r.stage === 'doc' && r.mode === 'generate').reduce((a, b) => (b.tokensPerSecond > a.tokensPerSecond ? b : a));
console.log(
  JSON.stringify({
    bench: 'model',
    quick,
    backend: runtime.info.backend,
    device: runtime.info.device,
    type: headline.type,
    threads: docDefault.threads,
    math_cores: runtime.info.mathCores,
    load_average: loadavg().map((l) => Number(l.toFixed(2))),
    seconds: round((performance.now() - benchStarted) / 1000, 1),
    doc_sequences: docDefault.sequences,
    doc_tokens_per_s: round(docDefault.tokensPerSecond, 2),
    doc_prompt_tokens_per_s: round(docDefault.promptTokensPerSecond, 2),
    doc_docs_per_s: round(docDefault.docsPerSecond, 4),
    raw_tokens_per_s: round((docDefault.rawBefore + docDefault.rawAfter) / 2, 2),
    doc_ratio: round(docDefault.ratio),
    chunk_sequences: chunkDefault.sequences,
    chunk_tokens_per_s: round(chunkDefault.tokensPerSecond, 2),
    chunk_ratio: round(chunkDefault.ratio),
    chunk_raw_generation_tokens_per_s: round(chunkDefault.rawGeneration, 2),
    chunk_same_work_ratio: round(chunkDefault.sameWorkRatio),
    fastest_doc: { threads: fastestDoc.threads, sequences: fastestDoc.sequences, tokens_per_s: round(fastestDoc.tokensPerSecond, 2), prompt_tokens_per_s: round(fastestDoc.promptTokensPerSecond, 2), ratio: round(fastestDoc.ratio) },
    types: summary,
  }),
);
