// Real FFT kernel (assembly/fft.ts) against a plain double-precision DFT written from the
// definition X[k] = sum_j x[j] exp(-2 pi i j k / n): every length 8..4096, random and edge inputs.
// Tolerance: 1e-6 of the largest bin (float32 arithmetic; measured 1.3e-7 at 4096), round trip
// within 1e-6 of the input range. The half transforms (one half of the input zero, one half of the
// output wanted: the echo canceller's overlap-save) against the whole ones, bit for bit.
import { describe, expect, it } from 'vitest';
import { kernels } from '../../src/wasm/load.js';
import { rng } from '../helpers/random.js';

interface FftExports {
  fft_table_bytes(n: number): number;
  fft_work_bytes(n: number): number;
  fft_init(t: number, n: number): void;
  fft_forward(t: number, x: number, re: number, im: number, work: number): void;
  fft_inverse(t: number, re: number, im: number, x: number, work: number): void;
  fft_forward_half(t: number, x: number, second: number, re: number, im: number, work: number): void;
  fft_inverse_half(t: number, re: number, im: number, x: number, work: number, second: number, out: number): void;
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

  it.each([16, 32, 64, 128, 256, 512, 1024, 2048])('length %i: the half transforms equal the whole ones bit for bit', (n) => {
    const heap = kernels();
    const k = heap.exports as unknown as FftExports;
    const m = n / 2;
    const spec = 4 * (m + 4);
    const block = heap.alloc(k.fft_table_bytes(n) + k.fft_work_bytes(n) + 4 * 4 * n + 4 * spec + 64);
    const t = block;
    const work = (t + k.fft_table_bytes(n) + 15) & ~15;
    const xp = work + k.fft_work_bytes(n); // n samples
    const hp = xp + 4 * n; // n / 2 samples (a half alone), then scratch of n
    const sp = hp + 4 * (n / 2);
    const yp = sp + 4 * n; // n samples
    const re1 = yp + 4 * n;
    const im1 = re1 + spec;
    const re2 = im1 + spec;
    const im2 = re2 + spec;
    k.fft_init(t, n);
    const next = rng(7 * n);
    const view = (p: number, len: number) => new Uint32Array(heap.refresh().f32.buffer, p, len);
    for (const second of [0, 1]) {
      // forward: a frame zero but for one half
      const half = Float32Array.from({ length: n / 2 }, () => 2 * next() - 1);
      const f32 = heap.refresh().f32;
      f32.fill(0, xp >> 2, (xp >> 2) + n);
      f32.set(half, (xp >> 2) + (second ? n / 2 : 0));
      f32.set(half, hp >> 2);
      k.fft_forward(t, xp, re1, im1, work);
      k.fft_forward_half(t, hp, second, re2, im2, work);
      expect(Array.from(view(re2, m + 1))).toEqual(Array.from(view(re1, m + 1)));
      expect(Array.from(view(im2, m + 1))).toEqual(Array.from(view(im1, m + 1)));
      // inverse: a whole spectrum, one half of its samples
      k.fft_inverse(t, re1, im1, yp, work);
      k.fft_inverse_half(t, re1, im1, sp, work, second, hp);
      expect(Array.from(view(hp, n / 2))).toEqual(Array.from(view(yp + (second ? 2 * n : 0), n / 2)));
      // into its own scratch (as the gradient constraint does)
      k.fft_inverse_half(t, re1, im1, sp, work, second, sp);
      expect(Array.from(view(sp, n / 2))).toEqual(Array.from(view(yp + (second ? 2 * n : 0), n / 2)));
    }
    heap.exports.release(block);
  });
});
