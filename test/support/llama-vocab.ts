/**
 * Test access to the real Llama-2 SentencePiece vocabulary (the vocabulary of every released
 * ProX refining model), through node-llama-cpp, without any model weights.
 *
 * node-llama-cpp ships llama.cpp's source as a git bundle, and llama.cpp keeps a vocab-only
 * GGUF of the Llama SPM tokenizer for its own tokenizer tests (models/ggml-vocab-llama-spm.gguf).
 * We extract that file once into test/.generated and load it with `vocabOnly: true`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tokenizer } from '../../main/prox/tokens';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Shared fixtures live beside the repository, never inside it (licensed test data). */
export const FIXTURES_DIR = resolve(REPO_ROOT, '../shared/fixtures');
const BUNDLE = join(REPO_ROOT, 'node_modules/node-llama-cpp/llama/gitRelease.bundle');
const VOCAB_PATH_IN_BUNDLE = 'models/ggml-vocab-llama-spm.gguf';
const GENERATED_VOCAB = join(REPO_ROOT, 'test/.generated/ggml-vocab-llama-spm.gguf');

/** Path of the vocab-only GGUF, extracted on first use; undefined (with the reason) when it cannot be had. */
export function llamaSpmVocabPath(): { path?: string; reason?: string } {
  if (existsSync(GENERATED_VOCAB)) return { path: GENERATED_VOCAB };
  if (!existsSync(BUNDLE)) return { reason: `node-llama-cpp's llama.cpp bundle is missing (${BUNDLE})` };
  // The scratch clone lives under the git-ignored test/.generated, even if a run is killed mid-way.
  mkdirSync(dirname(GENERATED_VOCAB), { recursive: true });
  const work = mkdtempSync(join(dirname(GENERATED_VOCAB), 'vocab-extract-'));
  try {
    const clone = join(work, 'llama.cpp');
    execFileSync('git', ['clone', '-q', '--no-checkout', BUNDLE, clone], { stdio: 'ignore' });
    const bytes = execFileSync('git', ['--git-dir', join(clone, '.git'), 'show', `HEAD:${VOCAB_PATH_IN_BUNDLE}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
    // Write then rename: parallel test workers may extract at the same time.
    const partial = `${GENERATED_VOCAB}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, GENERATED_VOCAB);
    return { path: GENERATED_VOCAB };
  } catch (error) {
    return { reason: `could not extract ${VOCAB_PATH_IN_BUNDLE} from ${BUNDLE}: ${String(error)}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

let cached: Promise<Tokenizer | string> | undefined;

/**
 * The Llama-2 SPM tokenizer as a `Tokenizer`, or a string saying why it is unavailable
 * (tests skip with that message). llama.cpp tokenizes "legacy" style: a space is prefixed
 * to the text, as reference section 2.5 describes.
 */
export function loadLlamaSpmTokenizer(): Promise<Tokenizer | string> {
  cached ??= (async () => {
    const { path, reason } = llamaSpmVocabPath();
    if (path === undefined) return reason ?? 'vocab unavailable';
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath: path, vocabOnly: true });
    type Token = Parameters<typeof model.detokenize>[0][number];
    const bos = model.tokens.bos;
    const eos = model.tokens.eos;
    if (bos === null || eos === null) return 'the vocab GGUF has no BOS/EOS token';
    const tokenizer: Tokenizer = {
      bos,
      eos,
      tokenize: (text, options) => Array.from(model.tokenize(text, options?.special ?? false)),
      detokenize: (tokens) => model.detokenize(tokens as readonly Token[]),
      count: (text) => model.tokenize(text, false).length,
    };
    return tokenizer;
  })();
  return cached;
}
