/**
 * GGUF v3 vocabulary shared by the reader and the writer: value types of metadata,
 * ggml tensor types we can write or decode, and the byte size of a tensor.
 * Spec: ggml docs/gguf.md (little-endian, 64-bit counts, default alignment 32).
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Metadata value types, with the numeric codes the file format uses. */
export const GGUF_VALUE_TYPE_CODES = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

export type GgufValueTypeName = keyof typeof GGUF_VALUE_TYPE_CODES;
export type GgufScalarTypeName = Exclude<GgufValueTypeName, 'array'>;
/** u64/i64 are bigint so no precision is lost; every other number type is a JS number. */
export type GgufScalar = number | bigint | boolean | string;

export type GgufMetadataValue =
  | { readonly type: GgufScalarTypeName; readonly value: GgufScalar }
  | { readonly type: 'array'; readonly itemType: GgufScalarTypeName; readonly values: readonly GgufScalar[] };

export type GgufMetadata = Map<string, GgufMetadataValue>;

export function valueTypeName(code: number): GgufValueTypeName | undefined {
  for (const [name, c] of Object.entries(GGUF_VALUE_TYPE_CODES)) if (c === code) return name as GgufValueTypeName;
  return undefined;
}

/** ggml tensor types this module understands (codes from ggml.h). */
export const GGML_TYPES = {
  F32: { code: 0, blockSize: 1, bytesPerBlock: 4 },
  F16: { code: 1, blockSize: 1, bytesPerBlock: 2 },
  Q8_0: { code: 8, blockSize: 32, bytesPerBlock: 34 },
  BF16: { code: 30, blockSize: 1, bytesPerBlock: 2 },
} as const;

export type GgmlTypeName = keyof typeof GGML_TYPES;

export function ggmlTypeName(code: number): GgmlTypeName | undefined {
  for (const [name, t] of Object.entries(GGML_TYPES)) if (t.code === code) return name as GgmlTypeName;
  return undefined;
}

/**
 * A tensor as GGUF stores it. `dims` is ggml order (ne[0] first = the fastest-varying axis),
 * which is the reverse of the numpy/PyTorch shape; `shape` is the numpy order.
 */
export interface GgufTensorInfo {
  readonly name: string;
  readonly dims: readonly number[];
  readonly shape: readonly number[];
  /** ggml type code; `typeName` is set when this module knows the type. */
  readonly typeCode: number;
  readonly typeName: GgmlTypeName | undefined;
  /** Offset of the data relative to the start of the tensor-data section. */
  readonly offset: number;
  /** Size in bytes, or undefined for types this module does not know. */
  readonly byteLength: number | undefined;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes a tensor of this numpy shape and type occupies; throws when rows do not fill whole blocks. */
export function tensorByteLength(shape: readonly number[], type: GgmlTypeName, name = 'tensor'): number {
  const t = GGML_TYPES[type];
  const rowLength = shape.length === 0 ? 1 : shape[shape.length - 1];
  if (rowLength % t.blockSize !== 0) {
    throw new Error(`${name}: row length ${rowLength} is not a multiple of the ${type} block size ${t.blockSize}; use f16 or f32 for this tensor`);
  }
  return (elementCount(shape) / t.blockSize) * t.bytesPerBlock;
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
