// Real FFT kernel (assembly/fft.ts) against a plain double-precision DFT written from the
// definition X[k] = sum_j x[j] exp(-2 pi i j k / n): every length 8..4096, random and edge inputs.
// Tolerance: 1e-6 of the largest bin (float32 arithmetic; measured 1.3e-7 at 4096), round trip
// within 1e-6 of the input range.
import { describe, expect, it } from 'vitest';
import { kernels } from '../../src/wasm/load.js';
import { rng } from '../helpers/random.js';

interface FftExports {
  fft_table_bytes(n: number): number;
  fft_work_bytes(n: number): number;
  fft_init(t: number, n: number): void;
  fft_forward(t: number, x: number, re: number, im: number, work: number): void;
  fft_inverse(t: number, re: number, im: number, x: number, work: number): void;
}

function dft(x: Float32Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      re[k]! += x[j]! * Math.cos(a);
      im[k]! += x[j]! * Math.sin(a);
    }
  }
  return { re, im };
}

function transform(n: number, x: Float32Array): { re: Float32Array; im: Float32Array; back: Float32Array } {
  const heap = kernels();
  const k = heap.exports as unknown as FftExports;
  const m = n / 2;
  const block = heap.alloc(k.fft_table_bytes(n) + k.fft_work_bytes(n) + 4 * (2 * n + 2 * (m + 4)) + 64);
  const t = block;
  const work = (t + k.fft_table_bytes(n) + 15) & ~15;
  const xp = work + k.fft_work_bytes(n);
  const rep = xp + 4 * n;
  const imp = rep + 4 * (m + 4);
  const yp = imp + 4 * (m + 4);
  k.fft_init(t, n);
  const f32 = heap.refresh().f32;
  f32.set(x, xp >> 2);
  k.fft_forward(t, xp, rep, imp, work);
  const re = f32.slice(rep >> 2, (rep >> 2) + m + 1);
  const im = f32.slice(imp >> 2, (imp >> 2) + m + 1);
  k.fft_inverse(t, rep, imp, yp, work);
  const back = f32.slice(yp >> 2, (yp >> 2) + n);
  heap.exports.release(block);
  return { re, im, back };
}

describe('real FFT kernel', () => {
  it.each([8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096])('length %i matches a double-precision DFT and round-trips', (n) => {
    const next = rng(n);
    const x = Float32Array.from({ length: n }, () => 2 * next() - 1);
    const { re, im, back } = transform(n, x);
    const want = dft(x);
    let peak = 0;
    for (let k = 0; k <= n / 2; k++) peak = Math.max(peak, Math.hypot(want.re[k]!, want.im[k]!));
    for (let k = 0; k <= n / 2; k++) {
      expect(Math.hypot(re[k]! - want.re[k]!, im[k]! - want.im[k]!)).toBeLessThan(1e-6 * peak);
    }
    expect(im[0]).toBe(0);
    expect(im[n / 2]).toBe(0);
    for (let j = 0; j < n; j++) expect(Math.abs(back[j]! - x[j]!)).toBeLessThan(1e-6);
  });

  it('puts a unit impulse at sample s on exp(-2 pi i k s / n) and a cosine on two bins', () => {
    const n = 64;
    const impulse = new Float32Array(n);
    impulse[5] = 1;
    const a = transform(n, impulse);
    for (let k = 0; k <= n / 2; k++) {
      expect(a.re[k]).toBeCloseTo(Math.cos((-2 * Math.PI * k * 5) / n), 6);
      expect(a.im[k]).toBeCloseTo(Math.sin((-2 * Math.PI * k * 5) / n), 6);
    }
    const cosine = Float32Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * 3 * j) / n));
    const b = transform(n, cosine);
    for (let k = 0; k <= n / 2; k++) expect(Math.hypot(b.re[k]!, b.im[k]!)).toBeCloseTo(k === 3 ? n / 2 : 0, 4);
  });
});
