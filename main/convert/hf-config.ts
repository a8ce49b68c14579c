/** Reads a Hugging Face llama or Qwen3 config.json into the hyperparameters a GGUF needs. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHyperparameters, type LlamaHyperparameters } from './llama-gguf';

/** The checkpoint families the converter knows; also the GGUF `general.architecture` it writes. */
export type CheckpointArchitecture = 'llama' | 'qwen3';

export interface HfLlamaConfig {
  readonly architecture: CheckpointArchitecture;
  readonly hyperparameters: LlamaHyperparameters;
  readonly tieWordEmbeddings: boolean;
  readonly name: string;
}

const SUPPORTED_ARCHITECTURES: Readonly<Record<string, CheckpointArchitecture>> = { LlamaForCausalLM: 'llama', Qwen3ForCausalLM: 'qwen3' };
const MODEL_TYPES: Readonly<Record<string, CheckpointArchitecture>> = { llama: 'llama', qwen3: 'qwen3' };

export function readHfLlamaConfig(folder: string): HfLlamaConfig {
  const path = join(folder, 'config.json');
  if (!existsSync(path)) throw new Error(`${folder}: no config.json (is this a Hugging Face checkpoint folder?)`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const archs = Array.isArray(raw.architectures) ? raw.architectures.map(String) : [];
  const architecture = archs.map((a) => SUPPORTED_ARCHITECTURES[a]).find((a) => a !== undefined) ?? (archs.length === 0 ? MODEL_TYPES[String(raw.model_type)] : undefined);
  if (architecture === undefined) {
    throw new Error(`${path}: architecture ${archs.join(', ') || String(raw.model_type)} is not supported; llama (LlamaForCausalLM) and Qwen3 (Qwen3ForCausalLM) checkpoints can be converted`);
  }
  const int = (key: string, fallback?: number): number => {
    const v = raw[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`${path}: "${key}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const num = (key: string, fallback: number): number => {
    const v = raw[key] ?? fallback;
    if (typeof v !== 'number' || !(v > 0)) throw new Error(`${path}: "${key}" must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  };
  if (raw.rope_scaling !== undefined && raw.rope_scaling !== null) {
    throw new Error(`${path}: rope_scaling ${JSON.stringify(raw.rope_scaling)} is not supported by this converter (plain RoPE only)`);
  }
  if (raw.attention_bias === true || raw.mlp_bias === true) throw new Error(`${path}: attention/MLP biases are not supported (plain llama and Qwen3 only)`);
  if (raw.hidden_act !== undefined && raw.hidden_act !== 'silu') throw new Error(`${path}: hidden_act ${JSON.stringify(raw.hidden_act)} is not supported (SwiGLU with silu only)`);
  if (raw.use_sliding_window === true) throw new Error(`${path}: use_sliding_window is on; sliding-window attention is not supported by this converter`);
  const heads = int('num_attention_heads');
  const hidden = int('hidden_size');
  // Qwen3 gives each head its own width (Qwen3-0.6B: 16 heads of 128 over a hidden size of 1024).
  const declaredHeadDim = raw.head_dim === undefined || raw.head_dim === null ? undefined : int('head_dim');
  if (architecture === 'llama' && declaredHeadDim !== undefined && declaredHeadDim !== hidden / heads) {
    throw new Error(`${path}: head_dim ${declaredHeadDim} differs from hidden_size / num_attention_heads = ${hidden / heads}; not supported for llama`);
  }
  const hyperparameters: LlamaHyperparameters = {
    layers: int('num_hidden_layers'),
    hidden,
    heads,
    kvHeads: int('num_key_value_heads', heads),
    ffn: int('intermediate_size'),
    context: int('max_position_embeddings', 2048),
    vocabSize: int('vocab_size'),
    rmsEps: num('rms_norm_eps', 1e-6),
    ropeTheta: num('rope_theta', 10000),
    ...(architecture === 'qwen3' && declaredHeadDim !== undefined ? { headDim: declaredHeadDim } : {}),
  };
  checkHyperparameters(hyperparameters, path);
  const name = typeof raw._name_or_path === 'string' && raw._name_or_path ? raw._name_or_path : folder.split(/[\\/]/).filter(Boolean).pop() ?? 'model';
  return { architecture, hyperparameters, tieWordEmbeddings: raw.tie_word_embeddings === true, name };
}
