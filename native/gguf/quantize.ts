/**
 * Number formats for tensor data: float32 <-> float16 / bfloat16 and ggml's Q8_0 blocks.
 * The rounding matches ggml's reference code (round-to-nearest-even for f16, roundf for
 * Q8_0 codes) so a file we write dequantizes the way llama.cpp's own tools would.
 */
import { tensorByteLength, type GgmlTypeName } from './types';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE binary16 bits of x, round-to-nearest-even, overflow to infinity, NaN kept. */
export function f32ToF16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit-1 mantissa into place, then round.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let h = mant >>> shift;
    if (rest > half || (rest === half && (h & 1))) h += 1;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h += 1; // may carry into the exponent: still correct
  return sign | h;
}

export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function bf16BitsToF32(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0];
}

/** Little-endian bytes of a Float32Array (a copy when the platform is big-endian is not needed: Node targets are LE). */
export function encodeF32(src: Float32Array): Uint8Array {
  return new Uint8Array(src.buffer, src.byteOffset, src.byteLength);
}

export function encodeF16(src: Float32Array): Uint8Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32ToF16Bits(src[i]);
  return new Uint8Array(out.buffer);
}

/**
 * Q8_0: blocks of 32 values stored as an f16 scale d = max|x| / 127 followed by 32 int8 codes
 * round(x / d). Length must be a multiple of 32.
 */
export function encodeQ8_0(src: Float32Array): Uint8Array {
  if (src.length % 32 !== 0) throw new Error(`Q8_0 needs a multiple of 32 values, got ${src.length}`);
  const blocks = src.length / 32;
  const out = new Uint8Array(blocks * 34);
  const view = new DataView(out.buffer);
  const codes = new Int8Array(out.buffer);
  for (let b = 0; b < blocks; b++) {
    const base = b * 32;
    let amax = 0;
    for (let j = 0; j < 32; j++) {
      const a = Math.abs(src[base + j]);
      if (a > amax) amax = a;
    }
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    const o = b * 34;
    view.setUint16(o, f32ToF16Bits(d), true);
    for (let j = 0; j < 32; j++) {
      const x = Math.fround(src[base + j] * id);
      // C roundf: halves away from zero (Math.round rounds them up).
      codes[o + 2 + j] = x < 0 ? -Math.round(-x) : Math.round(x);
    }
  }
  return out;
}

export function encodeTensor(src: Float32Array, type: Exclude<GgmlTypeName, 'BF16'>): Uint8Array {
  switch (type) {
    case 'F32':
      return encodeF32(src);
    case 'F16':
      return encodeF16(src);
    case 'Q8_0':
      return encodeQ8_0(src);
  }
}

/** Float values of raw tensor bytes of a known type (for checks and tests; not used on hot paths). */
export function decodeTensor(bytes: Uint8Array, type: GgmlTypeName, count: number): Float32Array {
  const expected = tensorByteLength([count], type);
  if (bytes.byteLength < expected) throw new Error(`${type} data too short: ${bytes.byteLength} bytes for ${count} values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  switch (type) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = f16BitsToF32(view.getUint16(i * 2, true));
      break;
    case 'BF16':
      for (let i = 0; i < count; i++) out[i] = bf16BitsToF32(view.getUint16(i * 2, true));
      break;
    case 'Q8_0':
      for (let b = 0; b < count / 32; b++) {
        const d = f16BitsToF32(view.getUint16(b * 34, true));
        for (let j = 0; j < 32; j++) out[b * 32 + j] = d * view.getInt8(b * 34 + 2 + j);
      }
      break;
  }
  return out;
}
