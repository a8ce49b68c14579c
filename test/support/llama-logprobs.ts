/** Next-token log-probabilities from llama.cpp (node-llama-cpp), over the whole vocabulary. */
import type { Llama, Token } from 'node-llama-cpp';

export async function llamaNextTokenLogProbs(llama: Llama, modelPath: string, tokens: readonly number[], vocabSize: number): Promise<Float64Array> {
  const model = await llama.loadModel({ modelPath });
  try {
    // No flash attention and an F32 KV cache: on CPU both round activations to f16, which alone
    // costs ~5e-4 relative and would hide conversion errors. Exact settings: ~3e-7.
    // One thread: tiny models gain nothing from more, and a loaded machine makes thread sync slow.
    const context = await model.createContext({ contextSize: 64, threads: 1, flashAttention: false, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
    try {
      const sequence = context.getSequence();
      const ids = tokens as readonly Token[];
      const last = ids[ids.length - 1];
      // topK 0 / topP 1 / minP 0 / temperature 1: the plain softmax of the logits, every token.
      const result = await sequence.controlledEvaluate([
        ...ids.slice(0, -1),
        [last, { generateNext: { probabilities: true, options: { temperature: 1, topK: 0, topP: 1, minP: 0 } } }],
      ]);
      const probabilities = result[result.length - 1]?.next?.probabilities;
      if (!probabilities) throw new Error('node-llama-cpp returned no probabilities');
      const out = new Float64Array(vocabSize).fill(-Infinity);
      for (const [token, p] of probabilities) {
        if (token >= vocabSize) throw new Error(`token ${token} is outside the vocabulary of ${vocabSize}`);
        out[token] = Math.log(p);
      }
      return out;
    } finally {
      await context.dispose();
    }
  } finally {
    await model.dispose();
  }
}
