import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GgufFormatError, GgufWriter, encodeF32, encodeF16, encodeQ8_0, decodeTensor, readGguf, readTensorF32, metadataScalar } from '../../../native/gguf';

const dir = mkdtempSync(join(tmpdir(), 'gguf-format-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('GGUF writer byte layout', () => {
  it('writes header, one KV, one tensor info and aligned data exactly as the spec lays them out', () => {
    const path = join(dir, 'layout.gguf');
    const w = new GgufWriter(path);
    w.set('k', 'u32', 7).addTensor('t', [2, 3], 'F32');
    w.begin();
    w.writeTensorData('t', encodeF32(new Float32Array([1, 2, 3, 4, 5, 6])));
    w.finish();
    const b = readFileSync(path);
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    expect(b.subarray(0, 4).toString('latin1')).toBe('GGUF');
    expect(v.getUint32(4, true)).toBe(3); // version
    expect(v.getBigUint64(8, true)).toBe(1n); // tensors
    expect(v.getBigUint64(16, true)).toBe(1n); // kv pairs
    expect(v.getBigUint64(24, true)).toBe(1n); // key length
    expect(b.subarray(32, 33).toString()).toBe('k');
    expect(v.getUint32(33, true)).toBe(4); // u32 type
    expect(v.getUint32(37, true)).toBe(7);
    expect(v.getBigUint64(41, true)).toBe(1n); // tensor name length
    expect(b.subarray(49, 50).toString()).toBe('t');
    expect(v.getUint32(50, true)).toBe(2); // n_dims
    // ggml order: ne[0] is the row length (last numpy axis).
    expect(v.getBigUint64(54, true)).toBe(3n);
    expect(v.getBigUint64(62, true)).toBe(2n);
    expect(v.getUint32(70, true)).toBe(0); // F32
    expect(v.getBigUint64(74, true)).toBe(0n); // offset
    // Header ends at 82; data starts at the next multiple of 32.
    expect(b.subarray(82, 96).every((x) => x === 0)).toBe(true);
    expect(v.getFloat32(96, true)).toBe(1);
    expect(v.getFloat32(96 + 20, true)).toBe(6);
    expect(b.byteLength).toBe(96 + 24);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });
});

describe('GGUF round trip', () => {
  it('reads back metadata of every type, arrays, tensor infos and data', () => {
    const path = join(dir, 'roundtrip.gguf');
    const w = new GgufWriter(path);
    w.set('a.u8', 'u8', 255).set('a.i8', 'i8', -128).set('a.u16', 'u16', 65535).set('a.i16', 'i16', -32768)
      .set('a.u32', 'u32', 4294967295).set('a.i32', 'i32', -2147483648).set('a.f32', 'f32', 0.5)
      .set('a.f64', 'f64', Math.PI).set('a.bool', 'bool', true).set('a.str', 'string', 'héllo ▁wörld')
      .set('a.u64', 'u64', 2n ** 64n - 1n).set('a.i64', 'i64', -(2n ** 63n))
      .setArray('arr.s', 'string', ['<s>', '', '▁x']).setArray('arr.f', 'f32', [1.5, -2]).setArray('arr.i', 'i32', [-1, 6])
      .setArray('arr.empty', 'u8', []);
    const a = Float32Array.from({ length: 40 }, (_, i) => i - 20.25);
    const bq = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
    w.addTensor('first', [5, 8], 'F32').addTensor('second', [2, 32], 'Q8_0').addTensor('third', [3], 'F16');
    w.begin();
    w.writeTensorData('first', encodeF32(a.subarray(0, 16)));
    w.writeTensorData('first', encodeF32(a.subarray(16))); // chunked
    w.writeTensorData('second', encodeQ8_0(bq));
    w.writeTensorData('third', encodeF16(new Float32Array([1, -2, 0.333])));
    w.finish();

    const f = readGguf(path);
    expect(f.version).toBe(3);
    expect(f.alignment).toBe(32);
    expect(Object.fromEntries([...f.metadata].map(([k, v]) => [k, v.type === 'array' ? v.values : v.value]))).toEqual({
      'a.u8': 255, 'a.i8': -128, 'a.u16': 65535, 'a.i16': -32768, 'a.u32': 4294967295, 'a.i32': -2147483648,
      'a.f32': 0.5, 'a.f64': Math.PI, 'a.bool': true, 'a.str': 'héllo ▁wörld', 'a.u64': 2n ** 64n - 1n,
      'a.i64': -(2n ** 63n), 'arr.s': ['<s>', '', '▁x'], 'arr.f': [1.5, -2], 'arr.i': [-1, 6], 'arr.empty': [],
    });
    expect(f.metadata.get('arr.i')).toMatchObject({ type: 'array', itemType: 'i32' });
    expect(f.tensors.map((t) => [t.name, t.shape, t.dims, t.typeName, t.offset % 32])).toEqual([
      ['first', [5, 8], [8, 5], 'F32', 0],
      ['second', [2, 32], [32, 2], 'Q8_0', 0],
      ['third', [3], [3], 'F16', 0],
    ]);
    expect(f.dataOffset % 32).toBe(0);
    expect([...readTensorF32(f, 'first')]).toEqual([...a]);
    const q = readTensorF32(f, 'second');
    for (let i = 0; i < 64; i++) expect(Math.abs(q[i] - bq[i])).toBeLessThanOrEqual(1 / 127 / 2 + 1e-3);
    // 0.333 = 1.332·2^-2; 0.332·1024 = 339.97 rounds to 340 -> (1 + 340/1024) / 4.
    expect([...readTensorF32(f, 'third')]).toEqual([1, -2, 0.3330078125]);
  });

  it('honours a non-default alignment via general.alignment', () => {
    const path = join(dir, 'align64.gguf');
    const w = new GgufWriter(path, 64);
    w.addTensor('x', [3], 'F32').addTensor('y', [5], 'F32');
    w.begin();
    w.writeTensorData('x', encodeF32(new Float32Array([1, 2, 3])));
    w.writeTensorData('y', encodeF32(new Float32Array([4, 5, 6, 7, 8])));
    w.finish();
    const f = readGguf(path);
    expect(f.alignment).toBe(64);
    expect(metadataScalar(f, 'general.alignment')).toBe(64);
    expect(f.tensors[1].offset).toBe(64);
    expect(f.dataOffset % 64).toBe(0);
    expect([...readTensorF32(f, 'y')]).toEqual([4, 5, 6, 7, 8]);
  });
});

describe('GGUF writer guards', () => {
  it('rejects out-of-order, oversized and incomplete tensor data and leaves no file behind', () => {
    const path = join(dir, 'guards.gguf');
    const w = new GgufWriter(path);
    w.addTensor('a', [4], 'F32').addTensor('b', [4], 'F32');
    w.begin();
    expect(() => w.writeTensorData('b', new Uint8Array(16))).toThrow(/expected data for a/);
    expect(() => w.writeTensorData('a', new Uint8Array(20))).toThrow(/more than its 16 bytes/);
    w.writeTensorData('a', new Uint8Array(16));
    expect(() => w.finish()).toThrow(/tensor b is incomplete/);
    w.abort();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  it('rejects Q8_0 rows that do not fill 32-value blocks, bad shapes and out-of-range metadata', () => {
    const w = new GgufWriter(join(dir, 'never.gguf'));
    expect(() => w.addTensor('q', [4, 48], 'Q8_0')).toThrow(/row length 48 is not a multiple of the Q8_0 block size 32/);
    expect(() => w.addTensor('z', [0, 4], 'F32')).toThrow(/positive integer/);
    expect(() => w.set('k', 'u8', 256)).toThrow(/metadata k: 256 is not a u8/);
    expect(() => w.set('k', 'string', 3)).toThrow(/not a string/);
  });
});

describe('GGUF reader errors', () => {
  it('names the file and offset for a bad magic and for truncation', () => {
    const bad = join(dir, 'bad.gguf');
    writeFileSync(bad, Buffer.from('GGML'.padEnd(64, '\0')));
    expect(() => readGguf(bad)).toThrow(GgufFormatError);
    expect(() => readGguf(bad)).toThrow(/bad\.gguf: not a valid GGUF file at byte 0: missing "GGUF" magic/);

    const good = join(dir, 'trunc-src.gguf');
    const w = new GgufWriter(good);
    w.setArray('tokens', 'string', ['a', 'b', 'c']).addTensor('t', [64], 'F32');
    w.begin();
    w.writeTensorData('t', new Uint8Array(256));
    w.finish();
    const bytes = readFileSync(good);
    const cutData = join(dir, 'cut-data.gguf');
    writeFileSync(cutData, bytes.subarray(0, bytes.byteLength - 10));
    expect(() => readGguf(cutData)).toThrow(/runs past the end of the file .* truncated/);
    const cutHeader = join(dir, 'cut-header.gguf');
    writeFileSync(cutHeader, bytes.subarray(0, 40));
    expect(() => readGguf(cutHeader)).toThrow(/file ends after 40 bytes/);
  });

  it('decodes values the writer never saw: hand-made BF16 data', () => {
    const bits = new Uint16Array([0x3f80, 0xc000, 0x4049]); // 1, -2, 3.140625
    expect([...decodeTensor(new Uint8Array(bits.buffer), 'BF16', 3)]).toEqual([1, -2, 3.140625]);
  });
});
