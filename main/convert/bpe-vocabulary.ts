/**
 * A byte-level BPE vocabulary (GPT-2 style, as Qwen uses) read from a Hugging Face
 * `tokenizer.json`, the way llama.cpp's converter puts it into a GGUF ("gpt2" tokenizer):
 * every id up to config.json's vocab_size gets a piece (ids the tokenizer lacks become
 * unused `[PADn]` pieces), added tokens are control tokens when special or when they look
 * special (`<|...|>`), user-defined otherwise; merges are kept in order; special ids come
 * from tokenizer_config.json, then config.json; the chat template is kept.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOKEN_TYPE } from './vocabulary';

export interface BpeVocabulary {
  readonly tokens: readonly string[];
  readonly types: readonly number[];
  readonly merges: readonly string[];
  /** llama.cpp's name for the pre-tokenizer (how text is split before BPE). */
  readonly pre: string;
  readonly bosId?: number;
  readonly eosId?: number;
  readonly padId?: number;
  readonly addBos: boolean;
  readonly addEos: boolean;
  readonly chatTemplate?: string;
}

/** The pre-tokenizer regexes llama.cpp knows by name, as tokenizer.json writes them. */
const KNOWN_PRE_TOKENIZERS: Readonly<Record<string, string>> = {
  qwen2: String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
};

type Json = Record<string, unknown>;

function readJson(path: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}: expected a JSON object`);
  return value as Json;
}

function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

export function readBpeVocabulary(folder: string, vocabSize: number): BpeVocabulary {
  const path = join(folder, 'tokenizer.json');
  if (!existsSync(path)) throw new Error(`${folder}: no tokenizer.json; copy the tokenizer files of the model into the folder`);
  const json = readJson(path);
  const model = json.model as Json | undefined;
  if (!model || model.type !== 'BPE' || model.byte_fallback === true || !model.vocab || typeof model.vocab !== 'object') {
    throw new Error(`${path}: not a byte-level BPE tokenizer (a BPE model without byte_fallback, as GPT-2 and Qwen use)`);
  }
  const pre = preTokenizerName(path, json.pre_tokenizer);

  const tokens: (string | undefined)[] = new Array(vocabSize);
  const types: number[] = new Array(vocabSize).fill(TOKEN_TYPE.NORMAL);
  const place = (piece: string, id: unknown, what: string): number => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new Error(`${path}: ${what} ${JSON.stringify(piece)} has id ${JSON.stringify(id)}`);
    if (id >= vocabSize) throw new Error(`${path}: ${what} ${JSON.stringify(piece)} has id ${id} but vocab_size is ${vocabSize}; the checkpoint and tokenizer do not belong together`);
    return id;
  };
  for (const [piece, id] of Object.entries(model.vocab as Json)) {
    const at = place(piece, id, 'vocab entry');
    if (tokens[at] !== undefined) throw new Error(`${path}: id ${at} is given to both ${JSON.stringify(tokens[at])} and ${JSON.stringify(piece)}`);
    tokens[at] = piece;
  }
  const added = Array.isArray(json.added_tokens) ? (json.added_tokens as Json[]) : [];
  for (const token of added) {
    if (typeof token.content !== 'string') continue;
    const at = place(token.content, token.id, 'added token');
    tokens[at] = token.content;
    types[at] = token.special === true || looksSpecial(token.content) ? TOKEN_TYPE.CONTROL : TOKEN_TYPE.USER_DEFINED;
  }
  for (let id = 0; id < vocabSize; id++) {
    if (tokens[id] === undefined) {
      tokens[id] = `[PAD${id}]`;
      types[id] = TOKEN_TYPE.UNUSED;
    }
  }
  const pieces = tokens as string[];
  checkByteAlphabet(path, pieces);

  const config = existsSync(join(folder, 'tokenizer_config.json')) ? readJson(join(folder, 'tokenizer_config.json')) : {};
  const modelConfig = existsSync(join(folder, 'config.json')) ? readJson(join(folder, 'config.json')) : {};
  // llama.cpp's SpecialVocab: a token named in tokenizer_config.json first, then config.json's *_token_id.
  const specialId = (kind: 'bos' | 'eos' | 'pad'): number | undefined => {
    const text = tokenText(config[`${kind}_token`]);
    const named = text === undefined ? undefined : added.find((t) => t.content === text)?.id;
    const id = typeof named === 'number' ? named : modelConfig[`${kind}_token_id`];
    return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < vocabSize ? id : undefined;
  };
  const template = config.chat_template;
  const chatTemplate = typeof template === 'string' ? template : existsSync(join(folder, 'chat_template.jinja')) ? readFileSync(join(folder, 'chat_template.jinja'), 'utf8') : undefined;
  const bosId = specialId('bos');
  const eosId = specialId('eos');
  const padId = specialId('pad');
  return {
    tokens: pieces,
    types,
    merges: mergesOf(path, model.merges),
    pre,
    ...(bosId !== undefined ? { bosId } : {}),
    ...(eosId !== undefined ? { eosId } : {}),
    ...(padId !== undefined ? { padId } : {}),
    // Byte-level BPE tokenizers (GPT-2, Qwen) add no BOS unless the config says so.
    addBos: config.add_bos_token === true,
    addEos: config.add_eos_token === true,
    ...(chatTemplate !== undefined ? { chatTemplate } : {}),
  };
}

/** llama.cpp's `does_token_look_special`. */
function looksSpecial(text: string): boolean {
  return (
    ['<pad>', '<mask>', '<2mass>', '[@BOS@]'].includes(text) ||
    (text.startsWith('<|') && text.endsWith('|>')) ||
    (text.startsWith('<｜') && text.endsWith('｜>')) ||
    (text.startsWith('<unused') && text.endsWith('>'))
  );
}

function preTokenizerName(path: string, pre: unknown): string {
  const splits: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Json;
    if (n.type === 'Sequence' && Array.isArray(n.pretokenizers)) n.pretokenizers.forEach(visit);
    else if (n.type === 'Split') {
      const pattern = n.pattern as Json | undefined;
      if (typeof pattern?.Regex === 'string') splits.push(pattern.Regex);
    }
  };
  visit(pre);
  for (const [name, regex] of Object.entries(KNOWN_PRE_TOKENIZERS)) if (splits.length === 1 && splits[0] === regex) return name;
  throw new Error(
    `${path}: the pre-tokenizer (${splits.length === 0 ? 'no Split regex' : `regex ${JSON.stringify(splits.join(' | '))}`}) is not one this converter knows; supported: ${Object.keys(KNOWN_PRE_TOKENIZERS).join(', ')} (Qwen2/Qwen3 tokenizers)`,
  );
}

/** Merges as llama.cpp stores them: "left right", with a space inside a pair part written as U+0120 + 256 style (chr(ord(' ') + 256)). */
function mergesOf(path: string, merges: unknown): string[] {
  if (!Array.isArray(merges) || merges.length === 0) throw new Error(`${path}: the BPE model has no merges`);
  return merges.map((m, i) => {
    if (typeof m === 'string') return m;
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
      return (m as string[]).map((part) => part.replaceAll(' ', String.fromCharCode(32 + 256))).join(' ');
    }
    throw new Error(`${path}: merge ${i} is neither "a b" nor ["a", "b"]`);
  });
}

/** The 256 characters GPT-2's byte-level encoding maps bytes to; llama.cpp needs a piece for each. */
export function byteLevelAlphabet(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) out.push(String.fromCharCode(printable(b) ? b : next++));
  return out;
}

function checkByteAlphabet(path: string, tokens: readonly string[]): void {
  const have = new Set(tokens);
  const missing = byteLevelAlphabet().filter((c) => !have.has(c));
  if (missing.length > 0) throw new Error(`${path}: the vocabulary lacks ${missing.length} of the 256 byte pieces (e.g. ${JSON.stringify(missing[0])}); it is not a byte-level BPE vocabulary`);
}
