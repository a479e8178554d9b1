// The first two stages of the complex FFT in ./fft (half-lengths 1 and 2 fused: per group of 4
// consecutive points, butterflies with twiddles 1 and -i), one group in scalar code or four groups
// at a time in f32x4 (the groups transposed so that lane g holds group g: the same operations on
// every element, so the same results bit for bit; the four-group form ran the canceller 1.04x as
// fast at 16 and 24 kHz, bench/aec-identical.mjs).
// Latency: none.

import { storeTransposed } from "./simd-transpose";

/** The floats at p0 + off .. p3 + off as the lanes of one vector. */
// @ts-ignore: decorator
@inline export function gather4(p0: usize, p1: usize, p2: usize, p3: usize, off: usize): v128 {
  let v = v128.load32_zero(p0 + off);
  v = v128.load32_lane(p1 + off, v, 1);
  v = v128.load32_lane(p2 + off, v, 2);
  return v128.load32_lane(p3 + off, v, 3);
}

/**
 * firstStages of four groups at once: element j of group g in lane g of rj / ij (the groups
 * transposed); the groups stored in order at re / im (16 floats each).
 */
// @ts-ignore: decorator
@inline export function firstStagesLanes(r0: v128, r1: v128, r2: v128, r3: v128, i0: v128, i1: v128, i2: v128, i3: v128, re: usize, im: usize): void {
  const ar0 = f32x4.add(r0, r1), ai0 = f32x4.add(i0, i1), ar1 = f32x4.sub(r0, r1), ai1 = f32x4.sub(i0, i1);
  const ar2 = f32x4.add(r2, r3), ai2 = f32x4.add(i2, i3), ar3 = f32x4.sub(r2, r3), ai3 = f32x4.sub(i2, i3);
  // outputs 0, 1, 2, 3 of each group (as firstStages: 0 = ar0 + ar2, 2 = ar0 - ar2, 1 = ar1 + ai3, 3 = ar1 - ai3)
  storeTransposed(re, f32x4.add(ar0, ar2), f32x4.add(ar1, ai3), f32x4.sub(ar0, ar2), f32x4.sub(ar1, ai3));
  storeTransposed(im, f32x4.add(ai0, ai2), f32x4.sub(ai1, ar3), f32x4.sub(ai0, ai2), f32x4.add(ai1, ar3));
}

/** firstStagesLanes of the four consecutive groups held in a, b, c, d (re) and e, f, g, h (im). */
// @ts-ignore: decorator
@inline export function firstStagesX4(a: v128, b: v128, c: v128, d: v128, e: v128, f: v128, g: v128, h: v128, re: usize, im: usize): void {
  const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(c, d, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(c, d, 2, 6, 3, 7);
  const u0 = v128.shuffle<f32>(e, f, 0, 4, 1, 5);
  const u1 = v128.shuffle<f32>(e, f, 2, 6, 3, 7);
  const u2 = v128.shuffle<f32>(g, h, 0, 4, 1, 5);
  const u3 = v128.shuffle<f32>(g, h, 2, 6, 3, 7);
  firstStagesLanes(
    v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), v128.shuffle<f32>(t1, t3, 2, 3, 6, 7),
    v128.shuffle<f32>(u0, u2, 0, 1, 4, 5), v128.shuffle<f32>(u0, u2, 2, 3, 6, 7), v128.shuffle<f32>(u1, u3, 0, 1, 4, 5), v128.shuffle<f32>(u1, u3, 2, 3, 6, 7), re, im);
}

/** Stages h = 1 and 2 of one group of 4 (twiddles 1 and -i), stored at re / im. */
// @ts-ignore: decorator
@inline export function firstStages(r0: f32, r1: f32, r2: f32, r3: f32, i0: f32, i1: f32, i2: f32, i3: f32, re: usize, im: usize): void {
  const ar0 = r0 + r1, ai0 = i0 + i1, ar1 = r0 - r1, ai1 = i0 - i1;
  const ar2 = r2 + r3, ai2 = i2 + i3, ar3 = r2 - r3, ai3 = i2 - i3;
  store<f32>(re, ar0 + ar2);
  store<f32>(im, ai0 + ai2);
  store<f32>(re, ar0 - ar2, 8);
  store<f32>(im, ai0 - ai2, 8);
  // (-i)(ar3 + i ai3) = ai3 - i ar3
  store<f32>(re, ar1 + ai3, 4);
  store<f32>(im, ai1 - ar3, 4);
  store<f32>(re, ar1 - ai3, 12);
  store<f32>(im, ai1 + ar3, 12);
}

