// Partitioned-block frequency-domain adaptive filter (MDF, Soo and Pang 1990), the arithmetic only:
// the caller (./echo-canceller) owns the memory and decides the step sizes.
//
// A filter of M * B taps is cut into M partitions of B taps. Each partition m holds the spectrum
// W_m of its B taps zero-padded to N = 2B (overlap-save); the reference history holds the spectra
// X_m of the last M frames of 2B reference samples (hop B), newest first. The echo estimate of a
// block is the last B samples of IFFT(sum_m W_m X_m) (the sum: ./aec-step, kf_filter_residual, in
// the same pass as the step control's sums); the update (./aec-step) adds to W_m the
// correlation of the error with X_m, scaled per coefficient. The gradient constraint (zeroing the taps B..2B-1 that circular correlation puts there) costs an
// inverse and a forward FFT per partition, so it is applied to a few partitions per block in turn
// (the alternately-updated MDF).
// Layout: a spectrum is re[K] then im[K] (K = B + 4: bins 0..B and zero padding to a multiple of
// 4, so every loop runs in f32x4); partition m of a filter or of the history starts at m * 2K.
// The history is a ring of `slots` spectra (>= M: the filter may sit at an offset into it, where
// the echo starts); partition m reads slot (head + m) mod slots, head being the newest frame's slot
// plus the offset.
// Latency: none of its own (block transforms).

import { fft_forward, fft_forward_half, fft_inverse_half } from "./fft";

/**
 * Gradient constraint of one partition spectrum `wp` (re at wp, im at wp + K): back to the time
 * domain, taps B..2B-1 zeroed, forward again. `tmp` holds 2B samples, `work` the FFT work area.
 * Only the taps kept are computed and read (fft_inverse_half, fft_forward_half: the same output
 * as the whole transforms over the zeroed frame, bit for bit).
 */
export function pf_constrain(wp: usize, k: i32, b: i32, fft: usize, tmp: usize, work: usize): void {
  const im = wp + (<usize>k << 2);
  fft_inverse_half(fft, wp, im, tmp, work, false, tmp);
  fft_forward_half(fft, tmp, false, wp, im, work);
}

/** True when the n samples at p (n a multiple of 4) are all +0 or -0. */
export function pf_all_zero(p: usize, n: i32): bool {
  const magnitude = i32x4.splat(0x7fffffff);
  let acc = i32x4.splat(0);
  for (let i = 0; i < n; i += 4) acc = v128.or(acc, v128.and(v128.load(p + (<usize>i << 2)), magnitude));
  return !v128.any_true(acc);
}

/**
 * The spectrum of the n samples at x (fft_forward into re / im, k bins each), or, where they are
 * all zeros (the reference between words, an echo estimate while nothing plays), zeros written
 * without the transform: what it gives there but for the sign of a zero, which no sum or product
 * downstream tells apart. Returns whether they were.
 */
export function pf_spectrum(fft: usize, x: usize, n: i32, k: i32, re: usize, im: usize, work: usize): bool {
  if (!pf_all_zero(x, n)) {
    fft_forward(fft, x, re, im, work);
    return false;
  }
  memory.fill(re, 0, <usize>k << 2);
  memory.fill(im, 0, <usize>k << 2);
  return true;
}

/** The echo-estimate (or any) time block: the last B samples of IFFT(Y) into `out`. */
export function pf_last_half(yRe: usize, yIm: usize, b: i32, fft: usize, tmp: usize, work: usize, out: usize): void {
  fft_inverse_half(fft, yRe, yIm, tmp, work, true, out); // (only those samples computed: `tmp` holds the merge)
}

/** Spectrum of a block of B samples placed in the second half of a zeroed 2B frame (the zeros neither written nor read: fft_forward_half). */
export function pf_block_spectrum(block: usize, b: i32, fft: usize, tmp: usize, work: usize, re: usize, im: usize): void {
  fft_forward_half(fft, block, true, re, im, work);
}

/**
 * Moves a filter of m partitions by `by` partitions along the history (by > 0: the filter now starts
 * later): partition i takes what partition i + by held, zeros where nothing was. `bytes` per partition.
 */
export function pf_shift(w: usize, m: i32, bytes: usize, by: i32): void {
  if (by == 0) return;
  const n = abs(by);
  if (n >= m) {
    memory.fill(w, 0, <usize>m * bytes);
  } else if (by > 0) {
    memory.copy(w, w + <usize>n * bytes, <usize>(m - n) * bytes);
    memory.fill(w + <usize>(m - n) * bytes, 0, <usize>n * bytes);
  } else {
    memory.copy(w + <usize>n * bytes, w, <usize>(m - n) * bytes);
    memory.fill(w, 0, <usize>n * bytes);
  }
}
