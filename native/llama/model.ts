/**
 * A GGUF model loaded into llama.cpp, its tokenizer, and what the load actually did
 * (layers offloaded to the GPU). Validate the file (main/models/gguf-check.ts) before calling
 * loadModel: llama.cpp aborts the process on some malformed files.
 */
import type { LlamaModel, Token } from 'node-llama-cpp';
import type { LlamaRuntime } from './runtime';
import { createEngine, type EngineOptions, type GenerationEngine } from './engine';

export interface NativeTokenizer {
  /** Token ids for `text`; never adds BOS. `special`: parse "<s>"-style text as special tokens. */
  encode(text: string, special: boolean): number[];
  /** Text of `tokens`; `previous` gives the tokens before them so word-initial spaces come out right. */
  decode(tokens: readonly number[], previous?: readonly number[]): string;
  readonly bos: number | null;
  readonly eos: number | null;
  /** The checkpoint's Hugging Face `legacy` setting (refinery.tokenizer.legacy), when the GGUF states it. */
  readonly legacy?: boolean;
  /** tokenizer.ggml.add_bos_token, when the GGUF states it. */
  readonly addBos?: boolean;
}

/** A metadata value by its dotted GGUF key (node-llama-cpp nests keys at their dots). */
function metadataValue(metadata: unknown, key: string): unknown {
  let node: unknown = metadata;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export interface ModelLoadInfo {
  readonly path: string;
  readonly bytes: number;
  readonly layers: number;
  readonly gpuLayers: number;
  readonly trainContextSize: number;
  readonly flashAttentionSupported: boolean;
}

export interface LoadedModel {
  readonly info: ModelLoadInfo;
  readonly tokenizer: NativeTokenizer;
  createEngine(options: EngineOptions): Promise<GenerationEngine>;
  dispose(): Promise<void>;
}

export interface LoadModelOptions {
  /** 'auto' offloads as many layers as fit; 0 keeps everything on the CPU. */
  readonly gpuLayers?: 'auto' | number;
  readonly signal?: AbortSignal;
}

export async function loadModel(runtime: LlamaRuntime, path: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const model = await runtime.llama.loadModel({
    modelPath: path,
    gpuLayers: runtime.info.backend === 'cpu' ? 0 : (options.gpuLayers ?? 'auto'),
    loadSignal: options.signal,
    defaultContextFlashAttention: 'auto',
  });
  return wrap(runtime, model, path);
}

function flagOf<K extends string>(model: LlamaModel, name: K, key: string): { [P in K]?: boolean } {
  const value = metadataValue(model.fileInfo.metadata, key);
  return typeof value === 'boolean' ? ({ [name]: value } as { [P in K]?: boolean }) : {};
}

function wrap(runtime: LlamaRuntime, model: LlamaModel, path: string): LoadedModel {
  const layers = Number(model.fileInfo.architectureMetadata.block_count ?? 0);
  const tokenizer: NativeTokenizer = {
    encode: (text, special) => model.tokenize(text, special),
    decode: (tokens, previous) => model.detokenize(tokens as readonly Token[], false, previous as readonly Token[] | undefined),
    bos: model.tokens.bos,
    eos: model.tokens.eos,
    ...flagOf(model, 'legacy', 'refinery.tokenizer.legacy'),
    ...flagOf(model, 'addBos', 'tokenizer.ggml.add_bos_token'),
  };
  return {
    info: {
      path,
      bytes: model.size,
      layers,
      gpuLayers: model.gpuLayers,
      trainContextSize: model.trainContextSize,
      flashAttentionSupported: model.flashAttentionSupported,
    },
    tokenizer,
    createEngine: (options) => createEngine(runtime, model, options),
    dispose: () => model.dispose(),
  };
}

/** Only a GGUF's vocabulary (no weights): a tokenizer for prompts sent to a remote server. */
export async function loadVocabulary(runtime: LlamaRuntime, path: string): Promise<{ tokenizer: NativeTokenizer; dispose(): Promise<void> }> {
  const model = await runtime.llama.loadModel({ modelPath: path, vocabOnly: true });
  return { tokenizer: wrap(runtime, model, path).tokenizer, dispose: () => model.dispose() };
}
