/**
 * A SentencePiece-style vocabulary as GGUF's "llama" tokenizer stores it: pieces, scores and
 * token types, plus the special ids and flags llama.cpp reads.
 */

/** Token types shared by SentencePiece's ModelProto and GGUF's tokenizer.ggml.token_type. */
export const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;

/** GGUF key of the checkpoint's Hugging Face `legacy` tokenizer setting (no llama.cpp key exists). */
export const LEGACY_KEY = 'refinery.tokenizer.legacy';

export interface Vocabulary {
  readonly tokens: readonly string[];
  readonly scores: readonly number[];
  readonly types: readonly number[];
  readonly unkId: number;
  readonly bosId: number;
  readonly eosId: number;
  /** Omitted from the file when undefined (Llama-2 has no padding token). */
  readonly padId?: number;
  readonly addBos: boolean;
  readonly addEos: boolean;
  /** SentencePiece's add_dummy_prefix: a leading "▁" before the first word. */
  readonly addSpacePrefix: boolean;
  /**
   * Hugging Face's `legacy` tokenizer setting (tokenizer_config.json): true (or unstated, HF's
   * default) puts the SentencePiece space prefix after special tokens too, so `<s>[INST]` gives
   * `▁[` (518); false gives `[` (29961). Stored as refinery.tokenizer.legacy; prompts follow it.
   */
  readonly legacy?: boolean;
  /** tokenizer_config.json's chat_template (tokenizer.chat_template in the GGUF), when the checkpoint has one. */
  readonly chatTemplate?: string;
}

/** Pads the vocabulary up to `size` with unused "[PADn]" pieces, as llama.cpp's converter does when config.json's vocab_size is larger. */
export function padVocabulary(vocab: Vocabulary, size: number, where: string): Vocabulary {
  if (vocab.tokens.length === size) return vocab;
  if (vocab.tokens.length > size) {
    throw new Error(`${where}: the tokenizer has ${vocab.tokens.length} pieces but vocab_size is ${size}; the checkpoint and tokenizer do not belong together`);
  }
  const tokens = [...vocab.tokens];
  const scores = [...vocab.scores];
  const types = [...vocab.types];
  for (let i = vocab.tokens.length; i < size; i++) {
    tokens.push(`[PAD${i}]`);
    scores.push(-1000);
    types.push(TOKEN_TYPE.UNUSED);
  }
  return { ...vocab, tokens, scores, types };
}

export function checkVocabulary(vocab: Vocabulary, where: string): void {
  const n = vocab.tokens.length;
  if (n === 0) throw new Error(`${where}: the vocabulary is empty`);
  if (vocab.scores.length !== n || vocab.types.length !== n) throw new Error(`${where}: pieces, scores and types differ in length`);
  for (const [name, id] of [['unk', vocab.unkId], ['bos', vocab.bosId], ['eos', vocab.eosId]] as const) {
    if (!Number.isInteger(id) || id < 0 || id >= n) throw new Error(`${where}: ${name} id ${id} is outside the vocabulary (0..${n - 1})`);
  }
}
