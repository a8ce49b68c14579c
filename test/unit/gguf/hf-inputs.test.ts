import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHfLlamaConfig } from '../../../main/convert/hf-config';
import { readSafetensorsHeader, SafetensorsSource } from '../../../main/convert/safetensors';
import { parseSentencePieceModel } from '../../../main/convert/sentencepiece';
import { encodeSentencePieceModel } from '../../support/synthetic-checkpoint';
import { tinyVocabulary } from '../../support/tiny-vocabulary';

const dir = mkdtempSync(join(tmpdir(), 'hf-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function folderWithConfig(name: string, config: Record<string, unknown>): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
  return folder;
}

const BASE = { architectures: ['LlamaForCausalLM'], hidden_size: 1280, intermediate_size: 2048, num_hidden_layers: 24, num_attention_heads: 16, num_key_value_heads: 1, vocab_size: 32000, max_position_embeddings: 2048, rms_norm_eps: 1e-5 };

describe('config.json', () => {
  it('reads the ProX 0.3B config, with HF defaults for absent keys', () => {
    const c = readHfLlamaConfig(folderWithConfig('prox', BASE));
    expect(c.hyperparameters).toEqual({ layers: 24, hidden: 1280, heads: 16, kvHeads: 1, ffn: 2048, context: 2048, vocabSize: 32000, rmsEps: 1e-5, ropeTheta: 10000 });
    expect(c.tieWordEmbeddings).toBe(false);
    const noKv = readHfLlamaConfig(folderWithConfig('nokv', { ...BASE, num_key_value_heads: undefined, rms_norm_eps: undefined }));
    expect([noKv.hyperparameters.kvHeads, noKv.hyperparameters.rmsEps]).toEqual([16, 1e-6]);
  });

  it('explains what is wrong and where', () => {
    expect(() => readHfLlamaConfig(folderWithConfig('heads', { ...BASE, num_key_value_heads: 3 }))).toThrow(/heads\/config\.json: 16 attention heads are not a multiple of 3 key\/value heads/);
    expect(() => readHfLlamaConfig(folderWithConfig('hidden', { ...BASE, hidden_size: 'big' }))).toThrow(/"hidden_size" must be a positive integer, got "big"/);
    expect(() => readHfLlamaConfig(folderWithConfig('rope', { ...BASE, rope_scaling: { type: 'linear', factor: 2 } }))).toThrow(/rope_scaling .* is not supported/);
    expect(() => readHfLlamaConfig(folderWithConfig('mistral', { ...BASE, architectures: ['MistralForCausalLM'] }))).toThrow(/MistralForCausalLM is not supported/);
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'config.json'), '{"hidden_size": ');
    expect(() => readHfLlamaConfig(broken)).toThrow(/broken\/config\.json: not valid JSON/);
  });
});

describe('safetensors', () => {
  function file(name: string, header: unknown, data: Uint8Array): string {
    const json = Buffer.from(JSON.stringify(header));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.byteLength));
    const path = join(dir, name);
    writeFileSync(path, Buffer.concat([len, json, data]));
    return path;
  }

  it('reads rows of F32, F16 and BF16 tensors as float32', () => {
    const f32 = new Float32Array([1, 2, 3, 4, 5, 6]);
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x0000]); // 1, -2, 0.5, 0
    const bf16 = new Uint16Array([0x3f80, 0x4049]); // 1, 3.140625
    const data = Buffer.concat([Buffer.from(f32.buffer), Buffer.from(f16.buffer), Buffer.from(bf16.buffer)]);
    const path = file('mixed.safetensors', {
      __metadata__: { format: 'pt' },
      a: { dtype: 'F32', shape: [3, 2], data_offsets: [0, 24] },
      b: { dtype: 'F16', shape: [2, 2], data_offsets: [24, 32] },
      c: { dtype: 'BF16', shape: [2], data_offsets: [32, 36] },
    }, data);
    const tensors = Object.fromEntries(readSafetensorsHeader(path).map((t) => [t.name, t]));
    const src = new SafetensorsSource();
    try {
      expect([...src.readRows(tensors.a, 1, 2)]).toEqual([3, 4, 5, 6]);
      expect([...src.readRows(tensors.b, 0, 2)]).toEqual([1, -2, 0.5, 0]);
      expect([...src.readRows(tensors.c, 0, 1)]).toEqual([1, 3.140625]);
    } finally {
      src.close();
    }
  });

  it('rejects unsupported dtypes, inconsistent sizes and bad headers', () => {
    expect(() => readSafetensorsHeader(file('i8.safetensors', { q: { dtype: 'I8', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(4))))
      .toThrow(/tensor q has dtype "I8"; only F32, F16 and BF16/);
    expect(() => readSafetensorsHeader(file('size.safetensors', { q: { dtype: 'F32', shape: [4], data_offsets: [0, 12] } }, new Uint8Array(16))))
      .toThrow(/tensor q has 12 bytes but shape \[4\] × F32 needs 16/);
    const garbage = join(dir, 'garbage.safetensors');
    writeFileSync(garbage, Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 2, 3]));
    expect(() => readSafetensorsHeader(garbage)).toThrow(/header length \d+ does not fit the file/);
  });
});

describe('SentencePiece model encoding', () => {
  it('round-trips through our encoder and parser, negative pad id included', () => {
    const v = tinyVocabulary();
    const m = parseSentencePieceModel(encodeSentencePieceModel(v));
    expect(m.pieces.map((p) => p.piece)).toEqual(v.tokens);
    expect(m.pieces.map((p) => p.type)).toEqual(v.types);
    expect(m.pieces.map((p) => p.score)).toEqual(v.scores.map((s) => Math.fround(s)));
    expect([m.unkId, m.bosId, m.eosId, m.padId, m.modelType, m.addDummyPrefix]).toEqual([0, 1, 2, -1, 2, true]);
  });
});
