/**
 * The checkpoint's tokenizer settings travel from tokenizer_config.json through conversion into
 * the GGUF and decide the prompt tokens, end to end with the real Llama-2 tokenizer.model:
 * `legacy: false` gives `<s>` then `[` (29961), `legacy: true` (or unstated, HF's default) gives
 * `▁[` (518); a reference chunk prompt carries a second BOS when add_bos_token is true.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../../../main/convert/convert-checkpoint';
import type { LlamaHyperparameters } from '../../../main/convert/llama-gguf';
import { parseSentencePieceModel, sentencePieceVocabulary } from '../../../main/convert/sentencepiece';
import { vocabularyFromGguf } from '../../../main/convert/gguf-vocabulary';
import { LEGACY_KEY } from '../../../main/convert/vocabulary';
import { proxTokenizer } from '../../../main/models/tokenizer';
import { buildPromptTokens } from '../../../main/prox/prompts';
import { metadataScalar, readGguf } from '../../../native/gguf';
import { loadRuntime, type LlamaRuntime } from '../../../native/llama/runtime';
import { loadVocabulary } from '../../../native/llama/model';
import { writeRandomHfCheckpoint } from '../../support/synthetic-checkpoint';
import { LLAMA2_TOKENIZER_MODEL as tokenizerModel } from '../../support/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'prompt-spelling-'));
let runtime: LlamaRuntime;
beforeAll(async () => {
  runtime = await loadRuntime(false);
});
afterAll(async () => {
  await runtime?.llama.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const H: LlamaHyperparameters = { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 2048, vocabSize: 32000, rmsEps: 1e-5, ropeTheta: 10000 };
const DOC = 'Home | About\nWelcome to the page.\nSome body text.';
// `<s>`, then `[INST] <<SYS>>\n`: INST, ], ▁<<, SY, S, >>, newline (prox-reference.md 2.5).
const AFTER_FIRST = [25580, 29962, 3532, 14816, 29903, 6778, 13];
const INST_CLOSE = [518, 29914, 25580, 29962];

/** Converts a checkpoint whose tokenizer_config.json is `config`, with the real tokenizer.model. */
function convert(name: string, config: Record<string, unknown>): string {
  const vocabulary = sentencePieceVocabulary(parseSentencePieceModel(readFileSync(tokenizerModel), tokenizerModel));
  const folder = join(dir, name);
  writeRandomHfCheckpoint(folder, { hyperparameters: H, vocabulary, seed: 3 });
  copyFileSync(tokenizerModel, join(folder, 'tokenizer.model'));
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({ bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', ...config }));
  const out = join(dir, `${name}.gguf`);
  convertCheckpoint(folder, out, { outType: 'f16' });
  return out;
}

async function promptsOf(gguf: string): Promise<{ doc: number[]; chunk: number[]; chunkReference: number[] }> {
  const vocab = await loadVocabulary(runtime, gguf);
  try {
    const tokenizer = proxTokenizer(vocab.tokenizer, gguf);
    return {
      doc: buildPromptTokens('doc', DOC, tokenizer).tokens,
      chunk: buildPromptTokens('chunk', '[000]Home | About', tokenizer).tokens,
      chunkReference: buildPromptTokens('chunk', '[000]Home | About', tokenizer, { bos: 'reference' }).tokens,
    };
  } finally {
    await vocab.dispose();
  }
}

describe('legacy, add_bos_token and chat template: checkpoint -> GGUF -> prompt token ids', () => {
  it('legacy: false gives BOS then "[" (29961); the rest of the prompt is unchanged', async () => {
    const gguf = convert('non-legacy', { legacy: false, add_bos_token: true, add_eos_token: false });
    const file = readGguf(gguf);
    expect(metadataScalar(file, LEGACY_KEY)).toBe(false);
    expect(metadataScalar(file, 'tokenizer.ggml.add_bos_token')).toBe(true);
    expect(metadataScalar(file, 'tokenizer.chat_template')).toBeUndefined();
    const p = await promptsOf(gguf);
    expect(p.doc.slice(0, 9)).toEqual([1, 29961, ...AFTER_FIRST]);
    expect(p.doc.slice(-4)).toEqual(INST_CLOSE);
    expect(p.chunk.slice(0, 2)).toEqual([1, 29961]);
    // The reference encodes the rendered chunk prompt again with add_bos_token: two BOS.
    expect(p.chunkReference.slice(0, 3)).toEqual([1, 1, 29961]);
    expect(p.chunkReference.slice(1)).toEqual(p.chunk);
  });

  it('legacy: true gives BOS then "▁[" (518), and unstated legacy means true (HF default)', async () => {
    const legacy = await promptsOf(convert('legacy', { legacy: true, add_bos_token: true }));
    const unstatedGguf = convert('unstated', { add_bos_token: true });
    expect(metadataScalar(readGguf(unstatedGguf), LEGACY_KEY)).toBeUndefined();
    const unstated = await promptsOf(unstatedGguf);
    const nonLegacy = await promptsOf(convert('non-legacy-2', { legacy: false }));
    expect(legacy.doc.slice(0, 9)).toEqual([1, 518, ...AFTER_FIRST]);
    expect(unstated).toEqual(legacy);
    // One token differs, nothing else: the spelling of the first piece after BOS.
    expect(legacy.doc.length).toBe(nonLegacy.doc.length);
    expect(legacy.doc.slice(2)).toEqual(nonLegacy.doc.slice(2));
    expect(legacy.chunkReference.slice(0, 3)).toEqual([1, 1, 518]);
  });

  it('add_bos_token: false leaves the reference chunk prompt with the template BOS only', async () => {
    const p = await promptsOf(convert('no-add-bos', { legacy: false, add_bos_token: false }));
    expect(p.chunkReference).toEqual(p.chunk);
    expect(p.chunk.slice(0, 2)).toEqual([1, 29961]);
  });

  it('keeps the chat template with the model (tokenizer.chat_template), a string or the default of a list', () => {
    const template = "{% for m in messages %}{{ m['content'] }}{% endfor %}";
    const gguf = convert('template', { legacy: false, chat_template: template });
    expect(metadataScalar(readGguf(gguf), 'tokenizer.chat_template')).toBe(template);
    expect(vocabularyFromGguf(readGguf(gguf))).toMatchObject({ legacy: false, chatTemplate: template });
    const listed = convert('template-list', { chat_template: [{ name: 'tool_use', template: 'x' }, { name: 'default', template }] });
    expect(metadataScalar(readGguf(listed), 'tokenizer.chat_template')).toBe(template);
  });

  it('a malformed chat_template names the file', () => {
    expect(() => convert('bad-template', { chat_template: 42 })).toThrow(/tokenizer_config\.json: chat_template must be a string/);
  });
});
