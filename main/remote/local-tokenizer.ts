/**
 * The tokenizer a remote programmer builds prompts with, in this process: prompt building and
 * chunking count tokens many times per document, far too often for a round trip each. By
 * default it is the Llama-2 SentencePiece vocabulary of every released ProX model, taken from
 * the llama.cpp source node-llama-cpp ships (a vocab-only GGUF llama.cpp keeps for its own
 * tests) and cached; a GGUF path gives another. The server's own /tokenize then confirms that
 * both agree (remote-programmer.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tokenizer } from '../prox/tokens';
import { bundledLlamaSource, LlamaServerBuildError } from '../llama-server/build';
import { refineryCacheDir } from '../llama-server/cache-dir';
import { proxTokenizer } from '../models/tokenizer';

const VOCAB_IN_BUNDLE = 'models/ggml-vocab-llama-spm.gguf';

export interface LocalTokenizer {
  readonly tokenizer: Tokenizer;
  /** What it was loaded from, for messages. */
  readonly source: string;
  dispose(): Promise<void>;
}

/** The Llama-2 SPM vocab GGUF from node-llama-cpp's llama.cpp bundle, extracted once into the cache. */
export function llamaSpmVocabPath(cacheDir = refineryCacheDir()): string {
  const { bundle, commit } = bundledLlamaSource();
  const out = join(cacheDir, 'tokenizers', `ggml-vocab-llama-spm-${commit.slice(0, 12)}.gguf`);
  if (existsSync(out)) return out;
  mkdirSync(dirname(out), { recursive: true });
  const gitDir = mkdtempSync(join(dirname(out), 'extract-'));
  try {
    execFileSync('git', ['init', '-q', '--bare', gitDir], { stdio: 'ignore' });
    execFileSync('git', ['--git-dir', gitDir, 'fetch', '-q', bundle, 'HEAD'], { stdio: 'ignore' });
    const bytes = execFileSync('git', ['--git-dir', gitDir, 'cat-file', 'blob', `FETCH_HEAD:${VOCAB_IN_BUNDLE}`], { maxBuffer: 64 << 20 });
    const partial = `${out}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, out); // parallel processes may extract at once; the rename is atomic
    return out;
  } catch (err) {
    throw new LlamaServerBuildError(`could not extract the Llama-2 vocabulary (${VOCAB_IN_BUNDLE}) from ${bundle}: ${err instanceof Error ? err.message : String(err)}; is git installed?`);
  } finally {
    rmSync(gitDir, { recursive: true, force: true });
  }
}

export async function loadLocalTokenizer(path?: string): Promise<LocalTokenizer> {
  const file = path ?? llamaSpmVocabPath();
  if (!existsSync(file)) throw new Error(`tokenizer ${file}: no such file (give the GGUF the server runs, or leave it out for the Llama-2 vocabulary of the ProX models)`);
  const [{ loadRuntime }, { loadVocabulary }] = await Promise.all([import('../../native/llama/runtime'), import('../../native/llama/model')]);
  const runtime = await loadRuntime(false);
  const vocab = await loadVocabulary(runtime, file);
  return { tokenizer: proxTokenizer(vocab.tokenizer, file), source: path ?? 'the Llama-2 vocabulary (ProX models)', dispose: () => vocab.dispose() };
}
