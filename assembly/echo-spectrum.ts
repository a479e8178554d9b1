// Band levels for the echo gate's double-talk detector (assembly/echo-gate.ts): what the mic and
// the reference hold in each of BANDS frequency bands, so that a user can be told from the echo
// by the bands where the echo is weak, long before the user is louder than the echo overall.
//
// How: each stream is averaged over D = round(sampleRate / 8000) samples (at least 1) into an
// analysis stream near 8 kHz (5.3-10.7 kHz), kept in a ring of ARING samples. On request the
// newest N = 128 samples (12-24 ms) are weighted
// by a sine window and transformed with a real FFT (an N/2-point complex radix-2 FFT and the usual
// split of even and odd samples); the power of the bins in each band, log-spaced from 150 Hz to
// min(7500 Hz, 0.45 x the analysis rate), is written in dB (fastDb: no Math.log10 per hop). The
// boxcar average aliases some of what lies above 4 kHz into the top bands, the same way for the mic
// and the reference, which matters little for comparing levels. An analysis near 16 kHz was tried:
// no better on the echo fixtures (one more late opening in 60) and 1.4x slower.
// Latency: the window ends at the newest sample; its sine weighting centres it about N/2 analysis
// samples (6-12 ms) back.
// Memory: the tables live in a constant region written once (spec_init); the rings and the
// transform's work arrays in the caller's state. Allocation-free.

import { fft_stages_x4 } from "./fft";

// @ts-ignore: decorator
@inline export const BANDS: i32 = 16;
// @ts-ignore: decorator
@inline export const ARING: i32 = 128; // analysis samples kept per stream (= N)
// @ts-ignore: decorator
@inline const N: i32 = 128; // transform length (the analysis rate stays under 12 kHz)
// @ts-ignore: decorator
@inline const LOW_HZ: f64 = 150.0;
// @ts-ignore: decorator
@inline const HIGH_HZ: f64 = 7500.0;
// @ts-ignore: decorator
@inline const ANALYSIS_HZ: f64 = 8000.0;

// Constant region (written by spec_init), byte offsets.
// @ts-ignore: decorator
@inline const C_D: usize = 0; // i32 decimation factor
// @ts-ignore: decorator
@inline const C_EDGES: usize = 16; // i32[BANDS + 1] first bin of each band, then the end
// @ts-ignore: decorator
@inline const C_WINDOW: usize = C_EDGES + 80; // f32[N]
// @ts-ignore: decorator
@inline const C_TW: usize = C_WINDOW + (<usize>N << 2); // per stage of half-length h at h - 1: f32[N/2 - 1] cos, then (at + N / 2) sin, of -2 pi k / (2 h)
// @ts-ignore: decorator
@inline const C_SPLIT: usize = C_TW + (<usize>N << 2); // f32[N / 2] cos, then sin, of -2 pi k / N
// @ts-ignore: decorator
@inline const C_BITREV: usize = C_SPLIT + (<usize>N << 2); // i32[N / 2]
// @ts-ignore: decorator
@inline const C_LOGADD: usize = C_BITREV + (<usize>N << 1); // f32[LOGADD_N] 10 log10(1 + 10^(-d/10)), d = 0, 0.25, .. dB
// @ts-ignore: decorator
@inline const LOGADD_N: i32 = 128;
// @ts-ignore: decorator
@inline export const SPEC_CONST_BYTES: usize = C_LOGADD + (<usize>LOGADD_N << 2);

// Work region (in the caller's state): the complex work arrays.
// @ts-ignore: decorator
@inline export const SPEC_WORK_BYTES: usize = <usize>N << 2; // f32[N / 2] re, then f32[N / 2] im

/** Writes the tables for `sampleRate` into the constant region `c`. */
export function spec_init(c: usize, sampleRate: i32): void {
  const d = max(1, <i32>Math.round(<f64>sampleRate / ANALYSIS_HZ));
  const rate = <f64>sampleRate / <f64>d;
  const n = N;
  store<i32>(c + C_D, d);
  const hi = min(HIGH_HZ, 0.45 * rate);
  let prev = 0;
  for (let b = 0; b <= BANDS; b++) {
    let k = <i32>Math.round(LOW_HZ * Math.pow(hi / LOW_HZ, <f64>b / <f64>BANDS) * <f64>n / rate);
    k = max(k, max(1, prev + (b > 0 ? 1 : 0)));
    store<i32>(c + C_EDGES + (<usize>b << 2), k);
    prev = k;
  }
  for (let i = 0; i < n; i++) store<f32>(c + C_WINDOW + (<usize>i << 2), <f32>Math.sin(Math.PI * (<f64>i + 0.5) / <f64>n));
  const m = n >> 1;
  for (let h = 1; h < m; h <<= 1) {
    for (let k = 0; k < h; k++) {
      const a = -Math.PI * <f64>k / <f64>h;
      store<f32>(c + C_TW + (<usize>(h - 1 + k) << 2), <f32>Math.cos(a));
      store<f32>(c + C_TW + (<usize>(h - 1 + k + (N >> 1)) << 2), <f32>Math.sin(a));
    }
  }
  for (let k = 0; k < m; k++) {
    const b = -2.0 * Math.PI * <f64>k / <f64>n;
    store<f32>(c + C_SPLIT + (<usize>k << 2), <f32>Math.cos(b));
    store<f32>(c + C_SPLIT + (<usize>(k + m) << 2), <f32>Math.sin(b));
  }
  for (let i = 0; i < LOGADD_N; i++) {
    store<f32>(c + C_LOGADD + (<usize>i << 2), <f32>(10.0 * Math.log10(1.0 + Math.pow(10.0, -0.025 * <f64>i))));
  }
  let bits = 0;
  while ((1 << bits) < m) bits++;
  for (let i = 0; i < m; i++) {
    let r = 0;
    for (let j = 0; j < bits; j++) if ((i >> j) & 1) r |= 1 << (bits - 1 - j);
    store<i32>(c + C_BITREV + (<usize>i << 2), r);
  }
}

/**
 * 10 log10(x) for a positive normal f32, within 0.005 dB: the exponent plus a cubic in the
 * mantissa (a least-squares fit of log2 on [1, 2)). No Math.log10 on the per-hop path.
 */
// @ts-ignore: decorator
@inline export function fastDb(x: f32): f32 {
  const bits = reinterpret<i32>(x);
  const e = <f32>((bits >> 23) - 127);
  const t = reinterpret<f32>((bits & 0x7fffff) | 0x3f800000) - <f32>1.5;
  const p: f32 = <f32>0.58537917 + t * (<f32>0.9611672 + t * (<f32>-0.336897472 + t * <f32>0.153924649));
  return <f32>3.01029996 * (e + p);
}

/** Power sum of two levels in dB, 10 log10(10^(a/10) + 10^(b/10)), from the table (within 0.01 dB). */
export function spec_db_sum(c: usize, a: f64, b: f64): f64 {
  const hi = max(a, b);
  const d = (hi - min(a, b)) * 4.0;
  if (!(d < <f64>(LOGADD_N - 1))) return hi; // also NaN
  const i = <i32>d;
  const f = d - <f64>i;
  const t0 = <f64>load<f32>(c + C_LOGADD + (<usize>i << 2));
  const t1 = <f64>load<f32>(c + C_LOGADD + (<usize>(i + 1) << 2));
  return hi + t0 + f * (t1 - t0);
}

/** Decimation factor D. */
export function spec_decimation(c: usize): i32 {
  return load<i32>(c + C_D);
}

/**
 * Band levels (dB) of the newest N analysis samples of `ring` (ARING f32, `pos` = index of the next
 * write) into `out` (f32[BANDS]); `work` holds SPEC_WORK_BYTES.
 */
export function spec_bands(c: usize, ring: usize, pos: i32, work: usize, out: usize): void {
  const n = N;
  const m = n >> 1;
  const re = work;
  const im = work + (<usize>m << 2);
  // Window, pack even samples as real and odd as imaginary parts, in bit-reversed order.
  const start = pos - n;
  for (let i = 0; i < m; i++) {
    const r = <usize>load<i32>(c + C_BITREV + (<usize>i << 2));
    const i0 = (start + 2 * i) & (ARING - 1);
    const i1 = (start + 2 * i + 1) & (ARING - 1);
    store<f32>(re + (r << 2), load<f32>(ring + (<usize>i0 << 2)) * load<f32>(c + C_WINDOW + (<usize>(2 * i) << 2)));
    store<f32>(im + (r << 2), load<f32>(ring + (<usize>i1 << 2)) * load<f32>(c + C_WINDOW + (<usize>(2 * i + 1) << 2)));
  }
  // Radix-2 decimation-in-time butterflies: half-lengths 1 and 2 here, then four at a time (f32x4)
  // in the real FFT's shared stages (./fft; this table is its layout one float earlier).
  for (let h = 1; h < min(m, 4); h <<= 1) {
    const twc = c + C_TW + (<usize>(h - 1) << 2);
    const tws = twc + (<usize>(N >> 1) << 2);
    for (let i = 0; i < m; i += h << 1) {
      for (let k = 0; k < h; k++) {
        const wr = load<f32>(twc + (<usize>k << 2));
        const wi = load<f32>(tws + (<usize>k << 2));
        const a = <usize>(i + k) << 2;
        const b = <usize>(i + k + h) << 2;
        const br = load<f32>(re + b);
        const bi = load<f32>(im + b);
        const tr = br * wr - bi * wi;
        const ti = br * wi + bi * wr;
        const ar = load<f32>(re + a);
        const ai = load<f32>(im + a);
        store<f32>(re + a, ar + tr);
        store<f32>(im + a, ai + ti);
        store<f32>(re + b, ar - tr);
        store<f32>(im + b, ai - ti);
      }
    }
  }
  fft_stages_x4(c + C_TW - 4, re, im, m);
  // Split into the spectrum of the real input and sum bin powers per band:
  // X[k] = (Z[k] + conj Z[m-k]) / 2 - i e^{-2 pi i k / n} (Z[k] - conj Z[m-k]) / 2.
  for (let b = 0; b < BANDS; b++) {
    const k0 = load<i32>(c + C_EDGES + (<usize>b << 2));
    const k1 = load<i32>(c + C_EDGES + (<usize>(b + 1) << 2));
    let sum: f32 = 1.0e-20;
    for (let k = k0; k < k1; k++) {
      const kk = k & (m - 1);
      const km = (m - k) & (m - 1);
      const zr = load<f32>(re + (<usize>kk << 2));
      const zi = load<f32>(im + (<usize>kk << 2));
      const cr = load<f32>(re + (<usize>km << 2));
      const ci = -load<f32>(im + (<usize>km << 2));
      const er: f32 = 0.5 * (zr + cr);
      const ei: f32 = 0.5 * (zi + ci);
      const or: f32 = 0.5 * (zr - cr);
      const oi: f32 = 0.5 * (zi - ci);
      const wr = load<f32>(c + C_SPLIT + (<usize>k << 2));
      const wi = load<f32>(c + C_SPLIT + (<usize>(k + m) << 2));
      // -i w (or + i oi) = (w_i or + w_r oi) + i (w_i oi - w_r or)
      const xr = er + (wi * or + wr * oi);
      const xi = ei + (wi * oi - wr * or);
      sum += xr * xr + xi * xi;
    }
    store<f32>(out + (<usize>b << 2), fastDb(sum));
  }
}
