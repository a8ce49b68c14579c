/** Reads a Hugging Face llama config.json into the hyperparameters a GGUF needs. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHyperparameters, type LlamaHyperparameters } from './llama-gguf';

export interface HfLlamaConfig {
  readonly hyperparameters: LlamaHyperparameters;
  readonly tieWordEmbeddings: boolean;
  readonly name: string;
}

const SUPPORTED_ARCHITECTURES = ['LlamaForCausalLM'];

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
  const supported = archs.some((a) => SUPPORTED_ARCHITECTURES.includes(a)) || (archs.length === 0 && raw.model_type === 'llama');
  if (!supported) {
    throw new Error(`${path}: architecture ${archs.join(', ') || String(raw.model_type)} is not supported; only llama checkpoints (LlamaForCausalLM) can be converted`);
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
  if (raw.attention_bias === true || raw.mlp_bias === true) throw new Error(`${path}: attention/MLP biases are not supported (plain llama only)`);
  const heads = int('num_attention_heads');
  const hidden = int('hidden_size');
  if (raw.head_dim !== undefined && raw.head_dim !== null && raw.head_dim !== hidden / heads) {
    throw new Error(`${path}: head_dim ${JSON.stringify(raw.head_dim)} differs from hidden_size / num_attention_heads = ${hidden / heads}; not supported`);
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
  };
  checkHyperparameters(hyperparameters, path);
  const name = typeof raw._name_or_path === 'string' && raw._name_or_path ? raw._name_or_path : folder.split(/[\\/]/).filter(Boolean).pop() ?? 'model';
  return { hyperparameters, tieWordEmbeddings: raw.tie_word_embeddings === true, name };
}
