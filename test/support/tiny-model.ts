/**
 * Tiny llama GGUF models with random weights for tests and benchmarks. Deterministic: the
 * same options give the same bytes. The 'llama2' vocabulary is llama.cpp's vocab-only
 * Llama-2 SentencePiece GGUF, which ships inside node-llama-cpp's source bundle (a product
 * dependency), so tests need no fixtures for it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGguf } from '../../native/gguf';
import { vocabularyFromGguf } from '../../main/convert/gguf-vocabulary';
import type { LlamaHyperparameters, OutputType } from '../../main/convert/llama-gguf';
import { writeRandomLlamaGguf } from './synthetic-llama';
import { tinyVocabulary } from './tiny-vocabulary';
import type { Vocabulary } from '../../main/convert/vocabulary';

export { writeRandomLlamaGguf } from './synthetic-llama';
export { tinyVocabulary } from './tiny-vocabulary';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const GENERATED_DIR = join(REPO_ROOT, 'test/.generated');

export interface TinyLlamaOptions {
  layers?: number;
  hidden?: number;
  heads?: number;
  kvHeads?: number;
  ffn?: number;
  context?: number;
  vocab?: 'tiny' | 'llama2';
  seed?: number;
  type?: OutputType;
}

/** The ProX 0.3B refining-model shape (layers 24, hidden 1280, 16 heads, 1 KV head, FFN 2048). */
export const PROX_03B_SHAPE: Required<Omit<TinyLlamaOptions, 'seed' | 'type'>> = {
  layers: 24, hidden: 1280, heads: 16, kvHeads: 1, ffn: 2048, context: 2048, vocab: 'llama2',
};

const LLAMA_SPM_VOCAB_IN_BUNDLE = 'models/ggml-vocab-llama-spm.gguf';

/**
 * Path of llama.cpp's vocab-only Llama-2 GGUF, extracted once from node-llama-cpp's git bundle
 * into test/.generated (written to a temp name and renamed, so parallel workers are safe).
 */
export function llamaSpmVocabGgufPath(): string {
  const out = join(GENERATED_DIR, 'ggml-vocab-llama-spm.gguf');
  if (existsSync(out)) return out;
  const bundle = join(REPO_ROOT, 'node_modules/node-llama-cpp/llama/gitRelease.bundle');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm ci so node-llama-cpp ships its llama.cpp source bundle`);
  mkdirSync(GENERATED_DIR, { recursive: true });
  const gitDir = mkdtempSync(join(GENERATED_DIR, 'bundle-'));
  try {
    execFileSync('git', ['init', '-q', '--bare', gitDir]);
    execFileSync('git', ['--git-dir', gitDir, 'fetch', '-q', bundle, 'HEAD']);
    const bytes = execFileSync('git', ['--git-dir', gitDir, 'cat-file', 'blob', `FETCH_HEAD:${LLAMA_SPM_VOCAB_IN_BUNDLE}`], { maxBuffer: 64 << 20 });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, out);
  } finally {
    rmSync(gitDir, { recursive: true, force: true });
  }
  return out;
}

let llama2Cache: Vocabulary | undefined;
export function llama2Vocabulary(): Vocabulary {
  llama2Cache ??= vocabularyFromGguf(readGguf(llamaSpmVocabGgufPath()));
  return llama2Cache;
}

export function tinyLlamaHyperparameters(options: TinyLlamaOptions = {}, vocabSize: number): LlamaHyperparameters {
  return {
    layers: options.layers ?? 2,
    hidden: options.hidden ?? 64,
    heads: options.heads ?? 4,
    kvHeads: options.kvHeads ?? 2,
    ffn: options.ffn ?? 128,
    context: options.context ?? 256,
    vocabSize,
    rmsEps: 1e-5,
    ropeTheta: 10000,
  };
}

/** Writes a random-weight llama GGUF (default: 2 layers, hidden 64, 4 heads, 2 KV heads, tiny vocab, f32). */
export function writeTinyLlamaGguf(path: string, options: TinyLlamaOptions = {}): void {
  const vocabulary = options.vocab === 'llama2' ? llama2Vocabulary() : tinyVocabulary();
  mkdirSync(dirname(path), { recursive: true });
  writeRandomLlamaGguf(path, {
    hyperparameters: tinyLlamaHyperparameters(options, vocabulary.tokens.length),
    vocabulary,
    seed: options.seed ?? 1,
    outType: options.type ?? 'f32',
    name: 'refinery-tiny-llama',
  });
}
