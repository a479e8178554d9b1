// The echo gate's state (assembly/echo-gate.ts): one block the TypeScript wrapper allocates,
// laid out as a GateState struct followed by arrays at fixed offsets, then the constant tables of
// ./echo-spectrum. Options come first (gate_init writes them, gate_reset keeps them); gate_reset
// zero-fills everything from `refFill` to the tables and sets the non-zero starting values.
// Counts that grow with stream time are f64 (exact to 2^53); runs and short counts are i32.
// Latency: none (a memory layout).

import { BANDS, ARING, SPEC_CONST_BYTES, SPEC_WORK_BYTES } from "./echo-spectrum";
import { MeanDeviation, statAt } from "./shared";

// @ts-ignore: decorator
@inline export const RING: i32 = 256; // reference block energies kept (640 ms), a power of 2
// @ts-ignore: decorator
@inline export const LAGS: i32 = 128; // lags searched, multiple of 4 (320 ms)
// @ts-ignore: decorator
@inline export const SPREAD: i32 = 3; // blocks either side of the delay in the narrow envelope
// @ts-ignore: decorator
@inline export const REF_HOP_SHIFT: i32 = 2; // reference band levels every 4 blocks (10 ms): the envelope spans +-10 ms anyway
// @ts-ignore: decorator
@inline export const REF_HOP_BLOCKS: i32 = 1 << REF_HOP_SHIFT;
// @ts-ignore: decorator
@inline export const HRING: i32 = RING >> REF_HOP_SHIFT; // reference band levels kept, in reference hops (a power of 2)
// @ts-ignore: decorator
@inline export const FLOOR_DB: f64 = -100.0; // energies below count as silence
// @ts-ignore: decorator
@inline export const PRIOR_RATIO_DB: f64 = -6.0; // echo level prior: 6 dB under the reference
// @ts-ignore: decorator
@inline export const PRIOR_DEV_DB: f64 = 2.0;

/** Block means into an analysis ring (./echo-bands): sum so far, samples in it, next ring index. */
@unmanaged export class Decimator {
  acc: f64;
  count: i32;
  pos: i32;
}

@unmanaged export class GateState {
  // Options.
  blockSamples: i32; // samples per decision block (2.5 ms)
  lags: i32; // lags in use (<= LAGS)
  closedGain: f64;
  marginDb: f64;
  holdBlocks: i32; // blocks the gate stays open after the user was last detected
  openCoef: f64; // gain ramp per sample toward 1 (1 ms) and toward closedGain (5 ms)
  closeCoef: f64;
  decayDb: f64; // envelope release per block, dB

  // Streams: block energies being summed, blocks and samples seen, and their alignment.
  refFill: i32; // first field cleared by gate_reset
  micFill: i32;
  refAcc: f64;
  micAcc: f64;
  refBlocks: f64; // completed reference blocks
  micBlocks: f64;
  refSamples: f64;
  micSamples: f64;
  latched: bool;
  offsetSamples: f64; // newest reference sample minus the call's last mic sample, when latched
  offsetBlocks: f64; // reference block index minus mic block index (floor of offsetSamples / block)

  // Output: the gain ramp and the decision (./echo-decision).
  gain: f64;
  target: f64;
  open: bool;
  farActive: bool;
  cand: i32; // consecutive blocks above the threshold
  hold: i32; // blocks left open

  // Delay estimation (./echo-delay).
  onsetMeanM: f64; // running means and variances of mic and reference onsets
  onsetMeanR: f64;
  onsetVarM: f64;
  onsetVarR: f64;
  delay: i32; // blocks
  rho: f64; // normalized correlation at the delay
  trusted: bool;
  trustRun: i32; // learning blocks in a row with a distinct, correlated peak
  activeBlocks: f64; // learning blocks (far end playing, gate closed, nothing found)

  // Level statistics (./echo-level), dB.
  pWide: f64; // predicted echo envelopes: all lags, and around the delay
  pNarrow: f64;
  wideMean: f64; // MeanDeviation of the mic over the wide envelope
  wideDev: f64;
  narrowMean: f64; // MeanDeviation of the mic over the narrow envelope
  narrowDev: f64;
  qWide: f64; // 90th percentile of the mic over the wide envelope
  qReady: bool;
  xTop: f64; // largest recent mic over the wide envelope (released 20 dB/s)
  pMax: f64; // loudest wide envelope while warming up
  learned: f64; // blocks the level statistics learned from
  suspect: i32; // blocks left in a learning pause
  erlDb: f64; // echo return loss estimate (reference to mic echo)
  micFloor: f64;
  prevMicDb: f64;
  noiseMean: f64; // MeanDeviation of the mic levels near its floor
  noiseDev: f64;
  micClamped1: f64; // mic level clamped at its noise threshold, one and two blocks back (onsets)
  micClamped2: f64;

  // Band detector (./echo-bands).
  micDecAcc: f64; // Decimator of the mic
  micDecCount: i32;
  micDecPos: i32;
  refDecAcc: f64; // Decimator of the reference
  refDecCount: i32;
  refDecPos: i32;
  bandsStarted: bool; // a mic hop was analysed (band noise statistics seeded)
  specRun: i32; // consecutive hops with the user found in enough bands
  specHit: bool; // the last hop found the user
  specLearned: f64; // hops the band gains learned from (since the delay last changed)

  // @ts-ignore: decorator
  @inline get wide(): MeanDeviation {
    return statAt(changetype<usize>(this) + offsetof<GateState>("wideMean"));
  }
  // @ts-ignore: decorator
  @inline get narrow(): MeanDeviation {
    return statAt(changetype<usize>(this) + offsetof<GateState>("narrowMean"));
  }
  // @ts-ignore: decorator
  @inline get noise(): MeanDeviation {
    return statAt(changetype<usize>(this) + offsetof<GateState>("noiseMean"));
  }
  // @ts-ignore: decorator
  @inline get micDecimator(): Decimator {
    return changetype<Decimator>(changetype<usize>(this) + offsetof<GateState>("micDecAcc"));
  }
  // @ts-ignore: decorator
  @inline get refDecimator(): Decimator {
    return changetype<Decimator>(changetype<usize>(this) + offsetof<GateState>("refDecAcc"));
  }
}

/** One band of the band detector: learned gain, predicted echo envelope, noise floor and statistics (dB). */
@unmanaged export class BandState {
  gain: f64;
  env: f64;
  floor: f64;
  noiseMean: f64; // MeanDeviation
  noiseDev: f64;

  // @ts-ignore: decorator
  @inline get noise(): MeanDeviation {
    return statAt(changetype<usize>(this) + offsetof<BandState>("noiseMean"));
  }
}

// Arrays after the struct, byte offsets from the state pointer (16-byte aligned where SIMD reads them).
// @ts-ignore: decorator
@inline export const RING_OFF: usize = (offsetof<GateState>() + 15) & ~15; // f32[RING] reference block dB
// @ts-ignore: decorator
@inline export const LAGVAL_OFF: usize = RING_OFF + (<usize>RING << 2); // f32[LAGS + 4] reference dB by lag
// @ts-ignore: decorator
@inline export const ONSET_OFF: usize = LAGVAL_OFF + (<usize>(LAGS + 4) << 2); // f32[LAGS] reference onsets by lag
// @ts-ignore: decorator
@inline export const COV_OFF: usize = ONSET_OFF + (<usize>LAGS << 2); // f32[LAGS] onset covariance by lag
// @ts-ignore: decorator
@inline export const MIC_ARING_OFF: usize = COV_OFF + (<usize>LAGS << 2); // f32[ARING] mic analysis samples
// @ts-ignore: decorator
@inline export const REF_ARING_OFF: usize = MIC_ARING_OFF + (<usize>ARING << 2); // f32[ARING] reference analysis samples
// @ts-ignore: decorator
@inline export const WORK_OFF: usize = REF_ARING_OFF + (<usize>ARING << 2); // transform work arrays
// @ts-ignore: decorator
@inline export const MIC_BANDS_OFF: usize = WORK_OFF + SPEC_WORK_BYTES; // f32[BANDS] mic band levels, dB
// @ts-ignore: decorator
@inline export const REF_BANDS_OFF: usize = MIC_BANDS_OFF + (<usize>BANDS << 2); // f32[HRING][BANDS] reference band levels by hop
// @ts-ignore: decorator
@inline export const BAND_STATE_OFF: usize = REF_BANDS_OFF + (<usize>(HRING * BANDS) << 2); // BandState[BANDS]
// @ts-ignore: decorator
@inline export const CONST_OFF: usize = (BAND_STATE_OFF + <usize>BANDS * offsetof<BandState>() + 15) & ~15; // tables of ./echo-spectrum, kept by reset
// @ts-ignore: decorator
@inline export const STATE_BYTES: usize = CONST_OFF + SPEC_CONST_BYTES;

/** The state at `s`. */
// @ts-ignore: decorator
@inline export function gateState(s: usize): GateState {
  return changetype<GateState>(s);
}

/** Band `b`'s state. */
// @ts-ignore: decorator
@inline export function bandAt(s: usize, b: i32): BandState {
  return changetype<BandState>(s + BAND_STATE_OFF + <usize>b * offsetof<BandState>());
}

/** f32 element `i` of the array at byte offset `off` of the state. */
// @ts-ignore: decorator
@inline export function f32At(s: usize, off: usize, i: i32): usize {
  return s + off + (<usize>i << 2);
}
