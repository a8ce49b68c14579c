/**
 * Token counting for chunking and prompt budgets.
 *
 * The real counter is the loaded model's tokenizer (native adapter); when no model is loaded
 * (rules programmer, previews, indexing) the chunker still needs a count, so this module
 * provides a cheap estimate calibrated for the Llama-2 SentencePiece vocabulary that every
 * released ProX refining model uses.
 */

export interface TokenCounter {
  /** Tokens of `text` as the model would see it on its own: no BOS, SentencePiece space prefix included. */
  count(text: string): number;
}

export interface Tokenizer extends TokenCounter {
  /** `special`: parse special-token text such as `<s>` into special tokens (default false). */
  tokenize(text: string, options?: { special?: boolean }): number[];
  detokenize(tokens: readonly number[]): string;
  readonly bos: number;
  readonly eos: number;
  /**
   * The checkpoint's Hugging Face `legacy` setting: false means no SentencePiece space prefix
   * right after a special token (`<s>[INST]` -> BOS, `[` 29961); true or undefined (HF's
   * default) keeps it (BOS, `▁[` 518).
   */
  readonly legacy?: boolean;
  /** add_bos_token: whether the checkpoint's tokenizer puts BOS in front of what it encodes (default true). */
  readonly addBos?: boolean;
}

/*
 * Coefficients of a linear model fitted by least squares on the 9,540 `[NNN]`-numbered lines of
 * the devset (test/fixtures/devset) against llama.cpp's Llama-2 SPM token counts. Document
 * sums came within 1.7% on average (worst document 7.5%); two-fold cross-validation by
 * document gave 1.8-2.1% (worst 8.3%). test/unit/prox/tokens.test.ts re-measures this.
 * Why these features: SPM merges common lowercase words into one piece (per-word cost), longer
 * or rarer words into a few (per-letter cost), capitals split pieces more often, every digit is
 * its own token in the Llama vocab, ASCII punctuation is mostly one token, and characters
 * missing from the vocab fall back to one token per UTF-8 byte.
 */
const PER_WORD = 0.605;
const PER_LETTER = 0.113;
const PER_CAPITAL = 0.409;
const PER_DIGIT = 1.272;
const PER_PUNCTUATION = 0.82;
const PER_TWO_BYTE_CHAR = 1.577;
const PER_THREE_BYTE_CHAR = 1.126;
const PER_FOUR_BYTE_CHAR = 5.086;
const INTERCEPT = -0.372;

/** Estimated Llama-2 SPM token count of `text` (no BOS); 0 only for empty text. */
export function estimateLlamaTokens(text: string): number {
  if (text.length === 0) return 0;
  let words = 0;
  let letters = 0;
  let capitals = 0;
  let digits = 0;
  let punctuation = 0;
  let twoByte = 0;
  let threeByte = 0;
  let fourByte = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const upper = code >= 65 && code <= 90;
    const letter = upper || (code >= 97 && code <= 122);
    if (letter) {
      if (!inWord) words++;
      letters++;
      if (upper) capitals++;
    } else if (code >= 48 && code <= 57) {
      digits++;
    } else if (code > 32 && code < 127) {
      punctuation++;
    } else if (code >= 0x80) {
      if (code < 0x800) twoByte++;
      else if (code >= 0xd800 && code <= 0xdbff) fourByte++; // high surrogate: one astral code point
      else if (code < 0xdc00 || code > 0xdfff) threeByte++;
    }
    inWord = letter;
  }
  const estimate =
    INTERCEPT +
    PER_WORD * words +
    PER_LETTER * letters +
    PER_CAPITAL * capitals +
    PER_DIGIT * digits +
    PER_PUNCTUATION * punctuation +
    PER_TWO_BYTE_CHAR * twoByte +
    PER_THREE_BYTE_CHAR * threeByte +
    PER_FOUR_BYTE_CHAR * fourByte;
  return Math.max(1, Math.round(estimate));
}

/**
 * The counter used when no model tokenizer is available. An estimate, not a count: chunks cut
 * with it can be a few percent over budget in real tokens, so a programmer that loads a model
 * should re-chunk with the model's own tokenizer.
 */
export const approximateTokenCounter: TokenCounter = { count: estimateLlamaTokens };
