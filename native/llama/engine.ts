/**
 * One llama.cpp context with many sequences: every caller borrows a free sequence, and
 * node-llama-cpp packs the pending tokens of all busy sequences into one batch per decode
 * (continuous batching). Decoding is greedy; a GBNF grammar constrains what may be generated.
 */
import { LlamaGrammarEvaluationState, type LlamaContext, type LlamaContextSequence, type LlamaGrammar, type LlamaModel, type Token } from 'node-llama-cpp';
import type { LlamaRuntime } from './runtime';
import { stepsThenPrompts } from './batch-order';

export interface EngineOptions {
  /** Parallel sequences in the context (documents in flight). */
  readonly sequences: number;
  /** Tokens each sequence can hold (prompt + generated). */
  readonly contextSize: number;
  /** Tokens per decode call across all sequences; default: llama.cpp's choice (512 or more). */
  readonly batchSize?: number;
  readonly flashAttention?: 'auto' | boolean;
  /** CPU threads; default: the runtime's defaultThreads (threads.ts). */
  readonly threads?: number;
}

export interface EngineInfo {
  readonly sequences: number;
  readonly contextSize: number;
  readonly batchSize: number;
  readonly flashAttention: boolean;
  readonly stateBytes: number;
  /** CPU threads llama.cpp computes with. */
  readonly threads: number;
}

export type StopReason = 'eos' | 'maxTokens';

export interface GenerationResult {
  readonly tokens: number[];
  /**
   * The generated text, where the engine has it without the token ids (a remote server's
   * OpenAI-compatible answer); otherwise the caller detokenizes `tokens`.
   */
  readonly text?: string;
  /** Tokens generated, where `tokens` is not filled (a remote answer with text only). */
  readonly generatedTokens?: number;
  readonly stop: StopReason;
  /** Prompt tokens actually evaluated (a prefix shared with the sequence's previous prompt is reused). */
  readonly promptTokensEvaluated: number;
}

export interface GenerateOptions {
  /** GBNF text; compiled once per engine and cached. */
  readonly grammar?: string;
  readonly maxTokens: number;
  readonly onToken?: (token: number) => void;
}

export interface ProbeStep {
  /** The token greedy decoding picks at this step. */
  readonly token: number;
  /** Next-token probabilities after the grammar mask, highest first. */
  readonly probabilities: ReadonlyMap<number, number>;
}

export interface GenerationEngine {
  readonly info: EngineInfo;
  generate(prompt: readonly number[], options: GenerateOptions): Promise<GenerationResult>;
  /**
   * Evaluates the prompt and walks greedy steps, showing each step's distribution to `inspect`
   * until it returns 'stop' (or maxSteps). The doc-stage fast path needs one step.
   */
  probe(prompt: readonly number[], options: { grammar?: string; maxSteps: number; inspect: (step: ProbeStep) => 'continue' | 'stop' }): Promise<{ steps: number; promptTokensEvaluated: number }>;
  /** Evaluates the prompt into a fresh sequence, generating nothing: the raw prompt-processing speed. */
  prefill(prompt: readonly number[]): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * The engine cannot answer now (every remote server down, out of retries): not this
 * document's fault, so the batch stops without recording a failure and runs again later.
 */
export class EngineUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailableError';
  }
}

export class PromptTooLongError extends Error {
  constructor(readonly promptTokens: number, readonly contextSize: number) {
    super(`the prompt has ${promptTokens} tokens but the model context holds ${contextSize}`);
    this.name = 'PromptTooLongError';
  }
}

export async function createEngine(runtime: LlamaRuntime, model: LlamaModel, options: EngineOptions): Promise<GenerationEngine> {
  const context: LlamaContext = await model.createContext({
    sequences: options.sequences,
    contextSize: options.contextSize,
    batchSize: options.batchSize,
    flashAttention: options.flashAttention ?? 'auto',
    threads: options.threads ?? runtime.info.defaultThreads,
    // Never let llama.cpp over-commit: a context that does not fit must fail here, clearly.
    ignoreMemorySafetyChecks: false,
    failedCreationRemedy: false,
    batching: { itemPrioritizationStrategy: stepsThenPrompts },
  });
  const free: LlamaContextSequence[] = [];
  for (let i = 0; i < options.sequences; i++) free.push(context.getSequence());
  const waiters: Array<(sequence: LlamaContextSequence) => void> = [];
  const grammars = new Map<string, Promise<LlamaGrammar>>();

  const acquire = (): Promise<LlamaContextSequence> => {
    const sequence = free.pop();
    if (sequence) return Promise.resolve(sequence);
    return new Promise((resolve) => waiters.push(resolve));
  };
  const release = (sequence: LlamaContextSequence): void => {
    const waiter = waiters.shift();
    if (waiter) waiter(sequence);
    else free.push(sequence);
  };
  const grammarState = async (text: string | undefined): Promise<LlamaGrammarEvaluationState | undefined> => {
    if (text === undefined) return undefined;
    let grammar = grammars.get(text);
    if (!grammar) {
      grammar = runtime.llama.createGrammar({ grammar: text });
      grammars.set(text, grammar);
    }
    return new LlamaGrammarEvaluationState({ model, grammar: await grammar });
  };

  /** Keeps the prefix this sequence already holds (the fixed prompt head), evaluates the rest. */
  const alignPrefix = async (sequence: LlamaContextSequence, prompt: readonly number[]): Promise<number> => {
    if (prompt.length === 0) throw new Error('empty prompt');
    if (prompt.length >= sequence.contextSize) throw new PromptTooLongError(prompt.length, sequence.contextSize);
    const { firstDifferentIndex } = sequence.compareContextTokens(prompt as Token[]);
    // At least the last prompt token must be evaluated, or there are no logits to sample from.
    const keep = Math.min(firstDifferentIndex, prompt.length - 1);
    if (keep < sequence.nextTokenIndex) await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
    return keep;
  };

  return {
    info: {
      sequences: options.sequences,
      contextSize: context.contextSize,
      batchSize: context.batchSize,
      flashAttention: context.flashAttention === true,
      stateBytes: context.stateSize,
      threads: context.idealThreads,
    },

    async generate(prompt, generateOptions) {
      const grammarEvaluationState = await grammarState(generateOptions.grammar);
      const sequence = await acquire();
      try {
        const kept = await alignPrefix(sequence, prompt);
        const limit = Math.min(generateOptions.maxTokens, sequence.contextSize - prompt.length);
        const tokens: number[] = [];
        let stop: StopReason = 'eos';
        if (limit <= 0) return { tokens, stop: 'maxTokens', promptTokensEvaluated: prompt.length - kept };
        const iterator = sequence.evaluate(prompt.slice(kept) as Token[], { temperature: 0, grammarEvaluationState, yieldEogToken: false });
        for await (const token of iterator) {
          tokens.push(token);
          generateOptions.onToken?.(token);
          if (tokens.length >= limit) {
            stop = 'maxTokens';
            break;
          }
        }
        return { tokens, stop, promptTokensEvaluated: prompt.length - kept };
      } finally {
        release(sequence);
      }
    },

    async probe(prompt, probeOptions) {
      const grammarEvaluationState = await grammarState(probeOptions.grammar);
      const sequence = await acquire();
      try {
        const kept = await alignPrefix(sequence, prompt);
        let steps = 0;
        const iterator = sequence.evaluateWithMetadata(prompt.slice(kept) as Token[], { probabilities: true }, { temperature: 0, grammarEvaluationState, yieldEogToken: true });
        for await (const output of iterator) {
          steps++;
          const verdict = probeOptions.inspect({ token: output.token, probabilities: output.probabilities });
          if (verdict === 'stop' || steps >= probeOptions.maxSteps) break;
        }
        return { steps, promptTokensEvaluated: prompt.length - kept };
      } finally {
        release(sequence);
      }
    },

    async prefill(prompt) {
      const sequence = await acquire();
      try {
        await sequence.clearHistory();
        await sequence.evaluateWithoutGeneratingNewTokens(prompt as Token[]);
      } finally {
        release(sequence);
      }
    },

    async dispose() {
      await context.dispose();
    },
  };
}
