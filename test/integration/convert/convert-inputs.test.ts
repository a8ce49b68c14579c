/**
 * Converter inputs: the real Llama-2 tokenizer survives conversion (the Llama-2 ids of the
 * ProX prompt pieces in llama.cpp), and bad checkpoints fail early with errors that name the
 * file and what to do, leaving no output behind.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLlama } from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../../../main/convert/convert-checkpoint';
import type { LlamaHyperparameters } from '../../../main/convert/llama-gguf';
import { parseSentencePieceModel, sentencePieceVocabulary } from '../../../main/convert/sentencepiece';
import { writeRandomHfCheckpoint } from '../../support/synthetic-checkpoint';
import { tinyVocabulary } from '../../support/tiny-vocabulary';
import { LLAMA2_TOKENIZER_MODEL as tokenizerModel } from '../../support/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'convert-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vocabulary fidelity with the real Llama-2 tokenizer.model', () => {
  it('llama.cpp tokenizes the ProX prompt pieces to their Llama-2 ids', async () => {
    const vocabulary = sentencePieceVocabulary(parseSentencePieceModel(readFileSync(tokenizerModel), tokenizerModel));
    const folder = join(dir, 'llama2-ckpt');
    const h: LlamaHyperparameters = { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 2048, vocabSize: 32000, rmsEps: 1e-5, ropeTheta: 10000 };
    writeRandomHfCheckpoint(folder, { hyperparameters: h, vocabulary, seed: 5 });
    // The checkpoint carries the fixture file itself, not our re-encoding of it.
    copyFileSync(tokenizerModel, join(folder, 'tokenizer.model'));
    const out = join(dir, 'llama2.gguf');
    convertCheckpoint(folder, out, { outType: 'f16' });

    const llama = await getLlama({ gpu: false });
    const model = await llama.loadModel({ modelPath: out });
    try {
      const doc = 'Home | About\nWelcome to the page.\nSome body text.';
      const prompt = `<s>[INST] <<SYS>>\nYou are a helpful, respectful and honest assistant.\n<</SYS>>\n\n${doc} [/INST]`;
      const ids = model.tokenize(prompt, true);
      expect(ids.slice(0, 9)).toEqual([1, 518, 25580, 29962, 3532, 14816, 29903, 6778, 13]);
      expect(ids.slice(-4)).toEqual([518, 29914, 25580, 29962]);
      // Template overhead of the doc prompt: BOS + 27 prefix tokens + 4 for " [/INST]".
      const docIds = model.tokenize(doc, false, 'trimLeadingSpace');
      expect(ids.length - docIds.length).toBe(32);
      // SentencePiece's dummy prefix makes the first piece "▁drop" (5768), not "drop" (8865).
      expect(model.tokenize('drop_doc()')).toEqual([5768, 29918, 1514, 580]);
      expect(model.tokenize('keep_doc()')).toEqual([3013, 29918, 1514, 580]);
      expect(model.detokenize(ids.slice(1))).toBe(prompt.slice(3));
    } finally {
      await model.dispose();
      await llama.dispose();
    }
  });
});

const vocab = tinyVocabulary();
const H: LlamaHyperparameters = { layers: 1, hidden: 32, heads: 2, kvHeads: 1, ffn: 64, context: 64, vocabSize: vocab.tokens.length, rmsEps: 1e-5, ropeTheta: 10000 };

function checkpoint(name: string, shards = 1): string {
  const folder = join(dir, name);
  writeRandomHfCheckpoint(folder, { hyperparameters: H, vocabulary: vocab, seed: 2, shards });
  return folder;
}

function editJson(path: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

describe('bad checkpoints fail early with clear errors', () => {
  const convert = (folder: string, out = join(dir, `${folder.split('/').pop()}.gguf`)) => {
    try {
      return convertCheckpoint(folder, out, { outType: 'f16' });
    } finally {
      expect(existsSync(`${out}.partial`)).toBe(false);
    }
  };

  it('unsupported architecture', () => {
    const folder = checkpoint('arch');
    editJson(join(folder, 'config.json'), (c) => {
      c.architectures = ['GPT2LMHeadModel'];
      c.model_type = 'gpt2';
    });
    expect(() => convert(folder)).toThrow(/config\.json: architecture GPT2LMHeadModel is not supported; llama \(LlamaForCausalLM\) and Qwen3 \(Qwen3ForCausalLM\) checkpoints can be converted/);
  });

  it('missing folder, config, weights, tokenizer and shard', () => {
    expect(() => convert(join(dir, 'nowhere'))).toThrow(/nowhere: no such folder/);
    const noConfig = checkpoint('no-config');
    rmSync(join(noConfig, 'config.json'));
    expect(() => convert(noConfig)).toThrow(/no config\.json/);
    const noWeights = checkpoint('no-weights');
    rmSync(join(noWeights, 'model.safetensors'));
    expect(() => convert(noWeights)).toThrow(/no model\.safetensors or model\.safetensors\.index\.json/);
    const noTokenizer = checkpoint('no-tokenizer');
    rmSync(join(noTokenizer, 'tokenizer.model'));
    expect(() => convert(noTokenizer)).toThrow(/no tokenizer\.model or tokenizer\.json/);
    const noShard = checkpoint('no-shard', 2);
    rmSync(join(noShard, 'model-00002-of-00002.safetensors'));
    expect(() => convert(noShard)).toThrow(/lists shard model-00002-of-00002\.safetensors, which is missing/);
  });

  it('shapes that contradict config.json, and missing layers', () => {
    const wrongHeads = checkpoint('wrong-kv');
    editJson(join(wrongHeads, 'config.json'), (c) => {
      c.num_key_value_heads = 2;
    });
    expect(() => convert(wrongHeads)).toThrow(/tensor model\.layers\.0\.self_attn\.k_proj\.weight has shape \[16, 32\] but config\.json implies \[32, 32\]/);
    const moreLayers = checkpoint('more-layers');
    editJson(join(moreLayers, 'config.json'), (c) => {
      c.num_hidden_layers = 2;
    });
    expect(() => convert(moreLayers)).toThrow(/checkpoint is missing tensors for blk\.1\.attn_norm\.weight/);
    const badVocab = checkpoint('bad-vocab');
    editJson(join(badVocab, 'config.json'), (c) => {
      c.vocab_size = 10;
    });
    expect(() => convert(badVocab)).toThrow(/tokenizer has \d+ pieces but vocab_size is 10/);
  });

  it('truncated safetensors file', () => {
    const folder = checkpoint('truncated');
    const file = join(folder, 'model.safetensors');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.byteLength - 100));
    expect(() => convert(folder)).toThrow(/model\.safetensors: tensor .* runs past the end of the file .* truncated/);
  });

  it('a disk too small for the output is refused before anything is written', () => {
    const folder = checkpoint('disk');
    const out = join(dir, 'disk.gguf');
    let asked = '';
    expect(() =>
      convertCheckpoint(folder, out, {
        outType: 'f32',
        freeSpace: (d) => {
          asked = d;
          return 1000;
        },
      }),
    ).toThrow(/not enough free disk space in .*: the output needs [\d.]+ KiB, 1000 B is available/);
    expect(asked).toBe(dir);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('an existing output is kept unless overwrite is asked for', () => {
    const folder = checkpoint('exists');
    const out = join(dir, 'exists.gguf');
    writeFileSync(out, 'precious');
    expect(() => convert(folder, out)).toThrow(/already exists; choose another --out or pass --force/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
  });
});
