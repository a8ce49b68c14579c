/**
 * Rewrites a GGUF file's metadata in place, keeping its tensors byte for byte: a new header
 * (the metadata with the changes, the tensor infos as they were, types this module cannot
 * decode included), padded to the file's alignment, then the tensor-data section streamed
 * unchanged (tensor offsets are relative to that section, so they stay valid). Written as
 * `<path>.rewrite` and renamed over the file, so a crash leaves the old file whole.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { readGguf } from './reader';
import { GGUF_MAGIC, GGUF_VALUE_TYPE_CODES, alignUp, type GgufMetadataValue, type GgufScalar, type GgufScalarTypeName } from './types';

/** Keys to set (a value) or remove (null). */
export type GgufMetadataChanges = ReadonlyMap<string, GgufMetadataValue | null>;

class HeaderBuilder {
  private readonly parts: Buffer[] = [];
  length = 0;

  private push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.byteLength;
  }

  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }

  u64(v: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }

  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.byteLength);
    this.push(b);
  }

  scalar(type: GgufScalarTypeName, v: GgufScalar): void {
    if (type === 'string') return this.string(String(v));
    const size = { u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8 }[type];
    const b = Buffer.alloc(size);
    switch (type) {
      case 'u8': b.writeUInt8(v as number); break;
      case 'i8': b.writeInt8(v as number); break;
      case 'bool': b.writeUInt8(v ? 1 : 0); break;
      case 'u16': b.writeUInt16LE(v as number); break;
      case 'i16': b.writeInt16LE(v as number); break;
      case 'u32': b.writeUInt32LE(v as number); break;
      case 'i32': b.writeInt32LE(v as number); break;
      case 'f32': b.writeFloatLE(v as number); break;
      case 'f64': b.writeDoubleLE(v as number); break;
      case 'u64': b.writeBigUInt64LE(BigInt(v as number | bigint)); break;
      case 'i64': b.writeBigInt64LE(BigInt(v as number | bigint)); break;
    }
    this.push(b);
  }

  value(v: GgufMetadataValue): void {
    this.u32(GGUF_VALUE_TYPE_CODES[v.type]);
    if (v.type === 'array') {
      this.u32(GGUF_VALUE_TYPE_CODES[v.itemType]);
      this.u64(v.values.length);
      for (const item of v.values) this.scalar(v.itemType, item);
    } else this.scalar(v.type, v.value);
  }

  padTo(alignment: number): void {
    const n = alignUp(this.length, alignment) - this.length;
    if (n > 0) this.push(Buffer.alloc(n));
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

/**
 * Applies `changes` to the metadata of the GGUF at `path` (existing keys keep their place, new
 * ones are appended); returns false, leaving the file untouched, when nothing would change.
 */
export async function rewriteGgufMetadata(path: string, changes: GgufMetadataChanges, signal?: AbortSignal): Promise<boolean> {
  const file = readGguf(path);
  const metadata = new Map(file.metadata);
  let changed = false;
  for (const [key, value] of changes) {
    if (key === 'general.alignment') throw new Error(`${path}: general.alignment cannot be changed by a metadata rewrite (the tensor offsets depend on it)`);
    const before = metadata.get(key);
    if (value === null) {
      changed ||= before !== undefined;
      metadata.delete(key);
    } else {
      changed ||= !sameValue(before, value);
      metadata.set(key, value);
    }
  }
  if (!changed) return false;
  const header = new HeaderBuilder();
  header.u32(GGUF_MAGIC);
  header.u32(file.version);
  header.u64(file.tensors.length);
  header.u64(metadata.size);
  for (const [key, value] of metadata) {
    header.string(key);
    header.value(value);
  }
  for (const t of file.tensors) {
    header.string(t.name);
    header.u32(t.dims.length);
    for (const d of t.dims) header.u64(d);
    header.u32(t.typeCode);
    header.u64(t.offset);
  }
  header.padTo(file.alignment);
  const temp = `${path}.rewrite`;
  try {
    const out = createWriteStream(temp);
    out.write(header.bytes());
    // The tensor-data section, unchanged; an empty section (a vocab-only file) copies nothing.
    const data = file.fileSize > file.dataOffset ? createReadStream(path, { start: file.dataOffset }) : null;
    if (data) await pipeline(data, out, { signal });
    else await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return true;
}

function sameValue(a: GgufMetadataValue | undefined, b: GgufMetadataValue): boolean {
  if (a === undefined || a.type !== b.type) return false;
  if (a.type === 'array' || b.type === 'array') {
    if (a.type !== 'array' || b.type !== 'array' || a.itemType !== b.itemType || a.values.length !== b.values.length) return false;
    return a.values.every((v, i) => v === b.values[i]);
  }
  return a.value === b.value;
}
