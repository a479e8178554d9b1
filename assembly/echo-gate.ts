// Echo gate: lets the microphone through only when it holds more than the echo of what the
// speaker is playing (the near-end user talking), and attenuates it smoothly otherwise.
//
// Algorithm, on blocks of round(sampleRate / 400) samples (2.5 ms):
// - The reference (playback) and the mic are reduced to block energies in dBFS. Block k of the mic
//   is aligned with block k + offset of the reference, the offset latched at the first mic call
//   after some reference arrived (the call's last mic sample taken as simultaneous with the newest
//   reference sample) and re-latched if the streams drift apart by more than 100 ms.
// - Echo path delay: running covariance of mic and reference onsets (rises of the log energy over
//   5 ms; reverberation smears the ends of sounds, not their starts; the mic clamped at its noise
//   threshold) at each lag 0..maxDelay (f32x4 SIMD over lags), a plain mean at first and then
//   exponentially weighted (~1 s), learned only on echo-like blocks (within the learned range of
//   the mic-to-envelope ratio over all lags and, 3 deviations, around the current delay: a user
//   starting in a gap of the echo must not pull the delay to a far-end onset at another lag). The
//   delay moves to a new lag only when it beats the current one by 25% (neighbours within +-3
//   blocks count as the same path), and is trusted once the peak is distinct (1.25x every lag
//   20 ms away) and correlated for 0.5 s in a row; trust then holds until the path changes.
// - Echo level: the predicted echo envelope is the reference energy around the delay (+-3 blocks)
//   released no faster than 60 dB per `tailMs`; the mic-to-envelope ratio x (dB) has a learned mean
//   and deviation (winsorized at 1.5 deviations), and the threshold is mean + max(marginDb,
//   3 deviations). Before the delay is trusted the envelope spans all lags (a Geigel detector) and
//   the threshold is the 90th percentile of x (a stochastic quantile, seeded from the largest
//   ratio after 80 learned blocks; after 1 s of far end with fewer, the echo hides under the mic
//   noise and it starts where a block at the noise threshold would sit under the loudest far end;
//   a 6 dB echo return loss prior before that) + marginDb.
// - The mic must also rise above its own noise (mean + max(10 dB, 4 deviations), power-summed
//   with the echo threshold). Two consecutive blocks above open the gate for `holdMs`.
// - Band detector (a user can be told from the echo in the bands where the echo is weak long
//   before the user is louder overall): 16 band levels over the last 16 ms at ~8 kHz
//   (./echo-spectrum), of the mic every 2 blocks (5 ms) and of the reference every 4 (10 ms).
//   Each band's predicted echo is the reference band level around the delay (+-10 ms, the
//   nearest reference hops) released at the tail rate, plus a learned
//   band gain (the 90th percentile of mic over that envelope on echo-only hops); a band counts
//   when the mic is SPEC_MARGIN_DB over the predicted echo power-summed with the band's noise
//   threshold (mean + max(6 dB, 3 deviations)). Two bands on two hops in a row open the gate for
//   `holdMs`, once the delay is trusted and 0.5 s of hops were learned. (On the tuning scenes,
//   false opens on echo alone appear 2 dB below the margin used.)
// - Learning only on echo-like blocks: far end playing, gate closed, below the threshold, above
//   the noise, and not within 100 ms of a block 2 deviations (3 dB over the percentile) above the
//   learned level: a user too quiet to open the gate must not teach it that the echo is loud.
// - Gain: 1 when open or when no far end is playing (transparent), else `closedGain`; each output
//   sample's gain moves toward the target with a one-pole ramp (1 ms opening, 5 ms closing), so
//   gating never clicks. Decisions use completed blocks only: no added latency.
// References: D. L. Duttweiler, "A twelve-channel digital echo canceler", IEEE Trans. Commun. 1978
// (Geigel double-talk detector); ITU-T G.168 (echo return loss, double talk); log-energy envelope
// cross-correlation for delay estimation as in WebRTC's delay estimator (binary spectra, here
// simplified to one band); per-band echo power estimates against a delayed, reverberation-smeared
// reference as in residual echo suppressors (e.g. WebRTC AEC3's suppression gain), here used only
// to detect the near-end talker.
// Latency: none (sample in, sample out); decisions lag the mic by one block (2.5 ms), the band
// detector by up to one 5 ms hop.

import { BANDS, ARING, SPEC_CONST_BYTES, SPEC_WORK_BYTES, spec_init, spec_decimation, spec_bands, spec_db_sum } from "./echo-spectrum";

// @ts-ignore: decorator
@inline const RING: i32 = 256; // reference block energies kept (640 ms)
// @ts-ignore: decorator
@inline const LAGS: i32 = 128; // lags searched, multiple of 4 (320 ms)

// Scalar slots (f64).
// @ts-ignore: decorator
@inline const S_BLOCK: i32 = 0;
// @ts-ignore: decorator
@inline const S_LAGS: i32 = 1; // lags in use (<= LAGS)
// @ts-ignore: decorator
@inline const S_CLOSED_GAIN: i32 = 2;
// @ts-ignore: decorator
@inline const S_MARGIN_DB: i32 = 3;
// @ts-ignore: decorator
@inline const S_HOLD_BLOCKS: i32 = 4;
// @ts-ignore: decorator
@inline const S_OPEN_COEF: i32 = 5;
// @ts-ignore: decorator
@inline const S_CLOSE_COEF: i32 = 6;
// @ts-ignore: decorator
@inline const S_REF_FILL: i32 = 38; // first slot cleared by reset (slots 0..7 are options)
// @ts-ignore: decorator
@inline const S_REF_ACC: i32 = 8;
// @ts-ignore: decorator
@inline const S_REF_BLOCKS: i32 = 9; // completed reference blocks
// @ts-ignore: decorator
@inline const S_MIC_FILL: i32 = 10;
// @ts-ignore: decorator
@inline const S_MIC_ACC: i32 = 11;
// @ts-ignore: decorator
@inline const S_MIC_BLOCKS: i32 = 12;
// @ts-ignore: decorator
@inline const S_LATCHED: i32 = 13;
// @ts-ignore: decorator
@inline const S_OFFSET: i32 = 14; // reference block index minus mic block index (floor of S_OFFSET_SAMPLES / block)
// @ts-ignore: decorator
@inline const S_GAIN: i32 = 15;
// @ts-ignore: decorator
@inline const S_TARGET: i32 = 16;
// @ts-ignore: decorator
@inline const S_MEAN_M: i32 = 17;
// @ts-ignore: decorator
@inline const S_MEAN_R: i32 = 18;
// @ts-ignore: decorator
@inline const S_VAR_M: i32 = 19;
// @ts-ignore: decorator
@inline const S_VAR_R: i32 = 20;
// @ts-ignore: decorator
@inline const S_DELAY: i32 = 21; // blocks
// @ts-ignore: decorator
@inline const S_RHO: i32 = 22;
// @ts-ignore: decorator
@inline const S_ACTIVE_BLOCKS: i32 = 23;
// @ts-ignore: decorator
@inline const S_P_WIDE: i32 = 24; // dB
// @ts-ignore: decorator
@inline const S_P_NARROW: i32 = 25;
// @ts-ignore: decorator
@inline const S_MU_W: i32 = 26;
// @ts-ignore: decorator
@inline const S_DEV_W: i32 = 27;
// @ts-ignore: decorator
@inline const S_MU_N: i32 = 28;
// @ts-ignore: decorator
@inline const S_DEV_N: i32 = 29;
// @ts-ignore: decorator
@inline const S_MIC_FLOOR: i32 = 30;
// @ts-ignore: decorator
@inline const S_PREV_MIC_DB: i32 = 31;
// @ts-ignore: decorator
@inline const S_CAND: i32 = 32; // consecutive double-talk blocks
// @ts-ignore: decorator
@inline const S_HOLD: i32 = 33; // blocks left open
// @ts-ignore: decorator
@inline const S_OPEN: i32 = 34;
// @ts-ignore: decorator
@inline const S_FAR_ACTIVE: i32 = 35;
// @ts-ignore: decorator
@inline const S_ERL_DB: i32 = 36; // echo return loss estimate (reference to mic echo), dB
// @ts-ignore: decorator
@inline const S_DECAY_DB: i32 = 7; // envelope release per block, dB
// @ts-ignore: decorator
@inline const S_REF_SAMPLES: i32 = 39;
// @ts-ignore: decorator
@inline const S_MIC_SAMPLES: i32 = 40;
// @ts-ignore: decorator
@inline const S_OFFSET_SAMPLES: i32 = 41;
// (slots 42..44: diagnostics of the last decision: x, threshold, smoothed mic level)
// @ts-ignore: decorator
@inline const S_NOISE_MEAN: i32 = 45; // mic noise level (blocks near the floor), dB
// @ts-ignore: decorator
@inline const S_NOISE_DEV: i32 = 46;
// @ts-ignore: decorator
@inline const S_MIC_C1: i32 = 47; // clamped mic dB one and two blocks back (onsets)
// @ts-ignore: decorator
@inline const S_MIC_C2: i32 = 48;
// @ts-ignore: decorator
@inline const S_SINCE_SWITCH: i32 = 49; // learning blocks since the delay last changed
// @ts-ignore: decorator
@inline const S_TRUSTED: i32 = 51; // the delay estimate is in use
// @ts-ignore: decorator
@inline const S_TRUST_RUN: i32 = 52;
// @ts-ignore: decorator
@inline const S_SUSPECT: i32 = 53; // blocks left in a learning pause
// @ts-ignore: decorator
@inline const SUSPECT_DEVS: f64 = 2.0;
// @ts-ignore: decorator
@inline const SUSPECT_BLOCKS: f64 = 40.0;
// @ts-ignore: decorator
@inline const S_LEARNED: i32 = 54; // blocks the level statistics learned from
// @ts-ignore: decorator
@inline const WARM_BLOCKS: f64 = 200.0;
// @ts-ignore: decorator
@inline const S_Q_W: i32 = 55; // 90th percentile of the mic-to-wide-envelope ratio, dB
// @ts-ignore: decorator
@inline const Q_LEVEL: f64 = 0.9;
// @ts-ignore: decorator
@inline const Q_STEP_DB: f64 = 0.1; // up 0.09 dB, down 0.01 dB per learned block
// @ts-ignore: decorator
@inline const Q_WARM_BLOCKS: f64 = 80.0;
// @ts-ignore: decorator
@inline const S_Q_READY: i32 = 57;
// @ts-ignore: decorator
@inline const S_P_MAX: i32 = 58; // loudest wide envelope while warming up, dB
// @ts-ignore: decorator
@inline const Q_WARM_ACTIVE: f64 = 400.0;
// @ts-ignore: decorator
@inline const S_X_TOP: i32 = 56; // largest recent mic-to-wide-envelope ratio (released 20 dB/s)
// @ts-ignore: decorator
@inline const SUSPECT_ABOVE_Q_DB: f64 = 3.0;
// Spectral double-talk detector (see the opening comment; band levels from ./echo-spectrum).
// @ts-ignore: decorator
@inline const S_MIC_DEC_ACC: i32 = 64; // decimator sum, samples in it, next ring index: mic
// @ts-ignore: decorator
@inline const S_MIC_DEC_N: i32 = 65;
// @ts-ignore: decorator
@inline const S_MIC_APOS: i32 = 66;
// @ts-ignore: decorator
@inline const S_REF_DEC_ACC: i32 = 67; // the same for the reference
// @ts-ignore: decorator
@inline const S_REF_DEC_N: i32 = 68;
// @ts-ignore: decorator
@inline const S_REF_APOS: i32 = 69;
// @ts-ignore: decorator
@inline const S_SPEC_RUN: i32 = 70; // consecutive hops with the user found in enough bands
// @ts-ignore: decorator
@inline const S_SPEC_LEARNED: i32 = 71; // hops the band gains learned from (since the delay last changed)
// @ts-ignore: decorator
@inline const S_SPEC_HIT: i32 = 72; // last hop found the user (0/1)
// @ts-ignore: decorator
@inline const S_SPEC_COUNT: i32 = 73; // bands over their threshold on the last hop (diagnostics)
// @ts-ignore: decorator
@inline const S_SPEC_HOPS: i32 = 74; // mic hops analysed
// @ts-ignore: decorator
@inline const HOP_BLOCKS: i32 = 2; // a band analysis every 2 blocks (5 ms)
// @ts-ignore: decorator
@inline const REF_HOP_SHIFT: i32 = 2; // reference band levels every 4 blocks (10 ms): the envelope spans +-10 ms anyway
// @ts-ignore: decorator
@inline const REF_HOP_BLOCKS: i32 = 1 << REF_HOP_SHIFT;
// @ts-ignore: decorator
@inline const HRING: i32 = RING >> REF_HOP_SHIFT; // reference band levels kept, reference hops (a power of 2, as RING)
// @ts-ignore: decorator
@inline const SPEC_SPREAD: i32 = 1; // reference hops either side of the delay in the band envelope
// @ts-ignore: decorator
@inline const SPEC_MARGIN_DB: f64 = 4.5; // a band counts when the mic is this far over echo + noise
// @ts-ignore: decorator
@inline const SPEC_MIN_BANDS: f64 = 2.0;
// @ts-ignore: decorator
@inline const SPEC_CONFIRM_HOPS: f64 = 2.0;
// @ts-ignore: decorator
@inline const SPEC_WARM_HOPS: f64 = 100.0; // learning hops (0.5 s) before the band detector is used
// @ts-ignore: decorator
@inline const SPEC_Q: f64 = 0.9; // band gain: 90th percentile of mic over envelope, dB
// @ts-ignore: decorator
@inline const SPEC_NOISE_MARGIN_DB: f64 = 6.0;
// @ts-ignore: decorator
@inline const SCALARS: i32 = 80;

// Arrays after the scalars.
// @ts-ignore: decorator
@inline const RING_OFF: usize = <usize>SCALARS << 3; // f32[RING]
// @ts-ignore: decorator
@inline const LAGVAL_OFF: usize = RING_OFF + (<usize>RING << 2); // f32[LAGS + 4] reference dB by lag
// @ts-ignore: decorator
@inline const ONSET_OFF: usize = LAGVAL_OFF + (<usize>(LAGS + 4) << 2); // f32[LAGS] reference onsets by lag
// @ts-ignore: decorator
@inline const COV_OFF: usize = ONSET_OFF + (<usize>LAGS << 2); // f32[LAGS] covariance by lag
// @ts-ignore: decorator
@inline const MIC_ARING_OFF: usize = COV_OFF + (<usize>LAGS << 2); // f32[ARING] mic analysis samples
// @ts-ignore: decorator
@inline const REF_ARING_OFF: usize = MIC_ARING_OFF + (<usize>ARING << 2); // f32[ARING] reference analysis samples
// @ts-ignore: decorator
@inline const WORK_OFF: usize = REF_ARING_OFF + (<usize>ARING << 2); // transform work arrays
// @ts-ignore: decorator
@inline const MIC_BANDS_OFF: usize = WORK_OFF + SPEC_WORK_BYTES; // f32[BANDS] mic band levels, dB
// @ts-ignore: decorator
@inline const REF_BANDS_OFF: usize = MIC_BANDS_OFF + (<usize>BANDS << 2); // f32[HRING][BANDS] reference band levels by hop
// @ts-ignore: decorator
@inline const BAND_OFF: usize = REF_BANDS_OFF + (<usize>(HRING * BANDS) << 2); // f64[5][BANDS]: gain, envelope, floor, noise mean, noise deviation
// @ts-ignore: decorator
@inline const B_GAIN: usize = 0;
// @ts-ignore: decorator
@inline const B_ENV: usize = 1;
// @ts-ignore: decorator
@inline const B_FLOOR: usize = 2;
// @ts-ignore: decorator
@inline const B_NMEAN: usize = 3;
// @ts-ignore: decorator
@inline const B_NDEV: usize = 4;
// @ts-ignore: decorator
@inline const CONST_OFF: usize = BAND_OFF + (<usize>(5 * BANDS) << 3); // tables of ./echo-spectrum, kept by reset
// @ts-ignore: decorator
@inline const STATE_BYTES: usize = CONST_OFF + SPEC_CONST_BYTES;

// @ts-ignore: decorator
@inline const FLOOR_DB: f64 = -100.0; // energies below count as silence
// @ts-ignore: decorator
@inline const FAR_ACTIVE_DB: f64 = -75.0; // far-end envelope above this means playback is audible
// @ts-ignore: decorator
@inline const REF_ONSET_FLOOR_DB: f64 = -70.0; // reference levels below count as silence for onsets
// @ts-ignore: decorator
@inline const ADAPT: f64 = 0.0025; // covariance weight per block once warmed up (~1 s)
// @ts-ignore: decorator
@inline const STAT_ADAPT: f64 = 0.02; // ratio statistics weight per block (~125 ms)
// @ts-ignore: decorator
@inline const DEV_FACTOR: f64 = 3.0;
// @ts-ignore: decorator
@inline const NOISE_MARGIN_DB: f64 = 10.0; // 2.5 ms blocks of noise fluctuate by several dB
// @ts-ignore: decorator
@inline const SPREAD: i32 = 3; // blocks either side of the delay in the narrow envelope
// @ts-ignore: decorator
@inline const CONFIRM_BLOCKS: f64 = 2.0;
// @ts-ignore: decorator
@inline const MIN_ACTIVE_BLOCKS: f64 = 200.0; // learning blocks (0.5 s) with an unchanged delay before it is trusted
// @ts-ignore: decorator
@inline const DISTINCT: f32 = 1.25; // the peak must beat every lag more than 8 blocks away by this factor
// @ts-ignore: decorator
@inline const S_DISTINCT: i32 = 50; // 1 when the covariance peak is distinct
// @ts-ignore: decorator
@inline const TRUST_RHO: f64 = 0.1;
// @ts-ignore: decorator
@inline const WINSOR_DEVS: f64 = 1.5;
// @ts-ignore: decorator
@inline const NARROW_GUARD_DEVS: f64 = 3.0;
// @ts-ignore: decorator
@inline const SWITCH_GAIN: f32 = 0.25; // a new lag must beat the current one by this fraction

/** Bytes of the state block. */
export function gate_state_bytes(): i32 {
  return <i32>STATE_BYTES;
}

// @ts-ignore: decorator
@inline function get(s: usize, slot: i32): f64 {
  return load<f64>(s + (<usize>slot << 3));
}
// @ts-ignore: decorator
@inline function set(s: usize, slot: i32, v: f64): void {
  store<f64>(s + (<usize>slot << 3), v);
}
// @ts-ignore: decorator
@inline function clean(x: f32): f32 {
  // NaN and +-Inf count as 0; finite values pass.
  return x - x == 0.0 ? x : 0.0;
}
// @ts-ignore: decorator
@inline function toDb(energy: f64): f64 {
  return max(FLOOR_DB, 10.0 * Math.log10(energy + 1.0e-30));
}

/** Sets up a gate; options are validated by the caller. */
export function gate_init(
  s: usize,
  sampleRate: i32,
  blockSamples: i32,
  maxDelayMs: f64,
  closedGain: f64,
  marginDb: f64,
  holdMs: f64,
  tailMs: f64,
): void {
  memory.fill(s, 0, STATE_BYTES);
  const blockMs = <f64>blockSamples * 1000.0 / <f64>sampleRate;
  set(s, S_BLOCK, blockSamples);
  const lags = min(LAGS, (<i32>Math.ceil(maxDelayMs / blockMs) + SPREAD + 4) & ~3);
  set(s, S_LAGS, lags);
  set(s, S_CLOSED_GAIN, closedGain);
  set(s, S_MARGIN_DB, marginDb);
  set(s, S_HOLD_BLOCKS, Math.round(holdMs / blockMs));
  set(s, S_OPEN_COEF, 1.0 - Math.exp(-1.0 / (0.001 * sampleRate)));
  set(s, S_CLOSE_COEF, 1.0 - Math.exp(-1.0 / (0.005 * sampleRate)));
  set(s, S_DECAY_DB, 60.0 * blockMs / tailMs);
  spec_init(s + CONST_OFF, sampleRate);
  gate_reset(s);
}

/** Back to the state after init: no reference, gate open, nothing learned. */
export function gate_reset(s: usize): void {
  memory.fill(s + (8 << 3), 0, CONST_OFF - (8 << 3)); // everything but the option slots 0..7 and the tables
  set(s, S_GAIN, 1.0);
  set(s, S_TARGET, 1.0);
  set(s, S_OPEN, 1.0);
  set(s, S_MEAN_M, 0.0);
  set(s, S_MEAN_R, 0.0);
  set(s, S_VAR_M, 1.0);
  set(s, S_VAR_R, 1.0);
  set(s, S_P_WIDE, FLOOR_DB);
  set(s, S_P_NARROW, FLOOR_DB);
  set(s, S_MU_W, -6.0);
  set(s, S_Q_W, -6.0);
  set(s, S_X_TOP, FLOOR_DB);
  set(s, S_P_MAX, FLOOR_DB);
  set(s, S_DEV_W, 2.0);
  set(s, S_MU_N, -6.0);
  set(s, S_DEV_N, 2.0);
  set(s, S_MIC_FLOOR, FLOOR_DB);
  set(s, S_NOISE_MEAN, FLOOR_DB);
  set(s, S_MIC_C1, FLOOR_DB);
  set(s, S_MIC_C2, FLOOR_DB);
  set(s, S_PREV_MIC_DB, FLOOR_DB);
  set(s, S_ERL_DB, 6.0);
  for (let i = 0; i < RING; i++) store<f32>(s + RING_OFF + (<usize>i << 2), <f32>FLOOR_DB);
  for (let i = 0; i < HRING * BANDS; i++) store<f32>(s + REF_BANDS_OFF + (<usize>i << 2), <f32>FLOOR_DB);
  specForget(s);
}

// @ts-ignore: decorator
@inline function band(s: usize, field: usize, b: i32): usize {
  return s + BAND_OFF + ((field * <usize>BANDS + <usize>b) << 3);
}

/** Band gains back to the prior (echo as loud as the reference band) and unlearned; envelopes silent. */
function specForget(s: usize): void {
  set(s, S_SPEC_LEARNED, 0.0);
  set(s, S_SPEC_RUN, 0.0);
  for (let b = 0; b < BANDS; b++) {
    store<f64>(band(s, B_GAIN, b), 0.0);
    store<f64>(band(s, B_ENV, b), FLOOR_DB);
  }
}

/** Averages `samples` samples at `ptr` over D into the analysis ring at `ringOff` (state slots from `accSlot`). */
function decimate(s: usize, ptr: usize, samples: i32, accSlot: i32, ringOff: usize): void {
  const d = spec_decimation(s + CONST_OFF);
  let acc = get(s, accSlot);
  let count = <i32>get(s, accSlot + 1);
  let pos = <i32>get(s, accSlot + 2);
  for (let i = 0; i < samples; i++) {
    acc += <f64>clean(load<f32>(ptr + (<usize>i << 2)));
    if (++count == d) {
      store<f32>(s + ringOff + (<usize>pos << 2), <f32>(acc / <f64>d));
      pos = (pos + 1) & (ARING - 1);
      count = 0;
      acc = 0.0;
    }
  }
  set(s, accSlot, acc);
  set(s, accSlot + 1, <f64>count);
  set(s, accSlot + 2, <f64>pos);
}

/** Takes `samples` reference (playback) samples at `inPtr`: what the speaker plays now. */
export function gate_push_reference(s: usize, inPtr: usize, samples: i32): void {
  const block = <i32>get(s, S_BLOCK);
  let fill = <i32>get(s, S_REF_FILL);
  let acc = get(s, S_REF_ACC);
  let blocks = get(s, S_REF_BLOCKS);
  set(s, S_REF_SAMPLES, get(s, S_REF_SAMPLES) + <f64>samples);
  let i = 0;
  while (i < samples) {
    // Sum squares up to the end of the current block, 4 samples at a time where possible.
    const n = min(block - fill, samples - i);
    let v = f32x4.splat(0.0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const x = v128.load(inPtr + (<usize>(i + j) << 2));
      const ok = f32x4.eq(f32x4.sub(x, x), f32x4.splat(0.0)); // false for NaN and Inf
      const c = v128.and(x, ok);
      v = f32x4.add(v, f32x4.mul(c, c));
    }
    let sum = <f64>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
    for (; j < n; j++) {
      const x = <f64>clean(load<f32>(inPtr + (<usize>(i + j) << 2)));
      sum += x * x;
    }
    acc += sum;
    decimate(s, inPtr + (<usize>i << 2), n, S_REF_DEC_ACC, REF_ARING_OFF);
    fill += n;
    i += n;
    if (fill == block) {
      const slot = <i32>blocks & (RING - 1);
      store<f32>(s + RING_OFF + (<usize>slot << 2), <f32>toDb(acc / <f64>block));
      blocks += 1.0;
      fill = 0;
      acc = 0.0;
      if ((<i32>blocks) % REF_HOP_BLOCKS == 0) {
        // Band levels of the reference hop just completed, by hop index.
        const hop = (<i32>blocks / REF_HOP_BLOCKS - 1) & (HRING - 1);
        spec_bands(s + CONST_OFF, s + REF_ARING_OFF, <i32>get(s, S_REF_APOS), s + WORK_OFF, s + REF_BANDS_OFF + (<usize>(hop * BANDS) << 2));
      }
    }
  }
  set(s, S_REF_FILL, <f64>fill);
  set(s, S_REF_ACC, acc);
  set(s, S_REF_BLOCKS, blocks);
}

/** Reference energy (dB) of reference block `index`, silence if not (or no longer) stored. */
// @ts-ignore: decorator
@inline function refDb(s: usize, index: f64, refBlocks: f64): f32 {
  if (index < 0.0 || index >= refBlocks || index < refBlocks - <f64>RING) return <f32>FLOOR_DB;
  return load<f32>(s + RING_OFF + (<usize>(<i32>(<i64>index) & (RING - 1)) << 2));
}

/**
 * The delay estimate is used once unchanged for 0.5 s of learning, correlated, and a distinct
 * peak; then it stays in use (a user talking over the echo perturbs the statistics) until the
 * estimator moves to another echo path.
 */
function isTrusted(s: usize): bool {
  // (S_TRUSTED is set in updateDelay once the conditions held for MIN_ACTIVE_BLOCKS in a row.)
  if (get(s, S_TRUSTED) != 0.0) return true;
  return false;
}

/** Decides on the mic block just completed (energy `energy`); sets the gain target. */
function decide(s: usize, energy: f64): void {
  const micBlock = get(s, S_MIC_BLOCKS);
  const refBlocks = get(s, S_REF_BLOCKS);
  const micDb = toDb(energy);
  set(s, S_MIC_BLOCKS, micBlock + 1.0);

  const now = micBlock + get(s, S_OFFSET);

  // Reference dB by lag, and the wide envelope (max over all lags, released by the tail rate).
  const lags = <i32>get(s, S_LAGS);
  let wide: f32 = <f32>FLOOR_DB;
  for (let l = 0; l < lags + 2; l++) {
    const r = refDb(s, now - <f64>l, refBlocks);
    store<f32>(s + LAGVAL_OFF + (<usize>l << 2), r);
    if (l < lags) wide = max(wide, r);
  }
  // Onsets (rises over two blocks, 5 ms) of the reference by lag: reverberation smears the ends of
  // sounds but not their starts, so onsets locate the echo path sharply.
  for (let l = 0; l < lags; l++) {
    const a = max(load<f32>(s + LAGVAL_OFF + (<usize>l << 2)), <f32>REF_ONSET_FLOOR_DB);
    const b = max(load<f32>(s + LAGVAL_OFF + (<usize>(l + 2) << 2)), <f32>REF_ONSET_FLOOR_DB);
    store<f32>(s + ONSET_OFF + (<usize>l << 2), max(<f32>0.0, a - b));
  }
  const decay = get(s, S_DECAY_DB);
  const pWide = max(<f64>wide, get(s, S_P_WIDE) - decay);
  set(s, S_P_WIDE, pWide);
  const delay = <i32>get(s, S_DELAY);
  let narrow: f32 = <f32>FLOOR_DB;
  for (let l = max(0, delay - SPREAD); l <= min(lags - 1, delay + SPREAD); l++) {
    narrow = max(narrow, load<f32>(s + LAGVAL_OFF + (<usize>l << 2)));
  }
  const pNarrow = max(<f64>narrow, get(s, S_P_NARROW) - decay);
  set(s, S_P_NARROW, pNarrow);

  // Mic noise floor: fast down, 3 dB/s up.
  let micFloor = get(s, S_MIC_FLOOR);
  if (micBlock == 0.0 || micDb < micFloor) micFloor = micBlock == 0.0 ? micDb : micFloor + 0.3 * (micDb - micFloor);
  else micFloor += 3.0 * 0.0025;
  set(s, S_MIC_FLOOR, micFloor);

  // Smoothed mic level over two blocks (pitch pulses make single 2.5 ms blocks jumpy).
  const prevDb = get(s, S_PREV_MIC_DB);
  set(s, S_PREV_MIC_DB, micDb);
  const micSmooth = toDb(0.5 * (Math.pow(10.0, micDb / 10.0) + Math.pow(10.0, prevDb / 10.0)));

  // Mic noise: mean and mean absolute deviation of the levels near the floor.
  let noiseMean = get(s, S_NOISE_MEAN);
  let noiseDev = get(s, S_NOISE_DEV);
  if (micBlock == 0.0) noiseMean = micSmooth;
  if (micSmooth < micFloor + 12.0) {
    noiseDev += 0.02 * (Math.abs(micSmooth - noiseMean) - noiseDev);
    noiseMean += 0.02 * (micSmooth - noiseMean);
    set(s, S_NOISE_MEAN, noiseMean);
    set(s, S_NOISE_DEV, noiseDev);
  }
  const noiseThrDb = max(micFloor, noiseMean) + max(NOISE_MARGIN_DB, 4.0 * noiseDev);

  // Mic onsets, with the level clamped at the noise threshold (noise makes no onsets).
  const micClamped = max(micSmooth, noiseThrDb);
  const micOnset = max(0.0, micClamped - get(s, S_MIC_C2));
  set(s, S_MIC_C2, get(s, S_MIC_C1));
  set(s, S_MIC_C1, micClamped);

  const farActive = pWide > FAR_ACTIVE_DB;
  set(s, S_FAR_ACTIVE, farActive ? 1.0 : 0.0);
  const trusted = isTrusted(s);
  const margin = get(s, S_MARGIN_DB);
  const xWide = micSmooth - pWide;
  const xNarrow = micSmooth - pNarrow;
  // The mic holds the predicted echo plus its own noise: the user must rise above both (power sum).
  const thrWide = get(s, S_Q_W) + margin;
  const thrNarrow = get(s, S_MU_N) + max(margin, DEV_FACTOR * get(s, S_DEV_N));
  const echoThrDb = trusted ? pNarrow + thrNarrow : pWide + thrWide;
  const thrDb = 10.0 * Math.log10(Math.pow(10.0, echoThrDb / 10.0) + Math.pow(10.0, noiseThrDb / 10.0));
  const above = micSmooth > thrDb;
  // Band detector, every HOP_BLOCKS blocks: the user found in bands where the echo is weak.
  if ((<i32>micBlock + 1) % HOP_BLOCKS == 0) specStep(s, now, farActive, trusted, above);
  const specOpen = get(s, S_SPEC_RUN) >= SPEC_CONFIRM_HOPS;
  const aboveAny = above || get(s, S_SPEC_HIT) != 0.0;
  set(s, 42, trusted ? xNarrow : xWide);
  set(s, 43, thrDb);
  set(s, 44, micSmooth);
  const audible = true;

  let hold = get(s, S_HOLD);
  let cand = get(s, S_CAND);
  if (farActive) {
    cand = above && audible ? cand + 1.0 : 0.0;
    if (cand >= CONFIRM_BLOCKS || specOpen) hold = get(s, S_HOLD_BLOCKS);
    else if (hold > 0.0) hold -= 1.0;
  } else {
    cand = 0.0;
    hold = 0.0;
  }
  set(s, S_CAND, cand);
  set(s, S_HOLD, hold);
  const open = !farActive || hold > 0.0;
  set(s, S_OPEN, open ? 1.0 : 0.0);
  set(s, S_TARGET, open ? 1.0 : get(s, S_CLOSED_GAIN));

  // Learn only from echo-only blocks: far end playing, gate closed, nothing above threshold.
  // The percentile starts once 80 blocks were learned, or after 1 s of far end with at least 10
  // (a noisy mic hides most of the echo), from the largest ratio learned.
  // With fewer, the echo hides under the mic noise: start where a block at the noise threshold
  // would be while the far end is at its loudest, so that only the noise term counts.
  if (farActive && get(s, S_Q_READY) == 0.0) {
    set(s, S_P_MAX, max(pWide, get(s, S_P_MAX)));
    const learned = get(s, S_LEARNED);
    if (learned >= Q_WARM_BLOCKS || get(s, S_ACTIVE_BLOCKS) >= Q_WARM_ACTIVE) {
      set(s, S_Q_READY, 1.0);
      set(s, S_Q_W, learned >= 10.0 ? get(s, S_X_TOP) : min(-6.0, noiseThrDb - get(s, S_P_MAX)));
    }
  }

  // A block well above the learned echo level (2 deviations) is suspect: it may be the user, not
  // yet loud enough to open the gate. The level statistics pause for 100 ms after one, so a user
  // talking below the threshold cannot teach the gate that the echo is as loud as they are.
  const xMode = trusted ? xNarrow : xWide;
  const suspectAbove = trusted ? get(s, S_MU_N) + SUSPECT_DEVS * get(s, S_DEV_N) : get(s, S_Q_W) + SUSPECT_ABOVE_Q_DB;
  let suspect = get(s, S_SUSPECT);
  const warm = get(s, S_Q_READY) != 0.0; // the statistics mean something only after a while
  if (warm && farActive && micSmooth > noiseThrDb && xMode > suspectAbove) suspect = SUSPECT_BLOCKS;
  else if (suspect > 0.0) suspect -= 1.0;
  set(s, S_SUSPECT, suspect);
  if (farActive && !open && !aboveAny) {
    set(s, S_ACTIVE_BLOCKS, get(s, S_ACTIVE_BLOCKS) + 1.0);
    set(s, S_SINCE_SWITCH, get(s, S_SINCE_SWITCH) + 1.0);
    if (micSmooth > noiseThrDb && suspect == 0.0) {
      set(s, S_LEARNED, get(s, S_LEARNED) + 1.0);
      learn(s, S_MU_W, S_DEV_W, xWide);
      // 90th percentile of the ratio to the all-lags envelope (a stochastic quantile step, larger
      // while warming up): the envelope's ratio is bimodal (echo, and gaps inside the window).
      // It holds the conservative prior (-6 dB) until it is ready (see above), then steps from the
      // largest ratio seen; blocks far below the top of the range (gaps in the far end inside the
      // envelope's window) say nothing about it and are left out.
      const top = max(xWide, get(s, S_X_TOP) - 0.05);
      set(s, S_X_TOP, top);
      if (get(s, S_Q_READY) != 0.0 && xWide > top - 15.0) {
        const q = get(s, S_Q_W);
        set(s, S_Q_W, q + Q_STEP_DB * (xWide > q ? Q_LEVEL : Q_LEVEL - 1.0));
      }
      learn(s, S_MU_N, S_DEV_N, xNarrow);
      set(s, S_ERL_DB, -(trusted ? get(s, S_MU_N) : get(s, S_MU_W)));
    }
    // The delay learns only from blocks the wide model finds plausible as echo (a user not yet
    // detected is usually louder than that).
    // Nor from blocks well above the echo predicted at the current delay estimate (a user starting
    // in a gap of the echo, while the far end is loud at other lags).
    if (xWide <= get(s, S_MU_W) + get(s, S_DEV_W) && xNarrow <= get(s, S_MU_N) + NARROW_GUARD_DEVS * get(s, S_DEV_N)) updateDelay(s, micOnset, lags);
  }
}

/**
 * One hop of the band detector: mic band levels against the echo predicted in each band (the
 * reference band levels around the delay, released at the tail rate, plus a learned band gain)
 * power-summed with the band's noise threshold. The user is found when SPEC_MIN_BANDS bands are
 * SPEC_MARGIN_DB over, once the delay is trusted and the gains learned; two hops in a row open.
 */
function specStep(s: usize, now: f64, farActive: bool, trusted: bool, aboveBroad: bool): void {
  spec_bands(s + CONST_OFF, s + MIC_ARING_OFF, <i32>get(s, S_MIC_APOS), s + WORK_OFF, s + MIC_BANDS_OFF);
  const hops = get(s, S_SPEC_HOPS);
  set(s, S_SPEC_HOPS, hops + 1.0);
  const w = 0.02 * <f64>HOP_BLOCKS; // noise statistics weight per hop (~125 ms)
  const floorRise = 0.01 * <f64>HOP_BLOCKS; // dB per hop (4 dB/s)
  const decay = get(s, S_DECAY_DB) * <f64>HOP_BLOCKS;
  const refHops = Math.floor(get(s, S_REF_BLOCKS) / <f64>REF_HOP_BLOCKS);
  const centre = Math.floor((now - get(s, S_DELAY)) / <f64>REF_HOP_BLOCKS);
  const scratch = s + WORK_OFF; // free after spec_bands: each band's mic-over-envelope, or FLOOR_DB under the noise
  let count = 0;
  for (let b = 0; b < BANDS; b++) {
    let r: f64 = FLOOR_DB;
    for (let h = centre - <f64>SPEC_SPREAD; h <= centre + <f64>SPEC_SPREAD; h += 1.0) {
      if (h < 0.0 || h >= refHops || h < refHops - <f64>HRING) continue;
      const idx = <i32>(<i64>h) & (HRING - 1);
      r = max(r, <f64>load<f32>(s + REF_BANDS_OFF + (<usize>(idx * BANDS + b) << 2)));
    }
    const env = max(r, load<f64>(band(s, B_ENV, b)) - decay);
    store<f64>(band(s, B_ENV, b), env);
    const y = <f64>load<f32>(s + MIC_BANDS_OFF + (<usize>b << 2));
    let floor = load<f64>(band(s, B_FLOOR, b));
    let mean = load<f64>(band(s, B_NMEAN, b));
    let dev = load<f64>(band(s, B_NDEV, b));
    if (hops == 0.0) {
      floor = y;
      mean = y;
      dev = 3.0;
    } else if (y < floor) floor += 0.3 * (y - floor);
    else floor += floorRise;
    if (y < floor + 12.0) {
      dev += w * (Math.abs(y - mean) - dev);
      mean += w * (y - mean);
    }
    store<f64>(band(s, B_FLOOR, b), floor);
    store<f64>(band(s, B_NMEAN, b), mean);
    store<f64>(band(s, B_NDEV, b), dev);
    const noiseThr = max(floor, mean) + max(SPEC_NOISE_MARGIN_DB, 3.0 * dev);
    const echo = env + load<f64>(band(s, B_GAIN, b));
    const thr = spec_db_sum(s + CONST_OFF, echo, noiseThr) + SPEC_MARGIN_DB;
    if (y > thr) count++;
    store<f32>(scratch + (<usize>b << 2), <f32>(y > floor + 6.0 ? y - env : FLOOR_DB));
  }
  const learned = get(s, S_SPEC_LEARNED);
  const hit = farActive && trusted && learned >= SPEC_WARM_HOPS && <f64>count >= SPEC_MIN_BANDS;
  set(s, S_SPEC_COUNT, <f64>count);
  set(s, S_SPEC_HIT, hit ? 1.0 : 0.0);
  set(s, S_SPEC_RUN, hit ? get(s, S_SPEC_RUN) + 1.0 : 0.0);
  // Band gains learn on echo-only hops (far end playing, gate closed, nothing found, no learning
  // pause), each the 90th percentile of its band's mic-over-envelope (steps of 1 dB while warming
  // up, 0.2 dB after), from bands above their noise.
  if (farActive && get(s, S_OPEN) == 0.0 && !aboveBroad && !hit) {
    set(s, S_SPEC_LEARNED, learned + 1.0);
    const step = learned < SPEC_WARM_HOPS ? 1.0 : 0.2;
    for (let b = 0; b < BANDS; b++) {
      const x = <f64>load<f32>(scratch + (<usize>b << 2));
      if (x == FLOOR_DB) continue;
      const g = load<f64>(band(s, B_GAIN, b));
      store<f64>(band(s, B_GAIN, b), g + step * (x > g ? SPEC_Q : SPEC_Q - 1.0));
    }
  }
}

/** Mean and mean absolute deviation of the mic-to-envelope ratio (exponential, ~125 ms). */
function learn(s: usize, muSlot: i32, devSlot: i32, x: f64): void {
  const mu = get(s, muSlot);
  const dev = get(s, devSlot);
  // Winsorized: a block far above the mean (a user not yet detected) moves it only a little.
  x = min(x, mu + WINSOR_DEVS * max(dev, 1.0));
  const d = Math.abs(x - mu);
  set(s, muSlot, mu + STAT_ADAPT * (x - mu));
  set(s, devSlot, dev + STAT_ADAPT * (d - dev));
}

/** One step of the log-energy covariance by lag; picks the delay and its normalized correlation. */
function updateDelay(s: usize, micOnset: f64, lags: i32): void {
  // A plain running mean over the first blocks (fast start), then exponential forgetting.
  const a = max(ADAPT, 1.0 / get(s, S_ACTIVE_BLOCKS));
  let meanM = get(s, S_MEAN_M);
  let meanR = get(s, S_MEAN_R);
  const r0 = <f64>load<f32>(s + ONSET_OFF);
  meanM += a * (micOnset - meanM);
  meanR += a * (r0 - meanR);
  const dm = micOnset - meanM;
  const varM = get(s, S_VAR_M) + a * (dm * dm - get(s, S_VAR_M));
  const varR = get(s, S_VAR_R) + a * ((r0 - meanR) * (r0 - meanR) - get(s, S_VAR_R));
  set(s, S_MEAN_M, meanM);
  set(s, S_MEAN_R, meanR);
  set(s, S_VAR_M, varM);
  set(s, S_VAR_R, varR);
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
      const v = load<f32>(s + COV_OFF + off + (<usize>k << 2));
      if (v > best) {
        best = v;
        bestLag = l + k;
      }
    }
  }
  // Move to a new lag only when it beats the current one clearly (no flapping between neighbours
  // of a broad peak).
  let delay = <i32>get(s, S_DELAY);
  const current = load<f32>(s + COV_OFF + (<usize>delay << 2));
  // Distinct peak: larger than every covariance more than 8 blocks (20 ms) away, by DISTINCT.
  let rival: f32 = 0.0;
  for (let l = 0; l < lags; l++) {
    if (l < bestLag - 8 || l > bestLag + 8) rival = max(rival, load<f32>(s + COV_OFF + (<usize>l << 2)));
  }
  const distinct = best > DISTINCT * rival && abs(bestLag - delay) <= SPREAD;
  set(s, S_DISTINCT, distinct ? 1.0 : 0.0);
  if (bestLag != delay && abs(bestLag - delay) <= SPREAD) {
    delay = bestLag; // the same echo path, within the narrow envelope's spread: keep what was learned
  } else if (best > current + SWITCH_GAIN * Mathf.abs(current)) {
    // A new echo path: its level must be learned again, conservatively, before it is trusted.
    delay = bestLag;
    set(s, S_MU_N, -6.0);
    set(s, S_DEV_N, 2.0);
    set(s, S_SINCE_SWITCH, 0.0);
    set(s, S_TRUSTED, 0.0);
    set(s, S_TRUST_RUN, 0.0);
    specForget(s);
  }
  set(s, S_DELAY, <f64>delay);
  // Variances floored at 4 dB^2 (2 dB rms onsets): a mic whose echo hides under the noise (flat,
  // clamped) must not look correlated after a single onset.
  const rho = <f64>load<f32>(s + COV_OFF + (<usize>delay << 2)) / Math.sqrt(max(varM, 4.0) * max(varR, 4.0));
  set(s, S_RHO, rho);
  // Trust once correlated with a distinct peak for MIN_ACTIVE_BLOCKS learning blocks in a row.
  const run = distinct && rho > TRUST_RHO ? get(s, S_TRUST_RUN) + 1.0 : 0.0;
  set(s, S_TRUST_RUN, run);
  if (run >= MIN_ACTIVE_BLOCKS) set(s, S_TRUSTED, 1.0);
}

/**
 * Aligns the streams for a mic call of `samples` samples (call once per call, before gate_process
 * on its pieces): the call's last mic sample is simultaneous with the newest reference sample.
 * Latched once, and again if the streams drift apart by more than 100 ms (a stall, a restart).
 */
export function gate_align(s: usize, samples: i32): void {
  const block = get(s, S_BLOCK);
  const micEnd = get(s, S_MIC_SAMPLES) + <f64>samples;
  const refSamples = get(s, S_REF_SAMPLES);
  if (refSamples > 0.0) {
    const offset = refSamples - micEnd;
    if (get(s, S_LATCHED) == 0.0 || Math.abs(offset - get(s, S_OFFSET_SAMPLES)) > 0.1 * block * 400.0) {
      set(s, S_OFFSET_SAMPLES, offset);
      set(s, S_OFFSET, Math.floor(offset / block));
      set(s, S_LATCHED, 1.0);
    }
  }
}

/**
 * Gates `samples` mic samples from `inPtr` into `outPtr` (may be the same). Returns `samples`.
 * NaN/Inf samples count as 0.
 */
export function gate_process(s: usize, inPtr: usize, outPtr: usize, samples: i32): i32 {
  const block = <i32>get(s, S_BLOCK);
  let fill = <i32>get(s, S_MIC_FILL);
  let acc = get(s, S_MIC_ACC);
  let gain = get(s, S_GAIN);
  let target = get(s, S_TARGET);
  const openCoef = get(s, S_OPEN_COEF);
  const closeCoef = get(s, S_CLOSE_COEF);
  let coef = target > gain ? openCoef : closeCoef;
  set(s, S_MIC_SAMPLES, get(s, S_MIC_SAMPLES) + <f64>samples);
  let i = 0;
  while (i < samples) {
    // Up to the end of the current block: into the analysis ring, then gain sample by sample.
    const n = min(block - fill, samples - i);
    decimate(s, inPtr + (<usize>i << 2), n, S_MIC_DEC_ACC, MIC_ARING_OFF);
    for (let j = i; j < i + n; j++) {
      const x = <f64>clean(load<f32>(inPtr + (<usize>j << 2)));
      acc += x * x;
      gain += coef * (target - gain);
      store<f32>(outPtr + (<usize>j << 2), <f32>(x * gain));
    }
    i += n;
    fill += n;
    if (fill == block) {
      decide(s, acc / <f64>block);
      fill = 0;
      acc = 0.0;
      target = get(s, S_TARGET);
      coef = target > gain ? openCoef : closeCoef;
    }
  }
  set(s, S_MIC_FILL, <f64>fill);
  set(s, S_MIC_ACC, acc);
  set(s, S_GAIN, gain);
  return samples;
}

/** 1 while the gate lets the mic through (its target gain is 1). */
export function gate_open(s: usize): i32 {
  return get(s, S_OPEN) != 0.0 ? 1 : 0;
}
/** Current gain applied to the mic (after the ramp), linear. */
export function gate_gain(s: usize): f64 {
  return get(s, S_GAIN);
}
/** Echo path delay estimate in blocks, and whether it is trusted (1) yet. */
export function gate_delay_blocks(s: usize): i32 {
  return <i32>get(s, S_DELAY);
}
export function gate_delay_trusted(s: usize): i32 {
  return isTrusted(s) ? 1 : 0;
}
/** Echo return loss estimate (reference to echo at the mic), dB. */
export function gate_erl_db(s: usize): f64 {
  return get(s, S_ERL_DB);
}
/** 1 while playback is audible in the reference envelope. */
export function gate_far_active(s: usize): i32 {
  return get(s, S_FAR_ACTIVE) != 0.0 ? 1 : 0;
}

/** Diagnostics: raw state slot `slot` (see the S_* offsets). */
export function gate_slot(s: usize, slot: i32): f64 {
  return get(s, slot);
}
