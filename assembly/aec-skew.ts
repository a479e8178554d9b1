// Clock skew between the speaker and the mic for the echo canceller (./echo-canceller): a USB or
// Bluetooth mic beside the laptop's speaker, or a server fed two streams, runs the two on different
// clocks, and the echo's delay moves by 50-200 ppm (3-12 ms a minute). The adaptive filter cannot
// follow a delay that moves continuously (at +100 ppm its ERLE stayed at 2-8 dB, 22-28 without).
// What: the skew (samples of delay gained per sample), and both filters' weights turned by it every
// block: a delay grown by dτ multiplies each partition's spectrum by exp(-2 pi i k dτ / 2B), so the
// model moves with the echo instead of being relearned; whole blocks of motion are the delay
// estimate's (the filter's placement). Equivalent to resampling the reference by the skew, without
// reading the reference ahead of what was pushed (mic and reference arrive in step: a speaker clock
// that runs fast would have the reference read past its end).
// How: every SKEW_INTERVAL_S (0.5 s) the delay estimator's smoothed cross-spectrum at its
// confident peak lag is compared with the one kept 0.5 s before (./aec-delay: dl_snapshot,
// dl_moved): it turned by -2 pi k dτ / 2B in bin k as the echo moved by dτ. The skew is the slope
// of the summed movement over the summed time of playback (a least-squares line forgetting over
// SKEW_TC_S, 30 s). Bypassed until SKEW_SETTLE_S (20 s) of playback, until the slope stands
// SKEW_SURE (20) standard errors from 0, and while under SKEW_ON (40 ppm; off again under 20): without
// drift the estimate read up to 24 ppm in the reverberant 3-minute calls (a false skew at 30 ppm
// cost the desk a path change), and it reads 60-90% of the skew in the kiosk. Calls without drift
// run bit for bit as before (the lab's 78 scenes, bench/aec-identical.mjs).
// Latency: none (the estimate follows the skew within ~SKEW_TC_S).

import { Aec } from "./aec-state";
import { fft_forward, fft_inverse } from "./fft";
import { dl_moved, dl_snapshot, dl_peak } from "./aec-delay";

/** Averaging of the skew, s of confident updates. */
// @ts-ignore: decorator
@inline const SKEW_TC_S: f32 = 30;
/** Confident updates before the weights are turned, s. */
// @ts-ignore: decorator
@inline const SKEW_SETTLE_S: f32 = 20;
/** The slope must stand this many standard errors from 0 (the residuals of the cumulative movement are correlated: their error reads small). */
// @ts-ignore: decorator
@inline const SKEW_SURE: f64 = 20;
/** Skew over which the weights are turned (and under half of which they no longer are). */
// @ts-ignore: decorator
@inline const SKEW_ON: f32 = 4.0e-5;
/** Peak coherence of the delay estimator for an update to count. */
// @ts-ignore: decorator
@inline const SKEW_PEAK: f32 = 0.1;
/** Largest skew an update may show (a path change turns the phase faster). */
// @ts-ignore: decorator
@inline const SKEW_MAX: f32 = 1.0e-3;
/** Interval between the cross-spectrum's snapshots, s (its angles must stay within +-pi). */
// @ts-ignore: decorator
@inline const SKEW_INTERVAL_S: f32 = 0.5;

/** Forgets the skew. */
export function sk_reset(a: Aec): void {
  a.skew = 0;
  a.skewOn = false;
  a.skewSince = a.skewPlayed = 0;
  // the movement, its time and the regression's sums
  a.skewTau = a.skewSeconds = a.skewW = a.skewT = a.skewTT = a.skewY = a.skewTY = a.skewYY = 0;
}

/**
 * One block, after the delay estimator's update: every SKEW_INTERVAL_S, the echo's movement since
 * the last (dl_moved, at the lag then confident) joins the regression, over the time the echo
 * played in between (a silent stretch does not turn the cross-spectrum).
 */
export function sk_block(a: Aec, echoing: bool): void {
  a.skewSince += a.b;
  if (echoing) a.skewPlayed += a.b;
  if (<f32>a.skewSince < SKEW_INTERVAL_S * <f32>a.sampleRate) return;
  const moved = dl_moved(a.delay, a.n);
  if (dl_peak(a.delay) > SKEW_PEAK && <f32>a.skewPlayed > 0.5 * SKEW_INTERVAL_S * <f32>a.sampleRate) observe(a, moved, a.skewPlayed);
  dl_snapshot(a.delay, SKEW_PEAK);
  a.skewSince = 0;
  a.skewPlayed = 0;
}

/**
 * The echo moved `dTau` samples over `samples` samples of playback. The skew is the slope of the
 * summed movement over the summed time (a least-squares line, weighted to forget over SKEW_TC_S):
 * the cross-spectrum's phase also follows what the reference says, a bounded error the line
 * averages out.
 */
function observe(a: Aec, dTau: f32, samples: i32): void {
  if (!(abs(dTau) < SKEW_MAX * <f32>samples)) return; // NaN too
  const seconds = <f64>samples / <f64>a.sampleRate;
  a.skewTau += <f64>dTau;
  a.skewSeconds += seconds;
  const keep = Math.exp(-seconds / <f64>SKEW_TC_S);
  const t = a.skewSeconds;
  const y = a.skewTau;
  a.skewW = keep * a.skewW + 1;
  a.skewT = keep * a.skewT + t;
  a.skewTT = keep * a.skewTT + t * t;
  a.skewY = keep * a.skewY + y;
  a.skewTY = keep * a.skewTY + t * y;
  a.skewYY = keep * a.skewYY + y * y;
  // centred sums: the slope, and its standard error from the residuals (W - 2 degrees of freedom)
  const stt = a.skewTT - a.skewT * a.skewT / a.skewW;
  const sty = a.skewTY - a.skewT * a.skewY / a.skewW;
  const syy = a.skewYY - a.skewY * a.skewY / a.skewW;
  if (a.skewSeconds < <f64>SKEW_SETTLE_S || !(stt > 0) || a.skewW <= 2) return;
  const slope = sty / stt; // samples per second
  const error = Math.sqrt(max(0, syy - slope * sty) / ((a.skewW - 2) * stt));
  a.skew = <f32>(slope / <f64>a.sampleRate);
  phasors(a);
  const sure = abs(slope) > <f64>SKEW_SURE * error;
  if (sure && abs(a.skew) > SKEW_ON) a.skewOn = true;
  else if (abs(a.skew) < 0.5 * SKEW_ON) a.skewOn = false;
}

/** Turns `m` partition spectra at `w` (re K, im K each) by the phasors at rot. */
function turn(w: usize, m: i32, k: i32, rot: usize): void {
  const im = <usize>k << 2;
  for (let q = 0; q < m; q++) {
    const p = w + <usize>q * (im << 1);
    for (let j = 0; j < k; j += 4) {
      const o = <usize>j << 2;
      const wr = v128.load(p + o);
      const wi = v128.load(p + o + im);
      const rr = v128.load(rot + o);
      const ri = v128.load(rot + o + im);
      v128.store(p + o, f32x4.sub(f32x4.mul(wr, rr), f32x4.mul(wi, ri)));
      v128.store(p + o + im, f32x4.add(f32x4.mul(wr, ri), f32x4.mul(wi, rr)));
    }
  }
}

/** The phasors exp(-2 pi i j dτ / 2B) of one block's movement for bins j, by recurrence in f64 (132-260 steps: error ~1e-14); made when the skew changes. */
function phasors(a: Aec): void {
  const im = <usize>a.k << 2;
  const step = -2 * Math.PI * <f64>a.skew * <f64>a.b / <f64>a.n;
  const c = Math.cos(step);
  const s = Math.sin(step);
  let re: f64 = 1;
  let imv: f64 = 0;
  for (let j = 0; j < a.k; j++) {
    store<f32>(a.rot + (<usize>j << 2), <f32>re);
    store<f32>(a.rot + im + (<usize>j << 2), <f32>imv);
    const t = re * c - imv * s;
    imv = re * s + imv * c;
    re = t;
  }
}

/** Once a block: both filters move by the skew's delay over the block (nothing while bypassed). */
export function sk_turn(a: Aec): void {
  if (!a.skewOn) return;
  turn(a.wb, a.m, a.k, a.rot);
  turn(a.wf, a.m, a.k, a.rot);
}

/**
 * The gradient constraint of background partition `q` (./aec-filter: pf_constrain) while the
 * weights turn: the taps turned past the partition's end (the skew > 0: into taps B..3B/2 - 1 of its
 * 2B) are the next partition's first, those turned before its start (< 0: wrapped to 3B/2..2B - 1)
 * the previous one's last; they move there instead of being cut (cut, an echo's direct path
 * crossing a partition's edge had to be learned again). One more FFT per constrained partition.
 */
export function sk_constrain(a: Aec, q: i32): void {
  const b = a.b;
  const kb = <usize>a.k << 2;
  const spec = kb << 1;
  const half = <usize>b << 2;
  const quarter = <usize>(b >> 1) << 2;
  const wp = a.wb + <usize>q * spec;
  fft_inverse(a.fft, wp, wp + kb, a.tmp, a.work);
  const later = a.skew > 0;
  const to = later ? q + 1 : q - 1;
  if (to >= 0 && to < a.m) {
    memory.fill(a.carry, 0, half << 1);
    if (later) memory.copy(a.carry, a.tmp + half, quarter);
    else memory.copy(a.carry + quarter, a.tmp + half + quarter, quarter);
    fft_forward(a.fft, a.carry, a.sE, a.sE + kb, a.work);
    const w = a.wb + <usize>to * spec;
    for (let j = 0; j < a.k; j += 4) {
      const o = <usize>j << 2;
      v128.store(w + o, f32x4.add(v128.load(w + o), v128.load(a.sE + o)));
      v128.store(w + kb + o, f32x4.add(v128.load(w + kb + o), v128.load(a.sE + kb + o)));
    }
  }
  memory.fill(a.tmp + half, 0, half);
  fft_forward(a.fft, a.tmp, wp, wp + kb, a.work);
}
