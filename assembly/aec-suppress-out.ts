// The suppressor's framing and synthesis (./aec-suppress): the analysis frame of 2B samples under a
// sqrt-Hann window, and, once the residual is known, the gain per bin, its smoothing over
// neighbouring bins, the comfort noise that fills what the gain removes, the inverse transform and
// the overlap-add that completes a block.
// How: G = max(floor, sqrt(1 - o R / |E|^2)) (power subtraction), smoothed (1/4, 1/2, 1/4); output
// G E + comfort noise of power C (1 - G^2) with random phase (4 xorshift32 lanes), C scaled x2.4 for
// the minimum's bias and x2 for the window (a random-phase frame fills the whole frame where the
// analysis window's frame carried half its power).
// Latency: one block (the overlap-add completes a block when the next frame arrives).

import { lowbandSplit, LOW_EDGE } from "./aec-step";
import { fft_inverse } from "./fft";
import { Suppress, CN_BIAS } from "./aec-suppress-state";

/** The frame of 2B samples: `prev` then `cur` (B each) under the sqrt-Hann window; `cur` kept as the next `prev`. */
export function windowed(s: Suppress, prev: usize, cur: usize): void {
  const b = s.b;
  const half = <usize>b << 2;
  for (let i = 0; i < b; i += 4) {
    const o = <usize>i << 2;
    v128.store(s.frame + o, f32x4.mul(v128.load(prev + o), v128.load(s.win + o)));
    v128.store(s.frame + half + o, f32x4.mul(v128.load(cur + o), v128.load(s.win + half + o)));
  }
  memory.copy(prev, cur, <usize>b << 2);
}

/** The frame of 2B samples of the difference `yb - yf`: `prev` then the difference (B each) under the sqrt-Hann window; kept as the next `prev`. */
export function windowedDiff(s: Suppress, prev: usize, yb: usize, yf: usize): void {
  const b = s.b;
  const half = <usize>b << 2;
  for (let i = 0; i < b; i += 4) {
    const o = <usize>i << 2;
    const d = f32x4.sub(v128.load(yb + o), v128.load(yf + o));
    v128.store(s.frame + o, f32x4.mul(v128.load(prev + o), v128.load(s.win + o)));
    v128.store(s.frame + half + o, f32x4.mul(d, v128.load(s.win + half + o)));
    v128.store(prev + o, d);
  }
}

/** `yb - yf` kept as the next `prev` of windowedDiff, the frame not written (a block whose disagreement is not transformed). */
export function keptDiff(s: Suppress, prev: usize, yb: usize, yf: usize): void {
  for (let i = 0; i < s.b; i += 4) {
    const o = <usize>i << 2;
    v128.store(prev + o, f32x4.sub(v128.load(yb + o), v128.load(yf + o)));
  }
}

/**
 * The block's output from the spectrum in `s.eRe`/`s.eIm`: gain against `overGain` x the residual
 * `gainResid` (f32[K]) x `s.gainScale` (f32[K], 1 but where ./aec-suppress gives the gain the mic or, in a reply's tail, the fitted error), smoothed, comfort noise added; `out` (B samples) receives the block that the
 * overlap-add completes.
 */
export function sup_synthesize(s: Suppress, fft: usize, work: usize, overGain: f32, gainResid: usize, out: usize): void {
  const b = s.b;
  const k = s.k;
  const zero = f32x4.splat(0);
  const o2 = f32x4.splat(overGain);
  const floor = f32x4.splat(s.floorGain);
  const one = f32x4.splat(1);
  const tiny = f32x4.splat(1.0e-20);
  const gainScale = s.gainScale;
  for (let j = 0; j < k; j += 4) {
    const o = <usize>j << 2;
    const er = v128.load(s.eRe + o);
    const ei = v128.load(s.eIm + o);
    const pe = f32x4.add(f32x4.add(f32x4.mul(er, er), f32x4.mul(ei, ei)), tiny);
    const g = f32x4.pmax(f32x4.sqrt(f32x4.pmax(f32x4.sub(one, f32x4.div(f32x4.mul(o2, f32x4.mul(v128.load(gainResid + o), v128.load(gainScale + o))), pe)), zero)), floor);
    v128.store(s.gain + o, g);
  }
  const LOW_MID = ((LOW_EDGE >> 1) + 3) & ~3; // (the top half of the linear band, from a multiple of 4: 88 of 172)
  // (aec-speed12, an emulation: `--use AEC_LOWBAND_GAIN=1` with AEC_LOWBAND) the bins over 8 kHz, where no linear
  // stage runs, take at most the least gain of 4-8 kHz, as AEC3's upper bands take the least gain of its lower band's top half
  if (isDefined(AEC_LOWBAND_GAIN) && lowbandSplit(k)) {
    let gLeast = f32x4.splat(1);
    for (let j = LOW_MID; j < LOW_EDGE; j += 4) gLeast = f32x4.pmin(v128.load(s.gain + (<usize>j << 2)), gLeast);
    // (`--use AEC_LOWBAND_MUTE=1`) the floor there while no user is present (the suppressor's presence hang at 0)
    const leastS: f32 = isDefined(AEC_LOWBAND_MUTE) && s.hang == 0 ? s.floorGain : min(min(f32x4.extract_lane(gLeast, 0), f32x4.extract_lane(gLeast, 1)), min(f32x4.extract_lane(gLeast, 2), f32x4.extract_lane(gLeast, 3)));
    const least = f32x4.splat(leastS);
    for (let j = LOW_EDGE; j < k; j += 4) v128.store(s.gain + (<usize>j << 2), f32x4.pmin(v128.load(s.gain + (<usize>j << 2)), least));
  }
  // (`--use AEC_LOWBAND_CN=1`) the comfort noise over 8 kHz at the mean level of 4-8 kHz's, as AEC3 fills its upper bands
  // (there the floor tracker sees the echo the linear stage no longer removes)
  let cnHigh = f32x4.splat(0);
  if (isDefined(AEC_LOWBAND_CN) && lowbandSplit(k)) {
    let sum = f32x4.splat(0);
    for (let j = LOW_MID; j < LOW_EDGE; j += 4) sum = f32x4.add(sum, v128.load(s.cnoise + (<usize>j << 2)));
    cnHigh = f32x4.splat((f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3)) / <f32>(LOW_EDGE - LOW_MID));
  }
  // the edges for the smoothing: bin -1 mirrors bin 1's place with bin 0, bin B+1 repeats bin B
  store<f32>(s.gain - 4, load<f32>(s.gain));
  store<f32>(s.gain + (<usize>(b + 1) << 2), load<f32>(s.gain + (<usize>b << 2)));
  // smooth over neighbouring bins (1/4, 1/2, 1/4), apply, add comfort noise of power N (1 - G^2)
  const quarter = f32x4.splat(0.25);
  const half = f32x4.splat(0.5);
  // uniform -1..1 per part: 2/3 of the power; a random-phase frame fills the whole frame where the
  // analysis window's frame carried half its power (sqrt-Hann^2 = Hann, mean 1/2); the minimum's bias
  const cn = f32x4.splat(1.5 * 2 * CN_BIAS);
  const scale = f32x4.splat(4.656612873e-10);
  let seed = i32x4(<i32>s.seed0, <i32>s.seed1, <i32>s.seed2, <i32>s.seed3);
  for (let j = 0; j < k; j += 4) {
    const o = <usize>j << 2;
    const g = f32x4.add(f32x4.mul(half, v128.load(s.gain + o)), f32x4.mul(quarter, f32x4.add(v128.load(s.gain + o - 4), v128.load(s.gain + o + 4))));
    const nLevel = isDefined(AEC_LOWBAND_CN) && j >= LOW_EDGE && lowbandSplit(k) ? f32x4.pmin(cnHigh, v128.load(s.cnoise + o)) : v128.load(s.cnoise + o);
    const amp = f32x4.sqrt(f32x4.mul(cn, f32x4.mul(nLevel, f32x4.pmax(f32x4.sub(one, f32x4.mul(g, g)), zero))));
    seed = v128.xor(seed, i32x4.shl(seed, 13));
    seed = v128.xor(seed, i32x4.shr_u(seed, 17));
    seed = v128.xor(seed, i32x4.shl(seed, 5));
    const ur = f32x4.mul(f32x4.convert_i32x4_s(seed), scale);
    seed = v128.xor(seed, i32x4.shl(seed, 13));
    seed = v128.xor(seed, i32x4.shr_u(seed, 17));
    seed = v128.xor(seed, i32x4.shl(seed, 5));
    const ui = f32x4.mul(f32x4.convert_i32x4_s(seed), scale);
    v128.store(s.eRe + o, f32x4.add(f32x4.mul(g, v128.load(s.eRe + o)), f32x4.mul(amp, ur)));
    v128.store(s.eIm + o, f32x4.add(f32x4.mul(g, v128.load(s.eIm + o)), f32x4.mul(amp, ui)));
  }
  s.seed0 = <u32>i32x4.extract_lane(seed, 0);
  s.seed1 = <u32>i32x4.extract_lane(seed, 1);
  s.seed2 = <u32>i32x4.extract_lane(seed, 2);
  s.seed3 = <u32>i32x4.extract_lane(seed, 3);
  fft_inverse(fft, s.eRe, s.eIm, s.frame, work);
  for (let i = 0; i < b; i += 4) {
    const o = <usize>i << 2;
    const ob = <usize>(i + b) << 2;
    v128.store(out + o, f32x4.add(v128.load(s.tail + o), f32x4.mul(v128.load(s.frame + o), v128.load(s.win + o))));
    v128.store(s.tail + o, f32x4.mul(v128.load(s.frame + ob), v128.load(s.win + ob)));
  }
}
