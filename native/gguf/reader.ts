/**
 * GGUF v2/v3 reader: header, metadata, tensor infos and on-demand tensor data. Only the
 * header is read up front (in 1 MiB pieces), so opening a multi-GB model is cheap.
 * Malformed files give an error naming the file, the byte offset and what was expected.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodeTensor } from './quantize';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGML_TYPES,
  alignUp,
  ggmlTypeName,
  valueTypeName,
  type GgufMetadata,
  type GgufMetadataValue,
  type GgufScalar,
  type GgufScalarTypeName,
  type GgufTensorInfo,
} from './types';

export interface GgufFile {
  readonly path: string;
  readonly version: number;
  readonly metadata: GgufMetadata;
  readonly tensors: readonly GgufTensorInfo[];
  readonly alignment: number;
  /** Absolute file offset of the tensor-data section. */
  readonly dataOffset: number;
  readonly fileSize: number;
}

export class GgufFormatError extends Error {
  constructor(path: string, offset: number, message: string) {
    super(`${path}: not a valid GGUF file at byte ${offset}: ${message}`);
    this.name = 'GgufFormatError';
  }
}

const CHUNK = 1 << 20;
// Far above any real model (llama.cpp's own limits are similar); stops a corrupt count from
// allocating the machine away.
const MAX_COUNT = 1e8;

class FileCursor {
  private buf = Buffer.alloc(CHUNK);
  private start = 0; // file offset of buf[0]
  private end = 0; // valid bytes in buf
  pos = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
    private readonly path: string,
  ) {}

  fail(message: string): never {
    throw new GgufFormatError(this.path, this.pos, message);
  }

  private ensure(n: number): number {
    if (this.pos + n > this.size) this.fail(`file ends after ${this.size} bytes, ${n} more expected`);
    const rel = this.pos - this.start;
    if (rel >= 0 && rel + n <= this.end) return rel;
    if (n > this.buf.byteLength) this.buf = Buffer.alloc(n);
    this.start = this.pos;
    this.end = readSync(this.fd, this.buf, 0, Math.min(this.buf.byteLength, this.size - this.pos), this.pos);
    return 0;
  }

  u8(): number { const r = this.ensure(1); this.pos += 1; return this.buf.readUInt8(r); }
  i8(): number { const r = this.ensure(1); this.pos += 1; return this.buf.readInt8(r); }
  u16(): number { const r = this.ensure(2); this.pos += 2; return this.buf.readUInt16LE(r); }
  i16(): number { const r = this.ensure(2); this.pos += 2; return this.buf.readInt16LE(r); }
  u32(): number { const r = this.ensure(4); this.pos += 4; return this.buf.readUInt32LE(r); }
  i32(): number { const r = this.ensure(4); this.pos += 4; return this.buf.readInt32LE(r); }
  f32(): number { const r = this.ensure(4); this.pos += 4; return this.buf.readFloatLE(r); }
  f64(): number { const r = this.ensure(8); this.pos += 8; return this.buf.readDoubleLE(r); }
  u64(): bigint { const r = this.ensure(8); this.pos += 8; return this.buf.readBigUInt64LE(r); }
  i64(): bigint { const r = this.ensure(8); this.pos += 8; return this.buf.readBigInt64LE(r); }

  /** A u64 count or size that must fit a JS number and stay under `max`. */
  count(what: string, max = MAX_COUNT): number {
    const at = this.pos;
    const v = this.u64();
    if (v > BigInt(max)) throw new GgufFormatError(this.path, at, `${what} ${v} is implausibly large`);
    return Number(v);
  }

  string(): string {
    const len = this.count('string length', this.size);
    const r = this.ensure(len);
    this.pos += len;
    return this.buf.toString('utf8', r, r + len);
  }
}

function readScalar(c: FileCursor, type: GgufScalarTypeName): GgufScalar {
  switch (type) {
    case 'u8': return c.u8();
    case 'i8': return c.i8();
    case 'u16': return c.u16();
    case 'i16': return c.i16();
    case 'u32': return c.u32();
    case 'i32': return c.i32();
    case 'f32': return c.f32();
    case 'f64': return c.f64();
    case 'bool': return c.u8() !== 0;
    case 'string': return c.string();
    case 'u64': return c.u64();
    case 'i64': return c.i64();
  }
}

function readValue(c: FileCursor, key: string): GgufMetadataValue {
  const at = c.pos;
  const type = valueTypeName(c.u32());
  if (type === undefined) {
    c.pos = at;
    c.fail(`unknown value type for key ${key}`);
  }
  if (type !== 'array') return { type, value: readScalar(c, type) };
  const itemAt = c.pos;
  const itemType = valueTypeName(c.u32());
  if (itemType === undefined) c.fail(`unknown array item type for key ${key}`);
  if (itemType === 'array') {
    c.pos = itemAt;
    c.fail(`nested arrays (key ${key}) are not supported`);
  }
  const n = c.count(`array length of ${key}`);
  const values: GgufScalar[] = new Array(n);
  for (let i = 0; i < n; i++) values[i] = readScalar(c, itemType);
  return { type: 'array', itemType, values };
}

export function readGguf(path: string): GgufFile {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const c = new FileCursor(fd, size, path);
    if (size < 24) c.fail('file is too short for a GGUF header');
    if (c.u32() !== GGUF_MAGIC) {
      c.pos = 0;
      c.fail('missing "GGUF" magic (is this a GGUF model file?)');
    }
    const version = c.u32();
    if (version !== 2 && version !== 3) {
      c.pos = 4;
      c.fail(`unsupported GGUF version ${version} (2 and 3 are supported)`);
    }
    const tensorCount = c.count('tensor count');
    const kvCount = c.count('metadata count');
    const metadata: GgufMetadata = new Map();
    for (let i = 0; i < kvCount; i++) {
      const key = c.string();
      metadata.set(key, readValue(c, key));
    }
    const alignmentValue = metadata.get('general.alignment');
    const alignment = alignmentValue && alignmentValue.type !== 'array' ? Number(alignmentValue.value) : GGUF_DEFAULT_ALIGNMENT;
    if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) c.fail(`general.alignment ${alignment} is not a power of two`);
    const infos: { name: string; dims: number[]; typeCode: number; offset: number }[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = c.string();
      const nDims = c.u32();
      if (nDims < 1 || nDims > 4) c.fail(`tensor ${name} has ${nDims} dimensions (1 to 4 allowed)`);
      const dims: number[] = [];
      for (let d = 0; d < nDims; d++) dims.push(c.count(`dimension ${d} of ${name}`, Number.MAX_SAFE_INTEGER));
      const typeCode = c.u32();
      const offset = c.count(`offset of ${name}`, Number.MAX_SAFE_INTEGER);
      infos.push({ name, dims, typeCode, offset });
    }
    const dataOffset = alignUp(c.pos, alignment);
    const tensors: GgufTensorInfo[] = infos.map((t) => {
      const typeName = ggmlTypeName(t.typeCode);
      const n = t.dims.reduce((a, b) => a * b, 1);
      const byteLength = typeName ? (n / GGML_TYPES[typeName].blockSize) * GGML_TYPES[typeName].bytesPerBlock : undefined;
      if (t.offset % alignment !== 0) c.fail(`tensor ${t.name} data offset ${t.offset} is not aligned to ${alignment}`);
      if (byteLength !== undefined && dataOffset + t.offset + byteLength > size) {
        c.fail(`tensor ${t.name} data (${byteLength} bytes at ${dataOffset + t.offset}) runs past the end of the file (${size} bytes); the file is truncated`);
      }
      return { name: t.name, dims: t.dims, shape: [...t.dims].reverse(), typeCode: t.typeCode, typeName, offset: t.offset, byteLength };
    });
    return { path, version, metadata, tensors, alignment, dataOffset, fileSize: size };
  } finally {
    closeSync(fd);
  }
}

/** The scalar value of a metadata key, or undefined when absent or an array. */
export function metadataScalar(file: GgufFile, key: string): GgufScalar | undefined {
  const v = file.metadata.get(key);
  return v && v.type !== 'array' ? v.value : undefined;
}

export function metadataArray(file: GgufFile, key: string): readonly GgufScalar[] | undefined {
  const v = file.metadata.get(key);
  return v && v.type === 'array' ? v.values : undefined;
}

export function readTensorBytes(file: GgufFile, name: string): Uint8Array {
  const t = file.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`${file.path}: no tensor named ${name}`);
  if (t.byteLength === undefined) throw new Error(`${file.path}: tensor ${name} has ggml type ${t.typeCode}, which this reader cannot size`);
  const out = Buffer.alloc(t.byteLength);
  const fd = openSync(file.path, 'r');
  try {
    let off = 0;
    while (off < out.byteLength) {
      const n = readSync(fd, out, off, out.byteLength - off, file.dataOffset + t.offset + off);
      if (n === 0) throw new Error(`${file.path}: tensor ${name} is truncated`);
      off += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** Tensor values as float32 (dequantized), in numpy row-major order. */
export function readTensorF32(file: GgufFile, name: string): Float32Array {
  const t = file.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`${file.path}: no tensor named ${name}`);
  if (!t.typeName) throw new Error(`${file.path}: tensor ${name} has ggml type ${t.typeCode}, which this reader cannot decode`);
  return decodeTensor(readTensorBytes(file, name), t.typeName, t.dims.reduce((a, b) => a * b, 1));
}
