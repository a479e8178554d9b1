import { describe, expect, it } from 'vitest';
import { floatToPcm16, pcm16ToFloat, RealtimePcmError } from '../../src/index.js';
import { randomChunking, rng } from '../helpers/random.js';

// Plain-JS reference written from the stated convention (DESIGN.md section 3): x * 32768 in double
// precision (exact for a float32 x), round half away from zero, clamp, NaN -> 0.
function reference(x: number): number {
  const v = Math.fround(x) * 32768;
  if (Number.isNaN(v)) return 0;
  const r = Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
  return Math.max(-32768, Math.min(32767, r)) || 0; // -0 -> 0
}

function one(x: number): number {
  return floatToPcm16(new Float32Array([x]))[0]!;
}

describe('pcm16ToFloat / floatToPcm16', () => {
  it('round-trips all 65,536 int16 values exactly', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) all[i] = i - 32768;
    const floats = pcm16ToFloat(all);
    for (let i = 0; i < 65536; i++) expect(floats[i]).toBe((i - 32768) / 32768);
    const back = floatToPcm16(floats);
    expect(Array.from(back)).toEqual(Array.from(all));
  });

  it('follows the convention on edge values', () => {
    const ulp1 = 2 ** -24; // float32 spacing just below 1.0
    const lsb = 1 / 32768;
    const cases: Array<[number, number]> = [
      [0, 0],
      [-0, 0],
      [1, 32767],
      [-1, -32768],
      [1 + 2 ** -23, 32767],
      [1 - ulp1, 32767], // 32767.9995 rounds to 32768, clamps
      [-1 - 2 ** -23, -32768],
      [-1 + ulp1, -32768],
      [0.5 * lsb, 1], // half-LSB ties go away from zero
      [-0.5 * lsb, -1],
      [1.5 * lsb, 2],
      [-1.5 * lsb, -2],
      [2.5 * lsb, 3],
      [-2.5 * lsb, -3],
      [Math.fround(0.49999997) * lsb, 0], // just below a tie: trunc(v + 0.5) would give 1
      [Math.fround(-0.49999997) * lsb, 0],
      [Math.fround(1.4999999) * lsb, 1],
      [NaN, 0],
      [Infinity, 32767],
      [-Infinity, -32768],
      [1e-45, 0], // denormals
      [-1e-45, 0],
      [1.17e-38, 0],
      [2, 32767],
      [-2, -32768],
      [3.4e38, 32767],
      [-3.4e38, -32768],
    ];
    for (const [x, expected] of cases) {
      expect(one(x), `floatToPcm16(${x})`).toBe(expected);
      expect(reference(x), `reference(${x})`).toBe(expected);
    }
  });

  it('matches the plain-JS reference on 1e6 random floats (SIMD and scalar tail)', () => {
    const next = rng(7);
    const n = 1_000_003; // not a multiple of 8: exercises the scalar tail
    const input = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const kind = next();
      // mostly in range, some beyond full scale, some exactly on half-LSB ties
      input[i] = kind < 0.8 ? next() * 2 - 1 : kind < 0.9 ? (next() * 2 - 1) * 4 : (Math.floor(next() * 65536) - 32768 + 0.5) / 32768;
    }
    const out = floatToPcm16(input);
    let mismatches = 0;
    for (let i = 0; i < n; i++) if (out[i] !== reference(input[i]!)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('writes into a caller buffer without touching what lies beyond', () => {
    const input = new Float32Array([0.25, -0.25, 0.5]);
    const output = new Int16Array(5).fill(12345);
    expect(floatToPcm16(input, output)).toBe(output);
    expect(Array.from(output)).toEqual([8192, -8192, 16384, 12345, 12345]);
    const floats = new Float32Array(5).fill(NaN);
    expect(pcm16ToFloat(new Int16Array([16384, -32768]), floats)).toBe(floats);
    expect(floats[0]).toBe(0.5);
    expect(floats[1]).toBe(-1);
    expect(Number.isNaN(floats[2])).toBe(true); // canary untouched
  });

  it('rejects an output that is too short with a typed error', () => {
    expect(() => floatToPcm16(new Float32Array(4), new Int16Array(3))).toThrow(RealtimePcmError);
    expect(() => pcm16ToFloat(new Int16Array(4), new Float32Array(3))).toThrow(/at least as long/);
  });

  it('gives the same answer for any split of the input, across the 16,384-sample window', () => {
    const next = rng(11);
    const input = new Float32Array(40_000).map(() => (next() * 2 - 1) * 1.2);
    const whole = floatToPcm16(input);
    for (const seed of [1, 2, 3]) {
      const parts: number[] = [];
      let at = 0;
      for (const n of randomChunking(input.length, seed, seed === 1 ? 3 : 20_000)) {
        parts.push(...floatToPcm16(input.subarray(at, at + n)));
        at += n;
      }
      expect(parts).toEqual(Array.from(whole));
    }
    const ints = new Int16Array(40_000).map(() => Math.floor(next() * 65536) - 32768);
    expect(Array.from(pcm16ToFloat(ints))).toEqual(Array.from(ints, (v) => v / 32768));
  });

  it('handles empty input', () => {
    expect(floatToPcm16(new Float32Array(0)).length).toBe(0);
    expect(pcm16ToFloat(new Int16Array(0)).length).toBe(0);
  });
});
