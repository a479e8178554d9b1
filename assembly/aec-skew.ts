// Clock skew between the speaker and the mic for the echo canceller (./echo-canceller): a USB or
// Bluetooth mic beside the laptop's speaker, or a server fed two streams, runs the two on different
// clocks, and the echo's delay moves by 50-200 ppm (3-12 ms a minute). The adaptive filter cannot
// follow a delay that moves continuously (at +100 ppm its ERLE stayed at 2-8 dB, 22-28 without).
// What: the skew (samples of delay gained per sample), and both filters' weights turned by it every
// block: a delay grown by dτ multiplies each partition's spectrum by exp(-2 pi i k dτ / 2B), so the
// model moves with the echo instead of being relearned; whole blocks of motion are the delay
// estimate's (the filter's placement), whose accepted onset moves by them too (aec-late15:
// followOnset). Equivalent to resampling the reference by the skew, without
// reading the reference ahead of what was pushed (mic and reference arrive in step: a speaker clock
// that runs fast would have the reference read past its end).
// How: every SKEW_INTERVAL_S (0.5 s) of playback the converged foreground's weights are compared
// with those kept 0.5 s before (filterMoved): the room's response turned by -2 pi k dτ / 2B in bin
// k as the echo moved by dτ. The skew is the slope of the summed movement over the summed time (a
// least-squares line forgetting over FILTER_TC_S, 10 s; ./aec-skew-line), followed once it stands
// FILTER_SURE (8) standard errors from 0 and over SKEW_ON (5 ppm): without drift it read 0.0 ppm
// in the three rooms' 3-minute calls (under 3 standard errors). It reads the skew the weights
// follow plus most of what they miss, so it converges on the skew (99-101% by 40-60 s, +-25 to
// +-200 ppm); while the weights are not turned, though, a fast skew outruns the filter (it read
// 5-25% of 100 ppm). The delay estimator's cross-spectrum at its confident peak lag (./aec-delay:
// dl_snapshot, dl_moved), on a line of its own (30 s), bootstraps it: after 10 s (5 s at over 80
// ppm while the filter removes under 6 dB sustained: one that cannot converge on a moving echo), 6
// standard errors and over 40 ppm it proposes its skew (62-100% of it; up to 45 ppm without drift), taken
// when the filter's line has not settled or agrees on the sign and reads under half of it; once the
// filter's line has judged the turned weights, it alone decides, whether the proposal or its own
// reading had turned them (aec-drift7: at -25 ppm the desk's delay statistics read 43-70 ppm and,
// taken over the 22 ppm the filter had followed, cost 29.4 dB and 0.1% leaks at 30-60 s). A young filter's echo found ahead
// of the model turned by the proposal, the skew's way (./aec-change: takeShift), shows the proposal
// short (43% of 200 ppm in the laptop): the proposals are taken 1.25 x further (sk_boost, at most
// 3 times). Calls without drift run bit for
// bit as before (bench/aec-identical.mjs).
// Latency: none (the estimate follows the skew within ~FILTER_TC_S once bootstrapped).

import { Aec, CONSTRAIN, SHIFT_MAX } from "./aec-state";
import { fft_forward, fft_inverse } from "./fft";
import { dl_moved, dl_snapshot, dl_peak, dl_snap_lag, dl_onset, dl_follow } from "./aec-delay";
import { HOOKS, trace_skew, trace_skew_decision, ab_early_gate } from "./bench-hooks";
import { line_add, line_reset, line_seconds, line_slope, line_sure } from "./aec-skew-line";

/** Averaging of the delay estimator's line, s of confident updates. */
// @ts-ignore: decorator
@inline const DELAY_TC_S: f64 = 30;
/** Its confident updates before it may propose a skew, s. */
// @ts-ignore: decorator
@inline const DELAY_SETTLE_S: f64 = 10;
/** Its confident updates before it may propose a skew while the filter has not converged (EARLY_UNCONVERGED_DB), s. */
// @ts-ignore: decorator
@inline const DELAY_EARLY_S: f64 = 5;
/** Then its slope must show this many times DELAY_ON (at 40 ppm it put a false skew on the lab's kiosk 24 kHz 6 dB call +64 and laptop 48 kHz 6 dB cold start). */
// @ts-ignore: decorator
@inline const EARLY_FACTOR: f64 = 2;
/** The filter's best ERLE sustained over heard blocks since its last reset (./aec-change: bestHeardDb) under which it may, dB. */
// @ts-ignore: decorator
@inline const EARLY_UNCONVERGED_DB: f32 = 6;
/** Its slope must stand this many standard errors from 0 (the residuals of the cumulative movement are correlated: their error reads small). */
// @ts-ignore: decorator
@inline const DELAY_SURE: f64 = 6;
/** Skew it must show to propose one (it read up to 41 ppm without drift). */
// @ts-ignore: decorator
@inline const DELAY_ON: f64 = 4.0e-5;
/** Peak coherence of the delay estimator for an update to count. */
// @ts-ignore: decorator
@inline const SKEW_PEAK: f32 = 0.1;
/** Averaging of the filter's line, s of observed playback. */
// @ts-ignore: decorator
@inline const FILTER_TC_S: f64 = 10;
/** Its observed playback before it judges, s. */
// @ts-ignore: decorator
@inline const FILTER_SETTLE_S: f64 = 5;
/** Its slope must stand this many standard errors from 0 (without drift: under 3). */
// @ts-ignore: decorator
@inline const FILTER_SURE: f64 = 8;
/** The filter's line starts again while its reading differs from the skew followed by over this share. */
// @ts-ignore: decorator
@inline const SKEW_STEP: f64 = 0.05;
/** Skew over which the weights are turned (and under half of which they no longer are). */
// @ts-ignore: decorator
@inline const SKEW_ON: f64 = 5.0e-6;
/** The foreground's best ERLE (ratio) over which its weights are compared. */
// @ts-ignore: decorator
@inline const SKEW_CONVERGED: f32 = 10;
/** The foreground's best ERLE (ratio) over which the turn's tail is moved to the neighbour against the skew's direction (./sk_constrain). */
// @ts-ignore: decorator
@inline const TAIL_CONVERGED: f32 = 31.6;
/** Largest skew an update may show (a path change turns the phase faster). */
// @ts-ignore: decorator
@inline const SKEW_MAX: f64 = 1.0e-3;
/** Interval between the snapshots, s (their angles must stay within +-pi). */
// @ts-ignore: decorator
@inline const SKEW_INTERVAL_S: f32 = 0.5;

/**
 * A young filter fell behind a moving echo (./aec-change: a louder error fitted by a shift): its
 * line would read a fraction of the skew (5-25%) and turn the weights by that; it neither observes
 * nor judges for SKEW_HOLD_S or until the delay statistics propose a skew.
 */
export function sk_hold(a: Aec): void {
  if (a.skewOn) return;
  a.skewHold = SKEW_HOLD_S;
  line_reset(a.lineFilter);
  a.snapOffset = -1;
}

/**
 * A young filter's echo found ahead of the model turned by the delay statistics' skew, the skew's
 * way (./aec-change: takeShift): the delay statistics read a fast skew short (43% of 200 ppm in the
 * laptop), so their proposals are taken SKEW_BOOST x further from now on (at most SKEW_BOOST_MAX
 * times), the skew followed at once.
 */
export function sk_boost(a: Aec): void {
  if (!a.skewOn || a.skewFromFilter || a.skewBoosts >= SKEW_BOOST_MAX) return;
  a.skewBoosts++;
  turnBy(a, <f64>a.skew * SKEW_BOOST);
}

/** The boost per shift ahead. */
// @ts-ignore: decorator
@inline const SKEW_BOOST: f64 = 1.25;
/** Boosts at most (1.25^3: about 2). */
// @ts-ignore: decorator
@inline const SKEW_BOOST_MAX: i32 = 3;

/** How long, s. */
// @ts-ignore: decorator
@inline const SKEW_HOLD_S: f32 = 20;

/** Forgets the skew. */
export function sk_reset(a: Aec): void {
  a.skew = 0;
  a.skewOn = false;
  a.skewPending = 0;
  a.onsetMoved = 0;
  a.onsetFollowed = -1;
  a.skewSince = a.skewPlayed = 0;
  a.snapOffset = -1;
  a.snapChanges = 0;
  a.skewHold = 0;
  a.skewBoosts = 0;
  a.skewByDelay = a.skewFromFilter = a.skewFilterOwn = false;
  line_reset(a.lineDelay);
  line_reset(a.lineFilter);
}

/**
 * One block: every SKEW_INTERVAL_S, when the echo played over half of the interval (a silent
 * stretch does not move the statistics, nor the weights but by the turn applied), the echo's
 * movement since the last snapshots joins two lines: the delay estimator's cross-spectrum at the
 * lag then confident (dl_moved) and the converged foreground's weights (filterMoved); then new
 * snapshots, and the skew judged (decide).
 */
export function sk_block(a: Aec, echoing: bool): void {
  a.skewSince += a.b;
  if (echoing) a.skewPlayed += a.b;
  if (<f32>a.skewSince < SKEW_INTERVAL_S * <f32>a.sampleRate) return;
  const played = <f64>a.skewPlayed;
  const since = <f64>a.skewSince;
  const rate = <f64>a.sampleRate;
  if (<f32>a.skewPlayed > 0.5 * SKEW_INTERVAL_S * <f32>a.sampleRate) {
    // the statistics move while the echo plays; the weights by the turn all along and by the
    // adaptation while it plays (catching up with the silence)
    const snapLag = HOOKS ? dl_snap_lag(a.delay) : -1;
    const byDelay = <f64>dl_moved(a.delay, a.n);
    if (dl_peak(a.delay) > SKEW_PEAK && Math.abs(byDelay) < SKEW_MAX * played) line_add(a.lineDelay, byDelay, played / rate, DELAY_TC_S);
    const byFilter = a.skewHold > 0 ? NaN : filterMoved(a);
    if (Math.abs(byFilter) < SKEW_MAX * since) line_add(a.lineFilter, byFilter, since / rate, FILTER_TC_S); // NaN too
    decide(a);
    if (HOOKS) trace_skew(a, snapLag, byDelay, byFilter, played);
  }
  if (a.skewHold > 0) a.skewHold -= <f32>since / <f32>rate;
  dl_snapshot(a.delay, SKEW_PEAK);
  filterSnapshot(a);
  a.skewSince = 0;
  a.skewPlayed = 0;
}

/**
 * The skew from the two lines. The filter's (the converged foreground's phase: the room's response
 * alone, read 0-2 ppm without drift) judges once settled: it reads the skew the weights follow plus
 * most of what they miss (the filter makes up the rest), so turning by it converges on the skew.
 * While the weights are not turned, though, the filter falls behind a fast skew and reads 5-25% of
 * it; the delay estimator's line (biased by what the reference says: 62-100% of the skew, up to 41
 * ppm without drift) then proposes its own, taken when the filter's line is not settled or agrees
 * on the sign and reads under half of it; the filter's line restarts from there. Not once the
 * filter's line has judged weights turned by its own reading (skewFilterOwn): the skew followed is
 * then the filter's and converging, and at small skews the delay statistics read high (the desk at
 * -25 ppm: 43-70 ppm over 26-34 s, each interval's reading taken while the filter's line, restarted
 * by its own last judgement, had not settled again; the weights turned up to 2.8x too far, the
 * filter's ERLE 20 -> 13 dB).
 */
function decide(a: Aec): void {
  if (!HOOKS) {
    judge(a);
    return;
  }
  const rate = <f64>a.sampleRate;
  const byFilter = line_slope(a.lineFilter) / rate * 1e6;
  const filterS = line_seconds(a.lineFilter);
  const filterSure = line_sure(a.lineFilter, FILTER_SURE);
  const byDelay = line_slope(a.lineDelay) / rate * 1e6;
  const delayS = line_seconds(a.lineDelay);
  const delaySure = line_sure(a.lineDelay, DELAY_SURE);
  trace_skew_decision(a, byFilter, filterS, filterSure, byDelay, delayS, delaySure, judge(a));
}

/** decide's judgement: 0 nothing taken, 1 the early proposal, 2 the proposal, 3 the filter's reading. */
function judge(a: Aec): i32 {
  const rate = <f64>a.sampleRate;
  const byFilter = line_slope(a.lineFilter) / rate;
  const filterSettled = line_seconds(a.lineFilter) >= FILTER_SETTLE_S;
  const filterSure = filterSettled && line_sure(a.lineFilter, FILTER_SURE);
  const byDelay = line_slope(a.lineDelay) / rate;
  const proposal = byDelay * Math.pow(SKEW_BOOST, <f64>a.skewBoosts); // (sk_boost)
  const delaySure = line_sure(a.lineDelay, DELAY_SURE) && Math.abs(byDelay) > DELAY_ON;
  const proposed = line_seconds(a.lineDelay) >= DELAY_SETTLE_S && delaySure;
  // after DELAY_EARLY_S instead while the filter removes under EARLY_UNCONVERGED_DB sustained over
  // heard blocks (./aec-change: heardErleDb): one that cannot converge on an echo that moves (the
  // desk at +200 ppm: 0-6 dB for 30 s). Without that gate, after 5 s the delay statistics put -94
  // ppm on the laptop without drift (its filter converged: 14-26 dB from 8 s). The best sustained
  // ERLE since the last reset, not the running one: a user the double-talk flag misses over a filter
  // that had converged drags the running figure under 6 dB too (aec-desk1: the desk at 250 ms, 6 dB,
  // took -323 ppm without drift at 6.56 s, then 3 false path changes)
  const early = !proposed && line_seconds(a.lineDelay) >= DELAY_EARLY_S && line_sure(a.lineDelay, DELAY_SURE) && Math.abs(byDelay) > EARLY_FACTOR * DELAY_ON && (HOOKS ? ab_early_gate(a.bestHeardDb < EARLY_UNCONVERGED_DB) : a.bestHeardDb < EARLY_UNCONVERGED_DB);
  if (early && !a.skewOn && !a.skewFromFilter) {
    line_reset(a.lineFilter);
    a.skewOn = true;
    a.skewByDelay = true;
    a.skewHold = 0;
    turnBy(a, proposal);
    return 1;
  }
  if (proposed && !a.skewFromFilter && !a.skewFilterOwn && (!filterSettled || (filterSure && byFilter * byDelay > 0 && 2 * Math.abs(byFilter) < Math.abs(byDelay)))) {
    if (filterSettled || !a.skewOn) line_reset(a.lineFilter); // it judges anew from the turned weights
    a.skewOn = true;
    a.skewByDelay = true;
    a.skewHold = 0;
    turnBy(a, proposal);
    return 2;
  }
  if (!filterSettled) return 0;
  // settled on weights turned by the delay estimator's proposal: from now on the filter's line alone judges
  if (a.skewByDelay) a.skewFromFilter = true;
  else if (a.skewOn) a.skewFilterOwn = true; // (weights turned by its own earlier reading: the delay statistics no longer propose)
  const followed = a.skewOn ? <f64>a.skew : 0;
  turnBy(a, byFilter);
  if (filterSure && Math.abs(byFilter) > SKEW_ON) a.skewOn = true;
  else if (Math.abs(byFilter) < 0.5 * SKEW_ON) a.skewOn = false;
  // still converging (the reading over 5% from the skew followed): the line starts again from the
  // weights turned by the new skew (the older observations saw the old one)
  if (a.skewOn && Math.abs(byFilter - followed) > SKEW_STEP * Math.abs(byFilter)) line_reset(a.lineFilter);
  return 3;
}

/** The skew followed (the phasors made again when it changed). */
function turnBy(a: Aec, skew: f64): void {
  if (<f32>skew == a.skew) return;
  a.skew = <f32>skew;
  phasors(a);
}

/** Keeps the foreground's weights up to 3 kHz (for filterMoved) once it has converged. */
function filterSnapshot(a: Aec): void {
  if (!(a.bestErle > SKEW_CONVERGED)) {
    a.snapOffset = -1;
    return;
  }
  const spec = <usize>(8 * a.k);
  const im = <usize>a.k << 2;
  const row = <usize>a.snapBins << 2;
  for (let q = 0; q < a.m; q++) {
    const w = a.wf + <usize>q * spec;
    const v = a.wsnap + <usize>q * (row << 1);
    memory.copy(v, w, row);
    memory.copy(v + row, w + im, row);
  }
  a.snapOffset = a.offset;
  a.snapChanges = a.pathChanges;
}

/**
 * How far, in samples, the foreground's model of the echo moved since filterSnapshot: its
 * partitions (matched by the lags they model: the filter's placement may have moved) turned by
 * -2 pi j dτ / 2B in bin j; the angle of their summed cross-spectrum per bin, a least-squares slope
 * over the 150-3000 Hz bins weighted by its magnitude. NaN when not comparable (no snapshot, a path
 * change since, the filter no longer converged).
 */
function filterMoved(a: Aec): f64 {
  if (a.snapOffset < 0 || a.snapChanges != a.pathChanges || !(a.bestErle > SKEW_CONVERGED)) return NaN;
  const shift = a.offset - a.snapOffset; // partition q now models the lags of partition q + shift then
  const spec = <usize>(8 * a.k);
  const im = <usize>a.k << 2;
  const j0 = max(1, <i32>Math.round(150.0 * <f64>a.n / <f64>a.sampleRate));
  const j1 = a.snapBins - 1;
  const row = <usize>a.snapBins << 2;
  let num: f64 = 0;
  let den: f64 = 0;
  for (let j = j0; j <= j1; j++) {
    const o = <usize>j << 2;
    let re: f64 = 0;
    let imv: f64 = 0;
    for (let q = max(0, -shift); q < min(a.m, a.m - shift); q++) {
      const w = a.wf + <usize>q * spec + o;
      const v = a.wsnap + <usize>(q + shift) * (row << 1) + o;
      const ar = <f64>load<f32>(w);
      const ai = <f64>load<f32>(w + im);
      const br = <f64>load<f32>(v);
      const bi = <f64>load<f32>(v + row);
      re += ar * br + ai * bi; // now x conj(then)
      imv += ai * br - ar * bi;
    }
    const mag = Math.sqrt(re * re + imv * imv);
    num += mag * <f64>j * Math.atan2(imv, re);
    den += mag * <f64>j * <f64>j;
  }
  if (!(den > 0)) return NaN;
  return -<f64>a.n / (2 * Math.PI) * num / den;
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

/** The phasors of one block's movement (made when the skew changes). */
function phasors(a: Aec): void {
  phasorsOf(a, <f64>a.skew * <f64>a.b, a.rot);
}

/** The phasors exp(-2 pi i j dτ / 2B) of a movement `dtau` (samples) for bins j into `rot` (re K, im K), by recurrence in f64 (132-260 steps: error ~1e-14). */
function phasorsOf(a: Aec, dtau: f64, rot: usize): void {
  const im = <usize>a.k << 2;
  const step = -2 * Math.PI * dtau / <f64>a.n;
  const c = Math.cos(step);
  const s = Math.sin(step);
  let re: f64 = 1;
  let imv: f64 = 0;
  for (let j = 0; j < a.k; j++) {
    store<f32>(rot + (<usize>j << 2), <f32>re);
    store<f32>(rot + im + (<usize>j << 2), <f32>imv);
    const t = re * c - imv * s;
    imv = re * s + imv * c;
    re = t;
  }
}

/** Once a block: both filters move by the skew's delay over the block (nothing while bypassed). */
export function sk_turn(a: Aec, quiet: bool): bool {
  if (!a.skewOn) return false;
  a.keptMoved += <f64>a.skew * <f64>a.b;
  // Nothing plays for the filter's window (a reply's pause): the movement waits, and is applied as
  // a whole when the reference comes back. Turned every block of a pause of minutes, the model
  // smeared (the background's sinc-interpolated taps cut by its constraint hundreds of times) and
  // the foreground's taps, never constrained, wrapped round inside their partitions instead of
  // moving to the next: the reply after it found both wrong and declared a path change (a 2-minute
  // pause at +100 ppm: 2 path changes, 19.2 dB, 0.8% leaks over the next 30 s).
  if (quiet) {
    a.skewPending += <f64>a.skew * <f64>a.b;
    return false;
  }
  const moved = a.skewPending + <f64>a.skew * <f64>a.b;
  if (a.skewPending != 0) applyPending(a);
  followOnset(a, moved);
  a.settled = 0; // (./aec-block: the constraint's schedule)
  // both filters are turned by a.rot before anything reads them again: the partitions the filters'
  // pass reads in that pass (./aec-step, kf_filter_residual with rot), the others by sk_turn_gaps
  return true;
}

/**
 * (aec-late15) The delay estimate's accepted onset moves with the echo by the skew's whole blocks,
 * as the weights do within the window: the filter's placement (./aec-block place) then follows a
 * drift the statistics cannot show. They move the onset only where the profile's peak stands 3x over
 * its mean (./aec-delay distinct); a diffuse room's does not (its tail fills the lags after the
 * peak): the soak's medium room at 24 kHz read 1.7-2.5x for 470 s (3x in 80 of 3604 traced updates
 * with the peak over 10%), its onset accepted at 107 ms with the echo at 104 stood there while the
 * echo drifted to 57 ms at +100 ppm, and the taps turned out of the window's front (12.5 dB, 5.6%
 * leaks). An onset the statistics move restarts the count (their reading holds the movement so far).
 * Only towards where the profile reads the onset now, distinct or not (./aec-delay dl_follow): followed
 * either way, an onset read 29 ms early at the medium room's change at 1.25 h kept that error and its
 * window 50 ms before the echo, until the clipping's path change moved it later (double talk 85.5 -> 75.0%).
 */
function followOnset(a: Aec, moved: f64): void {
  const onset = dl_onset(a.delay);
  if (onset < 0) return;
  if (onset != a.onsetFollowed) {
    a.onsetMoved = 0;
    a.onsetFollowed = onset;
  }
  a.onsetMoved += moved;
  const lags = <i32>(a.onsetMoved / <f64>a.b); // whole blocks (toward zero)
  if (lags == 0) return;
  a.onsetMoved -= <f64>(lags * a.b);
  a.onsetFollowed = dl_follow(a.delay, lags);
}

/** The turn of both filters' partitions outside the runs the filters' pass read (their reference frames all zeros). */
export function sk_turn_gaps(a: Aec): void {
  const spec = <usize>(8 * a.k);
  let q = 0;
  for (let r = 0; r <= a.nRuns; r++) {
    const end = r < a.nRuns ? load<i32>(a.runs + (<usize>r << 4)) : a.m; // the next run's first partition
    for (; q < end; q++) {
      turn(a.wb + <usize>q * spec, 1, a.k, a.rot);
      turn(a.wf + <usize>q * spec, 1, a.k, a.rot);
    }
    if (r < a.nRuns) q = load<i32>(a.runs + (<usize>r << 4), 4);
  }
}

/**
 * Moves the filter at `w` by `dtau` samples of echo delay (the skew's movement since it was kept:
 * ./aec-change): whole samples as a shift of the taps, the fraction by phasors.
 */
export function sk_move(a: Aec, w: usize, dtau: f64): void {
  const whole = <i32>Math.round(dtau);
  if (whole != 0) shiftTaps(a, w, whole);
  phasorsOf(a, dtau - <f64>whole, a.sE);
  turn(w, a.m, a.k, a.sE);
  memory.fill(a.sE, 0, <usize>a.k << 3);
}

/** The movement gathered over a pause: its whole samples as a shift of the taps, the fraction by phasors. */
function applyPending(a: Aec): void {
  // (aec-med14) an echo come so much earlier that its onset (the delay estimate's, moved by
  // it) would stand less than half a block after the filter's first tap moves the filter's window with
  // it by whole blocks, as a placement would (the weights unshifted: they keep modelling the echo
  // relative to its onset); only the rest, under a block, shifts the taps (later). Shifted by all of
  // it, 12 ms earlier after a 2-minute pause at +100 ppm, the taps in front of the window were
  // dropped: the soak's medium room (a diffuse onset, no direct path: its onset read late, its
  // window starting after the echo's first 7 ms) lost its first 19 ms of echo, 12% of its energy,
  // until the next placement 18 s later (20.9 dB, 1.5% leaks; now 31.4 dB, 0%). Where the window
  // leaves room in front of the onset (the placement's PRE_BLOCKS) the taps move within it, as before.
  const onset = dl_onset(a.delay);
  const room = <f64>((onset - a.offset) * a.b) + a.skewPending; // samples from the first tap to the moved onset
  let blocks = onset >= 0 && a.skewPending < 0 && room < 0.5 * <f64>a.b ? <i32>Math.floor(a.skewPending / <f64>a.b) : 0;
  blocks = min(a.maxLag, max(0, a.offset + blocks)) - a.offset;
  if (blocks != 0) {
    a.offset += blocks;
    a.keptOffset += blocks; // (the kept model's frame moves with it; keptMoved counts the rest)
    a.keptMoved -= <f64>(blocks * a.b);
    a.skewPending -= <f64>(blocks * a.b);
  }
  const whole = <i32>Math.round(a.skewPending);
  if (whole != 0) {
    shiftTaps(a, a.wb, whole);
    shiftTaps(a, a.wf, whole);
  }
  phasorsOf(a, a.skewPending - <f64>whole, a.sE);
  turn(a.wb, a.m, a.k, a.sE);
  turn(a.wf, a.m, a.k, a.sE);
  // sk_constrain adds this scratch's bins past B (the f32x4 padding) to the weights: zero, as an FFT leaves them
  memory.fill(a.sE, 0, <usize>a.k << 3);
  // (aec-pause15) a converged model returned by FIT_PENDING or more: its lag is fitted over the reply's
  // first heard blocks (./aec-change: fitReturn), within a quarter of the movement
  const moved = Math.abs(a.skewPending + <f64>(blocks * a.b));
  const range = a.bestErle > SKEW_CONVERGED && moved >= FIT_PENDING ? min(SHIFT_MAX, 1 + <i32>(moved / 4)) : 0;
  // (young20) a fit still pending after a dead stretch (the mic returned in the pause) keeps its range and its gate
  a.returnFit = a.deadFit ? max(a.returnFit, range) : range;
  a.shiftBlocks = 0;
  a.skewPending = 0;
  a.snapOffset = -1; // the weights moved by more than the skew explains over the interval: no comparison
}

/** The movement (samples) over a pause from which the returned model's lag is fitted: a skew read 4% off leaves 0.3 samples at 8. */
// @ts-ignore: decorator
@inline const FIT_PENDING: f64 = 8;

/**
 * Moves the filter's taps (M partitions of B, spectra at `w`) `by` samples later (earlier when < 0)
 * across the partitions; taps moved past either end are dropped. Each new partition is the tail
 * of one old partition and the head of the next; in place, in the order that reads every old
 * partition before it is overwritten. 3 FFTs per partition (once per pause).
 */
function shiftTaps(a: Aec, w: usize, by: i32): void {
  const b = a.b;
  const m = a.m;
  const kb = <usize>a.k << 2;
  const spec = kb << 1;
  const half = <usize>b << 2;
  for (let i = 0; i < m; i++) {
    const q = by > 0 ? m - 1 - i : i;
    // new taps q B + t = old taps q B + t - by: old partition p from r, then p + 1 up to r
    const from = q * b - by;
    const p = <i32>Math.floor(<f64>from / <f64>b);
    const r = from - p * b;
    memory.fill(a.tmp, 0, half << 1);
    memory.fill(a.carry, 0, half << 1);
    if (p >= 0 && p < m) fft_inverse(a.fft, w + <usize>p * spec, w + <usize>p * spec + kb, a.tmp, a.work);
    if (p + 1 >= 0 && p + 1 < m) fft_inverse(a.fft, w + <usize>(p + 1) * spec, w + <usize>(p + 1) * spec + kb, a.carry, a.work);
    memory.fill(a.sE, 0, half << 1);
    memory.copy(a.sE, a.tmp + (<usize>r << 2), <usize>(b - r) << 2);
    memory.copy(a.sE + (<usize>(b - r) << 2), a.carry, <usize>r << 2);
    fft_forward(a.fft, a.sE, w + <usize>q * spec, w + <usize>q * spec + kb, a.work);
  }
}

/**
 * The gradient constraint of background partition `q` (./aec-filter: pf_constrain) while the
 * weights turn: the taps turned past the partition's end (the skew > 0: into taps B..3B/2 - 1 of its
 * 2B) are the next partition's first, those turned before its start (< 0: wrapped to 3B/2..2B - 1)
 * the previous one's last; they move there instead of being cut (cut, an echo's direct path
 * crossing a partition's edge had to be learned again). A fractional turn spreads each tap as a
 * sinc, on both sides: the tail it put past the other edge since the partition's last constraint
 * is cut too, and over a reply's pause, with nothing to learn from, the direct path at an edge
 * eroded (the laptop at -100 ppm, a reply after 0.3 s: ERLE 19 -> 11 dB). That side's region also
 * holds the neighbour's gradient, learned there too (moved along, 11 path changes in a 3-minute
 * call instead of 3): the tail a turn of the constrained taps puts there is moved instead, once
 * the filter has removed 15 dB (relearning, its taps are mostly gradient the turn has not moved
 * yet). Three more FFTs per constrained partition.
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
  if (later && q + 1 < a.m) carry(a, q + 1, a.tmp + half, 0);
  if (!later && q > 0) carry(a, q - 1, a.tmp + half + quarter, quarter);
  memory.fill(a.tmp + half, 0, half);
  fft_forward(a.fft, a.tmp, wp, wp + kb, a.work);
  const to = later ? q - 1 : q + 1;
  // (not while the movement waits for the reference to return: nothing turned, and a tail added at
  // every constraint of a 1-minute pause piled up: the reply after it 30.6 -> 16.7 dB)
  if (to < 0 || to >= a.m || !(a.bestErle > TAIL_CONVERGED) || a.skewPending != 0) return;
  // the other side: the constrained taps turned by half the skew's movement between two
  // constraints (what they hold was turned that long, or learned meanwhile and turned less)
  const spacing = (a.m + CONSTRAIN - 1) / CONSTRAIN;
  phasorsOf(a, 0.5 * <f64>a.skew * <f64>b * <f64>spacing, a.sE);
  memory.copy(a.sY, wp, kb << 1);
  turn(a.sY, 1, a.k, a.sE);
  memory.fill(a.sE, 0, kb << 1); // (carry adds its bins past B, the f32x4 padding, to the weights: zero, as an FFT leaves them)
  fft_inverse(a.fft, a.sY, a.sY + kb, a.tmp, a.work);
  if (later) carry(a, to, a.tmp + half + quarter, quarter);
  else carry(a, to, a.tmp + half, 0);
}

/** Adds B/2 taps at `from` to partition `to`'s taps from byte `at` (one FFT). */
function carry(a: Aec, to: i32, from: usize, at: usize): void {
  const kb = <usize>a.k << 2;
  const quarter = <usize>(a.b >> 1) << 2;
  memory.fill(a.carry, 0, <usize>a.b << 3);
  memory.copy(a.carry + at, from, quarter);
  fft_forward(a.fft, a.carry, a.sE, a.sE + kb, a.work);
  const w = a.wb + <usize>to * (kb << 1);
  for (let j = 0; j < a.k; j += 4) {
    const o = <usize>j << 2;
    v128.store(w + o, f32x4.add(v128.load(w + o), v128.load(a.sE + o)));
    v128.store(w + kb + o, f32x4.add(v128.load(w + kb + o), v128.load(a.sE + kb + o)));
  }
}
