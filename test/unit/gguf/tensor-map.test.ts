import { describe, expect, it } from 'vitest';
import { ggufNameFor, permuteHeadRows, permutedHeads } from '../../../main/convert/tensor-map';

describe('HF -> GGUF tensor names', () => {
  it('maps every llama tensor and skips rotary buffers', () => {
    expect(ggufNameFor('model.embed_tokens.weight')).toBe('token_embd.weight');
    expect(ggufNameFor('model.norm.weight')).toBe('output_norm.weight');
    expect(ggufNameFor('lm_head.weight')).toBe('output.weight');
    expect(ggufNameFor('model.layers.12.self_attn.q_proj.weight')).toBe('blk.12.attn_q.weight');
    expect(ggufNameFor('model.layers.0.self_attn.o_proj.weight')).toBe('blk.0.attn_output.weight');
    expect(ggufNameFor('model.layers.3.mlp.down_proj.weight')).toBe('blk.3.ffn_down.weight');
    expect(ggufNameFor('model.layers.3.post_attention_layernorm.weight')).toBe('blk.3.ffn_norm.weight');
    expect(ggufNameFor('model.layers.0.self_attn.rotary_emb.inv_freq')).toBeNull();
    expect(ggufNameFor('model.layers.0.self_attn.q_proj.bias')).toBeUndefined();
    expect(ggufNameFor('transformer.h.0.attn.c_attn.weight')).toBeUndefined();
  });

  it('permutes Q with the attention heads and K with the KV heads (MQA/GQA)', () => {
    expect(permutedHeads('blk.0.attn_q.weight', 16, 1)).toBe(16);
    expect(permutedHeads('blk.0.attn_k.weight', 16, 1)).toBe(1);
    expect(permutedHeads('blk.0.attn_v.weight', 16, 1)).toBe(0);
  });
});

describe('Q/K row permutation', () => {
  it('interleaves the two rotary halves of each head: GGUF row 2i+j = HF row j·d/2 + i', () => {
    // Two heads of dimension 4, rows of length 1 holding their HF row index.
    const hf = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...permuteHeadRows(hf, 1, 4)]).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
  });

  it('moves whole rows and is a bijection', () => {
    const d = 8;
    const rowLength = 3;
    const rows = 2 * d;
    const hf = Float32Array.from({ length: rows * rowLength }, (_, i) => i);
    const out = permuteHeadRows(hf, rowLength, d);
    expect([...out].sort((a, b) => a - b)).toEqual([...hf]);
    for (let r = 0; r < rows; r++) {
      const src = out[r * rowLength] / rowLength;
      expect([...out.subarray(r * rowLength, (r + 1) * rowLength)]).toEqual([src * rowLength, src * rowLength + 1, src * rowLength + 2]);
    }
  });

  it('refuses blocks that are not whole heads', () => {
    expect(() => permuteHeadRows(new Float32Array(6), 1, 4)).toThrow(/not whole heads/);
  });
});
