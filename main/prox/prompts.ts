/**
 * Prompts of the released ProX refining models (GAIR-NLP/ProX's data_gen refining tasks): the Llama-2 chat
 * template with one system and one user message, rendered as text, and a token-level
 * builder that fits a prompt into the model's 2,048-token context.
 */
import type { Stage } from './program';
import type { Tokenizer } from './tokens';
import { pyRstrip } from './words';

export const SYSTEM_PROMPT = 'You are a helpful, respectful and honest assistant.';

const BOS_TEXT = '<s>';
const INST_OPEN = '[INST] ';
const SYS_BLOCK = `<<SYS>>\n${SYSTEM_PROMPT}\n<</SYS>>\n\n`;
const INST_CLOSE = ' [/INST]';

/** The user message of the chunk stage: the numbered chunk inside `[doc]` ... `[/doc]`. */
export function chunkUserMessage(chunkText: string): string {
  return `[doc]\n${chunkText}\n[/doc]`;
}

/** The user message of a stage: the raw document (doc stage) or the wrapped numbered chunk. */
export function userMessage(stage: Stage, text: string): string {
  return stage === 'doc' ? text : chunkUserMessage(text);
}

/**
 * The Llama-2 template: `<s>[INST] ` + strip(`<<SYS>>\n` + system + `\n<</SYS>>\n\n` + user) + ` [/INST]`.
 * The template strips the whole content with Python `str.strip()`, so trailing whitespace of
 * the user text goes and leading whitespace stays (unless the user text is all whitespace,
 * when the `\n\n` after `<</SYS>>` goes too).
 */
export function renderPrompt(user: string): string {
  // SYS_BLOCK starts with '<', so only the right end of the content can lose whitespace.
  return `${BOS_TEXT}${INST_OPEN}${pyRstrip(SYS_BLOCK + user)}${INST_CLOSE}`;
}

/** Doc stage prompt: the raw document as the user message (no numbering, no wrapper). */
export function renderDocPrompt(text: string): string {
  return renderPrompt(text);
}

/** Chunk stage prompt: `[doc]\n` + numbered chunk + `\n[/doc]` as the user message. */
export function renderChunkPrompt(chunkText: string): string {
  return renderPrompt(chunkUserMessage(chunkText));
}

export type PromptTruncation = 'keep-inst' | 'reference';

export interface PromptTokenOptions {
  /**
   * 'keep-inst' (default): shorten the user text so the prompt, ` [/INST]` included, plus
   * `maxNewTokens` fit the context. 'reference': GAIR-NLP/ProX behaviour, tokenize the whole
   * prompt and cut the sequence on the right at `maxPromptTokens`, losing ` [/INST]` on long
   * documents.
   */
  mode?: PromptTruncation;
  /** Longest prompt in tokens (the reference uses 2,000). */
  maxPromptTokens?: number;
  /** The model's context (2,048 for every released ProX model). */
  contextSize?: number;
  /** Tokens reserved for the answer in 'keep-inst' mode; default 16 (doc) or 256 (chunk). */
  maxNewTokens?: number;
  /** How many BOS lead the prompt (default 'one'; see PromptBos). */
  bos?: PromptBos;
}

export interface PromptTokens {
  tokens: number[];
  truncated: boolean;
  /** UTF-16 code units of the user text that did not make it into the prompt. */
  droppedChars: number;
}

export const DEFAULT_MAX_PROMPT_TOKENS = 2000;
export const DEFAULT_CONTEXT_SIZE = 2048;
/** Grammar-constrained doc answers are at most 6 tokens plus EOS; the chunk stage uses the reference's 256. */
export const DEFAULT_MAX_NEW_TOKENS: Readonly<Record<Stage, number>> = { doc: 16, chunk: 256 };

/**
 * HF's LlamaTokenizer with legacy=false encodes a segment that follows a special token with a
 * SentencePiece model whose dummy prefix is off. llama.cpp always adds the prefix, so the text
 * is encoded behind a marker and the marker's tokens are dropped. A newline is no piece of the
 * Llama-2 vocabulary (only the byte token <0x0A>), so no merge crosses it and the tokens after
 * it are exactly those of the text without a prefix; a vocabulary where it would merge is
 * detected and refused.
 */
const NO_PREFIX_MARKER = '\n';

/**
 * Tokens of `text` as they follow a special token (BOS): with the checkpoint's `legacy: false`
 * there is no space prefix (`[INST]` starts with `[` 29961), else there is (`▁[` 518).
 */
export function tokensAfterSpecial(tokenizer: Tokenizer, text: string): number[] {
  if (tokenizer.legacy !== false || text === '') return tokenizer.tokenize(text);
  const marker = tokenizer.tokenize(NO_PREFIX_MARKER);
  const tokens = tokenizer.tokenize(NO_PREFIX_MARKER + text);
  if (marker.length === 0 || !marker.every((t, i) => tokens[i] === t)) {
    throw new Error(`legacy=false tokenization: a newline merged with the text that follows it (${JSON.stringify(text.slice(0, 20))}); this vocabulary cannot drop the space prefix this way`);
  }
  return tokens.slice(marker.length);
}

/**
 * How many BOS tokens lead the prompt. 'one' (default): exactly one. 'reference': as
 * GAIR-NLP/ProX feeds them: the doc stage one (apply_chat_template tokenizes the template's
 * `<s>`), the chunk stage two when the tokenizer adds BOS (the rendered text, `<s>` included,
 * is encoded again by vLLM with add_bos_token).
 */
export type PromptBos = 'one' | 'reference';

function bosCount(stage: Stage, tokenizer: Tokenizer, bos: PromptBos | undefined): number {
  return bos === 'reference' && stage === 'chunk' && tokenizer.addBos !== false ? 2 : 1;
}

/** Prompt tokens with `leadingBos` BOS tokens, special-token text in the user message left as text. */
function promptTokens(tokenizer: Tokenizer, rendered: string, leadingBos = 1): number[] {
  // Tokenized without special parsing, so a document containing "</s>" cannot inject an EOS
  // (the reference would parse it); the one special token, BOS, is added by id.
  let tokens = tokensAfterSpecial(tokenizer, rendered.slice(BOS_TEXT.length));
  if (tokens[0] === tokenizer.bos) tokens = tokens.slice(1);
  return [...Array<number>(leadingBos).fill(tokenizer.bos), ...tokens];
}

/** The prompt up to and including `text`, without what follows it (`\n[/doc]`, ` [/INST]`). */
function promptUpTo(stage: Stage, text: string): string {
  const opening = stage === 'doc' ? '' : '[doc]\n';
  return `${BOS_TEXT}${INST_OPEN}${pyRstrip(SYS_BLOCK + opening + text)}`;
}

/**
 * Largest `n` such that `fits(text.slice(0, n))`, assuming fits is (nearly) monotonic in n.
 * Binary search, then a step back for the rare non-monotonic SentencePiece boundary.
 */
function longestFittingPrefix(text: string, fits: (prefix: string) => boolean, upperBound: number): number {
  let lo = 0;
  let hi = Math.min(text.length, upperBound);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  while (lo > 0 && !fits(text.slice(0, lo))) lo--;
  // Never split a surrogate pair.
  const code = text.charCodeAt(lo - 1);
  if (lo > 0 && code >= 0xd800 && code <= 0xdbff) lo--;
  return lo;
}

/** No Llama-2 piece is longer than 16 characters, so a prefix beyond this cannot fit `budget` tokens. */
function prefixCharBound(budget: number): number {
  return (budget + 1) * 16;
}

function render(stage: Stage, text: string): string {
  return stage === 'doc' ? renderDocPrompt(text) : renderChunkPrompt(text);
}

/**
 * Token ids of the prompt for `text` (the raw document for the doc stage, the numbered chunk
 * for the chunk stage: the same argument as renderDocPrompt / renderChunkPrompt), with exactly
 * one BOS (two for a reference chunk prompt, `options.bos`), the space after BOS as the
 * tokenizer's `legacy` setting says, fitted into the context as `options.mode` says.
 */
export function buildPromptTokens(
  stage: Stage,
  text: string,
  tokenizer: Tokenizer,
  options: PromptTokenOptions = {},
): PromptTokens {
  const mode = options.mode ?? 'keep-inst';
  const maxPromptTokens = options.maxPromptTokens ?? DEFAULT_MAX_PROMPT_TOKENS;
  // A text longer than this cannot fit any budget here, so a huge document is never tokenized
  // whole; twice the bound keeps the SentencePiece boundary far from the tokens we keep.
  const textWindow = text.length > 2 * prefixCharBound(maxPromptTokens) ? text.slice(0, 2 * prefixCharBound(maxPromptTokens)) : text;
  const lead = bosCount(stage, tokenizer, options.bos);
  const full = promptTokens(tokenizer, render(stage, textWindow), lead);

  if (mode === 'reference') {
    if (full.length <= maxPromptTokens && textWindow === text) return { tokens: full, truncated: false, droppedChars: 0 };
    const kept = longestFittingPrefix(
      text,
      (prefix) => promptTokens(tokenizer, promptUpTo(stage, prefix), lead).length <= maxPromptTokens,
      prefixCharBound(maxPromptTokens),
    );
    return { tokens: full.slice(0, maxPromptTokens), truncated: true, droppedChars: text.length - kept };
  }

  const contextSize = options.contextSize ?? DEFAULT_CONTEXT_SIZE;
  const maxNewTokens = options.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS[stage];
  const limit = Math.min(maxPromptTokens, contextSize - maxNewTokens);
  if (full.length <= limit && textWindow === text) return { tokens: full, truncated: false, droppedChars: 0 };
  const emptyPrompt = promptTokens(tokenizer, render(stage, ''), lead);
  if (emptyPrompt.length > limit) {
    throw new RangeError(
      `the ${stage} prompt template alone needs ${emptyPrompt.length} tokens but only ${limit} fit ` +
        `(contextSize ${contextSize} - maxNewTokens ${maxNewTokens}, maxPromptTokens ${maxPromptTokens}); raise contextSize or lower maxNewTokens`,
    );
  }
  const kept = longestFittingPrefix(
    text,
    (prefix) => promptTokens(tokenizer, render(stage, prefix), lead).length <= limit,
    prefixCharBound(limit),
  );
  return {
    tokens: promptTokens(tokenizer, render(stage, text.slice(0, kept)), lead),
    truncated: true,
    droppedChars: text.length - kept,
  };
}
