/**
 * Streaming GGUF v3 writer. Declare metadata and every tensor (name, numpy shape, type) first;
 * `begin()` writes the header, then tensor data is written in declaration order, in as many
 * chunks as the caller likes, so memory stays bounded by one chunk whatever the model size.
 * The file is written as `<path>.partial` and renamed on `finish()`, so a crash never leaves a
 * truncated file under the final name.
 */
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VALUE_TYPE_CODES,
  GGUF_VERSION,
  GGML_TYPES,
  alignUp,
  tensorByteLength,
  type GgmlTypeName,
  type GgufMetadataValue,
  type GgufScalar,
  type GgufScalarTypeName,
} from './types';

interface PlannedTensor {
  name: string;
  shape: number[];
  type: GgmlTypeName;
  offset: number;
  byteLength: number;
}

const BUFFER_SIZE = 1 << 20;

export class GgufWriter {
  private readonly metadata = new Map<string, GgufMetadataValue>();
  private readonly tensors: PlannedTensor[] = [];
  private dataSize = 0;
  private fd: number | undefined;
  private buffer = new Uint8Array(BUFFER_SIZE);
  private view = new DataView(this.buffer.buffer);
  private used = 0;
  private position = 0;
  private nextTensor = 0;
  private writtenOfCurrent = 0;
  private readonly partialPath: string;

  constructor(
    readonly path: string,
    readonly alignment = GGUF_DEFAULT_ALIGNMENT,
  ) {
    this.partialPath = `${path}.partial`;
    if (alignment !== GGUF_DEFAULT_ALIGNMENT) this.set('general.alignment', 'u32', alignment);
  }

  set(key: string, type: GgufScalarTypeName, value: GgufScalar): this {
    this.assertNotStarted();
    checkScalar(key, type, value);
    this.metadata.set(key, { type, value });
    return this;
  }

  setArray(key: string, itemType: GgufScalarTypeName, values: readonly GgufScalar[]): this {
    this.assertNotStarted();
    for (const v of values) checkScalar(key, itemType, v);
    this.metadata.set(key, { type: 'array', itemType, values });
    return this;
  }

  /** Adds a tensor; `shape` is numpy order (rows last-axis-contiguous), stored reversed as ggml dims. */
  addTensor(name: string, shape: readonly number[], type: GgmlTypeName): this {
    this.assertNotStarted();
    if (this.tensors.some((t) => t.name === name)) throw new Error(`duplicate tensor name ${name}`);
    if (shape.length === 0 || shape.length > 4 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new Error(`${name}: shape [${shape.join(', ')}] must have 1 to 4 positive integer dimensions`);
    }
    const byteLength = tensorByteLength(shape, type, name);
    this.dataSize = alignUp(this.dataSize, this.alignment);
    this.tensors.push({ name, shape: [...shape], type, offset: this.dataSize, byteLength });
    this.dataSize += byteLength;
    return this;
  }

  /** Total bytes the finished file will take (known before anything is written: used for disk checks). */
  plannedFileSize(): number {
    return alignUp(this.headerSize(), this.alignment) + this.dataSize;
  }

  begin(): void {
    this.assertNotStarted();
    this.fd = openSync(this.partialPath, 'w');
    this.u32(GGUF_MAGIC);
    this.u32(GGUF_VERSION);
    this.u64(this.tensors.length);
    this.u64(this.metadata.size);
    for (const [key, value] of this.metadata) {
      this.string(key);
      this.u32(GGUF_VALUE_TYPE_CODES[value.type]);
      if (value.type === 'array') {
        this.u32(GGUF_VALUE_TYPE_CODES[value.itemType]);
        this.u64(value.values.length);
        for (const v of value.values) this.scalar(value.itemType, v);
      } else {
        this.scalar(value.type, value.value);
      }
    }
    for (const t of this.tensors) {
      this.string(t.name);
      this.u32(t.shape.length);
      for (let i = t.shape.length - 1; i >= 0; i--) this.u64(t.shape[i]);
      this.u32(GGML_TYPES[t.type].code);
      this.u64(t.offset);
    }
    this.pad();
  }

  /** Appends bytes of the next tensor in declaration order; call repeatedly for chunks. */
  writeTensorData(name: string, bytes: Uint8Array): void {
    if (this.fd === undefined) throw new Error('GgufWriter: call begin() before writing tensor data');
    const t = this.tensors[this.nextTensor];
    if (!t) throw new Error(`GgufWriter: tensor ${name} was not declared (all ${this.tensors.length} tensors are written)`);
    if (t.name !== name) throw new Error(`GgufWriter: expected data for ${t.name}, got ${name} (write tensors in declaration order)`);
    if (this.writtenOfCurrent + bytes.byteLength > t.byteLength) {
      throw new Error(`GgufWriter: ${name} gets more than its ${t.byteLength} bytes`);
    }
    this.bytes(bytes);
    this.writtenOfCurrent += bytes.byteLength;
    if (this.writtenOfCurrent === t.byteLength) {
      this.nextTensor++;
      this.writtenOfCurrent = 0;
      if (this.nextTensor < this.tensors.length) this.pad();
    }
  }

  /** Flushes, checks that every tensor is complete, and moves the file into place. */
  finish(): void {
    if (this.fd === undefined) throw new Error('GgufWriter: finish() before begin()');
    if (this.nextTensor !== this.tensors.length) {
      const t = this.tensors[this.nextTensor];
      throw new Error(`GgufWriter: tensor ${t.name} is incomplete (${this.writtenOfCurrent} of ${t.byteLength} bytes)`);
    }
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.partialPath, this.path);
  }

  /** Closes and deletes the partial file; safe to call at any point. */
  abort(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    rmSync(this.partialPath, { force: true });
  }

  private headerSize(): number {
    let n = 4 + 4 + 8 + 8;
    for (const [key, value] of this.metadata) {
      n += 8 + Buffer.byteLength(key) + 4;
      if (value.type === 'array') {
        n += 4 + 8;
        for (const v of value.values) n += scalarSize(value.itemType, v);
      } else n += scalarSize(value.type, value.value);
    }
    for (const t of this.tensors) n += 8 + Buffer.byteLength(t.name) + 4 + 8 * t.shape.length + 4 + 8;
    return n;
  }

  private assertNotStarted(): void {
    if (this.fd !== undefined || this.position > 0) throw new Error('GgufWriter: metadata and tensors must be declared before begin()');
  }

  private room(n: number): void {
    if (this.used + n > this.buffer.byteLength) this.flush();
  }

  private flush(): void {
    if (this.used === 0 || this.fd === undefined) return;
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buffer, off, this.used - off);
    this.used = 0;
  }

  private u32(v: number): void {
    this.room(4);
    this.view.setUint32(this.used, v, true);
    this.used += 4;
    this.position += 4;
  }

  private u64(v: number | bigint): void {
    this.room(8);
    this.view.setBigUint64(this.used, BigInt(v), true);
    this.used += 8;
    this.position += 8;
  }

  private string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.byteLength);
    this.bytes(b);
  }

  private bytes(b: Uint8Array): void {
    if (b.byteLength > this.buffer.byteLength / 2) {
      this.flush();
      let off = 0;
      while (off < b.byteLength) off += writeSync(this.fd as number, b, off, b.byteLength - off);
    } else {
      this.room(b.byteLength);
      this.buffer.set(b, this.used);
      this.used += b.byteLength;
    }
    this.position += b.byteLength;
  }

  private pad(): void {
    const n = alignUp(this.position, this.alignment) - this.position;
    if (n > 0) this.bytes(new Uint8Array(n));
  }

  private scalar(type: GgufScalarTypeName, v: GgufScalar): void {
    if (type === 'string') return this.string(v as string);
    const size = scalarSize(type, v);
    this.room(size);
    const o = this.used;
    const dv = this.view;
    switch (type) {
      case 'u8': dv.setUint8(o, v as number); break;
      case 'i8': dv.setInt8(o, v as number); break;
      case 'u16': dv.setUint16(o, v as number, true); break;
      case 'i16': dv.setInt16(o, v as number, true); break;
      case 'u32': dv.setUint32(o, v as number, true); break;
      case 'i32': dv.setInt32(o, v as number, true); break;
      case 'f32': dv.setFloat32(o, v as number, true); break;
      case 'f64': dv.setFloat64(o, v as number, true); break;
      case 'bool': dv.setUint8(o, v ? 1 : 0); break;
      case 'u64': dv.setBigUint64(o, BigInt(v as number | bigint), true); break;
      case 'i64': dv.setBigInt64(o, BigInt(v as number | bigint), true); break;
    }
    this.used += size;
    this.position += size;
  }
}

function scalarSize(type: GgufScalarTypeName, v: GgufScalar): number {
  switch (type) {
    case 'u8': case 'i8': case 'bool': return 1;
    case 'u16': case 'i16': return 2;
    case 'u32': case 'i32': case 'f32': return 4;
    case 'u64': case 'i64': case 'f64': return 8;
    case 'string': return 8 + Buffer.byteLength(v as string);
  }
}

const INT_RANGES: Partial<Record<GgufScalarTypeName, [number, number]>> = {
  u8: [0, 0xff], i8: [-0x80, 0x7f], u16: [0, 0xffff], i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff], i32: [-0x80000000, 0x7fffffff],
};

function checkScalar(key: string, type: GgufScalarTypeName, v: GgufScalar): void {
  const bad = (what: string) => new Error(`metadata ${key}: ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)} is not ${what}`);
  if (type === 'string') { if (typeof v !== 'string') throw bad('a string'); return; }
  if (type === 'bool') { if (typeof v !== 'boolean') throw bad('a boolean'); return; }
  if (type === 'u64' || type === 'i64') {
    if (typeof v !== 'bigint' && !(typeof v === 'number' && Number.isInteger(v))) throw bad(`an integer (${type})`);
    return;
  }
  if (typeof v !== 'number') throw bad(`a number (${type})`);
  const range = INT_RANGES[type];
  if (range && !(Number.isInteger(v) && v >= range[0] && v <= range[1])) throw bad(`a ${type}`);
}
