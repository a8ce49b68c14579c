/**
 * A plain, slow, float64 llama / Qwen3 forward pass over Hugging Face-layout weights, written
 * from the transformers modelling equations (RMSNorm, RoPE with rotate_half, grouped-query
 * attention, SwiGLU; Qwen3 adds an RMSNorm over each head of Q and K before RoPE, and heads
 * as wide as config.json's head_dim). It shares nothing with the converter, so agreement with
 * llama.cpp running the converted GGUF checks names, layout, permutation and metadata together.
 */
import type { LlamaHyperparameters } from '../../main/convert/llama-gguf';

export type WeightLookup = (hfName: string) => Float32Array;

function rmsNorm(x: Float64Array, w: Float32Array, eps: number): Float64Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const scale = 1 / Math.sqrt(ss / x.length + eps);
  return x.map((v, i) => v * scale * w[i]);
}

/** y = W x for W stored [out, in] row-major (PyTorch Linear). */
function linear(w: Float32Array, x: Float64Array, outDim: number): Float64Array {
  const inDim = x.length;
  const y = new Float64Array(outDim);
  for (let o = 0; o < outDim; o++) {
    let s = 0;
    const base = o * inDim;
    for (let i = 0; i < inDim; i++) s += w[base + i] * x[i];
    y[o] = s;
  }
  return y;
}

/** transformers' apply_rotary_pos_emb: pairs (i, i + d/2) within each head. */
function rotateHalf(v: Float64Array, heads: number, d: number, pos: number, theta: number): void {
  const half = d / 2;
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      const angle = pos * theta ** (-(2 * i) / d);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      const a = v[h * d + i];
      const b = v[h * d + i + half];
      v[h * d + i] = a * c - b * s;
      v[h * d + i + half] = b * c + a * s;
    }
  }
}

/** RMSNorm of each head's slice of `v` in place (Qwen3's q_norm / k_norm). */
function headNorm(v: Float64Array, heads: number, d: number, w: Float32Array, eps: number): void {
  for (let head = 0; head < heads; head++) v.set(rmsNorm(v.subarray(head * d, (head + 1) * d), w, eps), head * d);
}

/** Logits for the token after `tokens` (the last position). */
export function referenceNextTokenLogits(h: LlamaHyperparameters, weight: WeightLookup, tokens: readonly number[], tiedEmbeddings = false, architecture: 'llama' | 'qwen3' = 'llama'): Float64Array {
  const d = h.headDim ?? h.hidden / h.heads;
  const group = h.heads / h.kvHeads;
  const embed = weight('model.embed_tokens.weight');
  let xs = tokens.map((t) => Float64Array.from(embed.subarray(t * h.hidden, (t + 1) * h.hidden)));
  for (let l = 0; l < h.layers; l++) {
    const p = `model.layers.${l}`;
    const [wq, wk, wv, wo] = ['q_proj', 'k_proj', 'v_proj', 'o_proj'].map((n) => weight(`${p}.self_attn.${n}.weight`));
    const [wg, wu, wd] = ['gate_proj', 'up_proj', 'down_proj'].map((n) => weight(`${p}.mlp.${n}.weight`));
    const qs: Float64Array[] = [];
    const ks: Float64Array[] = [];
    const vs: Float64Array[] = [];
    xs.forEach((x, pos) => {
      const n = rmsNorm(x, weight(`${p}.input_layernorm.weight`), h.rmsEps);
      const q = linear(wq, n, h.heads * d);
      const k = linear(wk, n, h.kvHeads * d);
      if (architecture === 'qwen3') {
        headNorm(q, h.heads, d, weight(`${p}.self_attn.q_norm.weight`), h.rmsEps);
        headNorm(k, h.kvHeads, d, weight(`${p}.self_attn.k_norm.weight`), h.rmsEps);
      }
      rotateHalf(q, h.heads, d, pos, h.ropeTheta);
      rotateHalf(k, h.kvHeads, d, pos, h.ropeTheta);
      qs.push(q);
      ks.push(k);
      vs.push(linear(wv, n, h.kvHeads * d));
    });
    xs = xs.map((x, pos) => {
      const attn = new Float64Array(h.heads * d);
      for (let head = 0; head < h.heads; head++) {
        const kvh = Math.floor(head / group);
        const scores = new Float64Array(pos + 1);
        for (let j = 0; j <= pos; j++) {
          let s = 0;
          for (let i = 0; i < d; i++) s += qs[pos][head * d + i] * ks[j][kvh * d + i];
          scores[j] = s / Math.sqrt(d);
        }
        const max = Math.max(...scores);
        let sum = 0;
        for (let j = 0; j <= pos; j++) sum += scores[j] = Math.exp(scores[j] - max);
        for (let j = 0; j <= pos; j++) for (let i = 0; i < d; i++) attn[head * d + i] += (scores[j] / sum) * vs[j][kvh * d + i];
      }
      const o = linear(wo, attn, h.hidden);
      const x1 = x.map((v, i) => v + o[i]);
      const n = rmsNorm(x1, weight(`${p}.post_attention_layernorm.weight`), h.rmsEps);
      const g = linear(wg, n, h.ffn);
      const u = linear(wu, n, h.ffn);
      const act = g.map((v, i) => (v / (1 + Math.exp(-v))) * u[i]);
      const down = linear(wd, act, h.hidden);
      return x1.map((v, i) => v + down[i]);
    });
  }
  const last = rmsNorm(xs[xs.length - 1], weight('model.norm.weight'), h.rmsEps);
  return linear(tiedEmbeddings ? embed : weight('lm_head.weight'), last, h.vocabSize);
}

export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const lse = max + Math.log(sum);
  return Float64Array.from({ length: logits.length }, (_, i) => logits[i] - lse);
}
