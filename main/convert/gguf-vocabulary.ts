/** The tokenizer of an existing llama-type GGUF (e.g. llama.cpp's vocab-only test files) as a Vocabulary. */
import { metadataArray, metadataScalar, type GgufFile } from '../../native/gguf';
import { checkVocabulary, LEGACY_KEY, type Vocabulary } from './vocabulary';

export function vocabularyFromGguf(file: GgufFile): Vocabulary {
  const model = metadataScalar(file, 'tokenizer.ggml.model');
  if (model !== 'llama') throw new Error(`${file.path}: tokenizer.ggml.model is ${JSON.stringify(model)}, expected "llama" (SentencePiece)`);
  const tokens = metadataArray(file, 'tokenizer.ggml.tokens');
  const scores = metadataArray(file, 'tokenizer.ggml.scores');
  const types = metadataArray(file, 'tokenizer.ggml.token_type');
  if (!tokens || !scores || !types) throw new Error(`${file.path}: tokenizer.ggml.tokens/scores/token_type missing`);
  const id = (key: string, fallback: number) => {
    const v = metadataScalar(file, key);
    return v === undefined ? fallback : Number(v);
  };
  const flag = (key: string, fallback: boolean) => {
    const v = metadataScalar(file, key);
    return typeof v === 'boolean' ? v : fallback;
  };
  const pad = metadataScalar(file, 'tokenizer.ggml.padding_token_id');
  const legacy = metadataScalar(file, LEGACY_KEY);
  const chatTemplate = metadataScalar(file, 'tokenizer.chat_template');
  const vocab: Vocabulary = {
    tokens: tokens.map(String),
    scores: scores.map(Number),
    types: types.map(Number),
    unkId: id('tokenizer.ggml.unknown_token_id', 0),
    bosId: id('tokenizer.ggml.bos_token_id', 1),
    eosId: id('tokenizer.ggml.eos_token_id', 2),
    ...(pad !== undefined ? { padId: Number(pad) } : {}),
    addBos: flag('tokenizer.ggml.add_bos_token', true),
    addEos: flag('tokenizer.ggml.add_eos_token', false),
    addSpacePrefix: flag('tokenizer.ggml.add_space_prefix', true),
    ...(typeof legacy === 'boolean' ? { legacy } : {}),
    ...(typeof chatTemplate === 'string' ? { chatTemplate } : {}),
  };
  checkVocabulary(vocab, file.path);
  return vocab;
}
