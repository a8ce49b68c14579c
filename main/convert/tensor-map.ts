/**
 * Hugging Face llama / Qwen3 tensor names -> GGUF names, and the Q/K row permutation (llama only).
 *
 * HF llama checkpoints store q_proj/k_proj rows per head as [first halves of all rotary
 * pairs | second halves] because transformers rotates with rotate_half; llama.cpp rotates
 * adjacent pairs (2i, 2i+1). Within each head of dimension d, GGUF row 2i+j therefore takes
 * HF row j·d/2 + i (j ∈ {0,1}). k_proj has kvHeads heads, which is what matters for MQA/GQA.
 */

const LAYER_TENSORS: Record<string, string> = {
  'self_attn.q_proj.weight': 'attn_q.weight',
  'self_attn.k_proj.weight': 'attn_k.weight',
  'self_attn.v_proj.weight': 'attn_v.weight',
  'self_attn.o_proj.weight': 'attn_output.weight',
  'mlp.gate_proj.weight': 'ffn_gate.weight',
  'mlp.up_proj.weight': 'ffn_up.weight',
  'mlp.down_proj.weight': 'ffn_down.weight',
  'input_layernorm.weight': 'attn_norm.weight',
  'post_attention_layernorm.weight': 'ffn_norm.weight',
  // Qwen3: RMSNorm over each head of Q and K.
  'self_attn.q_norm.weight': 'attn_q_norm.weight',
  'self_attn.k_norm.weight': 'attn_k_norm.weight',
};

const GLOBAL_TENSORS: Record<string, string> = {
  'model.embed_tokens.weight': 'token_embd.weight',
  'model.norm.weight': 'output_norm.weight',
  'lm_head.weight': 'output.weight',
};

/** Buffers transformers sometimes saves that carry no weights. */
const IGNORED = /(^|\.)rotary_emb\.inv_freq$/;

/** The GGUF name of an HF tensor, null for tensors to skip, undefined for unknown ones. */
export function ggufNameFor(hfName: string): string | null | undefined {
  if (IGNORED.test(hfName)) return null;
  if (hfName in GLOBAL_TENSORS) return GLOBAL_TENSORS[hfName];
  const m = /^model\.layers\.(\d+)\.(.+)$/.exec(hfName);
  if (m && m[2] in LAYER_TENSORS) return `blk.${m[1]}.${LAYER_TENSORS[m[2]]}`;
  return undefined;
}

/**
 * Number of heads whose rows must be permuted for this GGUF tensor, or 0. Only llama: llama.cpp
 * rotates Qwen3 heads in halves (NEOX), the order transformers stores them in.
 */
export function permutedHeads(ggufName: string, heads: number, kvHeads: number, architecture: 'llama' | 'qwen3' = 'llama'): number {
  if (architecture !== 'llama') return 0;
  if (ggufName.endsWith('.attn_q.weight')) return heads;
  if (ggufName.endsWith('.attn_k.weight')) return kvHeads;
  return 0;
}

/**
 * Reorders the rows of a block of whole heads from HF to llama.cpp order.
 * `block` holds `rows` rows of `rowLength` values; rows is a multiple of `headDim`.
 */
export function permuteHeadRows(block: Float32Array, rowLength: number, headDim: number): Float32Array {
  const rows = block.length / rowLength;
  if (rows % headDim !== 0) throw new Error(`permuteHeadRows: ${rows} rows are not whole heads of ${headDim}`);
  const half = headDim / 2;
  const out = new Float32Array(block.length);
  for (let h = 0; h < rows; h += headDim) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const src = (h + j * half + i) * rowLength;
        const dst = (h + 2 * i + j) * rowLength;
        out.set(block.subarray(src, src + rowLength), dst);
      }
    }
  }
  return out;
}
