// Real FFT of any power-of-two length n (8..65536), forward and inverse, over caller memory.
//
// How: the n real samples are packed as n/2 complex samples (even samples real, odd imaginary),
// read in bit-reversed order (each sample's two parts with one 8-byte load), transformed by an
// iterative radix-2 decimation-in-time complex FFT (the first two stages fused into one radix-4
// pass, four groups at a time in f32x4: ./fft-first-stages; stages of half-length >= 4 four
// butterflies at a time in f32x4, two stages per pass: for the canceller's sizes m = 128, 256, 512
// as radix-4 butterflies with three twiddle products, aec-speed12, else radix-2^2 with four), and
// split into the n/2 + 1 bins of the real input (f32x4):
//   X[k] = (Z[k] + conj Z[m-k]) / 2 - i W^k (Z[k] - conj Z[m-k]) / 2,  W = exp(-2 pi i / n), m = n/2.
// The inverse runs the same steps backwards (merge, conjugate, forward complex FFT, conjugate; for
// the canceller's sizes the last pass writes the scaled samples itself).
// Spectra are split arrays: re[0..m] and im[0..m] (im[0] = im[m] = 0 on output, ignored on input).
// Scaling: forward unscaled; inverse scaled by 1/n, so inverse(forward(x)) = x.
// Reference: the standard split of one complex FFT into a real FFT of twice the length (e.g.
// E. O. Brigham, "The Fast Fourier Transform and its Applications", 1988, ch. 9).
// Latency: none (a block transform). Memory: a table of fft_table_bytes(n) written once by
// fft_init, and a work area of fft_work_bytes(n) per call (may be shared between calls).

import { firstStages, firstStagesLanes, firstStagesX4, gather4 } from "./fft-first-stages";

// Table header (i32), then the arrays at the offsets below, all 16-byte aligned.
@unmanaged class FftTable {
  n: i32;
  m: i32; // n / 2, the complex length
  bitrevAt: i32; // i32[m] bit-reversed index
  twAt: i32; // stage twiddles: cos at [h + k], then sin at [m + h + k], k < h, for each stage half-length h
  splitAt: i32; // cos(-2 pi k / n) at [k], then sin at [m + 4 + k], k <= m
  tw3At: i32; // a radix-4 pass's third twiddle: cos(-3 pi k / 2h) at [h + k], then sin at [m + h + k], k < h, for h = 4, 16, 64, 256 (< m)
}

// @ts-ignore: decorator
@inline const HEADER: i32 = 32;

/** Bytes of the table for length `n`. */
export function fft_table_bytes(n: i32): usize {
  const m = n >> 1;
  return <usize>(HEADER + 4 * m + 8 * m + 8 * (m + 4) + 8 * m);
}

/** Bytes of the work area for length `n` (re and im of n/2 complex samples). */
export function fft_work_bytes(n: i32): usize {
  return <usize>(4 * n);
}

/** True when `n` is a supported length (a power of two in 8..65536). */
export function fft_length_ok(n: i32): bool {
  return n >= 8 && n <= 65536 && (n & (n - 1)) == 0;
}

/** Writes the table for length `n` at `t` (fft_table_bytes(n) bytes). */
export function fft_init(t: usize, n: i32): void {
  const tab = changetype<FftTable>(t);
  const m = n >> 1;
  tab.n = n;
  tab.m = m;
  tab.bitrevAt = HEADER;
  tab.twAt = HEADER + 4 * m;
  tab.splitAt = HEADER + 12 * m;
  tab.tw3At = HEADER + 12 * m + 8 * (m + 4);
  let bits = 0;
  while ((1 << bits) < m) bits++;
  for (let i = 0; i < m; i++) {
    let r = 0;
    for (let j = 0; j < bits; j++) if ((i >> j) & 1) r |= 1 << (bits - 1 - j);
    store<i32>(t + <usize>(tab.bitrevAt + 4 * i), r);
  }
  const tw = t + <usize>tab.twAt;
  store<f32>(tw, 0);
  store<f32>(tw + (<usize>m << 2), 0);
  for (let h = 1; h < m; h <<= 1) {
    for (let k = 0; k < h; k++) {
      const a = -Math.PI * <f64>k / <f64>h;
      store<f32>(tw + (<usize>(h + k) << 2), <f32>Math.cos(a));
      store<f32>(tw + (<usize>(m + h + k) << 2), <f32>Math.sin(a));
    }
  }
  const tw3 = t + <usize>tab.tw3At;
  for (let h = 4; h < m; h <<= 2) {
    for (let k = 0; k < h; k++) {
      const a = -1.5 * Math.PI * <f64>k / <f64>h;
      store<f32>(tw3 + (<usize>(h + k) << 2), <f32>Math.cos(a));
      store<f32>(tw3 + (<usize>(m + h + k) << 2), <f32>Math.sin(a));
    }
  }
  const sp = t + <usize>tab.splitAt;
  for (let k = 0; k <= m + 3; k++) {
    const a = -2.0 * Math.PI * <f64>k / <f64>n;
    store<f32>(sp + (<usize>k << 2), <f32>Math.cos(a));
    store<f32>(sp + (<usize>(m + 4 + k) << 2), <f32>Math.sin(a));
  }
}

/** In-place complex FFT of m points whose input is already in bit-reversed order. */
function cfft(t: usize, re: usize, im: usize): void {
  const tab = changetype<FftTable>(t);
  const m = tab.m;
  // Stages h = 1 and 2 fused: per group of 4, butterflies with twiddles 1 and -i; four groups
  // at a time in f32x4 (transposed: lane g holds group g), the same operations per element.
  let i = 0;
  for (; i + 16 <= m; i += 16) {
    const o = <usize>i << 2;
    firstStagesX4(
      v128.load(re + o), v128.load(re + o, 16), v128.load(re + o, 32), v128.load(re + o, 48),
      v128.load(im + o), v128.load(im + o, 16), v128.load(im + o, 32), v128.load(im + o, 48), re + o, im + o);
  }
  for (; i < m; i += 4) {
    const o = <usize>i << 2;
    firstStages(load<f32>(re + o), load<f32>(re + o, 4), load<f32>(re + o, 8), load<f32>(re + o, 12),
      load<f32>(im + o), load<f32>(im + o, 4), load<f32>(im + o, 8), load<f32>(im + o, 12), re + o, im + o);
  }
  fft_stages_x4(t + <usize>tab.twAt, re, im, m);
}

/**
 * The complex FFT of the m samples packed in `x` (sample pairs as re, im), into re/im: the bit
 * reversal read straight into the first two stages, no separate pass.
 */
function cfftFrom<Z>(t: usize, x: usize, re: usize, im: usize): void {
  cfftGathered<Z, u8, u8>(t, x, re, im, 0, 0);
}

/**
 * Which half of a transform's input is known to be zero, as a type: u8 neither, u16 the second
 * (the samples n/2..n-1: the complex points m/2..m-1), u32 the first (its samples are not read;
 * `x` may point n/2 floats before the second half). The gather then reads only the nonzero half's
 * lanes and puts zeros in the others: the same operations on the same values, bit for bit.
 */
// @ts-ignore: decorator
@inline function zeroSecond<Z>(): bool {
  return sizeof<Z>() == 2;
}
// @ts-ignore: decorator
@inline function zeroFirst<Z>(): bool {
  return sizeof<Z>() == 4;
}

/**
 * Which half of a complex transform's output is wanted, as a type: u8 all, u16 the first (points
 * 0..m/2-1), u32 the second. Only the last pass tells (its butterflies write one point of each half);
 * the wanted half is computed with the same operations, the other not stored.
 */
// @ts-ignore: decorator
@inline function wantFirst<O>(): bool {
  return sizeof<O>() != 4;
}
// @ts-ignore: decorator
@inline function wantSecond<O>(): bool {
  return sizeof<O>() != 2;
}

/**
 * The complex FFT of the m samples at `x` (sample u: its real part at x + 8u, its imaginary part
 * at x + 8u + 4), into re/im: group i of 4 reads the samples bitrev(i) + 0, m/2, m/4, 3m/4, four
 * groups at a time in f32x4 (lane g: group i + g), each sample's two parts with one 8-byte load.
 */
// @ts-ignore: decorator
@inline function cfftGathered<Z, O, I>(t: usize, x: usize, re: usize, im: usize, dst: usize, scale: f32): void {
  const tab = changetype<FftTable>(t);
  const m = tab.m;
  const br = t + <usize>tab.bitrevAt;
  // byte offsets of the samples m/2, m/4, 3m/4 (0 and q2 are points of the first half, q1 and q3
  // of the second: bitrev(i) < m/4)
  const q1 = <usize>m << 2;
  const q2 = <usize>m << 1;
  const q3 = <usize>(6 * m);
  const z4 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= m; i += 16) {
    const o = <usize>i << 2;
    const p0 = x + (<usize>load<i32>(br + o) << 3);
    const p1 = x + (<usize>load<i32>(br + o, 16) << 3);
    const p2 = x + (<usize>load<i32>(br + o, 32) << 3);
    const p3 = x + (<usize>load<i32>(br + o, 48) << 3);
    // [re, im] of lanes 0 and 1, then of lanes 2 and 3, at each offset
    const a0 = zeroFirst<Z>() ? z4 : pairs(p0, p1, 0);
    const b0 = zeroFirst<Z>() ? z4 : pairs(p2, p3, 0);
    const a1 = zeroSecond<Z>() ? z4 : pairs(p0, p1, q1);
    const b1 = zeroSecond<Z>() ? z4 : pairs(p2, p3, q1);
    const a2 = zeroFirst<Z>() ? z4 : pairs(p0, p1, q2);
    const b2 = zeroFirst<Z>() ? z4 : pairs(p2, p3, q2);
    const a3 = zeroSecond<Z>() ? z4 : pairs(p0, p1, q3);
    const b3 = zeroSecond<Z>() ? z4 : pairs(p2, p3, q3);
    firstStagesLanes(
      v128.shuffle<f32>(a0, b0, 0, 2, 4, 6), v128.shuffle<f32>(a1, b1, 0, 2, 4, 6), v128.shuffle<f32>(a2, b2, 0, 2, 4, 6), v128.shuffle<f32>(a3, b3, 0, 2, 4, 6),
      v128.shuffle<f32>(a0, b0, 1, 3, 5, 7), v128.shuffle<f32>(a1, b1, 1, 3, 5, 7), v128.shuffle<f32>(a2, b2, 1, 3, 5, 7), v128.shuffle<f32>(a3, b3, 1, 3, 5, 7), re + o, im + o);
  }
  for (; i < m; i += 4) {
    const o = <usize>i << 2;
    const p = x + (<usize>load<i32>(br + o) << 3);
    firstStages(zeroFirst<Z>() ? 0 : load<f32>(p), zeroSecond<Z>() ? 0 : load<f32>(p + q1), zeroFirst<Z>() ? 0 : load<f32>(p + q2), zeroSecond<Z>() ? 0 : load<f32>(p + q3),
      zeroFirst<Z>() ? 0 : load<f32>(p, 4), zeroSecond<Z>() ? 0 : load<f32>(p + q1, 4), zeroFirst<Z>() ? 0 : load<f32>(p + q2, 4), zeroSecond<Z>() ? 0 : load<f32>(p + q3, 4), re + o, im + o);
  }
  if (m == 128) stagesFixed<u8, O, I>(t + <usize>tab.twAt, t + <usize>tab.tw3At, re, dst, scale);
  else if (m == 256) stagesFixed<u16, O, I>(t + <usize>tab.twAt, t + <usize>tab.tw3At, re, dst, scale);
  else if (m == 512) stagesFixed<u32, O, I>(t + <usize>tab.twAt, t + <usize>tab.tw3At, re, dst, scale);
  else fft_stages_x4(t + <usize>tab.twAt, re, im, m);
}

/** The 8 bytes at p0 + off and at p1 + off as one vector ([re, im] of two samples). */
// @ts-ignore: decorator
@inline function pairs(p0: usize, p1: usize, off: usize): v128 {
  return v128.load64_lane(p1 + off, v128.load64_zero(p0 + off), 1);
}

/**
 * The canceller's three transform sizes (n 256, 512, 1024: m = 128, 256, 512 complex points) as
 * types: u8, u16, u32 stand for m = 128, 256, 512. Returns m x 4 bytes (where the imaginary half
 * sits after the real half in the work area, and the twiddles' sines after their cosines).
 */
// @ts-ignore: decorator
@inline function fixedM<T>(): usize {
  return sizeof<T>() == 1 ? 128 * 4 : sizeof<T>() == 2 ? 256 * 4 : 512 * 4;
}

/** A stage's half-length as a type: u8, u16, u32, u64 stand for h = 4, 16, 64, 256. Returns h x 4 bytes. */
// @ts-ignore: decorator
@inline function fixedH<H>(): usize {
  return sizeof<H>() == 1 ? 4 * 4 : sizeof<H>() == 2 ? 16 * 4 : sizeof<H>() == 4 ? 64 * 4 : 256 * 4;
}

/**
 * fft_stages_x4 for an m and a layout known at compile time (m = fixedM<T>, the imaginary half m
 * floats after the real half at `re`): every offset a constant, so that each load and store takes it
 * as its immediate instead of an address computed per access (V8 folds no run-time offset into an
 * access; Binaryen folds a constant only under 1024 bytes). The same passes, butterflies and
 * operations in the same order: the same output bit for bit.
 */
// @ts-ignore: decorator
@inline function stagesFixed<T, O, I>(tw: usize, tw3: usize, re: usize, dst: usize, scale: f32): void {
  const MB = fixedM<T>();
  pass4<T, u8, u8, u8>(tw, tw3, re, 0, 0);
  pass4<T, u16, u8, u8>(tw, tw3, re, 0, 0);
  if (MB == 128 * 4) {
    lastStage<T, u32, O, I>(tw, re, dst, scale);
  } else if (MB == 256 * 4) {
    pass4<T, u32, O, I>(tw, tw3, re, dst, scale);
  } else {
    pass4<T, u32, u8, u8>(tw, tw3, re, 0, 0);
    lastStage<T, u64, O, I>(tw, re, dst, scale);
  }
}

/**
 * Whether a pass is the inverse's last and writes its points as samples (I: u16) instead of back
 * into re / im (u8): point j's real part times `scale` at dst + 8j, its imaginary part times
 * -`scale` at dst + 8j + 4, the same operations as the inverse's interleave after the stages.
 */
// @ts-ignore: decorator
@inline function interleaves<I>(): bool {
  return sizeof<I>() == 2;
}

/** Which quarter of a stage's span a point is in, as a type: u8, u16, u32, u64 stand for 0, 1, 2, 3. */
// @ts-ignore: decorator
@inline function quarter<J>(): usize {
  return sizeof<J>() == 1 ? 0 : sizeof<J>() == 2 ? 1 : sizeof<J>() == 4 ? 2 : 3;
}

/**
 * Points p + j h .. + 3 (j = quarter<J>, h = fixedH<H>; re `vr`, im `vi`; `p` in the work area at
 * `re`): stored back, or as samples (interleaves<I>).
 */
// @ts-ignore: decorator
@inline function put<T, H, J, I>(p: usize, re: usize, vr: v128, vi: v128, dst: usize, scale: v128, nscale: v128): void {
  const MB = fixedM<T>();
  const OFF = quarter<J>() * fixedH<H>();
  if (interleaves<I>()) {
    const q = dst + ((p - re) << 1);
    const sr = f32x4.mul(vr, scale);
    const si = f32x4.mul(vi, nscale);
    v128.store(q, v128.shuffle<f32>(sr, si, 0, 4, 1, 5), OFF << 1);
    v128.store(q, v128.shuffle<f32>(sr, si, 2, 6, 3, 7), (OFF << 1) + 16);
  } else {
    v128.store(p, vr, OFF);
    v128.store(p, vi, MB + OFF);
  }
}

/**
 * pass22's stages h and 2h as one radix-4 butterfly per point: with v = w_2h[k], the points
 * x0 + v^2 x1 + v x2 + v^3 x3 and its three sign patterns, three complex products (v^2 = w_h[k],
 * v, v^3 from `tw3`) where pass22 takes four; the same values up to rounding.
 */
// @ts-ignore: decorator
@inline function pass4<T, H, O, I>(tw: usize, tw3: usize, re: usize, dst: usize, scale: f32): void {
  const MB = fixedM<T>();
  const HB = fixedH<H>();
  const H2 = HB << 1;
  const H3 = HB * <usize>3;
  const IMH = MB + HB;
  const IMH2 = MB + H2;
  const IMH3 = MB + H3;
  const sc = f32x4.splat(scale);
  const nsc = f32x4.splat(-scale);
  const end = re + MB;
  for (let a = re; a < end; a += 4 * HB) {
    let t = tw;
    let t3 = tw3;
    const kEnd = a + HB;
    for (let p = a; p < kEnd; p += 16) {
      // t1 = v^2 x1, t2 = v x2, t3 = v^3 x3
      let wr = v128.load(t, HB);
      let wi = v128.load(t, IMH);
      let xr = v128.load(p, HB);
      let xi = v128.load(p, IMH);
      const t1r = f32x4.sub(f32x4.mul(xr, wr), f32x4.mul(xi, wi));
      const t1i = f32x4.add(f32x4.mul(xr, wi), f32x4.mul(xi, wr));
      wr = v128.load(t, H2);
      wi = v128.load(t, IMH2);
      xr = v128.load(p, H2);
      xi = v128.load(p, IMH2);
      const t2r = f32x4.sub(f32x4.mul(xr, wr), f32x4.mul(xi, wi));
      const t2i = f32x4.add(f32x4.mul(xr, wi), f32x4.mul(xi, wr));
      wr = v128.load(t3, HB);
      wi = v128.load(t3, IMH);
      xr = v128.load(p, H3);
      xi = v128.load(p, IMH3);
      const t3r = f32x4.sub(f32x4.mul(xr, wr), f32x4.mul(xi, wi));
      const t3i = f32x4.add(f32x4.mul(xr, wi), f32x4.mul(xi, wr));
      const x0r = v128.load(p);
      const x0i = v128.load(p, MB);
      const ar = f32x4.add(x0r, t1r);
      const ai = f32x4.add(x0i, t1i);
      const br = f32x4.sub(x0r, t1r);
      const bi = f32x4.sub(x0i, t1i);
      const cr = f32x4.add(t2r, t3r);
      const ci = f32x4.add(t2i, t3i);
      const dr = f32x4.sub(t2r, t3r);
      const di = f32x4.sub(t2i, t3i);
      // out0 = A + C, out2 = A - C, out1 = B - iD, out3 = B + iD
      if (wantFirst<O>()) {
        put<T, H, u8, I>(p, re, f32x4.add(ar, cr), f32x4.add(ai, ci), dst, sc, nsc);
        put<T, H, u16, I>(p, re, f32x4.add(br, di), f32x4.sub(bi, dr), dst, sc, nsc);
      }
      if (wantSecond<O>()) {
        put<T, H, u32, I>(p, re, f32x4.sub(ar, cr), f32x4.sub(ai, ci), dst, sc, nsc);
        put<T, H, u64, I>(p, re, f32x4.sub(br, di), f32x4.add(bi, dr), dst, sc, nsc);
      }
      t += 16;
      t3 += 16;
    }
  }
}

/**
 * fft_stages_x4's last stage alone (an odd number of stages) for m = fixedM<T>, h = fixedH<H> = m/2;
 * O: which half of the points it writes (point k the first, k + h the second).
 */
// @ts-ignore: decorator
@inline function lastStage<T, H, O, I>(tw: usize, re: usize, dst: usize, scale: f32): void {
  const MB = fixedM<T>();
  const HB = fixedH<H>();
  const IMH = MB + HB;
  const sc = f32x4.splat(scale);
  const nsc = f32x4.splat(-scale);
  const end = re + MB;
  for (let a = re; a < end; a += 2 * HB) {
    let t = tw;
    const kEnd = a + HB;
    for (let p = a; p < kEnd; p += 16) {
      const wr = v128.load(t, HB);
      const wi = v128.load(t, IMH);
      const br = v128.load(p, HB);
      const bi = v128.load(p, IMH);
      const tr = f32x4.sub(f32x4.mul(br, wr), f32x4.mul(bi, wi));
      const ti = f32x4.add(f32x4.mul(br, wi), f32x4.mul(bi, wr));
      const ar = v128.load(p);
      const ai = v128.load(p, MB);
      if (wantFirst<O>()) put<T, H, u8, I>(p, re, f32x4.add(ar, tr), f32x4.add(ai, ti), dst, sc, nsc);
      if (wantSecond<O>()) put<T, H, u16, I>(p, re, f32x4.sub(ar, tr), f32x4.sub(ai, ti), dst, sc, nsc);
      t += 16;
    }
  }
}

/**
 * The stages of half-length 4 .. m/2 of an m-point radix-2 decimation-in-time complex FFT (the
 * earlier stages done), four butterflies at a time in f32x4, two stages per pass. Twiddles of the stage of half-length
 * h: cos(-pi k / h) at tw + 4 (h + k), sin at tw + 4 (m + h + k), k < h. Shared with the echo
 * gate's band analysis (./echo-spectrum), whose table has this layout one float earlier.
 */
export function fft_stages_x4(tw: usize, re: usize, im: usize, m: i32): void {
  let h = 4;
  // stages h and 2h in one pass (radix 2^2: each butterfly the same as stage by stage)
  for (; (h << 1) < m; h <<= 2) {
    const twc = tw + (<usize>h << 2);
    const tws = tw + (<usize>(m + h) << 2);
    const twc2 = tw + (<usize>(2 * h) << 2);
    const tws2 = tw + (<usize>(m + 2 * h) << 2);
    const hb = <usize>h << 2;
    for (let i = 0; i < m; i += h << 2) {
      for (let k = 0; k < h; k += 4) {
        const a = <usize>(i + k) << 2;
        const kb = <usize>k << 2;
        const wr = v128.load(twc + kb);
        const wi = v128.load(tws + kb);
        // stage h: (a, b) and (c, d), twiddle w_h[k]
        let ar = v128.load(re + a);
        let ai = v128.load(im + a);
        let br = v128.load(re + a + hb);
        let bi = v128.load(im + a + hb);
        let tr = f32x4.sub(f32x4.mul(br, wr), f32x4.mul(bi, wi));
        let ti = f32x4.add(f32x4.mul(br, wi), f32x4.mul(bi, wr));
        const a1r = f32x4.add(ar, tr);
        const a1i = f32x4.add(ai, ti);
        const b1r = f32x4.sub(ar, tr);
        const b1i = f32x4.sub(ai, ti);
        ar = v128.load(re + a + 2 * hb);
        ai = v128.load(im + a + 2 * hb);
        br = v128.load(re + a + 3 * hb);
        bi = v128.load(im + a + 3 * hb);
        tr = f32x4.sub(f32x4.mul(br, wr), f32x4.mul(bi, wi));
        ti = f32x4.add(f32x4.mul(br, wi), f32x4.mul(bi, wr));
        const c1r = f32x4.add(ar, tr);
        const c1i = f32x4.add(ai, ti);
        const d1r = f32x4.sub(ar, tr);
        const d1i = f32x4.sub(ai, ti);
        // stage 2h: (a, c) with w_2h[k], (b, d) with w_2h[k + h]
        let vr = v128.load(twc2 + kb);
        let vi = v128.load(tws2 + kb);
        tr = f32x4.sub(f32x4.mul(c1r, vr), f32x4.mul(c1i, vi));
        ti = f32x4.add(f32x4.mul(c1r, vi), f32x4.mul(c1i, vr));
        v128.store(re + a, f32x4.add(a1r, tr));
        v128.store(im + a, f32x4.add(a1i, ti));
        v128.store(re + a + 2 * hb, f32x4.sub(a1r, tr));
        v128.store(im + a + 2 * hb, f32x4.sub(a1i, ti));
        vr = v128.load(twc2 + hb + kb);
        vi = v128.load(tws2 + hb + kb);
        tr = f32x4.sub(f32x4.mul(d1r, vr), f32x4.mul(d1i, vi));
        ti = f32x4.add(f32x4.mul(d1r, vi), f32x4.mul(d1i, vr));
        v128.store(re + a + hb, f32x4.add(b1r, tr));
        v128.store(im + a + hb, f32x4.add(b1i, ti));
        v128.store(re + a + 3 * hb, f32x4.sub(b1r, tr));
        v128.store(im + a + 3 * hb, f32x4.sub(b1i, ti));
      }
    }
  }
  if (h >= m) return;
  // an odd number of stages: the last alone
  const twc = tw + (<usize>h << 2);
  const tws = tw + (<usize>(m + h) << 2);
  for (let i = 0; i < m; i += h << 1) {
    for (let k = 0; k < h; k += 4) {
      const a = <usize>(i + k) << 2;
      const b = <usize>(i + k + h) << 2;
      const wr = v128.load(twc + (<usize>k << 2));
      const wi = v128.load(tws + (<usize>k << 2));
      const br = v128.load(re + b);
      const bi = v128.load(im + b);
      const tr = f32x4.sub(f32x4.mul(br, wr), f32x4.mul(bi, wi));
      const ti = f32x4.add(f32x4.mul(br, wi), f32x4.mul(bi, wr));
      const ar = v128.load(re + a);
      const ai = v128.load(im + a);
      v128.store(re + a, f32x4.add(ar, tr));
      v128.store(im + a, f32x4.add(ai, ti));
      v128.store(re + b, f32x4.sub(ar, tr));
      v128.store(im + b, f32x4.sub(ai, ti));
    }
  }
}

/**
 * Forward real FFT of the n samples at `x` into outRe[0..m], outIm[0..m] (m = n/2; unscaled).
 * `work` holds fft_work_bytes(n). `x` may not overlap the outputs.
 */
export function fft_forward(t: usize, x: usize, outRe: usize, outIm: usize, work: usize): void {
  forward<u8>(t, x, outRe, outIm, work);
}

/**
 * fft_forward of n samples that are zero but for one half: `second` false, the first half's n/2
 * samples at `x` (the gradient constraint's taps); true, the second half's (an error block placed
 * after B zeros). The zero half is neither stored nor read: the same output as fft_forward over the
 * whole frame, bit for bit.
 */
export function fft_forward_half(t: usize, x: usize, second: bool, outRe: usize, outIm: usize, work: usize): void {
  if (second) forward<u32>(t, x - (<usize>changetype<FftTable>(t).n << 1), outRe, outIm, work);
  else forward<u16>(t, x, outRe, outIm, work);
}

/** fft_forward with the half Z (zeroFirst / zeroSecond) known to be zero. */
// @ts-ignore: decorator
@inline function forward<Z>(t: usize, x: usize, outRe: usize, outIm: usize, work: usize): void {
  const tab = changetype<FftTable>(t);
  const m = tab.m;
  const re = work;
  const im = work + (<usize>m << 2);
  cfftFrom<Z>(t, x, re, im);
  const zr0 = load<f32>(re);
  const zi0 = load<f32>(im);
  store<f32>(outRe, zr0 + zi0);
  store<f32>(outIm, 0);
  store<f32>(outRe + (<usize>m << 2), zr0 - zi0);
  store<f32>(outIm + (<usize>m << 2), 0);
  const sc = t + <usize>tab.splitAt;
  const ss = sc + (<usize>(m + 4) << 2);
  // bins 1..m-1, four at a time (Z[m-k] read backwards: lanes reversed), the same operations per bin
  const half = f32x4.splat(0.5);
  const mhalf = f32x4.splat(-0.5);
  let k = 1;
  for (; k + 3 < m; k += 4) {
    const ok = <usize>k << 2;
    const om = <usize>(m - k - 3) << 2;
    const zr = v128.load(re + ok);
    const zi = v128.load(im + ok);
    const cr = loadReversed(re + om);
    const ci = f32x4.neg(loadReversed(im + om));
    const er = f32x4.mul(half, f32x4.add(zr, cr));
    const ei = f32x4.mul(half, f32x4.add(zi, ci));
    const fr = f32x4.mul(half, f32x4.sub(zi, ci));
    const fi = f32x4.mul(mhalf, f32x4.sub(zr, cr));
    const c = v128.load(sc + ok);
    const sn = v128.load(ss + ok);
    v128.store(outRe + ok, f32x4.add(er, f32x4.sub(f32x4.mul(c, fr), f32x4.mul(sn, fi))));
    v128.store(outIm + ok, f32x4.add(ei, f32x4.add(f32x4.mul(c, fi), f32x4.mul(sn, fr))));
  }
  for (; k < m; k++) {
    const ok = <usize>k << 2;
    const om = <usize>(m - k) << 2;
    const zr = load<f32>(re + ok);
    const zi = load<f32>(im + ok);
    const cr = load<f32>(re + om);
    const ci = -load<f32>(im + om);
    // Fe = (Z + conj Zm) / 2; Fo = (Z - conj Zm) / 2i = ((zi - ci) / 2, -(zr - cr) / 2); X = Fe + W^k Fo
    const er: f32 = 0.5 * (zr + cr);
    const ei: f32 = 0.5 * (zi + ci);
    const fr: f32 = 0.5 * (zi - ci);
    const fi: f32 = -0.5 * (zr - cr);
    const c = load<f32>(sc + ok);
    const s = load<f32>(ss + ok);
    store<f32>(outRe + ok, er + (c * fr - s * fi));
    store<f32>(outIm + ok, ei + (c * fi + s * fr));
  }
}

/** Four floats at p, lanes reversed (p[3], p[2], p[1], p[0]). */
// @ts-ignore: decorator
@inline function loadReversed(p: usize): v128 {
  const v = v128.load(p);
  return v128.shuffle<f32>(v, v, 3, 2, 1, 0);
}

// The inverse mirrors the forward transform's set-up (table, work halves, bit reversal) on purpose:
// one function per direction, each with its own loop order.
/**
 * Inverse real FFT of the spectrum inRe[0..m], inIm[0..m] into the n samples at `x`, scaled by 1/n.
 * `work` holds fft_work_bytes(n). The inputs are not modified; `x` must not overlap them (it holds
 * the merged spectrum while the inputs are read).
 */
export function fft_inverse(t: usize, inRe: usize, inIm: usize, x: usize, work: usize): void {
  inverse<u8>(t, inRe, inIm, x, work, x);
}

/**
 * fft_inverse's samples of one half only, into `out` (n/2 samples): `second` false, samples
 * 0..n/2-1 (the gradient constraint's taps), true, n/2..n-1 (the echo estimate of overlap-save).
 * `x` (n floats) holds the merged spectrum meanwhile; `out` may be `x`. The same values as
 * fft_inverse's in that half, bit for bit, without the other half's last stage and interleave.
 */
export function fft_inverse_half(t: usize, inRe: usize, inIm: usize, x: usize, work: usize, second: bool, out: usize): void {
  if (second) inverse<u32>(t, inRe, inIm, x, work, out);
  else inverse<u16>(t, inRe, inIm, x, work, out);
}

/** fft_inverse of the half O (wantFirst / wantSecond) of its samples, into `out` (that half's samples from its start). */
// @ts-ignore: decorator
@inline function inverse<O>(t: usize, inRe: usize, inIm: usize, x: usize, work: usize, out: usize): void {
  const tab = changetype<FftTable>(t);
  const m = tab.m;
  const re = work;
  const im = work + (<usize>m << 2);
  const sc = t + <usize>tab.splitAt;
  const ss = sc + (<usize>(m + 4) << 2);
  // bin 0 (its imaginary parts read as 0), then bins 1..m-1 four at a time (X[m-k] read
  // backwards: lanes reversed), the same operations per bin, stored in order into `x` as samples
  // (bin k's re, im at x + 8k, as the forward's input; free until the samples are written at the end)
  mergeBin(inRe, inIm, sc, ss, x, m, 0);
  let k = 1;
  for (; k + 3 < m; k += 4) {
    const ok = <usize>k << 2;
    const om = <usize>(m - k - 3) << 2;
    const ar = v128.load(inRe + ok);
    const ai = v128.load(inIm + ok);
    const br_ = loadReversed(inRe + om);
    const bi = f32x4.neg(loadReversed(inIm + om));
    const er = f32x4.add(ar, br_);
    const ei = f32x4.add(ai, bi);
    const dr = f32x4.sub(ar, br_);
    const di = f32x4.sub(ai, bi);
    const c = v128.load(sc + ok);
    const sn = v128.load(ss + ok);
    const fr = f32x4.add(f32x4.mul(dr, c), f32x4.mul(di, sn));
    const fi = f32x4.sub(f32x4.mul(di, c), f32x4.mul(dr, sn));
    const zr = f32x4.sub(er, fi);
    const zi = f32x4.neg(f32x4.add(ei, fr));
    v128.store(x + (ok << 1), v128.shuffle<f32>(zr, zi, 0, 4, 1, 5));
    v128.store(x + (ok << 1), v128.shuffle<f32>(zr, zi, 2, 6, 3, 7), 16);
  }
  for (; k < m; k++) mergeBin(inRe, inIm, sc, ss, x, m, k);
  // the bit reversal read from there straight into the first two stages
  const scale: f32 = <f32>1.0 / <f32>tab.n;
  const from = wantFirst<O>() ? 0 : m >> 1;
  const to = wantSecond<O>() ? m : m >> 1;
  const dst = out - (<usize>from << 3);
  if (m == 128 || m == 256 || m == 512) {
    // (the last pass writes the samples itself)
    cfftGathered<u8, O, u16>(t, x, re, im, dst, scale);
    return;
  }
  cfftGathered<u8, O, u8>(t, x, re, im, 0, 0);
  // interleave re and im back into samples, scaled, four pairs at a time (m is a multiple of 4;
  // of one half, m/2 a multiple of 4: n >= 16)
  const sv = f32x4.splat(scale);
  const nsv = f32x4.splat(-scale);
  for (let j = from; j < to; j += 4) {
    const o = <usize>j << 2;
    const vr = f32x4.mul(v128.load(re + o), sv);
    const vi = f32x4.mul(v128.load(im + o), nsv);
    v128.store(dst + (<usize>j << 3), v128.shuffle<f32>(vr, vi, 0, 4, 1, 5));
    v128.store(dst + (<usize>j << 3), v128.shuffle<f32>(vr, vi, 2, 6, 3, 7), 16);
  }
}

/** One bin of the inverse's merge (scalar: bin 0 and the tail). */
// @ts-ignore: decorator
@inline function mergeBin(inRe: usize, inIm: usize, sc: usize, ss: usize, z: usize, m: i32, k: i32): void {
  const ok = <usize>k << 2;
  const om = <usize>(m - k) << 2;
  const ar = load<f32>(inRe + ok);
  const ai = k == 0 ? <f32>0 : load<f32>(inIm + ok);
  const br_ = load<f32>(inRe + om);
  const bi = k == 0 ? <f32>0 : -load<f32>(inIm + om); // conj X[m-k]
  const er = ar + br_;
  const ei = ai + bi;
  const dr = ar - br_;
  const di = ai - bi;
  const c = load<f32>(sc + ok);
  const s = load<f32>(ss + ok);
  // 2 Fo = D W^-k = (dr c + di s, di c - dr s); Z = 2 Fe + i 2 Fo; store conj Z
  const fr = dr * c + di * s;
  const fi = di * c - dr * s;
  store<f32>(z + (ok << 1), er - fi);
  store<f32>(z + (ok << 1), -(ei + fr), 4);
}
