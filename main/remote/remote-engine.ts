/**
 * A GenerationEngine whose decoding happens on remote servers, so the stage runner (prompt
 * tokens, grammars, token caps, chunking, P(keep)) is the very same code as in-process.
 *
 * P(keep) from logprobs: servers report next-token probabilities before the grammar mask. The
 * stage runner compares the most likely keep token with the most likely drop token; masking
 * and renormalising scale both alike, so their ratio is the same as in-process, provided both
 * are among the top `TOP_LOGPROBS` the server returns.
 */
import type { EngineInfo, GenerateOptions, GenerationEngine, GenerationResult, ProbeStep } from '../../native/llama/engine';
import { PromptTooLongError } from '../../native/llama/engine';
import { complete } from './server-protocol';
import type { EndpointPool } from './endpoint-pool';

const TOP_LOGPROBS = 20;

export interface RemoteEngineOptions {
  readonly pool: EndpointPool;
  /** Tokens per sequence, as in-process (prompts are fitted to it the same way). */
  readonly contextSize: number;
  /** Longest wait for one answer before the endpoint counts as failed; default 10 minutes. */
  readonly requestTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export function createRemoteEngine(options: RemoteEngineOptions): GenerationEngine {
  const { pool, contextSize } = options;
  const timeoutMs = options.requestTimeoutMs ?? 600_000;
  const check = (prompt: readonly number[]) => {
    if (prompt.length === 0) throw new Error('empty prompt');
    if (prompt.length >= contextSize) throw new PromptTooLongError(prompt.length, contextSize);
  };
  const info: EngineInfo = { sequences: pool.capacity, contextSize, batchSize: 0, flashAttention: false, stateBytes: 0, threads: 0 };
  return {
    get info() {
      return { ...info, sequences: pool.capacity };
    },

    async generate(prompt, generateOptions: GenerateOptions): Promise<GenerationResult> {
      check(prompt);
      // The same cap as in-process: the stage's maximum, and never past the context.
      const limit = Math.min(generateOptions.maxTokens, contextSize - prompt.length);
      return pool.run(async ({ endpoint, served }) => {
        const answer = await complete(endpoint, served, { prompt, maxTokens: limit, grammar: generateOptions.grammar ?? null, topLogprobs: 0 }, timeoutMs, options.signal);
        const result: GenerationResult = {
          tokens: answer.tokens ? [...answer.tokens] : [],
          text: answer.tokens ? undefined : answer.text,
          generatedTokens: answer.generatedTokens,
          stop: answer.generatedTokens >= limit ? 'maxTokens' : 'eos',
          promptTokensEvaluated: answer.promptTokensEvaluated,
        };
        return { result, tokens: answer.promptTokensEvaluated + answer.generatedTokens };
      }, options.signal);
    },

    async probe(prompt, probeOptions) {
      check(prompt);
      const answer = await pool.run(async ({ endpoint, served }) => {
        const result = await complete(endpoint, served, { prompt, maxTokens: probeOptions.maxSteps, grammar: probeOptions.grammar ?? null, topLogprobs: TOP_LOGPROBS }, timeoutMs, options.signal);
        return { result, tokens: result.promptTokensEvaluated + result.generatedTokens };
      }, options.signal);
      let steps = 0;
      for (const step of answer.steps) {
        steps++;
        const probeStep: ProbeStep = { token: step.token, probabilities: step.top };
        if (probeOptions.inspect(probeStep) === 'stop' || steps >= probeOptions.maxSteps) break;
      }
      if (steps === 0) throw new Error('the server returned no token probabilities; P(keep) needs logprobs (llama.cpp n_probs, or vLLM logprobs with return_tokens_as_token_ids)');
      return { steps, promptTokensEvaluated: answer.promptTokensEvaluated };
    },

    prefill() {
      return Promise.reject(new Error('a remote engine cannot prefill without generating; measure raw speed on the server itself'));
    },

    async dispose() {
      // Nothing held: connections are per request.
    },
  };
}
