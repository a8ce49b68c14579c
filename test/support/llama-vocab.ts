/**
 * Test access to the real Llama-2 SentencePiece vocabulary (the vocabulary of every released
 * ProX refining model), through node-llama-cpp, without any model weights.
 *
 * node-llama-cpp ships llama.cpp's source as a git bundle, and llama.cpp keeps a vocab-only
 * GGUF of the Llama SPM tokenizer for its own tokenizer tests (models/ggml-vocab-llama-spm.gguf).
 * We extract that file once into test/.generated and load it with `vocabOnly: true`.
 */
import type { Tokenizer } from '../../main/prox/tokens';
import { llamaCppBundleFiles, REPO_ROOT } from './llama-cpp-bundle';

export { REPO_ROOT };
/** Path of the vocab-only GGUF, extracted on first use; undefined (with the reason) when it cannot be had. */
export function llamaSpmVocabPath(): { path?: string; reason?: string } {
  const { paths, reason } = llamaCppBundleFiles(['models/ggml-vocab-llama-spm.gguf']);
  return paths === undefined ? { reason } : { path: paths[0] };
}

let cached: Promise<Tokenizer | string> | undefined;

/**
 * The Llama-2 SPM tokenizer as a `Tokenizer`, or a string saying why it is unavailable
 * (tests skip with that message). llama.cpp tokenizes "legacy" style: a space is prefixed
 * to the text after BOS.
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
