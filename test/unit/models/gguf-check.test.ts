import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkModelFile, ModelFileError } from '../../../main/models/gguf-check';
import { GENERATED_DIR, writeTinyLlamaGguf } from '../../support/tiny-model';
import { rewriteGguf } from './gguf-fixtures';

const dir = join(GENERATED_DIR, 'models-gguf-check');
const valid = join(dir, 'valid.gguf');

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  writeTinyLlamaGguf(valid, { layers: 2, hidden: 32, heads: 4, kvHeads: 1, ffn: 48, context: 128, seed: 3 });
});

async function problemOf(path: string): Promise<ModelFileError> {
  const error = await checkModelFile(path).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ModelFileError);
  return error as ModelFileError;
}

describe('checkModelFile', () => {
  it('accepts a valid llama GGUF and reports its shape, parameters and type', async () => {
    const summary = await checkModelFile(valid);
    expect(summary.architecture).toBe('llama');
    expect(summary.shape).toMatchObject({ layers: 2, embedding: 32, heads: 4, kvHeads: 1, feedForward: 48, contextLength: 128 });
    expect(summary.quantization).toBe('F32');
    // token_embd + output (vocab x 32) + output_norm + 2 layers of (2 norms, q, k, v, o, gate, up, down)
    const v = summary.shape.vocabulary;
    const perLayer = 2 * 32 + 32 * 32 * 2 + 32 * 8 * 2 + 3 * 32 * 48;
    expect(summary.parameters).toBe(2 * v * 32 + 32 + 2 * perLayer);
  });

  it('names a missing file and says how to add a model', async () => {
    const error = await problemOf(join(dir, 'absent.gguf'));
    expect(error.problem).toBe('missing');
    expect(error.message).toContain('refinery models add');
  });

  it('rejects a file that is not GGUF, pointing safetensors to convert', async () => {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, Buffer.from('{"__metadata__":{}}'));
    const error = await problemOf(path);
    expect(error.problem).toBe('not-gguf');
    expect(error.message).toContain('refinery models convert');
  });

  it('catches the missing llama.feed_forward_length that aborts llama.cpp', async () => {
    const path = join(dir, 'no-ffn.gguf');
    rewriteGguf(valid, path, { dropMetadata: 'llama.feed_forward_length' });
    const error = await problemOf(path);
    expect(error.problem).toBe('malformed');
    expect(error.message).toContain('"llama.feed_forward_length" is missing');
  });

  it('rejects an unsupported architecture by name', async () => {
    const path = join(dir, 'gpt2.gguf');
    rewriteGguf(valid, path, { setString: ['general.architecture', 'gpt2'] });
    const error = await problemOf(path);
    expect(error.problem).toBe('unsupported-architecture');
    expect(error.message).toContain('"gpt2"');
  });

  it('names a missing tensor', async () => {
    const path = join(dir, 'no-ffn-down.gguf');
    rewriteGguf(valid, path, { dropTensor: 'blk.1.ffn_down.weight' });
    const error = await problemOf(path);
    expect(error.message).toContain('"blk.1.ffn_down.weight" is missing');
  });

  it('detects a truncated download', async () => {
    const path = join(dir, 'truncated.gguf');
    const bytes = readFileSync(valid);
    writeFileSync(path, bytes.subarray(0, bytes.length - 1000));
    const error = await problemOf(path);
    expect(error.problem).toBe('truncated');
  });
});
