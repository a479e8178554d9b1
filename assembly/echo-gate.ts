// Echo gate: lets the microphone through only when it holds more than the echo of what the
// speaker is playing (the near-end user talking), and attenuates it smoothly otherwise.
//
// Algorithm, on blocks of round(sampleRate / 400) samples (2.5 ms):
// - The reference (playback) and the mic are reduced to block energies in dBFS. Block k of the mic
//   is aligned with block k + offset of the reference, the offset latched at the first mic call
//   after some reference arrived (the call's last mic sample taken as simultaneous with the newest
//   reference sample) and re-latched if the streams drift apart by more than 100 ms.
// - Echo path delay (./echo-delay): covariance of mic and reference onsets by lag, trusted once a
//   distinct, correlated peak held for 0.5 s of echo.
// - Echo level (./echo-level): the mic over the predicted echo envelope (reference around the
//   delay, or over all lags before the delay is trusted, released at the tail rate) against a
//   learned level plus `marginDb`, power-summed with the mic's own noise threshold.
// - Band detector (./echo-bands over ./echo-spectrum): the user found in the bands where the echo
//   is weak, before the user is louder overall.
// - Decision (./echo-decision): two consecutive blocks above, or the band detector, open the gate
//   for `holdMs`; learning only on echo-like blocks.
// - Gain: 1 when open or when no far end is playing (transparent), else `closedGain`; each output
//   sample's gain moves toward the target with a one-pole ramp (1 ms opening, 5 ms closing), so
//   gating never clicks. Decisions use completed blocks only: no added latency.
// State: one block (./echo-gate-state), allocated by the TypeScript wrapper (gate_state_bytes).
// References: in the files of each concern.
// Latency: none (sample in, sample out); decisions lag the mic by one block (2.5 ms), the band
// detector by up to one 5 ms hop.

import { BANDS, spec_init } from "./echo-spectrum";
import {
  GateState, RING, LAGS, HRING, SPREAD, REF_HOP_BLOCKS, FLOOR_DB, PRIOR_RATIO_DB, PRIOR_DEV_DB, RING_OFF, REF_BANDS_OFF, CONST_OFF,
  MIC_ARING_OFF, REF_ARING_OFF, STATE_BYTES, f32At,
} from "./echo-gate-state";
import { decimate, referenceHop, specForget } from "./echo-bands";
import { blockDb } from "./echo-level";
import { decide } from "./echo-decision";
import { finiteOrZero, finiteOrZeroX4, follow } from "./shared";

/** Bytes of the state block. */
export function gate_state_bytes(): i32 {
  return <i32>STATE_BYTES;
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
  const st = changetype<GateState>(s);
  const blockMs = <f64>blockSamples * 1000.0 / <f64>sampleRate;
  st.blockSamples = blockSamples;
  st.lags = min(LAGS, (<i32>Math.ceil(maxDelayMs / blockMs) + SPREAD + 4) & ~3);
  st.closedGain = closedGain;
  st.marginDb = marginDb;
  st.holdBlocks = <i32>Math.round(holdMs / blockMs);
  st.openCoef = 1.0 - Math.exp(-1.0 / (0.001 * sampleRate));
  st.closeCoef = 1.0 - Math.exp(-1.0 / (0.005 * sampleRate));
  st.decayDb = 60.0 * blockMs / tailMs;
  spec_init(s + CONST_OFF, sampleRate);
  gate_reset(s);
}

/** Back to the state after init: no reference, gate open, nothing learned. */
export function gate_reset(s: usize): void {
  const first = offsetof<GateState>("refFill"); // the options before it and the tables stay
  memory.fill(s + first, 0, CONST_OFF - first);
  const st = changetype<GateState>(s);
  st.gain = 1.0;
  st.target = 1.0;
  st.open = true;
  st.onsetVarM = 1.0;
  st.onsetVarR = 1.0;
  st.pWide = FLOOR_DB;
  st.pNarrow = FLOOR_DB;
  st.wideMean = PRIOR_RATIO_DB;
  st.wideDev = PRIOR_DEV_DB;
  st.narrowMean = PRIOR_RATIO_DB;
  st.narrowDev = PRIOR_DEV_DB;
  st.qWide = PRIOR_RATIO_DB;
  st.xTop = FLOOR_DB;
  st.pMax = FLOOR_DB;
  st.micFloor = FLOOR_DB;
  st.noiseMean = FLOOR_DB;
  st.micClamped1 = FLOOR_DB;
  st.micClamped2 = FLOOR_DB;
  st.prevMicDb = FLOOR_DB;
  st.erlDb = -PRIOR_RATIO_DB;
  for (let i = 0; i < RING; i++) store<f32>(f32At(s, RING_OFF, i), <f32>FLOOR_DB);
  for (let i = 0; i < HRING * BANDS; i++) store<f32>(f32At(s, REF_BANDS_OFF, i), <f32>FLOOR_DB);
  specForget(s);
}

/** Takes `samples` reference (playback) samples at `inPtr`: what the speaker plays now. Returns `samples`. */
export function gate_push_reference(s: usize, inPtr: usize, samples: i32): i32 {
  const st = changetype<GateState>(s);
  const block = st.blockSamples;
  let fill = st.refFill;
  let acc = st.refAcc;
  let blocks = st.refBlocks;
  st.refSamples += <f64>samples;
  let i = 0;
  while (i < samples) {
    // Sum squares up to the end of the current block, 4 samples at a time where possible.
    const n = min(block - fill, samples - i);
    let v = f32x4.splat(0.0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const c = finiteOrZeroX4(v128.load(inPtr + (<usize>(i + j) << 2)));
      v = f32x4.add(v, f32x4.mul(c, c));
    }
    let sum = <f64>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
    for (; j < n; j++) {
      const x = <f64>finiteOrZero(load<f32>(inPtr + (<usize>(i + j) << 2)));
      sum += x * x;
    }
    acc += sum;
    decimate(s, st.refDecimator, inPtr + (<usize>i << 2), n, REF_ARING_OFF);
    fill += n;
    i += n;
    if (fill == block) {
      store<f32>(f32At(s, RING_OFF, <i32>blocks & (RING - 1)), <f32>blockDb(acc / <f64>block));
      blocks += 1.0;
      fill = 0;
      acc = 0.0;
      if ((<i32>blocks) % REF_HOP_BLOCKS == 0) referenceHop(s, <i32>blocks);
    }
  }
  st.refFill = fill;
  st.refAcc = acc;
  st.refBlocks = blocks;
  return samples;
}

/**
 * Aligns the streams for a mic call of `samples` samples (call once per call, before gate_process
 * on its pieces): the call's last mic sample is simultaneous with the newest reference sample.
 * Latched once, and again if the streams drift apart by more than 100 ms (a stall, a restart).
 */
export function gate_align(s: usize, samples: i32): void {
  const st = changetype<GateState>(s);
  const block = <f64>st.blockSamples;
  const micEnd = st.micSamples + <f64>samples;
  const refSamples = st.refSamples;
  if (refSamples > 0.0) {
    const offset = refSamples - micEnd;
    if (!st.latched || Math.abs(offset - st.offsetSamples) > 0.1 * block * 400.0) {
      st.offsetSamples = offset;
      st.offsetBlocks = Math.floor(offset / block);
      st.latched = true;
    }
  }
}

/**
 * Gates `samples` mic samples from `inPtr` into `outPtr` (may be the same). Returns `samples`.
 * NaN/Inf samples count as 0.
 */
export function gate_process(s: usize, inPtr: usize, outPtr: usize, samples: i32): i32 {
  const st = changetype<GateState>(s);
  const block = st.blockSamples;
  let fill = st.micFill;
  let acc = st.micAcc;
  let gain = st.gain;
  let target = st.target;
  const openCoef = st.openCoef;
  const closeCoef = st.closeCoef;
  let coef = target > gain ? openCoef : closeCoef;
  st.micSamples += <f64>samples;
  let i = 0;
  while (i < samples) {
    // Up to the end of the current block: into the analysis ring, then gain sample by sample.
    const n = min(block - fill, samples - i);
    decimate(s, st.micDecimator, inPtr + (<usize>i << 2), n, MIC_ARING_OFF);
    for (let j = i; j < i + n; j++) {
      const x = <f64>finiteOrZero(load<f32>(inPtr + (<usize>j << 2)));
      acc += x * x;
      gain = follow(gain, target, coef);
      store<f32>(outPtr + (<usize>j << 2), <f32>(x * gain));
    }
    i += n;
    fill += n;
    if (fill == block) {
      decide(s, acc / <f64>block);
      fill = 0;
      acc = 0.0;
      target = st.target;
      coef = target > gain ? openCoef : closeCoef;
    }
  }
  st.micFill = fill;
  st.micAcc = acc;
  st.gain = gain;
  return samples;
}

// State getters for the TS wrapper, one export per field: the same shape in every kernel by design.
/** 1 while the gate lets the mic through (its target gain is 1). */
export function gate_open(s: usize): i32 {
  return changetype<GateState>(s).open ? 1 : 0;
}
/** Current gain applied to the mic (after the ramp), linear. */
export function gate_gain(s: usize): f64 {
  return changetype<GateState>(s).gain;
}
/** Echo path delay estimate in blocks, whether it is trusted (1) yet, and its normalized correlation (0..1). */
export function gate_delay_blocks(s: usize): i32 {
  return changetype<GateState>(s).delay;
}
export function gate_delay_trusted(s: usize): i32 {
  return changetype<GateState>(s).trusted ? 1 : 0;
}
export function gate_delay_confidence(s: usize): f64 {
  return changetype<GateState>(s).rho;
}
/** Echo return loss estimate (reference to echo at the mic), dB. */
export function gate_erl_db(s: usize): f64 {
  return changetype<GateState>(s).erlDb;
}
/** 1 while playback is audible in the reference envelope. */
export function gate_far_active(s: usize): i32 {
  return changetype<GateState>(s).farActive ? 1 : 0;
}
