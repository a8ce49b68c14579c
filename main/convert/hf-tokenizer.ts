/**
 * The vocabulary of a Hugging Face llama checkpoint: tokenizer.model (SentencePiece) when
 * present, else an SPM-style tokenizer.json (BPE with byte fallback). add_bos/add_eos come
 * from tokenizer_config.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseSentencePieceModel, sentencePieceVocabulary } from './sentencepiece';
import { TOKEN_TYPE, checkVocabulary, padVocabulary, type Vocabulary } from './vocabulary';

interface TokenizerConfig {
  addBos?: boolean;
  addEos?: boolean;
  bosToken?: string;
  eosToken?: string;
  unkToken?: string;
  legacy?: boolean;
  chatTemplate?: string;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

/** Special tokens in tokenizer_config.json are strings or {content: string} objects. */
function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

function readTokenizerConfig(folder: string): TokenizerConfig {
  const path = join(folder, 'tokenizer_config.json');
  if (!existsSync(path)) return chatTemplateOf(folder, undefined, path);
  const raw = readJson(path) as Record<string, unknown>;
  return {
    ...(typeof raw.add_bos_token === 'boolean' ? { addBos: raw.add_bos_token } : {}),
    ...(typeof raw.add_eos_token === 'boolean' ? { addEos: raw.add_eos_token } : {}),
    ...(tokenText(raw.bos_token) !== undefined ? { bosToken: tokenText(raw.bos_token) } : {}),
    ...(tokenText(raw.eos_token) !== undefined ? { eosToken: tokenText(raw.eos_token) } : {}),
    ...(tokenText(raw.unk_token) !== undefined ? { unkToken: tokenText(raw.unk_token) } : {}),
    ...(typeof raw.legacy === 'boolean' ? { legacy: raw.legacy } : {}),
    ...chatTemplateOf(folder, raw.chat_template, path),
  };
}

/**
 * The checkpoint's chat template: tokenizer_config.json's chat_template (a string, or a list of
 * {name, template} whose "default" entry is used), else a chat_template.jinja file beside it.
 */
function chatTemplateOf(folder: string, value: unknown, where: string): { chatTemplate?: string } {
  if (typeof value === 'string') return { chatTemplate: value };
  if (Array.isArray(value)) {
    const named = value.filter((t): t is { name: string; template: string } => !!t && typeof t.name === 'string' && typeof t.template === 'string');
    const chosen = named.find((t) => t.name === 'default') ?? named[0];
    if (chosen === undefined) throw new Error(`${where}: chat_template is a list without {name, template} entries`);
    return { chatTemplate: chosen.template };
  }
  if (value !== undefined && value !== null) throw new Error(`${where}: chat_template must be a string or a list of {name, template}, not ${typeof value}`);
  const jinja = join(folder, 'chat_template.jinja');
  return existsSync(jinja) ? { chatTemplate: readFileSync(jinja, 'utf8') } : {};
}

/** What prompts are built from: the legacy setting and the chat template, when the files state them. */
function promptSettings(config: TokenizerConfig): Pick<Vocabulary, 'legacy' | 'chatTemplate'> {
  return { ...(config.legacy !== undefined ? { legacy: config.legacy } : {}), ...(config.chatTemplate !== undefined ? { chatTemplate: config.chatTemplate } : {}) };
}

/**
 * What a checkpoint's tokenizer files say about building prompts: legacy, add_bos_token and the
 * chat template (tokenizer_config.json, or chat_template.jinja), each only when stated; null when
 * the folder has no tokenizer_config.json and no chat_template.jinja.
 */
export function checkpointPromptSettings(folder: string): { legacy?: boolean; addBos?: boolean; chatTemplate?: string } | null {
  if (!existsSync(join(folder, 'tokenizer_config.json')) && !existsSync(join(folder, 'chat_template.jinja'))) return null;
  const config = readTokenizerConfig(folder);
  return { ...promptSettings(config), ...(config.addBos !== undefined ? { addBos: config.addBos } : {}) };
}

interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

/** Added tokens past the base vocabulary become extra pieces, as llama.cpp's converter does. */
function appendAddedTokens(vocab: Vocabulary, added: AddedToken[], where: string): Vocabulary {
  const extra = added.filter((t) => t.id >= vocab.tokens.length).sort((a, b) => a.id - b.id);
  if (extra.length === 0) return vocab;
  const tokens = [...vocab.tokens];
  const scores = [...vocab.scores];
  const types = [...vocab.types];
  for (const t of extra) {
    if (t.id !== tokens.length) throw new Error(`${where}: added token ${JSON.stringify(t.content)} has id ${t.id}, leaving a gap after ${tokens.length - 1}`);
    tokens.push(t.content);
    scores.push(-1000);
    types.push(t.special ? TOKEN_TYPE.CONTROL : TOKEN_TYPE.USER_DEFINED);
  }
  return { ...vocab, tokens, scores, types };
}

function addedTokensOf(tokenizerJson: Record<string, unknown>): AddedToken[] {
  const list = Array.isArray(tokenizerJson.added_tokens) ? tokenizerJson.added_tokens : [];
  return list
    .filter((t): t is { id: number; content: string; special?: boolean } => !!t && typeof t.id === 'number' && typeof t.content === 'string')
    .map((t) => ({ id: t.id, content: t.content, special: t.special === true }));
}

const BYTE_PIECE = /^<0x[0-9A-F]{2}>$/;

/** An SPM-style tokenizer.json: BPE model with byte fallback, vocab piece -> id. */
function vocabularyFromTokenizerJson(path: string, json: Record<string, unknown>, config: TokenizerConfig): Vocabulary {
  const model = json.model as { type?: unknown; vocab?: unknown; byte_fallback?: unknown; unk_token?: unknown } | undefined;
  if (!model || model.type !== 'BPE' || model.byte_fallback !== true || !model.vocab || typeof model.vocab !== 'object') {
    throw new Error(`${path}: not a SentencePiece-style llama tokenizer (needs a BPE model with byte_fallback); GPT-2-style byte-level BPE vocabularies are not supported`);
  }
  const entries = Object.entries(model.vocab as Record<string, unknown>);
  const tokens: string[] = new Array(entries.length);
  for (const [piece, id] of entries) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= entries.length || tokens[id] !== undefined) {
      throw new Error(`${path}: vocab entry ${JSON.stringify(piece)} has id ${JSON.stringify(id)}; ids must be 0..${entries.length - 1} without duplicates`);
    }
    tokens[id] = piece;
  }
  const special = new Set(addedTokensOf(json).filter((t) => t.special).map((t) => t.content));
  const unk = typeof model.unk_token === 'string' ? model.unk_token : (config.unkToken ?? '<unk>');
  const types = tokens.map((t) => (t === unk ? TOKEN_TYPE.UNKNOWN : special.has(t) ? TOKEN_TYPE.CONTROL : BYTE_PIECE.test(t) ? TOKEN_TYPE.BYTE : TOKEN_TYPE.NORMAL));
  // tokenizer.json keeps merges, not scores. SentencePiece BPE numbers pieces in merge order,
  // so -id ranks merges the same way the original scores did.
  const scores = tokens.map((_, id) => (types[id] === TOKEN_TYPE.NORMAL ? -id : 0));
  const idOf = (text: string | undefined, fallback: string): number => {
    const id = tokens.indexOf(text ?? fallback);
    if (id < 0) throw new Error(`${path}: special token ${JSON.stringify(text ?? fallback)} is not in the vocabulary`);
    return id;
  };
  const serialized = JSON.stringify([json.normalizer, json.pre_tokenizer]);
  const addSpacePrefix = serialized.includes('"prepend":"▁"') || /"prepend_scheme":"(first|always)"/.test(serialized) || /"add_prefix_space":true/.test(serialized);
  return appendAddedTokens(
    {
      tokens,
      scores,
      types,
      unkId: idOf(unk, '<unk>'),
      bosId: idOf(config.bosToken, '<s>'),
      eosId: idOf(config.eosToken, '</s>'),
      addBos: config.addBos ?? true,
      addEos: config.addEos ?? false,
      addSpacePrefix,
      ...promptSettings(config),
    },
    addedTokensOf(json),
    path,
  );
}

/** A tokenizer.model file's vocabulary with the settings of the tokenizer_config.json beside it, if any. */
export function readSentencePieceFile(path: string): Vocabulary {
  if (!existsSync(path)) throw new Error(`${path}: no such file (give a tokenizer.model or a model's .gguf)`);
  const config = readTokenizerConfig(dirname(path));
  const vocab = { ...sentencePieceVocabulary(parseSentencePieceModel(readFileSync(path), path), config), ...promptSettings(config) };
  checkVocabulary(vocab, path);
  return vocab;
}

export function readCheckpointVocabulary(folder: string, vocabSize: number): Vocabulary {
  const config = readTokenizerConfig(folder);
  const spmPath = join(folder, 'tokenizer.model');
  const jsonPath = join(folder, 'tokenizer.json');
  let vocab: Vocabulary;
  let where: string;
  if (existsSync(spmPath)) {
    where = spmPath;
    vocab = { ...sentencePieceVocabulary(parseSentencePieceModel(readFileSync(spmPath), spmPath), config), ...promptSettings(config) };
    if (existsSync(jsonPath)) vocab = appendAddedTokens(vocab, addedTokensOf(readJson(jsonPath) as Record<string, unknown>), jsonPath);
  } else if (existsSync(jsonPath)) {
    where = jsonPath;
    vocab = vocabularyFromTokenizerJson(jsonPath, readJson(jsonPath) as Record<string, unknown>, config);
  } else {
    throw new Error(`${folder}: no tokenizer.model or tokenizer.json; copy the tokenizer files of the model into the folder`);
  }
  vocab = padVocabulary(vocab, vocabSize, where);
  checkVocabulary(vocab, where);
  return vocab;
}
