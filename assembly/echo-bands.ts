// Band detector of the echo gate (assembly/echo-gate.ts): finds the user in the frequency bands
// where the echo is weak, long before the user is louder than the echo overall.
//
// How: 16 band levels over the last 16 ms at ~8 kHz (./echo-spectrum), of the mic every 2 blocks
// (5 ms) and of the reference every 4 (10 ms). Each band's predicted echo is the reference band
// level around the delay (+-10 ms, the nearest reference hops) released at the tail rate, plus a
// learned band gain (the 90th percentile of mic over that envelope on echo-only hops); a band
// counts when the mic is SPEC_MARGIN_DB over the predicted echo power-summed with the band's noise
// threshold (mean + max(6 dB, 3 deviations)). Two bands on two hops in a row open the gate, once
// the delay is trusted and 0.5 s of hops were learned. (On the tuning scenes, false opens on echo
// alone appear 2 dB below the margin used.)
// Reference: per-band echo power estimates against a delayed, reverberation-smeared reference as
// in residual echo suppressors (e.g. WebRTC AEC3's suppression gain), here used only to detect the
// near-end talker.
// Latency: a decision per 5 ms mic hop; the analysis window is centred 6-12 ms back.

import { BANDS, ARING, spec_decimation, spec_bands, spec_db_sum } from "./echo-spectrum";
import {
  GateState, Decimator, HRING, REF_HOP_BLOCKS, FLOOR_DB, CONST_OFF, MIC_ARING_OFF, REF_ARING_OFF, WORK_OFF, MIC_BANDS_OFF, REF_BANDS_OFF,
  bandAt, f32At,
} from "./echo-gate-state";
import { finiteOrZero, follow, quantileStep } from "./shared";

// @ts-ignore: decorator
@inline export const HOP_BLOCKS: i32 = 2; // a mic band analysis every 2 blocks (5 ms)
// @ts-ignore: decorator
@inline const SPEC_SPREAD: f64 = 1.0; // reference hops either side of the delay in the band envelope
// @ts-ignore: decorator
@inline const SPEC_MARGIN_DB: f64 = 4.5; // a band counts when the mic is this far over echo + noise
// @ts-ignore: decorator
@inline const SPEC_MIN_BANDS: i32 = 2;
// @ts-ignore: decorator
@inline export const SPEC_CONFIRM_HOPS: i32 = 2;
// @ts-ignore: decorator
@inline const SPEC_WARM_HOPS: f64 = 100.0; // learning hops (0.5 s) before the band detector is used
// @ts-ignore: decorator
@inline const SPEC_Q: f64 = 0.9; // band gain: 90th percentile of mic over envelope, dB
// @ts-ignore: decorator
@inline const SPEC_NOISE_MARGIN_DB: f64 = 6.0;

/** Averages `samples` samples at `ptr` over D into the analysis ring at byte offset `ringOff`. */
export function decimate(s: usize, dec: Decimator, ptr: usize, samples: i32, ringOff: usize): void {
  const d = spec_decimation(s + CONST_OFF);
  let acc = dec.acc;
  let count = dec.count;
  let pos = dec.pos;
  for (let i = 0; i < samples; i++) {
    acc += <f64>finiteOrZero(load<f32>(ptr + (<usize>i << 2)));
    if (++count == d) {
      store<f32>(f32At(s, ringOff, pos), <f32>(acc / <f64>d));
      pos = (pos + 1) & (ARING - 1);
      count = 0;
      acc = 0.0;
    }
  }
  dec.acc = acc;
  dec.count = count;
  dec.pos = pos;
}

/** Band levels of the reference hop that reference block `blocks` completed, stored by hop index. */
export function referenceHop(s: usize, blocks: i32): void {
  const hop = (blocks / REF_HOP_BLOCKS - 1) & (HRING - 1);
  const st = changetype<GateState>(s);
  spec_bands(s + CONST_OFF, s + REF_ARING_OFF, st.refDecPos, s + WORK_OFF, s + REF_BANDS_OFF + (<usize>(hop * BANDS) << 2));
}

/** Band gains back to the prior (echo as loud as the reference band) and unlearned; envelopes silent. */
export function specForget(s: usize): void {
  const st = changetype<GateState>(s);
  st.specLearned = 0.0;
  st.specRun = 0;
  for (let b = 0; b < BANDS; b++) {
    const band = bandAt(s, b);
    band.gain = 0.0;
    band.env = FLOOR_DB;
  }
}

/**
 * One hop of the band detector at mic block `now` (on the reference's block count): mic band
 * levels against each band's predicted echo power-summed with its noise threshold; sets
 * `specHit` and `specRun`, and learns the band gains on echo-only hops (`aboveBroad`: the
 * broadband detector found the user).
 */
export function specStep(s: usize, now: f64, farActive: bool, trusted: bool, aboveBroad: bool): void {
  const st = changetype<GateState>(s);
  spec_bands(s + CONST_OFF, s + MIC_ARING_OFF, st.micDecPos, s + WORK_OFF, s + MIC_BANDS_OFF);
  const first = !st.bandsStarted;
  st.bandsStarted = true;
  const w = 0.02 * <f64>HOP_BLOCKS; // noise statistics weight per hop (~125 ms)
  const floorRise = 0.01 * <f64>HOP_BLOCKS; // dB per hop (4 dB/s)
  const decay = st.decayDb * <f64>HOP_BLOCKS;
  const refHops = Math.floor(st.refBlocks / <f64>REF_HOP_BLOCKS);
  const centre = Math.floor((now - <f64>st.delay) / <f64>REF_HOP_BLOCKS);
  const scratch = s + WORK_OFF; // free after spec_bands: each band's mic-over-envelope, or FLOOR_DB under the noise
  let count = 0;
  for (let b = 0; b < BANDS; b++) {
    const band = bandAt(s, b);
    let r: f64 = FLOOR_DB;
    for (let h = centre - SPEC_SPREAD; h <= centre + SPEC_SPREAD; h += 1.0) {
      if (h < 0.0 || h >= refHops || h < refHops - <f64>HRING) continue;
      const idx = <i32>(<i64>h) & (HRING - 1);
      r = max(r, <f64>load<f32>(f32At(s, REF_BANDS_OFF, idx * BANDS + b)));
    }
    const env = max(r, band.env - decay);
    band.env = env;
    const y = <f64>load<f32>(f32At(s, MIC_BANDS_OFF, b));
    const noise = band.noise;
    let floor = band.floor;
    if (first) {
      floor = y;
      noise.mean = y;
      noise.dev = 3.0;
    } else if (y < floor) floor = follow(floor, y, 0.3);
    else floor += floorRise;
    band.floor = floor;
    if (y < floor + 12.0) noise.update(y, w);
    const noiseThr = max(floor, noise.mean) + max(SPEC_NOISE_MARGIN_DB, 3.0 * noise.dev);
    const echo = env + band.gain;
    const thr = spec_db_sum(s + CONST_OFF, echo, noiseThr) + SPEC_MARGIN_DB;
    if (y > thr) count++;
    store<f32>(scratch + (<usize>b << 2), <f32>(y > floor + 6.0 ? y - env : FLOOR_DB));
  }
  const learned = st.specLearned;
  const hit = farActive && trusted && learned >= SPEC_WARM_HOPS && count >= SPEC_MIN_BANDS;
  st.specHit = hit;
  st.specRun = hit ? st.specRun + 1 : 0;
  // Band gains learn on echo-only hops (far end playing, gate closed, nothing found, no learning
  // pause), each the 90th percentile of its band's mic-over-envelope (steps of 1 dB while warming
  // up, 0.2 dB after), from bands above their noise.
  if (farActive && !st.open && !aboveBroad && !hit) {
    st.specLearned = learned + 1.0;
    const step = learned < SPEC_WARM_HOPS ? 1.0 : 0.2;
    for (let b = 0; b < BANDS; b++) {
      const x = <f64>load<f32>(scratch + (<usize>b << 2));
      if (x == FLOOR_DB) continue;
      const band = bandAt(s, b);
      band.gain = quantileStep(band.gain, x, SPEC_Q, step);
    }
  }
}
