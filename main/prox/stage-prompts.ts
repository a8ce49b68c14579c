/**
 * The prompts a ProX stage gives the model for one document: the one place that decides them,
 * used by the model programmer (main/models/stage-runner.ts) and by `refinery prompt --dialect
 * prox`, so what the audit shows is what the model is fed.
 * - doc stage: one prompt, the raw document, fitted into the context as `truncation` says;
 * - chunk stage: the document's numbered chunks (main/prox/chunker.ts), one prompt each; a
 *   chunk that is not sent (an over-long line under overlong 'skip', or a prompt that does not
 *   fit the context) says why in `skipped` and has no tokens.
 *
 * `stagePromptOptions` is the one mapping from a truncation setting to these options, so
 * `refinery prompt --truncation reference` and reference fidelity (stage-runner.ts) build the
 * very same prompts.
 */
import { chunkDocument, DEFAULT_CHUNK_BUDGET } from './chunker';
import { buildPromptTokens, DEFAULT_MAX_NEW_TOKENS, type PromptBos, type PromptTruncation } from './prompts';
import type { Stage } from './program';
import type { Tokenizer } from './tokens';

export interface StagePromptOptions {
  /** The model's context in tokens. */
  readonly contextSize: number;
  /** How a long prompt is fitted (default 'keep-inst'). */
  readonly truncation?: PromptTruncation;
  /** How many BOS lead the prompt (default 'one'). */
  readonly bos?: PromptBos;
  /** Chunk stage: a line over the chunk budget is skipped (default) or sent as a chunk of its own. */
  readonly overlong?: 'skip' | 'send';
  readonly chunkBudget?: number;
  /** Tokens kept free for the answer under 'keep-inst' (default: the stage's, main/prox/prompts.ts). */
  readonly maxNewTokens?: number;
}

export interface StagePrompt {
  /** Document-global 0-based line range the prompt covers, inclusive. */
  readonly firstLine: number;
  readonly lastLine: number;
  /** The prompt's token ids, as the model is given them (empty when skipped). */
  readonly tokens: number[];
  /** True when the document or chunk was cut to fit. */
  readonly truncated: boolean;
  /** Why the model is not given this chunk. */
  readonly skipped?: string;
}

/**
 * The prompt options of a truncation setting. 'reference' builds GAIR-NLP/ProX's prompts: the
 * doc prompt cut on the right at 2,000 tokens, BOS as the reference feeds them (two on chunk
 * prompts when the tokenizer adds BOS), over-long lines sent as a chunk of their own.
 * 'keep-inst' is the default: one BOS, the document shortened so ` [/INST]` and the answer fit,
 * over-long lines skipped.
 */
export function stagePromptOptions(truncation: PromptTruncation, contextSize: number, chunkBudget?: number): StagePromptOptions {
  const budget = chunkBudget !== undefined ? { chunkBudget } : {};
  if (truncation === 'reference') return { contextSize, truncation, bos: 'reference', overlong: 'send', ...budget };
  return { contextSize, truncation, bos: 'one', overlong: 'skip', ...budget };
}

/** The prompt text `tokens` spell: `<s>` per leading BOS, then the decoded rest. */
export function promptText(tokenizer: Tokenizer, tokens: readonly number[]): string {
  let bos = 0;
  while (tokens[bos] === tokenizer.bos) bos++;
  return '<s>'.repeat(bos) + tokenizer.detokenize(tokens.slice(bos));
}

/** The doc stage's prompt for `text`. */
export function docStagePrompt(text: string, tokenizer: Tokenizer, options: StagePromptOptions): StagePrompt {
  const prompt = buildPromptTokens('doc', text, tokenizer, {
    mode: options.truncation ?? 'keep-inst',
    contextSize: options.contextSize,
    ...(options.bos !== undefined ? { bos: options.bos } : {}),
    ...(options.maxNewTokens !== undefined ? { maxNewTokens: options.maxNewTokens } : {}),
  });
  return { firstLine: 0, lastLine: text.split('\n').length - 1, tokens: prompt.tokens, truncated: prompt.truncated };
}

/** The chunk stage's prompts for the document `text`, in chunk order. */
export function chunkStagePrompts(text: string, tokenizer: Tokenizer, options: StagePromptOptions): StagePrompt[] {
  const budget = options.chunkBudget ?? DEFAULT_CHUNK_BUDGET;
  const truncation = options.truncation ?? 'keep-inst';
  return chunkDocument(text, { budget, counter: tokenizer, overlong: options.overlong ?? 'skip' }).map((chunk): StagePrompt => {
    const range = { firstLine: chunk.firstLine, lastLine: chunk.lastLine };
    if (chunk.skipped) return { ...range, tokens: [], truncated: false, skipped: `line ${chunk.firstLine} alone is ${chunk.tokens} tokens, over the ${budget}-token chunk budget` };
    const bos = options.bos !== undefined ? { bos: options.bos } : {};
    if (truncation === 'reference') {
      // The reference renders a chunk prompt as text and vLLM encodes it whole: nothing is cut,
      // and a prompt longer than the context is ignored (vLLM 0.4 returns an empty answer).
      const prompt = buildPromptTokens('chunk', chunk.text, tokenizer, { mode: 'reference', maxPromptTokens: options.contextSize, ...bos });
      if (prompt.truncated) return { ...range, tokens: [], truncated: false, skipped: `the chunk prompt is longer than the ${options.contextSize}-token context (the reference's vLLM ignores it and the chunk gets no program)` };
      return { ...range, tokens: prompt.tokens, truncated: false };
    }
    const prompt = buildPromptTokens('chunk', chunk.text, tokenizer, {
      mode: truncation,
      contextSize: options.contextSize,
      maxNewTokens: options.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS.chunk,
      ...bos,
    });
    // A cut chunk prompt would show the model a partial chunk: keep-inst sends none instead.
    if (prompt.truncated) return { ...range, tokens: [], truncated: true, skipped: `the chunk prompt does not fit the ${options.contextSize}-token context` };
    return { ...range, tokens: prompt.tokens, truncated: prompt.truncated };
  });
}

/** The prompts of `stage` for a document. */
export function stagePrompts(stage: Stage, text: string, tokenizer: Tokenizer, options: StagePromptOptions): StagePrompt[] {
  return stage === 'doc' ? [docStagePrompt(text, tokenizer, options)] : chunkStagePrompts(text, tokenizer, options);
}
