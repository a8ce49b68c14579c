/** Qwen3 checkpoint inputs: config.json and a byte-level BPE tokenizer.json, good and bad. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { byteLevelAlphabet, readBpeVocabulary } from '../../../main/convert/bpe-vocabulary';
import { readHfLlamaConfig } from '../../../main/convert/hf-config';
import { TOKEN_TYPE } from '../../../main/convert/vocabulary';

const dir = mkdtempSync(join(tmpdir(), 'qwen3-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Qwen3-0.6B's shape. */
const QWEN3 = {
  architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', hidden_size: 1024, intermediate_size: 3072, head_dim: 128, num_hidden_layers: 28,
  num_attention_heads: 16, num_key_value_heads: 8, vocab_size: 151936, max_position_embeddings: 40960, rms_norm_eps: 1e-6, rope_theta: 1000000,
  rope_scaling: null, attention_bias: false, hidden_act: 'silu', use_sliding_window: false, tie_word_embeddings: true, bos_token_id: 151643, eos_token_id: 151645,
};
const QWEN2_REGEX = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

function folder(name: string, files: Record<string, unknown>): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  for (const [file, content] of Object.entries(files)) writeFileSync(join(path, file), typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** A tokenizer.json with the 256 byte pieces, a merge, and Qwen's three specials. */
function tokenizer(overrides: { regex?: string; merges?: unknown; extraId?: number } = {}): Record<string, unknown> {
  const vocab: Record<string, number> = Object.fromEntries(byteLevelAlphabet().map((c, i) => [c, i]));
  vocab['Ġt'] = 256;
  return {
    added_tokens: [
      { id: 257, content: '<|endoftext|>', special: true },
      { id: 258, content: '<|im_start|>', special: true },
      { id: overrides.extraId ?? 259, content: '<|im_end|>', special: true },
      { id: 260, content: '<think>', special: false },
    ],
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: overrides.regex ?? QWEN2_REGEX }, behavior: 'Isolated' }, { type: 'ByteLevel' }] },
    model: { type: 'BPE', byte_fallback: false, vocab, merges: overrides.merges ?? [['Ġ', 't']] },
  };
}

describe('Qwen3 config.json', () => {
  it("reads Qwen3-0.6B's shape: heads wider than hidden / heads, tied embeddings", () => {
    const c = readHfLlamaConfig(folder('qwen3', { 'config.json': QWEN3 }));
    expect(c.architecture).toBe('qwen3');
    expect(c.tieWordEmbeddings).toBe(true);
    expect(c.hyperparameters).toEqual({ layers: 28, hidden: 1024, heads: 16, kvHeads: 8, headDim: 128, ffn: 3072, context: 40960, vocabSize: 151936, rmsEps: 1e-6, ropeTheta: 1000000 });
  });

  it('refuses what the converter cannot reproduce', () => {
    expect(() => readHfLlamaConfig(folder('window', { 'config.json': { ...QWEN3, use_sliding_window: true } }))).toThrow(/window\/config\.json: use_sliding_window is on/);
    expect(() => readHfLlamaConfig(folder('bias', { 'config.json': { ...QWEN3, attention_bias: true } }))).toThrow(/biases are not supported/);
    expect(() => readHfLlamaConfig(folder('gelu', { 'config.json': { ...QWEN3, hidden_act: 'gelu' } }))).toThrow(/hidden_act "gelu" is not supported/);
    expect(() => readHfLlamaConfig(folder('llama-hd', { 'config.json': { ...QWEN3, architectures: ['LlamaForCausalLM'], model_type: 'llama' } }))).toThrow(/head_dim 128 differs from hidden_size \/ num_attention_heads = 64; not supported for llama/);
  });
});

describe('byte-level BPE tokenizer.json', () => {
  const config = { 'tokenizer_config.json': { bos_token: null, eos_token: '<|im_end|>', pad_token: '<|endoftext|>', chat_template: '{{ messages }}' }, 'config.json': { bos_token_id: 257 } };

  it('pieces, types, merges and special ids as llama.cpp writes them', () => {
    const v = readBpeVocabulary(folder('good', { 'tokenizer.json': tokenizer(), ...config }), 264);
    expect(v.tokens.slice(256)).toEqual(['Ġt', '<|endoftext|>', '<|im_start|>', '<|im_end|>', '<think>', '[PAD261]', '[PAD262]', '[PAD263]']);
    expect(v.types.slice(255)).toEqual([TOKEN_TYPE.NORMAL, TOKEN_TYPE.NORMAL, TOKEN_TYPE.CONTROL, TOKEN_TYPE.CONTROL, TOKEN_TYPE.CONTROL, TOKEN_TYPE.USER_DEFINED, TOKEN_TYPE.UNUSED, TOKEN_TYPE.UNUSED, TOKEN_TYPE.UNUSED]);
    expect(v).toMatchObject({ merges: ['Ġ t'], pre: 'qwen2', bosId: 257, eosId: 259, padId: 257, addBos: false, addEos: false, chatTemplate: '{{ messages }}' });
  });

  it('says what is wrong with a tokenizer it cannot convert', () => {
    expect(() => readBpeVocabulary(folder('regex', { 'tokenizer.json': tokenizer({ regex: String.raw`\s+|\w+` }), ...config }), 264)).toThrow(/regex\/tokenizer\.json: the pre-tokenizer \(regex .*\) is not one this converter knows; supported: qwen2/);
    expect(() => readBpeVocabulary(folder('merges', { 'tokenizer.json': tokenizer({ merges: [] }), ...config }), 264)).toThrow(/the BPE model has no merges/);
    expect(() => readBpeVocabulary(folder('big', { 'tokenizer.json': tokenizer({ extraId: 300 }), ...config }), 264)).toThrow(/added token "<\|im_end\|>" has id 300 but vocab_size is 264/);
    const spm = tokenizer();
    (spm.model as Record<string, unknown>).byte_fallback = true;
    expect(() => readBpeVocabulary(folder('spm', { 'tokenizer.json': spm, ...config }), 264)).toThrow(/not a byte-level BPE tokenizer/);
  });
});
