// (aec-drc9) The device's broadband gain after the reference tap, estimated blindly: a loudness
// compressor (a laptop's or phone's DRC, loudness equalization) plays a quiet passage louder than a
// loud one, so the echo path's gain falls as the reference's level rises, which a linear filter
// cannot follow. The reference is shaped before everything reads it (the filter, the delay
// estimator, the suppressor's predictors) by a gain that falls `slope` dB per dB of the reference's
// level (a detector with attack and release, as a compressor's own; Giannoulis, Massberg and Reiss,
// JAES 2012) over its slow mean, bounded to +-DG_MAX_DB. `slope` is learned from the linear stage's
// own misfit: over blocks judged echo only, the least-squares gain of the mic on the foreground's
// estimate, <d y> / <y y>, in two classes, the estimate louder and quieter than its mean; a
// compressor the shaping under-models leaves the quiet class's gain over the loud class's, and
// `slope` moves by their difference in dB per dB of the classes' levels. Shaped only once the
// slope stands over DG_DEAD (the lab's unprocessed rooms wander under it).

import { Aec } from "./aec-state";
import { energy } from "./simd-hsum";
import { dl_peak_lag } from "./aec-delay";

/** Largest lift or cut of the shaped reference, dB. */
// @ts-ignore: decorator
@inline const DG_MAX_DB: f32 = 15;
/** The detector's attack and release, ms (a laptop DRC's order). */
// @ts-ignore: decorator
@inline const DG_ATTACK_MS: f32 = 5;
// @ts-ignore: decorator
@inline const DG_RELEASE_MS: f32 = 100;
/** The mean level's time constant over playing blocks, ms. */
// @ts-ignore: decorator
@inline const DG_MEAN_MS: f32 = 2000;
/** The classes' least-squares sums' time constant over echo-only blocks, ms. */
// @ts-ignore: decorator
@inline const DG_FIT_MS: f32 = 600;
/** The slope's step per echo-only block, per (dB per dB) of measured misfit. */
// @ts-ignore: decorator
@inline const DG_RATE: f32 = 0.02;
/** Largest slope (a 5:1 compressor over its threshold: 0.8). */
// @ts-ignore: decorator
@inline const DG_MAX_SLOPE: f32 = 0.8;
/** Slope under which nothing is shaped. */
// @ts-ignore: decorator
@inline const DG_DEAD: f32 = 0.1;
/** The estimate must stand this far over the mic's noise floor (a quiet echo's classes read the noise). */
// @ts-ignore: decorator
@inline const DG_OVER_NOISE: f32 = 30;
/** Blocks each class needs before the slope moves. */
// @ts-ignore: decorator
@inline const DG_MIN_BLOCKS: f32 = 100;

export function dg_reset(a: Aec): void {
  a.dgSlope = 0;
  a.dgLevel = -100;
  a.dgMean = -100;
  a.dgGain = 1;
  a.dgCq = 0;
  a.dgPq = 0;
  a.dgLq = 0;
  a.dgNq = 0;
  a.dgCl = 0;
  a.dgPl = 0;
  a.dgLl = 0;
  a.dgNl = 0;
}

function levelDb(e: f32, n: i32): f32 {
  return <f32>10 * Mathf.log10(max<f32>(e / <f32>n, <f32>1.0e-10));
}

/** Shapes the newest reference block (B samples at `p`) in place, the gain ramped from the last block's. */
export function dg_shape(a: Aec, p: usize): void {
  const b = a.b;
  const blockMs = <f32>b * 1000 / <f32>a.sampleRate;
  const e = energy(p, b);
  const playing = e > 1.0e-6 * <f32>b;
  const l = levelDb(e, b);
  const tc = l > a.dgLevel ? DG_ATTACK_MS : DG_RELEASE_MS;
  // (held through the reply's pauses: a compressor's rest lifts a return, a limiter's does not, and the lift a pause
  // would read cost the desk's 6 dB limited cold start its returns at 24.37 and 28.07 s, 42.3 -> 38.2 dB)
  if (playing) a.dgLevel += (<f32>1 - Mathf.exp(-blockMs / tc)) * (l - a.dgLevel);
  if (playing) a.dgMean = a.dgMean <= -100 ? a.dgLevel : a.dgMean + (<f32>1 - Mathf.exp(-blockMs / DG_MEAN_MS)) * (a.dgLevel - a.dgMean);
  const slope = a.dgSlope > DG_DEAD ? a.dgSlope - DG_DEAD : <f32>0;
  const g = slope > 0 ? Mathf.pow(10, max<f32>(-DG_MAX_DB, min<f32>(DG_MAX_DB, -slope * (a.dgLevel - a.dgMean))) / 20) : <f32>1;
  store<f32>(a.dgRing + (<usize>a.head << 2), a.dgLevel);
  const g0 = a.dgGain;
  a.dgGain = g;
  if (g0 == 1 && g == 1) return;
  const step = (g - g0) / <f32>b;
  for (let i = 0; i < b; i++) {
    const q = p + (<usize>i << 2);
    store<f32>(q, load<f32>(q) * (g0 + step * <f32>(i + 1)));
  }
}

/**
 * Learns the slope from a block judged echo only: `d` the mic, `y` the foreground's estimate; the
 * block classed by the reference's detector level at the echo's peak lag (the delay estimator's).
 */
export function dg_learn(a: Aec, d: usize, y: usize): void {
  const b = a.b;
  const lag = dl_peak_lag(a.delay);
  if (lag < 0 || lag >= a.slots) return;
  const slot = (a.head + lag) % a.slots;
  if (load<f32>(a.xe + (<usize>slot << 2)) <= 1.0e-6 * <f32>b) return; // (an echo's tail: its gain was set earlier)
  const lx = load<f32>(a.dgRing + (<usize>slot << 2));
  let c: f32 = 0;
  for (let i = 0; i < b; i++) c += load<f32>(d + (<usize>i << 2)) * load<f32>(y + (<usize>i << 2));
  const p = energy(y, b);
  if (p <= 1.0e-8 * <f32>b || p < DG_OVER_NOISE * a.sddFloor) return;
  const blockMs = <f32>b * 1000 / <f32>a.sampleRate;
  const r = <f32>1 - Mathf.exp(-blockMs / DG_FIT_MS);
  if (lx < a.dgMean) {
    if (a.dgNq == 0) a.dgLq = lx;
    a.dgCq += r * (c - a.dgCq);
    a.dgPq += r * (p - a.dgPq);
    a.dgLq += r * (lx - a.dgLq);
    a.dgNq += 1;
  } else {
    if (a.dgNl == 0) a.dgLl = lx;
    a.dgCl += r * (c - a.dgCl);
    a.dgPl += r * (p - a.dgPl);
    a.dgLl += r * (lx - a.dgLl);
    a.dgNl += 1;
  }
  if (a.dgNq < DG_MIN_BLOCKS || a.dgNl < DG_MIN_BLOCKS || a.dgCq <= 0 || a.dgCl <= 0) return;
  const spread = a.dgLl - a.dgLq;
  if (spread < 3) return;
  const gq = <f32>20 * Mathf.log10(a.dgCq / a.dgPq);
  const gl = <f32>20 * Mathf.log10(a.dgCl / a.dgPl);
  a.dgSlope = max<f32>(0, min<f32>(DG_MAX_SLOPE + DG_DEAD, a.dgSlope + DG_RATE * (gq - gl) / spread));
}
