/**
 * rewriteGgufMetadata: new metadata, the tensor infos and the tensor-data section unchanged
 * (types this module cannot decode included), the file's alignment kept, the old file whole
 * until the rename.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GgufWriter, encodeF32, encodeQ8_0, metadataArray, metadataScalar, readGguf, readTensorF32, rewriteGgufMetadata } from '../../../native/gguf';

const dir = mkdtempSync(join(tmpdir(), 'gguf-rewrite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const weights = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 3);

function writeModel(path: string, alignment = 32): void {
  const w = new GgufWriter(path, alignment);
  w.set('general.architecture', 'string', 'llama')
    .set('llama.block_count', 'u32', 1)
    .set('general.size', 'u64', 2n ** 40n)
    .setArray('tokenizer.ggml.tokens', 'string', ['<unk>', '<s>', '</s>', 'ünïcode'])
    .set('tokenizer.ggml.add_bos_token', 'bool', true)
    .addTensor('a.weight', [2, 32], 'F32')
    .addTensor('b.weight', [2, 32], 'Q8_0');
  w.begin();
  w.writeTensorData('a.weight', encodeF32(weights));
  w.writeTensorData('b.weight', encodeQ8_0(weights));
  w.finish();
}

const dataOf = (path: string): Buffer => readFileSync(path).subarray(readGguf(path).dataOffset);

describe('rewriteGgufMetadata', () => {
  for (const alignment of [32, 64]) {
    it(`sets, replaces and removes keys; tensors stay byte for byte at alignment ${alignment}`, async () => {
      const path = join(dir, `model-${alignment}.gguf`);
      writeModel(path, alignment);
      const before = readGguf(path);
      const data = dataOf(path);
      const changed = await rewriteGgufMetadata(
        path,
        new Map([
          ['refinery.tokenizer.legacy', { type: 'bool', value: false }],
          ['tokenizer.ggml.add_bos_token', { type: 'bool', value: false }],
          ['tokenizer.chat_template', { type: 'string', value: '{{ bos_token }}[INST] {{ m }} [/INST]' }],
          ['llama.block_count', null],
        ]),
      );
      expect(changed).toBe(true);
      const after = readGguf(path);
      expect(after.alignment).toBe(alignment);
      expect(after.dataOffset % alignment).toBe(0);
      expect(after.dataOffset).not.toBe(before.dataOffset);
      expect(after.tensors).toEqual(before.tensors);
      expect(dataOf(path).equals(data)).toBe(true);
      expect(readTensorF32(after, 'a.weight')).toEqual(weights);
      expect([...after.metadata.keys()]).toEqual([
        ...[...before.metadata.keys()].filter((k) => k !== 'llama.block_count'),
        'refinery.tokenizer.legacy',
        'tokenizer.chat_template',
      ]);
      expect(metadataScalar(after, 'refinery.tokenizer.legacy')).toBe(false);
      expect(metadataScalar(after, 'tokenizer.ggml.add_bos_token')).toBe(false);
      expect(metadataScalar(after, 'tokenizer.chat_template')).toBe('{{ bos_token }}[INST] {{ m }} [/INST]');
      expect(metadataScalar(after, 'general.size')).toBe(2n ** 40n);
      expect(metadataArray(after, 'tokenizer.ggml.tokens')).toEqual(['<unk>', '<s>', '</s>', 'ünïcode']);
      expect(after.metadata.has('llama.block_count')).toBe(false);
      expect(existsSync(`${path}.rewrite`)).toBe(false);
    });
  }

  it('leaves the file untouched when nothing changes, and refuses to change the alignment', async () => {
    const path = join(dir, 'same.gguf');
    writeModel(path);
    const bytes = readFileSync(path);
    expect(await rewriteGgufMetadata(path, new Map([['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }], ['absent.key', null]]))).toBe(false);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    await expect(rewriteGgufMetadata(path, new Map([['general.alignment', { type: 'u32', value: 64 }]]))).rejects.toThrow('general.alignment cannot be changed');
  });

  it('keeps tensors of types it cannot decode (a K-quant build) as they are', async () => {
    const path = join(dir, 'kquant.gguf');
    writeModel(path);
    // Relabel a.weight's type as Q4_K (12): the reader knows neither its size nor its decoding.
    const bytes = readFileSync(path);
    const name = bytes.indexOf('a.weight');
    const typeAt = name + 'a.weight'.length + 4 + 2 * 8;
    expect(bytes.readUInt32LE(typeAt)).toBe(0);
    bytes.writeUInt32LE(12, typeAt);
    writeFileSync(path, bytes);
    const before = readGguf(path);
    expect(before.tensors[0]).toMatchObject({ typeCode: 12, typeName: undefined });
    const data = dataOf(path);
    expect(await rewriteGgufMetadata(path, new Map([['refinery.tokenizer.legacy', { type: 'bool', value: false }]]))).toBe(true);
    const after = readGguf(path);
    expect(after.tensors).toEqual(before.tensors);
    expect(dataOf(path).equals(data)).toBe(true);
    expect(metadataScalar(after, 'refinery.tokenizer.legacy')).toBe(false);
  });

  it('names the file when it is not a GGUF, and leaves it alone', async () => {
    const path = join(dir, 'junk.gguf');
    writeFileSync(path, 'not a model at all, just some text');
    await expect(rewriteGgufMetadata(path, new Map([['k', { type: 'bool', value: true }]]))).rejects.toThrow(`${path}: not a valid GGUF file`);
    expect(readFileSync(path, 'utf8')).toBe('not a model at all, just some text');
  });
});
