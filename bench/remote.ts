/**
 * The remote programmer's throughput against the server's own: the doc stage written through
 * the pipeline (local prompt building and tokenizer, endpoint pool, stage runner, parsing)
 * against a bare client that sends the very same requests (prompt token ids, grammar, token
 * cap) to the same llama-server, at 1-16 requests in flight. Both count prompt + generated
 * tokens per wall-clock second; the target is pipeline >= 0.9 x raw at every concurrency.
 *
 * The server is `refinery llama-server`'s build (built first if the cache has none) serving a
 * synthetic GGUF of the ProX 0.3B shape (bench/.data), with 16 slots.
 *
 * Usage: npm run bench:remote [-- --quick] [--levels 1,2,4,8,16] [--docs-per-slot N] [--threads N]
 * --quick: levels 1, 4 and 16, fewer documents. Last line: one JSON object with the figures.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../test/support/synthetic-llama';
import { ensureLlamaServer } from '../main/llama-server/build';
import { startLlamaServer } from '../main/llama-server/process';
import { MAX_NEW_TOKENS } from '../main/models/stage-runner';
import { CONTEXT_SIZE } from '../main/models/memory-plan';
import { docGrammar } from '../main/prox/grammar';
import { buildPromptTokens } from '../main/prox/prompts';
import type { DocumentInput } from '../main/prox/programmer';
import { parseEndpointRef } from '../main/remote/endpoint';
import { loadLocalTokenizer } from '../main/remote/local-tokenizer';
import { createRemoteProgrammer } from '../main/remote/remote-programmer';
import { PROX_03B_SHAPE, writeTinyLlamaGguf } from '../test/support/tiny-model';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const levels = (option('--levels') ?? (quick ? '1,4,16' : '1,2,4,8,16')).split(',').map(Number);
const docsPerSlot = Number(option('--docs-per-slot') ?? (quick ? 2 : 3));
const threads = option('--threads') === undefined ? undefined : Number(option('--threads'));
const dataDir = join(resolve(fileURLToPath(new URL('.', import.meta.url))), '.data');

const WORDS = 'the river house market school water city north report data light table story music garden energy people system country science history family winter coffee bridge'.split(' ');

/** Web-page-like documents of ~450 prompt tokens (as bench:model). */
function corpus(n: number, seed: number): DocumentInput[] {
  const random = seededRandom(seed);
  const pick = (): string => WORDS[Math.floor(random() * WORDS.length)]!;
  const sentence = (words: number): string => Array.from({ length: words }, pick).join(' ') + '.';
  return Array.from({ length: n }, (_, i) => ({
    id: `bench-${seed}-${i}`,
    text: ['Home | News | Sport | Weather | Contact', `Headline ${i}: ${sentence(8)}`, ...Array.from({ length: 12 }, () => `${sentence(12)} ${sentence(10)}`), `Copyright 2024 Example ${i}.`].join('\n'),
  }));
}

function modelFile(): string {
  const path = join(dataDir, 'prox-0.3b-shape.q8_0.gguf');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    console.log(`generating ${path} (0.3B shape, q8_0) ...`);
    writeTinyLlamaGguf(path, { ...PROX_03B_SHAPE, type: 'q8_0', seed: 1 });
  }
  return path;
}

async function main(): Promise<void> {
  const binary = await ensureLlamaServer({ onProgress: (p) => p.phase === 'compiling' && p.done % 20 === 0 && console.log(`building llama-server ${p.done}/${p.total}`) });
  const model = modelFile();
  const slots = Math.max(...levels);
  const server = await startLlamaServer({ binary: binary.path, model, parallel: slots, threads });
  console.log(`llama-server ${binary.backend} at ${server.url}, ${slots} slots, model ${model}; load average before: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const { tokenizer, dispose } = await loadLocalTokenizer();
  const grammar = docGrammar();
  const rows: Array<{ concurrency: number; rawTokensPerSecond: number; pipelineTokensPerSecond: number; ratio: number }> = [];
  try {
    // Warm-up: first requests allocate server buffers.
    await rawRun(server.url, corpus(2, 99).map((d) => buildPromptTokens('doc', d.text, tokenizer, { contextSize: CONTEXT_SIZE }).tokens), 2, grammar);
    for (const concurrency of levels) {
      // Each side gets documents of its own (same shape, other seed): llama-server keeps every
      // slot's last prompt, so documents the raw client had just sent would come back from the
      // server's prompt cache and flatter the pipeline many times over.
      const count = Math.max(4, concurrency * docsPerSlot);
      const prompts = corpus(count, 1000 + concurrency).map((d) => buildPromptTokens('doc', d.text, tokenizer, { contextSize: CONTEXT_SIZE }).tokens);
      const raw = await rawRun(server.url, prompts, concurrency, grammar);
      const docs = corpus(count, concurrency);

      const programmer = await createRemoteProgrammer({ stage: 'doc', endpoints: [parseEndpointRef(`${server.url}/v1@${concurrency}`)] });
      const started = performance.now();
      const programs = await programmer.writePrograms('doc', docs);
      const seconds = (performance.now() - started) / 1000;
      await programmer.dispose();
      const failures = programs.filter((p) => p.failure).length;
      if (failures > 0) throw new Error(`${failures} documents failed: ${programs.find((p) => p.failure)!.failure}`);
      const tokens = programs.reduce((sum, p) => sum + p.promptTokens + p.generatedTokens, 0);
      const pipeline = tokens / seconds;
      const row = { concurrency, rawTokensPerSecond: round(raw.tokens / raw.seconds), pipelineTokensPerSecond: round(pipeline), ratio: Number((pipeline / (raw.tokens / raw.seconds)).toFixed(3)) };
      rows.push(row);
      console.log(`concurrency ${String(concurrency).padStart(2)}: raw ${row.rawTokensPerSecond} tok/s, pipeline ${row.pipelineTokensPerSecond} tok/s = ${row.ratio} x raw  (${docs.length} docs; load ${loadavg()[0]!.toFixed(1)})`);
    }
  } finally {
    await dispose();
    await server.stop();
  }
  const worst = Math.min(...rows.map((r) => r.ratio));
  console.log(`worst ratio ${worst} (target >= 0.9: ${worst >= 0.9 ? 'met' : 'missed'})`);
  console.log(JSON.stringify({ bench: 'remote', quick, backend: binary.backend, model: 'prox-0.3b-shape.q8_0', slots, levels: rows, worstRatio: worst, loadAverage: loadavg()[0] }));
}

/** The same requests the pipeline makes, from a bare client: prompt ids, grammar, the doc stage's token cap. */
async function rawRun(url: string, prompts: number[][], concurrency: number, grammar: string): Promise<{ tokens: number; seconds: number }> {
  let cursor = 0;
  let tokens = 0;
  const started = performance.now();
  const lane = async () => {
    while (cursor < prompts.length) {
      const prompt = prompts[cursor++]!;
      const response = await fetch(`${url}/completion`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt, n_predict: Math.min(MAX_NEW_TOKENS.doc, CONTEXT_SIZE - prompt.length), temperature: 0, grammar, cache_prompt: true, return_tokens: true }),
      });
      const answer = (await response.json()) as { tokens_predicted: number };
      tokens += prompt.length + answer.tokens_predicted;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { tokens, seconds: (performance.now() - started) / 1000 };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

await main();
