/**
 * A GenerationEngine whose decoding happens on remote servers, so the stage runner (prompt
 * tokens, grammars, token caps, chunking, P(keep)) is the very same code as in-process.
 *
 * P(keep) from logprobs: the stage runner compares the most likely keep token with the most
 * likely drop token of the grammar-masked distribution. Servers report probabilities before
 * the mask, which scales both alike, so their ratio is the same; each comes from a greedy
 * answer under a grammar that admits only its class (the probe is the doc stage's). Exact when
 * both answers commit at the same step; when one class starts with a bare space, its figure is
 * taken one step later than in-process.
 */
import type { EngineInfo, GenerateOptions, GenerationEngine, GenerationResult } from '../../native/llama/engine';
import { PromptTooLongError } from '../../native/llama/engine';
import { complete, type Completion } from './server-protocol';
import type { EndpointPool } from './endpoint-pool';

/** The doc stage's two answers (grammar.ts docGrammar), one grammar each. */
const CLASS_GRAMMARS = {
  keep: 'root ::= " "? "keep_doc()"\n',
  drop: 'root ::= " "? "drop_doc()"\n',
} as const;

export interface RemoteEngineOptions {
  readonly pool: EndpointPool;
  /** Tokens per sequence, as in-process (prompts are fitted to it the same way). */
  readonly contextSize: number;
  /** Longest wait for one answer before the endpoint counts as failed; default 10 minutes. */
  readonly requestTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Text of a token (a bare space does not commit the doc answer to a class yet). */
  readonly pieceText?: (token: number) => string;
}

export function createRemoteEngine(options: RemoteEngineOptions): GenerationEngine {
  const pieces = options.pieceText ?? (() => 'x');
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
      // One greedy answer per class, each under a grammar that admits only that class: the
      // first token that commits to it is the class's most likely one, with its probability.
      const best = async (grammar: string) =>
        pool.run(async ({ endpoint, served }) => {
          const result = await complete(endpoint, served, { prompt, maxTokens: probeOptions.maxSteps, grammar, topLogprobs: 1 }, timeoutMs, options.signal);
          return { result, tokens: result.promptTokensEvaluated + result.generatedTokens };
        }, options.signal);
      const [keep, drop] = await Promise.all([best(CLASS_GRAMMARS.keep), best(CLASS_GRAMMARS.drop)]);
      const committed = (answer: Completion) => answer.steps.find((step) => !/^\s*$/.test(pieces(step.token)));
      const k = committed(keep);
      const d = committed(drop);
      if (!k || !d) throw new Error('the server returned no token probabilities; P(keep) needs logprobs (llama.cpp n_probs, or vLLM logprobs with return_tokens_as_token_ids)');
      const pk = k.top.get(k.token) ?? 0;
      const pd = d.top.get(d.token) ?? 0;
      const probabilities = new Map<number, number>(pk >= pd ? [[k.token, pk], [d.token, pd]] : [[d.token, pd], [k.token, pk]]);
      probeOptions.inspect({ token: pk >= pd ? k.token : d.token, probabilities });
      return { steps: Math.max(keep.steps.indexOf(k), drop.steps.indexOf(d)) + 1, promptTokensEvaluated: keep.promptTokensEvaluated + drop.promptTokensEvaluated };
    },

    prefill() {
      return Promise.reject(new Error('a remote engine cannot prefill without generating; measure raw speed on the server itself'));
    },

    async dispose() {
      // Nothing held: connections are per request.
    },
  };
}
