/**
 * The tokenizer `refinery prompt` builds ProX prompts with, from a model's GGUF or a checkpoint's
 * tokenizer.model. A tokenizer.model takes its settings (legacy, add_bos_token) from the
 * tokenizer_config.json beside it, as conversion does, and is loaded into llama.cpp as a
 * vocab-only GGUF written to a temporary folder, so its tokens are exactly those of the
 * converted model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GgufWriter } from '../../native/gguf';
import { readSentencePieceFile } from '../convert/hf-tokenizer';
import { writeLlamaMetadata } from '../convert/llama-gguf';
import type { Tokenizer } from '../prox/tokens';
import { proxTokenizer } from './tokenizer';

export interface PromptTokenizer {
  readonly tokenizer: Tokenizer;
  dispose(): Promise<void>;
}

/** Writes `path`'s vocabulary as a vocab-only llama GGUF (no tensors) into `out`. */
function writeVocabOnlyGguf(path: string, out: string): void {
  const vocab = readSentencePieceFile(path);
  const writer = new GgufWriter(out);
  // The hyperparameters only have to be well-formed: a vocab-only load reads no weights.
  writeLlamaMetadata(writer, { layers: 1, hidden: 64, heads: 1, kvHeads: 1, ffn: 64, context: 2048, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 }, vocab, { name: 'vocab-only', outType: 'f32' });
  writer.begin();
  writer.finish();
}

export async function loadPromptTokenizer(path: string): Promise<PromptTokenizer> {
  const [{ loadRuntime }, { loadVocabulary }] = await Promise.all([import('../../native/llama/runtime'), import('../../native/llama/model')]);
  let gguf = path;
  let temp: string | undefined;
  if (!path.toLowerCase().endsWith('.gguf')) {
    temp = mkdtempSync(join(tmpdir(), 'refinery-tokenizer-'));
    gguf = join(temp, 'vocab.gguf');
    try {
      writeVocabOnlyGguf(path, gguf);
    } catch (err) {
      rmSync(temp, { recursive: true, force: true });
      throw err;
    }
  }
  try {
    const runtime = await loadRuntime(false);
    const vocab = await loadVocabulary(runtime, gguf);
    return {
      tokenizer: proxTokenizer(vocab.tokenizer, path),
      dispose: async () => {
        await vocab.dispose();
        if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (temp !== undefined) rmSync(temp, { recursive: true, force: true });
    throw err;
  }
}
