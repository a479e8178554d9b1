// The late echo from the signals themselves (issue 13, the outside hall): where the room's tail runs
// seconds past the filter's window, ./aec-reverb's late model waits for a filter that removed 10 dB
// and extends that filter's decay, which in the hall is the unconverged filter's (0.1 dB per
// partition), or never comes. This one needs no converged filter: per octave (< 250 Hz, 250-500, ...,
// > 4 kHz), the mic's power (its spectrum every second block, ./aec-block's `sD`) is fitted by least
// squares in power (moments forgetting over LATE_MEMORY_S, gains non-negative) on the reference's
// power over the filter's window (`xf`), on LATE_BASES late references and on a constant (the noise).
// The late references are the reference power leaving the window, decayed per bin at T60s of 0.6,
// 1.8 and 5.4 s: L_i = d_i (L_i + |X_next|^2) (exponential bases, a few coarse taps in power). The
// late echo per bin is then T = 0.5 sum_i g_i(octave) L_i (in the suppressor's sqrt-Hann units).
// It is used (handed to the suppressor in place of ./aec-reverb's T where larger: it joins the held
// tail `late` and the presence test, ./aec-suppress) only in a room whose tail outlives the window by
// seconds: once the fitted echo's shares on the 1.8 + 5.4 s bases and on the 5.4 s one, summed and
// smoothed over LATE_SCORE_S, stand over LATE_SCORE (the outside hall 2.3-22.6 s into its scenes;
// the lab's rooms and the other outside rooms peak at 0.46, the desk's 0 ms calls), and from then
// on (scored only once the echo was heard); before that, where the delay estimator's first onset
// waited LATE_UNPLACED updates with echo heard
// (a tail that smears the coherence profile: the hall's calls, 0.8 s in, where their false presences
// held 20 dB back to 1.2-1.6 s; the lab's rooms all place within 0.6 s: bit-identical, and so are
// sox-small, the seminar and the living room; sox-medium, placed 1.2-2 s in, +0.1-0.2 dB). The lab's
// rooms wait that long too where the echo is quiet (36-42 dB), the delay long (320-400 ms: the wait
// counts from the reference's start) or the reply opens softly: 9 / 17 / 16 of 51 such cold starts at
// 16 / 24 / 48 kHz, 1.0-2.3 s in (bench/echo-quiet.mjs, aec-quiet); there the model moves single talk
// by +0-0.4 dB and double talk by -0.2-0 points, leaks, openings and lost utterances not at all
// (test/quality/echo-quiet.test.ts). The score, too, crosses in the lab's rooms at 320-400 ms or
// 30-42 dB (1.5-14 s in): +0-1.4 dB, double talk -0.7-0 points, openings +5-15 ms in four 6 dB ones.
// Fitted only on blocks where the suppressor does not judge the user present, the
// target held under 4x the fit's prediction (an undetected user). Per block: one pass over the bins
// (3 late references); every second block 6 octaves' 5x5 moments; every LATE_SOLVE_BLOCKS fitted
// blocks a non-negative solve per octave (active set, Gaussian elimination). No allocation.

import { Aec } from "./aec-state";
import { Suppress } from "./aec-suppress-state";
import { dl_unplaced, dl_onset } from "./aec-delay";
import { HOOKS, ab_late } from "./bench-hooks";

/** Late references (exponential bases past the window). */
// @ts-ignore: decorator
@inline export const LATE_BASES: i32 = 3;
/** Features per octave: the window's reference power, the late bases, the noise (a constant). */
// @ts-ignore: decorator
@inline export const LATE_FEATURES: i32 = 5;
/** Octaves: < 250 Hz, 250-500, ..., > 4 kHz. */
// @ts-ignore: decorator
@inline export const LATE_OCTAVES: i32 = 6;
/** The moments' memory, s. */
// @ts-ignore: decorator
@inline const LATE_MEMORY_S: f32 = 4;
/**
 * The model is used once the shares of the fitted echo on the 1.8 and 5.4 s bases and on the 5.4 s
 * one, summed and smoothed over LATE_SCORE_S, stand over LATE_SCORE (then for good: a hall stays a hall).
 */
// @ts-ignore: decorator
@inline const LATE_SCORE: f32 = 0.55;
// @ts-ignore: decorator
@inline const LATE_SCORE_S: f32 = 2;
/** Before that, also where the first onset waited this many of the delay estimator's updates with echo heard (every second block: 0.6 s at 16 kHz, 0.8 s at 24 and 48 kHz; ./aec-delay dl_unplaced). */
// @ts-ignore: decorator
@inline const LATE_UNPLACED: i32 = 38;
/** Blocks between solves. */
// @ts-ignore: decorator
@inline const LATE_SOLVE_BLOCKS: i32 = 8;
/** Fitted blocks before the model may be used. */
// @ts-ignore: decorator
@inline const LATE_MIN_FITS: i32 = 24;
/** Sqrt-Hann frames (the suppressor's) over the filter's rectangular frames, power (./aec-reverb). */
// @ts-ignore: decorator
@inline const FRAME_POWER: f32 = 0.5;
/** f64 per octave: moments R (25), r (5), feature sums s (5), gains g (5), pad. */
// @ts-ignore: decorator
@inline const OCT_F64: i32 = 48;

// @ts-ignore: decorator
@inline function t60(i: i32): f32 {
  return i == 0 ? 0.6 : i == 1 ? 1.8 : 5.4;
}

/** Set-up: decays per block and the octaves' edges (bins). */
export function late_init(a: Aec): void {
  const blockS = <f32>a.b / <f32>a.sampleRate;
  a.lateD0 = Mathf.pow(10, <f32>-0.1 * <f32>60 * blockS / t60(0));
  a.lateD1 = Mathf.pow(10, <f32>-0.1 * <f32>60 * blockS / t60(1));
  a.lateD2 = Mathf.pow(10, <f32>-0.1 * <f32>60 * blockS / t60(2));
  a.lateDecayBlocks = <i32>Mathf.round(LATE_MEMORY_S / blockS);
  a.lateSmooth = blockS / LATE_SCORE_S;
  for (let i = 0; i < LATE_OCTAVES - 1; i++) {
    const f = <f32>250 * <f32>(1 << i);
    store<i32>(a.lateEdges + (<usize>i << 2), min(a.k, <i32>Mathf.ceil(f * <f32>a.n / <f32>a.sampleRate)));
  }
  store<i32>(a.lateEdges + (<usize>(LATE_OCTAVES - 1) << 2), a.k);
  late_reset(a);
}

/** Forgets the fit (a reset). */
export function late_reset(a: Aec): void {
  a.lateOn = false;
  a.lateFits = 0;
  a.lateScore = 0;
  a.lateShare = 0;
  memory.fill(a.lateRef, 0, <usize>(4 * a.k * (LATE_BASES + 2)));
  memory.fill(a.lateOct, 0, <usize>(8 * OCT_F64 * LATE_OCTAVES));
}

/**
 * (cold26, `--use AEC_COLD_COPY=1` only: ./aec-block) The fit forgotten, the late references kept: at the first onset
 * after a copy held before it (an echo found past the search), whose fit ran on blocks where the suppressor, beside a
 * foreground that held nothing, let a user over the first reply pass as echo; its early rule and its score latched the
 * model on for the call from them (desk 16k 400 ms 6 dB: early 1.25 s, score 1.89 s; held off, never).
 */
export function late_forget(a: Aec): void {
  a.lateOn = false;
  a.lateFits = 0;
  a.lateScore = 0;
  a.lateShare = 0;
  memory.fill(a.lateOct, 0, <usize>(8 * OCT_F64 * LATE_OCTAVES));
}

/** (cold26) late_block's early rule (the first onset's wait) holds. */
// @ts-ignore: decorator
@inline export function late_early(a: Aec): bool {
  return a.lateFits >= LATE_MIN_FITS && dl_unplaced(a.delay) >= LATE_UNPLACED;
}

// @ts-ignore: decorator
@inline function oct(a: Aec, o: i32): usize {
  return a.lateOct + <usize>(8 * OCT_F64 * o);
}

/**
 * One block: the late references from the reference block leaving the window; on even blocks (the
 * mic's spectrum `a.sD`, ./aec-block) the moments, when the suppressor does not judge the user
 * present; every LATE_SOLVE_BLOCKS the fit. Returns the late echo to hand the suppressor:
 * `a.rvPower` (./aec-reverb's) while the model is off, else the larger of the two per bin.
 */
export function late_block(a: Aec): usize {
  const k = a.k;
  const kb = <usize>k << 2;
  const spec = <usize>(8 * k);
  const x = a.x + <usize>((a.head + a.offset + a.m) % a.slots) * spec;
  const l0 = a.lateRef;
  const l1 = l0 + kb;
  const l2 = l1 + kb;
  const tOut = l2 + kb;
  const out = tOut + kb;
  const d0 = a.lateD0;
  const d1 = a.lateD1;
  const d2 = a.lateD2;
  const sup = changetype<Suppress>(a.sup);
  const fit = (a.blocks & 1) == 0 && sup.hang == 0 && sup.refused == 0;
  const lambda: f64 = 1.0 - 2.0 / <f64>a.lateDecayBlocks; // (moments every second block)
  // the late references, every bin four at a time (the same operations per bin as one at a time)
  const vd0 = f32x4.splat(d0);
  const vd1 = f32x4.splat(d1);
  const vd2 = f32x4.splat(d2);
  for (let i = 0; i < k; i += 4) {
    const q = <usize>i << 2;
    const re = v128.load(x + q);
    const im = v128.load(x + kb + q);
    const px = f32x4.add(f32x4.mul(re, re), f32x4.mul(im, im));
    v128.store(l0 + q, f32x4.mul(vd0, f32x4.add(v128.load(l0 + q), px)));
    v128.store(l1 + q, f32x4.mul(vd1, f32x4.add(v128.load(l1 + q), px)));
    v128.store(l2 + q, f32x4.mul(vd2, f32x4.add(v128.load(l2 + q), px)));
  }
  let any = false;
  let j = 0;
  for (let o = 0; fit && o < LATE_OCTAVES; o++) {
    const end = load<i32>(a.lateEdges + (<usize>o << 2));
    // the octave's sums in bin order, in f64 (as the moments)
    let sa: f64 = 0;
    let s0: f64 = 0;
    let s1: f64 = 0;
    let s2: f64 = 0;
    let sy: f64 = 0;
    for (; j < end; j++) {
      const q = <usize>j << 2;
      sa += <f64>load<f32>(a.xf + q);
      s0 += <f64>load<f32>(l0 + q);
      s1 += <f64>load<f32>(l1 + q);
      s2 += <f64>load<f32>(l2 + q);
      const dr = load<f32>(a.sD + q);
      const di = load<f32>(a.sD + kb + q);
      sy += <f64>(dr * dr + di * di);
    }
    if (sa + s0 + s1 + s2 > 0) {
      any = true;
      const p = oct(a, o);
      // the features: window, three late bases, the constant
      const f0 = sa;
      const f1 = s0;
      const f2 = s1;
      const f3 = s2;
      const f4: f64 = 1;
      // an undetected user must not drag the fit up: the target held under 4x the prediction once fitted
      if (a.lateFits >= LATE_MIN_FITS) {
        const g = p + 40 * 8;
        const pred = load<f64>(g) * f0 + load<f64>(g + 8) * f1 + load<f64>(g + 16) * f2 + load<f64>(g + 24) * f3 + load<f64>(g + 32) * f4;
        if (sy > 4 * pred) sy = 4 * pred;
      }
      for (let r = 0; r < LATE_FEATURES; r++) {
        const fr = r == 0 ? f0 : r == 1 ? f1 : r == 2 ? f2 : r == 3 ? f3 : f4;
        for (let c = 0; c < LATE_FEATURES; c++) {
          const fc = c == 0 ? f0 : c == 1 ? f1 : c == 2 ? f2 : c == 3 ? f3 : f4;
          const at = p + <usize>(8 * (r * LATE_FEATURES + c));
          store<f64>(at, lambda * load<f64>(at) + fr * fc);
        }
        const atr = p + <usize>(8 * (25 + r));
        store<f64>(atr, lambda * load<f64>(atr) + fr * sy);
        const ats = p + <usize>(8 * (30 + r));
        store<f64>(ats, lambda * load<f64>(ats) + fr);
      }
    }
  }
  if (any) a.lateFits++;
  if (any && a.lateFits % LATE_SOLVE_BLOCKS == 0) {
    for (let o = 0; o < LATE_OCTAVES; o++) solveOctave(oct(a, o));
    a.lateShare = <f32>(late_share(a, 1) + late_share(a, 2));
  }
  // (scored only once the echo was heard: the delay estimator counted an update with it heard, or
  // placed its onset; a reference playing unheard latched the score on the mic's noise, aec-tailgate)
  if (!a.lateOn && a.lateFits >= LATE_MIN_FITS && (dl_unplaced(a.delay) > 0 || dl_onset(a.delay) >= 0)) {
    a.lateScore += a.lateSmooth * (a.lateShare - a.lateScore);
    a.lateOn = a.lateScore > LATE_SCORE;
  }
  const early = late_early(a);
  let used = a.lateOn || early;
  if (HOOKS) used = ab_late(a.blocks, early, a.lateOn);
  if (!used) return a.rvPower;
  // T per bin, and the larger of it and ./aec-reverb's (f32x4.max: f32.max's rules, lane by lane);
  // four bins at a time inside each octave, one at a time at its edges
  j = 0;
  for (let o = 0; o < LATE_OCTAVES; o++) {
    const end = load<i32>(a.lateEdges + (<usize>o << 2));
    const g = oct(a, o) + 40 * 8;
    const g0 = FRAME_POWER * <f32>load<f64>(g + 8);
    const g1 = FRAME_POWER * <f32>load<f64>(g + 16);
    const g2 = FRAME_POWER * <f32>load<f64>(g + 24);
    const gw = FRAME_POWER * <f32>load<f64>(g);
    for (; j < end && (j & 3) != 0; j++) lateBin(a.rvPower, a.xf, l0, tOut, out, <usize>j << 2, kb, g0, g1, g2, gw);
    const vg0 = f32x4.splat(g0);
    const vg1 = f32x4.splat(g1);
    const vg2 = f32x4.splat(g2);
    const vgw = f32x4.splat(gw);
    for (; j + 4 <= end; j += 4) {
      const q = <usize>j << 2;
      const t = f32x4.add(f32x4.add(f32x4.mul(vg0, v128.load(l0 + q)), f32x4.mul(vg1, v128.load(l0 + kb + q))), f32x4.mul(vg2, v128.load(l0 + 2 * kb + q)));
      // the whole fitted echo (the window's share too): the gain's residual's cap in a hall (./aec-suppress)
      v128.store(tOut + q, f32x4.add(t, f32x4.mul(vgw, v128.load(a.xf + q))));
      v128.store(out + q, f32x4.max(t, v128.load(a.rvPower + q)));
    }
    for (; j < end; j++) lateBin(a.rvPower, a.xf, l0, tOut, out, <usize>j << 2, kb, g0, g1, g2, gw);
  }
  return out;
}

/** One bin of late_block's T (at byte offset q; the late references at l0, l0 + kb, l0 + 2kb; the window's at xf). */
// @ts-ignore: decorator
@inline function lateBin(rv: usize, xf: usize, l0: usize, tOut: usize, out: usize, q: usize, kb: usize, g0: f32, g1: f32, g2: f32, gw: f32): void {
  const t = g0 * load<f32>(l0 + q) + g1 * load<f32>(l0 + kb + q) + g2 * load<f32>(l0 + 2 * kb + q);
  store<f32>(tOut + q, t + gw * load<f32>(xf + q));
  store<f32>(out + q, max<f32>(t, load<f32>(rv + q)));
}

/** The share of the fitted echo past the window (0..1) from the late bases `from` on, over every octave. */
function late_share(a: Aec, from: i32): f64 {
  let late: f64 = 0;
  let all: f64 = 0;
  for (let o = 0; o < LATE_OCTAVES; o++) {
    const p = oct(a, o);
    const g = p + 40 * 8;
    const s = p + 30 * 8;
    const w = load<f64>(g) * load<f64>(s);
    let l: f64 = 0;
    let lf: f64 = 0;
    for (let i = 1; i <= LATE_BASES; i++) {
      const v = load<f64>(g + <usize>(8 * i)) * load<f64>(s + <usize>(8 * i));
      l += v;
      if (i - 1 >= from) lf += v;
    }
    late += lf;
    all += w + l;
  }
  return all > 0 ? late / all : 0;
}

const SOLVE_SCRATCH = memory.data(8 * 64, 16);

/** Non-negative least squares on the octave's moments (active set: the most negative gain dropped, again). */
function solveOctave(p: usize): void {
  const n = LATE_FEATURES;
  let active = (1 << n) - 1;
  const m = SOLVE_SCRATCH; // n x (n + 1)
  const g = p + 40 * 8;
  for (let pass = 0; pass < n; pass++) {
    // the system over the active features, others fixed at 0 (identity rows)
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        let v: f64 = 0;
        if (((active >> r) & 1) != 0 && ((active >> c) & 1) != 0) v = load<f64>(p + <usize>(8 * (r * n + c)));
        if (r == c) v = ((active >> r) & 1) != 0 ? v * (1 + 1.0e-6) + 1.0e-30 : 1;
        store<f64>(m + <usize>(8 * (r * (n + 1) + c)), v);
      }
      store<f64>(m + <usize>(8 * (r * (n + 1) + n)), ((active >> r) & 1) != 0 ? load<f64>(p + <usize>(8 * (25 + r))) : 0);
    }
    // Gaussian elimination with partial pivoting
    for (let c = 0; c < n; c++) {
      let piv = c;
      let best = Math.abs(load<f64>(m + <usize>(8 * (c * (n + 1) + c))));
      for (let r = c + 1; r < n; r++) {
        const v = Math.abs(load<f64>(m + <usize>(8 * (r * (n + 1) + c))));
        if (v > best) {
          best = v;
          piv = r;
        }
      }
      if (piv != c) {
        for (let q = 0; q <= n; q++) {
          const x = m + <usize>(8 * (c * (n + 1) + q));
          const y = m + <usize>(8 * (piv * (n + 1) + q));
          const t = load<f64>(x);
          store<f64>(x, load<f64>(y));
          store<f64>(y, t);
        }
      }
      const d = load<f64>(m + <usize>(8 * (c * (n + 1) + c)));
      if (d == 0) continue;
      for (let r = c + 1; r < n; r++) {
        const f = load<f64>(m + <usize>(8 * (r * (n + 1) + c))) / d;
        if (f == 0) continue;
        for (let q = c; q <= n; q++) {
          const at = m + <usize>(8 * (r * (n + 1) + q));
          store<f64>(at, load<f64>(at) - f * load<f64>(m + <usize>(8 * (c * (n + 1) + q))));
        }
      }
    }
    let worst = -1;
    let worstV: f64 = 0;
    for (let r = n - 1; r >= 0; r--) {
      let v = load<f64>(m + <usize>(8 * (r * (n + 1) + n)));
      for (let q = r + 1; q < n; q++) v -= load<f64>(m + <usize>(8 * (r * (n + 1) + q))) * load<f64>(g + <usize>(8 * q));
      const d = load<f64>(m + <usize>(8 * (r * (n + 1) + r)));
      const x = d != 0 ? v / d : 0;
      store<f64>(g + <usize>(8 * r), ((active >> r) & 1) != 0 ? x : 0);
      if (((active >> r) & 1) != 0 && x < worstV) {
        worstV = x;
        worst = r;
      }
    }
    if (worst < 0) return;
    active &= ~(1 << worst);
  }
  for (let r = 0; r < n; r++) if (load<f64>(g + <usize>(8 * r)) < 0) store<f64>(g + <usize>(8 * r), 0);
}
