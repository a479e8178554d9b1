// Echo path delay estimation for the echo gate (assembly/echo-gate.ts).
//
// What: the lag (in 2.5 ms blocks, 0..lags) at which the mic's level follows the reference's, how
// well it correlates, and whether it can be trusted.
// How: running covariance of mic and reference onsets (rises of the log energy over 5 ms;
// reverberation smears the ends of sounds, not their starts; the mic clamped at its noise
// threshold) at each lag (f32x4 SIMD over lags), a plain mean at first and then exponentially
// weighted (~1 s). The caller feeds it only echo-like blocks. The delay moves to a new lag only
// when it beats the current one by 25% (neighbours within +-3 blocks count as the same path), and
// is trusted once the peak is distinct (1.25x every lag 20 ms away) and correlated for 0.5 s of
// learning in a row; trust then holds until the path changes. A new path forgets the echo level
// learned around the old delay and the band gains.
// Reference: log-energy envelope cross-correlation as in WebRTC's delay estimator (binary
// spectra, here one band).
// Latency: decisions per completed block; 0.5 s of far-end echo before the delay is trusted.

import { GateState, RING, LAGVAL_OFF, ONSET_OFF, COV_OFF, RING_OFF, SPREAD, FLOOR_DB, PRIOR_RATIO_DB, PRIOR_DEV_DB, f32At } from "./echo-gate-state";
import { specForget } from "./echo-bands";
import { follow } from "./shared";

// @ts-ignore: decorator
@inline const REF_ONSET_FLOOR_DB: f32 = -70.0; // reference levels below count as silence for onsets
// @ts-ignore: decorator
@inline const ADAPT: f64 = 0.0025; // covariance weight per block once warmed up (~1 s)
// @ts-ignore: decorator
@inline const DISTINCT: f32 = 1.25; // the peak must beat every lag more than 8 blocks away by this factor
// @ts-ignore: decorator
@inline const RIVAL_BLOCKS: i32 = 8;
// @ts-ignore: decorator
@inline const SWITCH_GAIN: f32 = 0.25; // a new lag must beat the current one by this fraction
// @ts-ignore: decorator
@inline const TRUST_RHO: f64 = 0.1;
// @ts-ignore: decorator
@inline const TRUST_BLOCKS: i32 = 200; // learning blocks (0.5 s) in a row before the delay is trusted
// @ts-ignore: decorator
@inline const MIN_VAR: f64 = 4.0; // variance floor, dB^2 (2 dB rms onsets)

/** Reference energy (dB) of reference block `index`, silence if not (or no longer) stored. */
// @ts-ignore: decorator
@inline function refDb(s: usize, index: f64, refBlocks: f64): f32 {
  if (index < 0.0 || index >= refBlocks || index < refBlocks - <f64>RING) return <f32>FLOOR_DB;
  return load<f32>(f32At(s, RING_OFF, <i32>(<i64>index) & (RING - 1)));
}

/**
 * Fills the reference dB by lag (lags + 2 values, for block `now`) and the reference onsets by lag
 * (rises over two blocks, 5 ms); returns the loudest reference over all lags.
 */
export function referenceByLag(s: usize, now: f64): f32 {
  const st = changetype<GateState>(s);
  const refBlocks = st.refBlocks;
  const lags = st.lags;
  let wide: f32 = <f32>FLOOR_DB;
  for (let l = 0; l < lags + 2; l++) {
    const r = refDb(s, now - <f64>l, refBlocks);
    store<f32>(f32At(s, LAGVAL_OFF, l), r);
    if (l < lags) wide = max(wide, r);
  }
  // Reverberation smears the ends of sounds but not their starts: onsets locate the path sharply.
  for (let l = 0; l < lags; l++) {
    const a = max(load<f32>(f32At(s, LAGVAL_OFF, l)), REF_ONSET_FLOOR_DB);
    const b = max(load<f32>(f32At(s, LAGVAL_OFF, l + 2)), REF_ONSET_FLOOR_DB);
    store<f32>(f32At(s, ONSET_OFF, l), max(<f32>0.0, a - b));
  }
  return wide;
}

/** The loudest reference dB by lag within SPREAD blocks of the delay (after referenceByLag). */
export function referenceNearDelay(s: usize): f32 {
  const st = changetype<GateState>(s);
  const delay = st.delay;
  let narrow: f32 = <f32>FLOOR_DB;
  for (let l = max(0, delay - SPREAD); l <= min(st.lags - 1, delay + SPREAD); l++) {
    narrow = max(narrow, load<f32>(f32At(s, LAGVAL_OFF, l)));
  }
  return narrow;
}

/** The mic onset of this block: its level clamped at the noise threshold (noise makes no onsets), minus two blocks back. */
export function micOnset(st: GateState, micSmooth: f64, noiseThrDb: f64): f64 {
  const micClamped = max(micSmooth, noiseThrDb);
  const onset = max(0.0, micClamped - st.micClamped2);
  st.micClamped2 = st.micClamped1;
  st.micClamped1 = micClamped;
  return onset;
}

/** One step of the log-energy covariance by lag; picks the delay and its normalized correlation. */
export function updateDelay(s: usize, onset: f64): void {
  const st = changetype<GateState>(s);
  const lags = st.lags;
  // A plain running mean over the first blocks (fast start), then exponential forgetting.
  const a = max(ADAPT, 1.0 / st.activeBlocks);
  const r0 = <f64>load<f32>(s + ONSET_OFF);
  const meanM = follow(st.onsetMeanM, onset, a);
  const meanR = follow(st.onsetMeanR, r0, a);
  const dm = onset - meanM;
  const varM = follow(st.onsetVarM, dm * dm, a);
  const varR = follow(st.onsetVarR, (r0 - meanR) * (r0 - meanR), a);
  st.onsetMeanM = meanM;
  st.onsetMeanR = meanR;
  st.onsetVarM = varM;
  st.onsetVarR = varR;
  const w = f32x4.splat(<f32>a);
  const keep = f32x4.splat(<f32>(1.0 - a));
  const dmv = f32x4.splat(<f32>dm);
  const mr = f32x4.splat(<f32>meanR);
  let best: f32 = -Infinity;
  let bestLag = 0;
  for (let l = 0; l < lags; l += 4) {
    const off = <usize>l << 2;
    const r = v128.load(s + ONSET_OFF + off);
    const c = f32x4.add(f32x4.mul(v128.load(s + COV_OFF + off), keep), f32x4.mul(w, f32x4.mul(dmv, f32x4.sub(r, mr))));
    v128.store(s + COV_OFF + off, c);
    // Largest of the four, scalar (ties keep the shortest lag).
    for (let k = 0; k < 4; k++) {
      const v = load<f32>(f32At(s, COV_OFF, l + k));
      if (v > best) {
        best = v;
        bestLag = l + k;
      }
    }
  }
  // Move to a new lag only when it beats the current one clearly (no flapping between neighbours
  // of a broad peak).
  let delay = st.delay;
  const current = load<f32>(f32At(s, COV_OFF, delay));
  // Distinct peak: larger than every covariance more than RIVAL_BLOCKS (20 ms) away, by DISTINCT.
  let rival: f32 = 0.0;
  for (let l = 0; l < lags; l++) {
    if (l < bestLag - RIVAL_BLOCKS || l > bestLag + RIVAL_BLOCKS) rival = max(rival, load<f32>(f32At(s, COV_OFF, l)));
  }
  const distinct = best > DISTINCT * rival && abs(bestLag - delay) <= SPREAD;
  if (bestLag != delay && abs(bestLag - delay) <= SPREAD) {
    delay = bestLag; // the same echo path, within the narrow envelope's spread: keep what was learned
  } else if (best > current + SWITCH_GAIN * Mathf.abs(current)) {
    // A new echo path: its level must be learned again, conservatively, before it is trusted.
    delay = bestLag;
    st.narrowMean = PRIOR_RATIO_DB;
    st.narrowDev = PRIOR_DEV_DB;
    st.trusted = false;
    st.trustRun = 0;
    specForget(s);
  }
  st.delay = delay;
  // Variances floored: a mic whose echo hides under the noise (flat, clamped) must not look
  // correlated after a single onset.
  const rho = <f64>load<f32>(f32At(s, COV_OFF, delay)) / Math.sqrt(max(varM, MIN_VAR) * max(varR, MIN_VAR));
  st.rho = rho;
  const run = distinct && rho > TRUST_RHO ? st.trustRun + 1 : 0;
  st.trustRun = run;
  if (run >= TRUST_BLOCKS) st.trusted = true;
}
