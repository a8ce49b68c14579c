import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTensor, encodeQ8_0, f16BitsToF32, f32ToF16Bits } from '../../../native/gguf';

describe('float16 conversion', () => {
  it('maps known values to their IEEE binary16 bits', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [65520, 0x7c00], // halfway to the next (non-existent) value rounds to infinity
      [Infinity, 0x7c00], [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -14, 0x0400],
      [2 ** -25, 0x0000], // exact tie between 0 and the smallest subnormal: to even (0)
      [3 * 2 ** -25, 0x0002], // tie between 1 and 2 ulps: to even (2)
      [1 + 2 ** -11, 0x3c00], // tie: to even mantissa 0
      [1 + 3 * 2 ** -11, 0x3c02], // tie: to even mantissa 2
      [0.1, 0x2e66],
    ];
    for (const [x, bits] of cases) expect([x, f32ToF16Bits(x)]).toEqual([x, bits]);
    expect(f32ToF16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(f32ToF16Bits(NaN) & 0x3ff).not.toBe(0);
  });

  it('round-trips every finite half value exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      const back = f32ToF16Bits(f16BitsToF32(h));
      if (back !== h) expect([h, back]).toEqual([h, h]);
    }
  });

  it('picks the nearest half for any float (error at most half an ulp)', () => {
    fc.assert(
      fc.property(fc.float({ min: -60000, max: 60000, noNaN: true }), (x) => {
        const y = f16BitsToF32(f32ToF16Bits(x));
        const exp = Math.max(Math.floor(Math.log2(Math.abs(x) || 2 ** -24)), -14);
        const ulp = 2 ** (exp - 10);
        return Math.abs(y - x) <= ulp / 2;
      }),
      { numRuns: 5000 },
    );
  });
});

describe('Q8_0 blocks', () => {
  it('stores scale max|x|/127 as f16 and codes round(x/d), halves away from zero', () => {
    const x = new Float32Array(32);
    x[0] = 127;
    x[1] = -127;
    x[2] = 0.5; // 0.5 / 1 -> 1 (away from zero)
    x[3] = -0.5; // -> -1
    x[4] = 2.49;
    const q = encodeQ8_0(x);
    expect(q.byteLength).toBe(34);
    const v = new DataView(q.buffer);
    expect(v.getUint16(0, true)).toBe(0x3c00); // d = 1
    expect([v.getInt8(2), v.getInt8(3), v.getInt8(4), v.getInt8(5), v.getInt8(6), v.getInt8(7)]).toEqual([127, -127, 1, -1, 2, 0]);
  });

  it('an all-zero block has scale 0 and decodes to zeros', () => {
    const q = encodeQ8_0(new Float32Array(64));
    expect([...decodeTensor(q, 'Q8_0', 64)].every((y) => y === 0)).toBe(true);
  });

  it('dequantizes within half a step of the input', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 32, maxLength: 32 }), (vals) => {
        const x = Float32Array.from(vals);
        const y = decodeTensor(encodeQ8_0(x), 'Q8_0', 32);
        const amax = Math.max(...vals.map(Math.abs));
        const step = f16BitsToF32(f32ToF16Bits(amax / 127));
        // Terms: half a quantization step; the f16 rounding of the scale (relative 2^-11 per code);
        // below 2^-24·127 the scale itself underflows to zero in f16, as in ggml.
        return vals.every((v, i) => Math.abs(y[i] - v) <= step / 2 + amax * 1e-3 + 127 * 2 ** -24);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses lengths that are not whole blocks', () => {
    expect(() => encodeQ8_0(new Float32Array(31))).toThrow(/multiple of 32/);
  });
});
