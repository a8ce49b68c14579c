/**
 * Reads Hugging Face safetensors checkpoints, single-file or sharded
 * (model.safetensors.index.json), without loading them: headers are parsed up front and
 * tensor rows are read on demand and widened to float32, so memory stays bounded.
 * Format: u64 LE header length, JSON header {name: {dtype, shape, data_offsets}}, raw data.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { bf16BitsToF32, f16BitsToF32 } from '../../native/gguf';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';
const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };

export interface SafetensorsTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly file: string;
  /** Absolute byte offset of the data in `file`. */
  readonly start: number;
  readonly byteLength: number;
}

const MAX_HEADER = 100 << 20;

export function readSafetensorsHeader(file: string): SafetensorsTensor[] {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const lenBuf = Buffer.alloc(8);
    if (size < 8 || readSync(fd, lenBuf, 0, 8, 0) !== 8) throw new Error(`${file}: too short to be a safetensors file`);
    const headerLength = Number(lenBuf.readBigUInt64LE(0));
    if (headerLength > MAX_HEADER || 8 + headerLength > size) throw new Error(`${file}: header length ${headerLength} does not fit the file (${size} bytes); the file is truncated or not safetensors`);
    const headerBuf = Buffer.alloc(headerLength);
    readSync(fd, headerBuf, 0, headerLength, 8);
    let header: unknown;
    try {
      header = JSON.parse(headerBuf.toString('utf8'));
    } catch (err) {
      throw new Error(`${file}: the safetensors header is not valid JSON (${(err as Error).message})`);
    }
    if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error(`${file}: the safetensors header is not a JSON object`);
    const dataStart = 8 + headerLength;
    const tensors: SafetensorsTensor[] = [];
    for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') continue;
      const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const dtype = info?.dtype;
      if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'BF16') {
        throw new Error(`${file}: tensor ${name} has dtype ${JSON.stringify(dtype)}; only F32, F16 and BF16 checkpoints can be converted`);
      }
      const shape = info.shape;
      const offsets = info.data_offsets;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${file}: tensor ${name} has an invalid shape ${JSON.stringify(shape)}`);
      if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) throw new Error(`${file}: tensor ${name} has invalid data_offsets ${JSON.stringify(offsets)}`);
      const [begin, end] = offsets as [number, number];
      const expected = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
      if (end - begin !== expected) throw new Error(`${file}: tensor ${name} has ${end - begin} bytes but shape [${shape.join(', ')}] × ${dtype} needs ${expected}`);
      if (dataStart + end > size) throw new Error(`${file}: tensor ${name} runs past the end of the file (${size} bytes); the file is truncated`);
      tensors.push({ name, dtype, shape: shape as number[], file, start: dataStart + begin, byteLength: expected });
    }
    return tensors;
  } finally {
    closeSync(fd);
  }
}

/** All tensors of a checkpoint folder: model.safetensors, or the shards listed in model.safetensors.index.json. */
export function indexCheckpointTensors(folder: string): Map<string, SafetensorsTensor> {
  const indexPath = join(folder, 'model.safetensors.index.json');
  const single = join(folder, 'model.safetensors');
  let files: string[];
  if (existsSync(indexPath)) {
    let index: { weight_map?: Record<string, string> };
    try {
      index = JSON.parse(readFileSync(indexPath, 'utf8'));
    } catch (err) {
      throw new Error(`${indexPath}: not valid JSON (${(err as Error).message})`);
    }
    if (!index.weight_map || typeof index.weight_map !== 'object') throw new Error(`${indexPath}: has no "weight_map" object`);
    files = [...new Set(Object.values(index.weight_map))];
    for (const f of files) if (!existsSync(join(folder, f))) throw new Error(`${indexPath} lists shard ${f}, which is missing from ${folder}`);
    const tensors = new Map<string, SafetensorsTensor>();
    for (const f of files) for (const t of readSafetensorsHeader(join(folder, f))) tensors.set(t.name, t);
    for (const [name, f] of Object.entries(index.weight_map)) {
      const t = tensors.get(name);
      if (!t) throw new Error(`${indexPath} maps ${name} to ${f}, but no shard contains it`);
      if (t.file !== join(folder, f)) throw new Error(`${indexPath} maps ${name} to ${f}, but it is in ${t.file}`);
    }
    return tensors;
  }
  if (existsSync(single)) return new Map(readSafetensorsHeader(single).map((t) => [t.name, t]));
  throw new Error(`${folder}: no model.safetensors or model.safetensors.index.json (only safetensors checkpoints can be converted; PyTorch .bin files are not supported)`);
}

/** Reads tensors' data in row blocks, keeping one file descriptor per shard open. */
export class SafetensorsSource {
  private readonly fds = new Map<string, number>();
  // One reused read buffer: allocating (and zero-filling) 16 MiB per block cost as much
  // system time as the copy itself.
  private scratch = new ArrayBuffer(0);

  /**
   * Float32 values of rows [rowStart, rowStart + rowCount) (rows = all axes but the last).
   * For F32 tensors the result is a view of an internal buffer, valid until the next call.
   */
  readRows(t: SafetensorsTensor, rowStart: number, rowCount: number): Float32Array {
    const rowLength = t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1];
    const bytesPer = DTYPE_BYTES[t.dtype];
    const n = rowCount * rowLength;
    if (this.scratch.byteLength < n * bytesPer) this.scratch = new ArrayBuffer(n * bytesPer);
    const raw = Buffer.from(this.scratch, 0, n * bytesPer);
    const fd = this.fd(t.file);
    const position = t.start + rowStart * rowLength * bytesPer;
    let off = 0;
    while (off < raw.byteLength) {
      const got = readSync(fd, raw, off, raw.byteLength - off, position + off);
      if (got === 0) throw new Error(`${t.file}: tensor ${t.name} ends early; the file is truncated`);
      off += got;
    }
    if (t.dtype === 'F32') return new Float32Array(this.scratch, 0, n);
    const out = new Float32Array(n);
    const decode = t.dtype === 'F16' ? f16BitsToF32 : bf16BitsToF32;
    for (let i = 0; i < n; i++) out[i] = decode(raw.readUInt16LE(i * 2));
    return out;
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private fd(file: string): number {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      fd = openSync(file, 'r');
      this.fds.set(file, fd);
    }
    return fd;
  }
}
