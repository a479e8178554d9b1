// One block of the echo canceller (./echo-canceller): the reference frame into the history, both
// filters' echo estimates and errors, the background's adaptation, the two-path decision, path
// changes (./aec-change), the suppressor, and the filter's placement from the delay estimate. The state and its
// constants are in ./aec-state.

import { fft_forward } from "./fft";
import { pf_constrain, pf_last_half, pf_block_spectrum, pf_shift, pf_spectrum } from "./aec-filter";
import { kf_filter_residual, kf_runs, kf_apply_bound, kf_scale, kf_update, kf_drift, kf_drift_gaps, kf_max } from "./aec-step";
import { dl_update, dl_onset, dl_peak, dl_beyond, dl_likely_onset, dl_profile, dl_long_tail, dl_arrival, dl_arrival_far, dl_arrival_age, dl_peak_lag, dl_hold, dl_fitted, dl_keep, dl_user, dl_replaced, dl_provisional, dl_search_set, dl_late_arm, dl_late_release, dl_debug, dl_late_jump, LATE_ARM, LATE_CHANGE_RELEASE } from "./aec-delay";
import { sk_block, sk_turn, sk_turn_gaps, sk_constrain } from "./aec-skew";
import { sup_process, RISE_HOLD, UNPLACED_RISE, returnFreeze } from "./aec-suppress";
import { sup_forget, sup_user_present, sup_floors_keep, sup_floors_return, sup_trackers_fresh } from "./aec-suppress-init";
import { rd_block, rd_echo_only } from "./aec-readings";

/** The call's first echo is recognised before its onset (./aec-delay dl_arrival) only at a lag past this, ms: a late first echo (aec-quiet5). */
// @ts-ignore: decorator
@inline const ARRIVE_LATE_MS: f32 = 250;
/**
 * (rise30) The unplaced rise (./aec-suppress UNPLACED_RISE) judged only on a mic turned live after a silent start while
 * the reply played within the history (alivePending 512), until its first onset; `--use AEC_UNPLACED_RISE_ANY=1`: before
 * any first onset, a call's cold start too, where the lab lost two bound cells (quiet's kiosk 24k cold-start 320ms 30dB
 * single talk 17.0 -> 16.1 dB, the desk 24k change@11s move calls' first opening 20 -> 90 ms) and won five (cold-start
 * convergence 1320-3860 -> 100 ms in four calls, a leak).
 */
// @ts-ignore: decorator
@inline const UNPLACED_ALIVE: bool = UNPLACED_RISE && !isDefined(AEC_UNPLACED_RISE_ANY);
/**
 * (late31) `--use AEC_LATE_WIDE=1`: a mic turned live after a dead run of DEAD_RUN_MS or more searches the delay over
 * the reach (500 ms) at once, as a widening past maxDelayMs leaves it (./aec-delay dl_search_set): WebKit's re-enabled
 * tracks come back 205-341 ms behind themselves, so the echo's delay jumps past the search at every unmute (110 ->
 * 360-450 ms), and the watch past the search (watchBeyond) widened only ~1 s after the echo's return, once its lags
 * matured. The search narrows back at a path change whose onset lies within the initial search (NARROW_AT_REARM).
 */
// @ts-ignore: decorator
@inline const LATE_WIDE: bool = isDefined(AEC_LATE_WIDE);
/** The reference's rise (dB) handed to the suppressor where none is judged (a dead block; the rule compiled out). */
// @ts-ignore: decorator
@inline const NO_RISE_DB: f32 = -100;
/** A digitally silent mic this long (ms) or longer holds the delay estimate's placement afterwards (24-hour soak, integrate13). */
// @ts-ignore: decorator
@inline const DEAD_RUN_MS: f32 = 1000;
/** ... for this long of live mic, ms: the statistics are smoothed over 250 ms; the stale peak stood 0.5 s. */
// @ts-ignore: decorator
@inline const DEAD_PLACE_HOLD_MS: f32 = 750;
/** (far27) `--use AEC_FAR_EARLY_REPLACE=1` (with AEC_FAR_EARLY): the filter moved to an onset re-placed earlier once a young widening's peak matured (./aec-delay replaceYoung), within its dead zone too. */
// @ts-ignore: decorator
@inline const FAR_REPLACE: bool = isDefined(AEC_FAR_EARLY_REPLACE);
/** (deadmic19) The hold also before a first onset, after a dead stretch over which the reference played (`--use AEC_DEAD_FRESH_OFF=1`: main 4991648's, none). */
// @ts-ignore: decorator
@inline const DEAD_FRESH_HOLD: bool = !isDefined(AEC_DEAD_FRESH_OFF);
/**
 * (young20) After a dead stretch of DEAD_RUN_MS or more the converged model is fitted to the returning echo (./aec-change:
 * fitReturn, as after a pause's movement) within the lag a clock skew of DEAD_DRIFT could have slid it over the stretch
 * (`--use AEC_DEAD_FIT_OFF=1`: main's, none). Over a dead mic nothing corrects the skew followed: a canceller 4-18 s old
 * at the week's medium room's 10 s zeroed mic (55.5 h) followed 0 to -47 ppm of a -100 ppm drift, the echo came back
 * 10-18 samples off its model, and the louder error on the reply's tail read as a path change (the next call 4.9-7.3 dB,
 * 12-21% leaks; young19).
 */
// @ts-ignore: decorator
@inline const DEAD_FIT: bool = !isDefined(AEC_DEAD_FIT_OFF);
/** The largest clock skew the dead stretch's slide is fitted for (the lab's drifts: up to 200 ppm either way). */
// @ts-ignore: decorator
@inline const DEAD_DRIFT: f32 = 2.0e-4;
/**
 * (first35, a probe; off, compiled out: `--use AEC_RETURN_BOUND=1`) A placed canceller's mic back after a dead run of
 * DEAD_RUN_MS or more (muted-mic's B; WebKit's track returns 0.2-0.5 s late, its echo that much further behind): until
 * the linear stage shows it still removes the echo (a playing block whose error stands RETURN_FIT_DB under the mic) or
 * the placement hold ends (spent, or released by mutedb33's arm as the path is re-placed), the suppressor's late echo
 * (`reverb`) is held at the echo bound from the reference's level with the path's last known gain: per bin the
 * foreground's gain (sum of |W|^2 over its partitions) x the loudest reference frame over the whole history, in the
 * suppressor's units (x FRAME_POWER 0.5). alivePending bit 2048. Scratch: a.tmp (free after the echo estimates).
 */
// @ts-ignore: decorator
@inline const RETURN_BOUND: bool = isDefined(AEC_RETURN_BOUND);
/** (first35, with RETURN_BOUND) the suppressor's trackers held over the window (./aec-suppress RETURN_FREEZE). */
// @ts-ignore: decorator
@inline const RETURN_FREEZE: bool = isDefined(AEC_RETURN_FREEZE);
/** (first35) 1: the filter's whole gain x the loudest reference frame; 2: the filter's expected echo power at its loudest placement over the history. */
// @ts-ignore: decorator
@inline const RETURN_BOUND_MODE: i32 = isDefined(AEC_RETURN_BOUND) ? <i32>AEC_RETURN_BOUND : 0;
/** (first35) The linear stage's removal on a playing block that ends RETURN_BOUND's window (an in-time return), dB. */
// @ts-ignore: decorator
@inline const RETURN_FIT_DB: f32 = isDefined(AEC_RETURN_FIT_DB) ? <f32>AEC_RETURN_FIT_DB : 6;
/**
 * (first35, a probe; off, compiled out: `--use AEC_RETURN_JUMP=1`, with RETURN_BOUND) in RETURN_BOUND's window, the
 * delay statistics' young far peak over RETURN_JUMP_COH and 3 x the mean on two updates in a row: the onset moved there
 * at once (./aec-delay dl_late_jump) and the filter with it (its weights move with the onset), the hold kept (no
 * candidate counts on the stale statistics until it ends). alivePending bit 4096: seen once.
 */
// @ts-ignore: decorator
@inline const RETURN_JUMP: bool = isDefined(AEC_RETURN_JUMP);
// @ts-ignore: decorator
@inline const RETURN_JUMP_COH: i32 = isDefined(AEC_RETURN_JUMP_COH) ? <i32>AEC_RETURN_JUMP_COH : 150;
/** (first35) RETURN_BOUND 4: the young far peak's coherence x 1000 it takes. */
// @ts-ignore: decorator
@inline const RETURN_FAR_COH: i32 = isDefined(AEC_RETURN_FAR_COH) ? <i32>AEC_RETURN_FAR_COH : 100;
/** (first35) The bound's scale, percent (RETURN_BOUND only). */
// @ts-ignore: decorator
@inline const RETURN_SCALE: f32 = isDefined(AEC_RETURN_SCALE) ? <f32>AEC_RETURN_SCALE / 100 : 1;

/** (first35, hooks only) the shadow placement's lag at the last block (RETURN_BOUND 3), -1 outside the window */
export let returnLag: i32 = -1;
/** (first35, RETURN_BOUND) into a.tmp: max(late, the echo bound from the reference's loudest frame x the filter's gain) */
function returnBound(a: Aec, late: usize): usize {
  const k = a.k;
  const spec = <usize>(8 * a.k);
  const im = <usize>k << 2;
  const scale = f32x4.splat(0.5 * RETURN_SCALE);
  let lo = 0;
  let hi = a.slots - a.m;
  if (RETURN_BOUND_MODE == 4) {
    const far = dl_debug(a.delay, 10, 0);
    const on = dl_onset(a.delay);
    if (far >= 0 && on >= 0 && dl_debug(a.delay, 11, 0) >= RETURN_FAR_COH) {
      lo = min(hi, max(0, a.offset + far - on));
      hi = lo;
    }
    if (HOOKS) returnLag = lo == hi ? lo : -2;
  }
  if (RETURN_BOUND_MODE == 3) {
    // a shadow placement: the filter's estimate at the lag whose estimate the mic's last frame projects on most (the frame
    // spectrum sD is taken on even blocks: on an odd block one slot older), then its |Y|^2 per bin at that lag now
    const par = a.blocks & 1;
    let best = -1;
    let bestScore: f32 = 0;
    for (let l = 0; l <= a.maxLag && l + par + a.m <= a.slots; l++) {
      let sdy = f32x4.splat(0);
      let syy = f32x4.splat(0);
      for (let j = 0; j < k; j += 4) {
        const o = <usize>j << 2;
        let yr = f32x4.splat(0);
        let yi = f32x4.splat(0);
        for (let q = 0; q < a.m; q++) {
          const w = a.wf + <usize>q * spec + o;
          const wr = v128.load(w);
          const wi = v128.load(w + im);
          const x = a.x + <usize>((a.head + l + par + q) % a.slots) * spec + o;
          const xr = v128.load(x);
          const xi = v128.load(x + im);
          yr = f32x4.add(yr, f32x4.sub(f32x4.mul(wr, xr), f32x4.mul(wi, xi)));
          yi = f32x4.add(yi, f32x4.add(f32x4.mul(wr, xi), f32x4.mul(wi, xr)));
        }
        sdy = f32x4.add(sdy, f32x4.add(f32x4.mul(v128.load(a.sD + o), yr), f32x4.mul(v128.load(a.sD + im + o), yi)));
        syy = f32x4.add(syy, f32x4.add(f32x4.mul(yr, yr), f32x4.mul(yi, yi)));
      }
      const yy = hsum(syy);
      const score: f32 = yy > 0 ? hsum(sdy) / Mathf.sqrt(yy) : 0;
      if (score > bestScore) {
        bestScore = score;
        best = l;
      }
    }
    if (HOOKS) returnLag = best;
    if (best < 0) return late;
    for (let j = 0; j < k; j += 4) {
      const o = <usize>j << 2;
      let yr = f32x4.splat(0);
      let yi = f32x4.splat(0);
      for (let q = 0; q < a.m; q++) {
        const w = a.wf + <usize>q * spec + o;
        const wr = v128.load(w);
        const wi = v128.load(w + im);
        const x = a.x + <usize>((a.head + best + q) % a.slots) * spec + o;
        const xr = v128.load(x);
        const xi = v128.load(x + im);
        yr = f32x4.add(yr, f32x4.sub(f32x4.mul(wr, xr), f32x4.mul(wi, xi)));
        yi = f32x4.add(yi, f32x4.add(f32x4.mul(wr, xi), f32x4.mul(wi, xr)));
      }
      v128.store(a.tmp + o, f32x4.pmax(v128.load(late + o), f32x4.mul(scale, f32x4.add(f32x4.mul(yr, yr), f32x4.mul(yi, yi)))));
    }
    return a.tmp;
  }
  for (let j = 0; j < k; j += 4) {
    const o = <usize>j << 2;
    let g = f32x4.splat(0);
    for (let q = 0; q < a.m; q++) {
      const w = a.wf + <usize>q * spec + o;
      const re = v128.load(w);
      const iv = v128.load(w + im);
      g = f32x4.add(g, f32x4.add(f32x4.mul(re, re), f32x4.mul(iv, iv)));
    }
    let mx = f32x4.splat(0);
    if (RETURN_BOUND_MODE == 2 || RETURN_BOUND_MODE == 4) {
      // the filter's expected echo power placed at each lag of the history (|W_q|^2 |X_{l+q}|^2 summed), its largest;
      // (4) at the delay statistics' young far peak's lag only, once there is one (the filter moved by it less the onset)
      for (let l = lo; l <= hi; l++) {
        let e = f32x4.splat(0);
        for (let q = 0; q < a.m; q++) {
          const w = a.wf + <usize>q * spec + o;
          const wr = v128.load(w);
          const wi = v128.load(w + im);
          const x = a.x + <usize>((a.head + l + q) % a.slots) * spec + o;
          const xr = v128.load(x);
          const xi = v128.load(x + im);
          e = f32x4.add(e, f32x4.mul(f32x4.add(f32x4.mul(wr, wr), f32x4.mul(wi, wi)), f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi))));
        }
        mx = f32x4.pmax(mx, e);
      }
      v128.store(a.tmp + o, f32x4.pmax(v128.load(late + o), f32x4.mul(scale, mx)));
      continue;
    }
    for (let l = 0; l < a.slots; l++) {
      const x = a.x + <usize>l * spec + o;
      const re = v128.load(x);
      const iv = v128.load(x + im);
      mx = f32x4.pmax(mx, f32x4.add(f32x4.mul(re, re), f32x4.mul(iv, iv)));
    }
    v128.store(a.tmp + o, f32x4.pmax(v128.load(late + o), f32x4.mul(scale, f32x4.mul(g, mx))));
  }
  return a.tmp;
}
/** (deadmic19) The suppressor's floors unmeasured again when the mic first turns live after a silent start (`--use AEC_DEAD_FLOORS_OFF=1`: main's). */
// @ts-ignore: decorator
@inline const DEAD_FRESH_FLOORS: bool = !isDefined(AEC_DEAD_FLOORS_OFF);
/**
 * (alive21) A mic that turns live mid-reply after a silent start (unmuted during the greeting, a page that opens the mic
 * after playback started): its first live blocks are the echo of a reply that plays on. The floors are unmeasured at the
 * first live block without echo instead (measured at once, the noise floor took the echo's level and the suppressor
 * passed it: leaks 81-100% over the second after), and the placement's hold (DEAD_FRESH_HOLD) starts only if the
 * reference pauses before a first onset (the statistics read from the return on are the playing echo's against a
 * playing reference: the stale-lag peak the hold is for comes from a pause). `--use AEC_ALIVE_OFF=1`: main's.
 */
/**
 * (cold24) Before the call's first onset (dl_onset < 0: never placed since the reset) the foreground takes the
 * background's weights only while the delay estimator's peak coherence over the searched lags reads an echo
 * (COLD_COPY_COH). An echo past the search (the quiet group's 320-400 ms cold starts, placed by the widening 0.8-2 s
 * after it is first heard) leaves the peak at 0.03-0.08; the background, whose window cannot reach it, fits the
 * user's words over the first reply instead (no double-talk flag yet: nothing is learned of the echo's level) and
 * its copy takes 2-10 dB of the user (the foreground's estimate 2-12 dB under the mic while the true echo stands
 * 15-25 dB under the user). An echo within the search reads 0.3-0.46 there before its onset is taken (100-300 ms).
 * `--use AEC_COLD_COPY=1`: on.
 */
// @ts-ignore: decorator
@inline const COLD_COPY: bool = isDefined(AEC_COLD_COPY);
// @ts-ignore: decorator
@inline const COLD_COPY_COH: f32 = 0.15;
/** (cold26) with AEC_COLD_COPY: the late model's fit forgotten too at that first onset (./aec-late late_forget); `--use AEC_COLD_LATE_OFF=1`: cold24's. */
// @ts-ignore: decorator
@inline const COLD_LATE: bool = COLD_COPY && !isDefined(AEC_COLD_LATE_OFF);
/**
 * (cold27) with AEC_COLD_COPY, `--use AEC_COLD_FORGET=1`: the suppressor forgets once where the held background, which
 * fitted the user's words over the first reply, resets with its estimate over COLD_OVER x the mic (the user stopped; its
 * fit predicts words that are gone) before the first onset: main's foreground, which copied that fit, diverged there
 * and its restart (aec-change: sup_forget) let the trackers take the unplaced echo at their fast rate (kiosk 24k 320 ms
 * 30 dB: the held build's presence ran on over that echo, -47..-52 dBFS passed at 1.6-2.25 s). alivePending bit 256.
 * `AEC_COLD_FORGET_ANY=1`: at any such reset (cold26's AEC_COLD_RESET trial).
 */
// @ts-ignore: decorator
@inline const COLD_FORGET: bool = COLD_COPY && isDefined(AEC_COLD_FORGET);
// @ts-ignore: decorator
@inline const COLD_FORGET_ANY: bool = isDefined(AEC_COLD_FORGET_ANY);
// @ts-ignore: decorator
@inline const COLD_OVER: f32 = 2;
/**
 * (cold27) `AEC_COLD_FIT=1`: the copy not held where the background removes COLD_FIT_RATIO x of the mic (6 dB): a fit of
 * the user's words over the first reply removed 1.5-3 dB (cold24); a soft reply's quiet echo within the search, fitted
 * before its coherence reads COLD_COPY_COH, is copied then (kiosk 24k 60 ms 30 dB soft: converged 1510 -> 2710 ms held).
 */
// @ts-ignore: decorator
@inline const COLD_FIT: bool = isDefined(AEC_COLD_FIT);
// @ts-ignore: decorator
@inline const COLD_FIT_RATIO: f32 = 4;
/** (cold27) `AEC_COLD_FRESH=1`: with that forgetting the reference predictors back at their priors too (sup_trackers_fresh). */
// @ts-ignore: decorator
@inline const COLD_FRESH: bool = isDefined(AEC_COLD_FRESH);
// @ts-ignore: decorator
@inline const ALIVE_WAIT: bool = !isDefined(AEC_ALIVE_OFF);
/** (alive21, for attribution) one half off: the floors (`--use AEC_ALIVE_FLOORS_OFF=1`) or the hold (`AEC_ALIVE_HOLD_OFF=1`). */
// @ts-ignore: decorator
@inline const ALIVE_FLOORS: bool = ALIVE_WAIT && !isDefined(AEC_ALIVE_FLOORS_OFF);
// @ts-ignore: decorator
@inline const ALIVE_HOLD: bool = ALIVE_WAIT && !isDefined(AEC_ALIVE_HOLD_OFF);
/**
 * (alive21) A live mic block this far under the loudest reference block of the history (40 dB) holds no echo to speak
 * of (a room's echo stands within +3 dB and -30 dB of what plays): the floors are measured there, echo or not. The
 * muted-mic test's C (test/browser/muted-mic.browser.test.ts) turns live in a pause of the echo 110 ms after the reply
 * resumed: its floors measured on that tail (-86 dBFS, main's) it read 39.9 dB over its first second, deferred to the
 * reply's pause 33.9 dB.
 */
// @ts-ignore: decorator
@inline const ALIVE_QUIET: f32 = 1.0e-4;
/**
 * (alive23) A mic that turns live after a silent start while a reply plays or in its tail (the reference played within
 * the history), before a first onset: over the reply's pause that follows (the reference still in the filter's window,
 * its echo gone; the noiseless mic's floors at floorMin) the suppressor's reference predictors (zeta, kappa, rho) learned
 * down 30 dB and more at their cold BOOST, and the reply's return, its echo 15-20 dB over what they predicted, passed as
 * the user for ~120 ms (the C grid at 2.0 s: a presence of 12 blocks, 11.4 dB over the second; main c118433's build
 * measured its floors on the tail instead, whose noise floor hid the echo: 20.4 dB). At the reply's return after a pause
 * they start again from the reset's priors (./aec-suppress-init sup_trackers_fresh), as a fresh call's first echo meets
 * them, and stay there until the mic holds an echo to speak of (ALIVE_QUIET: the reference leads its echo by the delay,
 * and over the tail's last traces they learned down again: the C grid at 3.0 s). **Off by default** (`--use
 * AEC_ALIVE_TAIL=1` turns it on; off, the .wasm is main 7627757's 28ccecaa): it costs a user who talks right after the
 * unmute (the user from 0.1 s after it, over its first 0.5 s: at 2.8 and 4.3 s -0.7 / -0.1 -> -38.7 / -38.9 dB of the
 * user delivered, at 1.9 and 3.1 s -2.8 / -1.0 -> -7.9 / -5.1; not traced; docs/NOTES.md alive23).
 */
// @ts-ignore: decorator
@inline const ALIVE_TAIL: bool = isDefined(AEC_ALIVE_TAIL);
/**
 * (unmute26) A mic that turns live after a silent start in the reply's pause on a quiet block (ALIVE_QUIET: no echo of
 * the tail to misread) before a first onset: the placement's hold (DEAD_FRESH_HOLD) is not started there but, as for a
 * mic turned live while the reply plays (alive21), at the reply's next pause after its return, if still unplaced; the
 * tail's echo heard before the return starts it at once. Held from such an unmute, the filter stayed unplaced over
 * the returning reply's first 750 ms (its echo in E at full level, the filter's ERLE ~6 dB) and the cold suppressor
 * (OVER_COLD, its reference predictors at BOOST x: the cold suspect rule needs a placed delay) learned a user talking
 * 5-10 dB over that echo as echo: the C grid with the user (test/browser/muted-sweep.test.ts), unmuted at 2.2, 2.3,
 * 4.5, 4.6 s: -25.1 / -21.4 / -27.0 / -24.1 -> -9.7 / -4.2 / -13.2 / -3.8 dB of the user's first 0.5 s delivered
 * (docs/NOTES.md unmute26). On by default; `--use AEC_UNMUTE_QUIET_OFF=1`: knife26's d2a8f0b (.wasm 69dd99d3).
 */
// @ts-ignore: decorator
@inline const UNMUTE_QUIET: bool = !isDefined(AEC_UNMUTE_QUIET_OFF);
/**
 * (tail27) The first live block after a silent start judged quiet (ALIVE_QUIET, the two tests there) over its live
 * samples only: a mic turned live within a block opens on the muted part's zeros, and a block of 3/4 zeros read the
 * tail's echo 6 dB low and could pass for quiet. Its energy over the samples after its leading zeros, scaled to the
 * block. The C grid with the user at 4.4 s (the grid's float 4.400000000000001 s turns the mic live one 128-frame quantum
 * after 4.4 s; the block is 256 samples at 24 kHz, four quanta): the floors reset unmeasured there and the user's first 0.5 s delivered at
 * -28.8 dB, -0.8 at 4.4 s exactly (docs/NOTES.md tail26, tail27). On by default; `--use AEC_UNMUTE_LIVE_OFF=1`: main
 * 21f7552's .wasm 5d8de62c.
 */
// @ts-ignore: decorator
@inline const UNMUTE_LIVE: bool = !isDefined(AEC_UNMUTE_LIVE_OFF);
/**
 * (phaseu28, a probe; off, compiled out: `--use AEC_UNMUTE_FLOORS_WAIT=1`) The floors after a silent start in the reply's
 * tail (the reference played within the history) wait for the reply's pause (alive21's bit 1) on a quiet first live
 * block too, instead of being measured at once on it: a first live block aligned to the unmute holds the tail's echo
 * in full and the floors, measured on it, stood 12-16 dB over those a block of 3/4 zeros gave (the C grid with the user
 * at 2.3 s and 3.1 s one quantum late; docs/NOTES.md phaseu28).
 */
// @ts-ignore: decorator
@inline const UNMUTE_FLOORS_WAIT: bool = isDefined(AEC_UNMUTE_FLOORS_WAIT);
/**
 * (floor30, a trial; off, compiled out: `--use AEC_UNMUTE_FLOORS_LOW=<percent>`) The floors measured at once on a quiet
 * first live block after a silent start in the reply's tail (the reference played within the history) are held, once
 * that block's suppressor has measured them, under the block's quietest bins: each bin's floors at most the given
 * percentile of the measured noise floor over the real bins (50: the median). `=<1000 + dB>` instead scales them down
 * by that many dB, their shape kept. Such a block holds the tail's echo, coloured, and no noise of its own to speak of:
 * measured on it the floors stood at the tail's level (3.1 s + 1..3 quanta: -21.6..-27.8 dB summed, -37.2 at + 0, whose
 * block held one quantum of the tail at the frame's tapered end), and over the tail and the reply's return the reference
 * predictors, learning only where the mic stands over the floor before a first onset, stayed high and took the user
 * (docs/NOTES.md phaseu28, floor30). The median mends the user at 3.1 s at every phase but takes its echo-only cell
 * further down (18.2 -> 12.4 dB at + 1) and the user at 4.6 s + 3 quanta under -6 dB: off. (floorrise31) Its bit is 1024:
 * on rise30's 512 it held the floors low on every block that bit marks and cleared the unplaced rise after the first
 * (rise30's echo gains lost with the flag). On its own bit both compose: rise30's cells kept, the user at 3.1 s + 0 / 2 / 3
 * +0.2 / +0.4 / +0.4 dB, but + 1 -8.2 (the unplaced rise holds the presence on the user's first syllable).
 */
// @ts-ignore: decorator
@inline const UNMUTE_FLOORS_LOW: bool = isDefined(AEC_UNMUTE_FLOORS_LOW);
// @ts-ignore: decorator; AEC_UNMUTE_FLOORS_LOW exists only with --use AEC_UNMUTE_FLOORS_LOW=<percent>
@inline const UNMUTE_FLOORS_PERCENT: i32 = isDefined(AEC_UNMUTE_FLOORS_LOW) ? <i32>AEC_UNMUTE_FLOORS_LOW : 10;
import { sup_floors_unmeasured, sup_floors_low, sup_floors_scale, sup_set_decay, sup_release, sup_set_long_tail, sup_set_hall, sup_set_fit_tail, sup_set_arrival, sup_arrive, sup_set_onset, sup_alive_start } from "./aec-suppress-init";
import { OL_SPAN, OL_PAUSE_MS, FLOOR_AWAY_MS } from "./aec-suppress-state";
import { detectPathChange, arriving, rising, onsetRiseDb, unplacedRiseDb, offerKept, KEEP_MOVED, shadowEcho } from "./aec-change";
import { rv_measure, rv_block } from "./aec-reverb";
import { late_block, late_early, late_forget } from "./aec-late";
import { HOOKS, ab_active, ab_active_now, ab_adapt, ab_constrain, ab_filter, ab_tail, ab_delay, ab_onset, ab_talking, trace_decay, trace_decay_fit, trace_step } from "./bench-hooks";
import {
  Aec, setPrior, flushDrift, DRIFT_BATCH, GAMMA, INFO, LAMBDA, CONSTRAIN, PRE_BLOCKS, ECHO_GAIN, BOUND_RISE_DB, BOUND_MARGIN,
  TALK_DB, TALK_STEP, COPY_SIGNIFICANCE, MOVED_COPY_MS, COPY_ABOVE_NOISE, RESET_RATIO, COMPARE_MS, UNLATCH, RELAX,
  NARROW_PEAK, NARROW_FLOOR, NARROW_HOLD_S, SHAPE_MIN, MISFIT_SUSTAINED_DB, RESTART_SUP, RESTART_SUP_QUIET,
} from "./aec-state";
import { energy, hsum } from "./simd-hsum";

function energyOfDifference(p: usize, q: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) {
    const v = f32x4.sub(v128.load(p + (<usize>i << 2)), v128.load(q + (<usize>i << 2)));
    acc = f32x4.add(acc, f32x4.mul(v, v));
  }
  return hsum(acc);
}

/** e = d - y over n samples (n a multiple of 4). */
function subtract(d: usize, y: usize, e: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(e + o, f32x4.sub(v128.load(d + o), v128.load(y + o)));
  }
}

/**
 * The broadband echo gain bound: the mic's block energy over the reference power in the filter's
 * window (both smoothed over ~50 ms), its 20th percentile tracked in dB (up BOUND_RISE_DB per
 * second, down 4x as fast) while the reference plays; and the excess of the mic over it, which
 * flags the user talking (TALK_DB).
 */
function trackGain(a: Aec, sdd: f32, xwSum: f32): void {
  const blocksPerSecond = <f32>a.sampleRate / <f32>a.b;
  const rate = min<f32>(1, 20 / blocksPerSecond);
  // xw sums |X|^2 of 2B-point frames over the bins, about (2B)^2 / 2 x the power; a block's energy is B x it
  a.sddGain += rate * (sdd - a.sddGain);
  a.sxwGain += rate * (xwSum / (<f32>2 * <f32>a.n) - a.sxwGain);
  if (a.sxwGain < 1.0e-7 * <f32>a.b) {
    a.excessDb = 0;
    return;
  }
  const ratioDb: f32 = <f32>10 * Mathf.log10((a.sddGain + <f32>1.0e-20) / a.sxwGain);
  a.excessDb = ratioDb - a.gainDb;
  const up = BOUND_RISE_DB / blocksPerSecond;
  a.gainDb += ratioDb > a.gainDb ? up : -4 * up;
  a.gainDb = min<f32>(a.gainDb, <f32>10 * Mathf.log10(ECHO_GAIN));
}

/**
 * The mic's noise floor: the minimum of the smoothed block energy over the last 1-2 s (two windows
 * of 1 s). A floor that only rose slowly from its first value took the echo for the noise when the
 * echo started before any noise was heard (a digitally silent mic: the copies stayed off and the
 * echo of a cold start passed, 100 ms in).
 */
function trackFloor(a: Aec): void {
  a.sddMinCur = min(a.sddMinCur, a.sdd);
  const window = max(1, 2 * a.sampleRate / a.b); // blocks in 2 s
  if (a.blocks % window == window - 1) {
    a.sddMinPrev = a.sddMinCur;
    a.sddMinCur = a.sdd;
  }
  a.sddFloor = min(a.sddMinCur, a.sddMinPrev);
}

/** The echo's energy over the filter's partitions, from the estimator's coherence profile (normalised). */
function weighProfile(a: Aec): void {
  const prof = dl_profile(a.delay);
  let sum: f32 = 0;
  for (let q = 0; q < a.m; q++) sum += load<f32>(prof + (<usize>(a.offset + q) << 2));
  if (!(sum > 0)) return;
  for (let q = 0; q < a.m; q++) store<f32>(a.profile + (<usize>q << 2), load<f32>(prof + (<usize>(a.offset + q) << 2)) / sum);
}

/**
 * Moves the filter so that it starts PRE_BLOCKS before the onset, when the echo would start before
 * the filter's first block or more than PRE_BLOCKS + 3 blocks after it (a dead zone, so that an
 * onset wavering by a block or two does not move it). The foreground keeps modelling the same lags
 * (right when the estimate was only refined); the first placement hands the background the same;
 * later ones hand it the foreground's weights relative to the new onset, moving with the echo
 * (right when playout jumped): the two-path comparison keeps whichever is right. After a detected
 * path change the background has relearned where it stood: it keeps its lags too. The background's
 * uncertainty returns to the prior at the first placement, after a path change and before the
 * filter has removed 10 dB; later it stays with the background's weights, which keep their
 * partitions (returned to the prior, every later move restarted the step control: the kiosk call
 * with 13 samples of silence in front delivered 84% of the user with one utterance lost, now 95%
 * and none; desk cold start at 6 dB: kept from the first move on, 39.6 -> 22.4 dB). Until
 * aec-jitnode it was shifted by the move as the foreground's weights are, so the background's
 * partitions new to the foreground's window took the prior under weights already learned: after a
 * move to an earlier onset in double talk (the onset wavering, the echo unmoved) the background,
 * handed the foreground back, learned the user there at the prior's step (two partitions 9 dB
 * under the echo's loudest), the foreground took it in a reply's pause (where those lags carry no
 * reference, so the comparison cannot see them) and predicted the next word 50 ms early: the
 * jittery desk call on the Node path, 31.8 dB and 1.2% leaks (now 42.9 dB, 0%).
 */
function place(a: Aec, onset: i32): void {
  const target = min(a.maxLag, max(0, onset - PRE_BLOCKS));
  const by = target - a.offset;
  // (far27, AEC_FAR_EARLY_REPLACE) an onset the estimator re-placed earlier once a young widening's peak matured: moved
  // to even within the dead zone (once; the filter otherwise stays a lag late: far26's desk 24 kHz 420 ms call)
  const replaced = FAR_REPLACE && by < 0 && dl_replaced(a.delay);
  if (by == 0 || (onset > a.offset && onset <= a.offset + PRE_BLOCKS + 3 && !replaced)) return;
  // (aec-clip13) not later past the echo the foreground models while it still removes it: the
  // estimate's peak stood 32 ms late for 0.25 s as a reply resumed (the soak's desk at 16.9 h, the
  // echo at 67 ms, moved to 96), the move dropped the partitions holding 44-73% of the foreground's
  // energy (the direct path) and the call leaked for 2 s while it relearned (15.9 dB, 4.4% leaks).
  // "Still removes it": the ERLE sustained over heard blocks without the user (./aec-change,
  // heardErleDb; the output's ERLE fell to 0 dB as the user came in 0.2 s later and the move went
  // through then). Declined once, that onset stays declined until the estimator moves on or a path
  // change is declared (judged again, the move went through 1 s later, as the user's words trailed
  // into heard blocks and brought the sustained ERLE under FIT_DB). A true later jump makes the error
  // louder than the mic: a path change within 80 ms of echo without the user (./aec-change), and
  // the sustained ERLE under FIT_DB within ~0.25 s; an echo drifting later leaves the dropped
  // partitions near empty.
  if (by > 0 && a.moves > 0 && onset == a.declinedOnset && a.pathChanges == a.declinedChanges) {
    if (DECLINE_KEEP) dl_keep(a.delay, a.offset + PRE_BLOCKS);
    return;
  }
  // (onset19) "Still removes it" over the last 0.5-1 s (./aec-change holdFit), not only now: a short
  // loud burst of a reply after a gap (a stressed syllable 12-20 dB over the reply, 0.2 s after 0.3 s
  // of near silence) fills the smoothed statistics on its own, and its self-similarity (a voiced
  // sound's period) reads as coherent at a lag 6-10 blocks after the echo's (30-46% there, the echo's
  // own lags 2-8%) for the 0.26 s a later move needs; meanwhile the foreground's ERLE over the burst
  // and the gap before it fell from 14 to 8-9 dB. The week's medium room at 63.0 and 83.8 h: the onset
  // 72 -> 120 ms (the echo at 66) and 88 -> 160 ms (at 82), the foreground's model dropped, and the
  // profile there never stood 3x its mean for the 0.26 s a move back needs (16.6 dB, 3.1% leaks;
  // 15.2 dB, 3.8%, each from a cold start at the call). Only while the foreground still removes
  // FIT_LOW_DB: after a true later jump its error is about the mic (the lab's kiosk moved 40 ms later
  // at 3 s, no path change declared: 1.9 dB at the move 0.75 s after, the onset's walk to it 0.85 s)
  const fit = FIT_HOLD && a.heardErleDb > FIT_LOW_DB ? max(a.heardErleDb, max(a.fitNowDb, a.fitPrevDb)) : a.heardErleDb;
  if (by > 0 && a.moves > 0 && fit > FIT_DB && leadingShare(a.wf, a.k, a.m, by) > DROP_SHARE) {
    a.declinedOnset = onset;
    a.declinedChanges = a.pathChanges;
    if (DECLINE_KEEP) dl_keep(a.delay, a.offset + PRE_BLOCKS); // (onset19: the estimator keeps the placed onset)
    return;
  }
  const spec = <usize>(8 * a.k);
  flushDrift(a);
  if (a.moves > 0 && !a.relearning) memory.copy(a.wb, a.wf, <usize>a.m * spec);
  pf_shift(a.wf, a.m, spec, by);
  if (a.moves == 0) memory.copy(a.wb, a.wf, <usize>a.m * spec);
  else if (a.relearning) pf_shift(a.wb, a.m, spec, by);
  // a path change found before this move, and the background not yet converged: it takes the model
  // kept before the change, placed relative to the new onset where it fits (the room before a
  // playout jump: ./aec-change, offerKept)
  if (!KEEP_MOVED) {
    if (a.relearning && a.keptModel && a.bestErle < 10) offerKept(a, target - a.keptOffset - (onset - a.keptOnset));
    a.keptFresh = false; // (the snapshot's lags are the old placement's)
    a.keptModel = false;
  } else {
    // (living20) a move to the onset the snapshot was kept at (within a block: the echo where it was, a gain step
    // there and back) before the relearning background removes 1 dB (offerKept: nothing to lay the snapshot over)
    // leaves it to keepModel's later offers, and a move without a change pending keeps it: both lay it by the
    // offsets and onsets it was kept at. (Offered later after any move, the lab's 40 ms playout jumps took it more
    // often: desk 16 kHz at 3 s +97 samples double talk 91.5 -> 89.9%.)
    const unjudged = !(a.sbb < 0.8 * a.sdd) && abs(onset - a.keptOnset) <= 1;
    const taken = a.relearning && a.keptModel && a.bestErle < 10 && offerKept(a, target - a.keptOffset - (onset - a.keptOnset));
    if (a.relearning) a.keptFresh = false;
    if (taken || !unjudged) a.keptModel = false;
  }
  // after a path change the echo may have lain outside the window, unpredicted, and the suppressor
  // judged it the user: it judges the next frame afresh (laptop moved -30 ms: 1.04 -> 0.99 s)
  if (a.relearning && a.suppress) sup_release(a.sup);
  // the call's first placement of a late first echo (the profile's peak past ARRIVE_LATE_MS): a
  // presence running then was most likely started by the arriving echo (the predictors fell over the
  // reply played before it arrived), and it re-arms on that echo until the user comes: judged afresh
  // (aec-quiet6: the kiosk's 16 kHz 250 ms 6 dB cold start, a presence from 0.688 s re-armed at
  // 0.29-0.52 of the frame on the echo alone, passing it at -6..-11 dB until 0.84 s: 20 dB in 1330 -> 150 ms)
  if (a.moves == 0 && a.suppress && dl_peak_lag(a.delay) > <i32>(ARRIVE_LATE_MS * <f32>a.sampleRate / (1000 * <f32>a.b))) sup_release(a.sup);
  a.settled = 0; // (the background's weights moved or were replaced)
  const prior = a.moves == 0 || a.relearning || a.bestErle < 10;
  const shape = prior && !a.relearning; // (not after a path change: the soak's +100 ppm call 2 -> 4 path changes)
  if (prior) setPrior(a);
  // (a converged foreground's model handed on, moved later: ./aec-state MOVED_COPY_MS; moved earlier, it
  // predicts ahead of the echo and cannot win by predicting nothing yet)
  a.movedModel = !prior && by > 0;
  // else the background's uncertainty stays as it is: so do its weights (the foreground's before the
  // shift, relative to the new onset), and each keeps what it learned where it learned it (aec-jitnode)
  a.relearning = false;
  a.offset = target;
  if (shape && SHAPE_MIN < 1) shapePrior(a);
  a.movedAt = a.blocks;
  a.moves++;
}

/** The sustained heard ERLE (dB) over which the foreground still fits the echo (place). */
// @ts-ignore: decorator
@inline const FIT_DB: f32 = 10;
/** (onset19) place judges the fit by heardErleDb's best over the last 0.5-1 s while heardErleDb stands over this (dB): the foreground still removes part of the echo now. */
// @ts-ignore: decorator
@inline const FIT_LOW_DB: f32 = 5;
/** (onset19) A declined move also sets the estimator's onset back to the placed one (./aec-delay dl_keep), so that what reads the onset (./aec-change arriving / rising / fading, ./aec-skew) reads the filter's lag: after a decline the stale onset's skew follow moved it off the declined one, and the filter followed it after a 2-minute pause (the week's 253680 s: 10.7 -> 9.7 dB without this, 31.3 dB with it). `--use AEC_DECLINE_KEEP_OFF=1`: not. */
// @ts-ignore: decorator
@inline const DECLINE_KEEP: bool = !isDefined(AEC_DECLINE_KEEP_OFF);
/** (onset19) That judgement (`--use AEC_FITHOLD_OFF=1`: by heardErleDb now, main 4991648's). */
// @ts-ignore: decorator
@inline const FIT_HOLD: bool = !isDefined(AEC_FITHOLD_OFF);
/** The share of the foreground's energy in the partitions a later move would drop, over which it is not made (place). */
// @ts-ignore: decorator
@inline const DROP_SHARE: f32 = 0.25;

/** The share of the weights' energy (m partitions of k complex bins) in their first n partitions. */
function leadingShare(w: usize, k: i32, m: i32, n: i32): f32 {
  const spec = <usize>(8 * k);
  let lead: f32 = 0;
  let all: f32 = 0;
  for (let q = 0; q < m; q++) {
    const e = energy(w + <usize>q * spec, 2 * k);
    if (q < n) lead += e;
    all += e;
  }
  return all > 0 ? lead / all : 0;
}

/**
 * The prior uncertainty shaped by the delay estimator's coherence profile over the filter's lags
 * (the echo's energy per partition, as the estimator sees it in this call): each partition's
 * share of the prior its profile over the profile's peak, at least SHAPE_MIN.
 */
function shapePrior(a: Aec): void {
  const prof = dl_profile(a.delay);
  let peak: f32 = 0;
  for (let q = 0; q < a.m; q++) peak = max(peak, load<f32>(prof + (<usize>(a.offset + q) << 2)));
  if (!(peak > 0)) return;
  const row = <usize>a.k << 2;
  for (let q = 0; q < a.m; q++) {
    const s = max<f32>(SHAPE_MIN, load<f32>(prof + (<usize>(a.offset + q) << 2)) / peak);
    const p = a.unc + <usize>q * row;
    for (let j = 0; j < a.k; j++) store<f32>(p + (<usize>j << 2), s * load<f32>(p + (<usize>j << 2)));
  }
}

/**
 * measureDecay's floor (aec-open10): the window's last quarter of partitions is taken for the
 * filter's misadjustment where its energy stands more than this many dB over the background's
 * uncertainty summed there (the misadjustment its Kalman state predicts, an overestimate): the
 * 48 kHz 6 dB desk and kiosk cold starts and the laptop +2 to +5 dB (median over a call), the
 * converged 16 kHz tails 5-20 dB under it, but the long rooms' 16 kHz tails (real echo: seminar,
 * the medium room, the hall) -1.5 to +3 dB: at -2 the medium room's hold read short and leaked,
 * at +2 and +3 the seminar's 16 kHz cold start (0.1% leaks; +3 also lost the 48 kHz gains), so
 * the floor's fit replaces only a first fit that put the hold at its cap.
 */
// @ts-ignore: decorator
@inline const DECAY_FLOOR_UNC_DB: f32 = 2;
/** ... the hold's fit then stops this many dB over that quarter's mean energy (3: read 0.2-0.3 s for the desk's 0.4 s) ... */
// @ts-ignore: decorator
@inline const DECAY_OVER_FLOOR_DB: f32 = 1;
/** ... and starts at the first partition within this many dB of the loudest (the kiosk's onset spreads over several). */
// @ts-ignore: decorator
@inline const DECAY_PLATEAU_DB: f32 = 3;

/**
 * The room's decay from the foreground filter: the energy of each partition in dB, a least-squares
 * line from the loudest partition down to 25 dB under it (below, the filter's own noise floor
 * flattened the fit: the laptop's decay read long), 60 dB over its slope = T60; the late echo's
 * model takes it (./aec-reverb, rv_measure). The suppressor holds its residual estimate 1.5 x T60
 * per 60 dB, 0.3-1.2 s: a fixed 0.6 s leaked 12.6% of the conference room's echo frames (RT60
 * 0.8 s; now 1.6%) and delivered 83% of the user in the car (RT60 0.1 s; now 100%); 1 s for all:
 * 73% in the car; a 0.45 s floor: 87%. Where the window's tail stands on the filter's
 * misadjustment (DECAY_FLOOR_UNC_DB) and this fit put the hold at its 1.2 s cap, the hold's T60
 * comes from a second fit down to that floor only (the 48 kHz
 * partitions stand on a floor 10-20 dB under their peak, and the fit above read the desk's 0.4 s
 * room as 1.0-1.4 s; now 0.4-0.5 s); the first where that fit spans fewer than 3 partitions (the
 * laptop at 48 kHz: its direct path meets the floor at once).
 */
function measureDecay(a: Aec): void {
  const k = a.k;
  const m = a.m;
  const spec = <usize>(8 * k);
  const im = <usize>k << 2;
  const row = <usize>k << 2;
  const tailFrom = m - max(2, m >> 2);
  let peak = 0;
  let peakDb: f32 = -1000;
  let tailEnergy: f32 = 0;
  let tailUnc: f32 = 0;
  for (let q = 0; q < m; q++) {
    const w = a.wf + <usize>q * spec;
    let acc = f32x4.splat(0);
    for (let j = 0; j < k; j += 4) {
      const o = <usize>j << 2;
      const re = v128.load(w + o);
      const imv = v128.load(w + o + im);
      acc = f32x4.add(acc, f32x4.add(f32x4.mul(re, re), f32x4.mul(imv, imv)));
    }
    const e = hsum(acc);
    const db: f32 = <f32>10 * Mathf.log10(e + <f32>1.0e-30);
    store<f32>(a.rScale + (<usize>q << 2), db); // scratch (rScale is rewritten every block)
    if (db > peakDb) {
      peakDb = db;
      peak = q;
    }
    if (q >= tailFrom) {
      tailEnergy += e;
      tailUnc += sumOf(a.unc + <usize>q * row, k);
    }
  }
  const onFloor = <f32>10 * Mathf.log10((tailEnergy + <f32>1.0e-30) / (tailUnc + <f32>1.0e-30)) > DECAY_FLOOR_UNC_DB;
  // fit down to 25 dB under the peak only: below, the partitions show the filter's own noise floor
  let end = peak + 1;
  while (end < m && load<f32>(a.rScale + (<usize>end << 2)) > peakDb - 25) end++;
  if (HOOKS) trace_decay(a, a.rScale, m, peak, end);
  const slope = fitSlope(a.rScale, peak, end); // dB per partition
  const blockMs = <f32>a.b * 1000 / <f32>a.sampleRate;
  if (slope < 0) rv_measure(a, slope, end == m);
  let holdSlope = slope;
  if (onFloor && !(slope < -90 * blockMs / 1200)) {
    // the hold's fit where the first put it at its cap: from the onset's first loud partition down to the floor
    const floorDb: f32 = <f32>10 * Mathf.log10(tailEnergy / <f32>(m - tailFrom) + <f32>1.0e-30) + DECAY_OVER_FLOOR_DB;
    let start = 0;
    while (load<f32>(a.rScale + (<usize>start << 2)) < peakDb - DECAY_PLATEAU_DB) start++;
    let stop = peak + 1;
    while (stop < m && load<f32>(a.rScale + (<usize>stop << 2)) > max(peakDb - 25, floorDb)) stop++;
    const floorSlope = fitSlope(a.rScale, start, stop);
    if (floorSlope < 0) holdSlope = floorSlope; // (else, fewer than 3 partitions over the floor: the fit above)
  }
  if (!(holdSlope < 0)) {
    if (HOOKS) trace_decay_fit(a, 0);
    return;
  }
  if (HOOKS) trace_decay_fit(a, -60 / holdSlope * blockMs);
  sup_set_decay(a.sup, min<f32>(1200, max<f32>(300, -90 / holdSlope * blockMs)), a.sampleRate); // 1.5 x T60
}

/** The least-squares slope of the dB values at db[from..to) per index, NaN under 3 values. */
function fitSlope(db: usize, from: i32, to: i32): f32 {
  const n = to - from;
  if (n < 3) return NaN;
  let sx: f32 = 0;
  let sy: f32 = 0;
  let sxx: f32 = 0;
  let sxy: f32 = 0;
  for (let q = from; q < to; q++) {
    const x = <f32>(q - from);
    const y = load<f32>(db + (<usize>q << 2));
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  return (<f32>n * sxy - sx * sy) / (<f32>n * sxx - sx * sx);
}

/** The sum of n floats at p (n a multiple of 4). */
function sumOf(p: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) acc = f32x4.add(acc, v128.load(p + (<usize>i << 2)));
  return hsum(acc);
}

/**
 * Adapts the background filter on this block's error (./aec-step); `sdd` the mic block's energy;
 * `quiet`: no reference in the filter's window (only the uncertainty's drift then); `echoing`: the
 * reference plays or its echo arrives (the relaxed bound after a path change counts only such
 * blocks: a change found as a reply ended kept none for the next reply).
 */
function adapt(a: Aec, fh: i32, sdd: f32, quiet: bool, echoing: bool): void {
  const k = a.k;
  const kb = <usize>k << 2;
  const blocksPerSecond = <f32>a.sampleRate / <f32>a.b;
  pf_block_spectrum(a.eb, a.b, a.fft, a.tmp, a.work, a.sE, a.sE + kb);
  // The residual cannot exceed the echo: at most BOUND_MARGIN x the echo gain bound x the
  // reference power over the window (what keeps the steps small while a user louder than a quiet
  // echo talks, before the filter has learned how quiet the echo is).
  let echoBound = BOUND_MARGIN * Mathf.pow(10, <f32>0.1 * a.gainDb);
  if (a.relaxBlocks > 0) {
    echoBound *= RELAX;
    if (echoing) a.relaxBlocks--;
  }
  const xwSum = kf_apply_bound(a.xw, k, echoBound, a.resid, a.rScale);
  trackGain(a, sdd, xwSum);
  a.talking = a.excessDb > TALK_DB;
  if (HOOKS) a.talking = ab_talking(a, a.talking);
  // the reference noise gate: 60 dB under the window's strongest bin, or under -100 dBFS (white)
  const xPeak = kf_max(a.xw, k);
  a.narrowband = xPeak > NARROW_PEAK * xwSum;
  a.narrowBlocks = a.narrowband ? a.narrowBlocks + 1 : 0;
  const tone = <f32>a.narrowBlocks > NARROW_HOLD_S * blocksPerSecond;
  const xFloor = max<f32>((tone ? NARROW_FLOOR : <f32>1.0e-6) * xPeak, 1.0e-10 * <f32>a.n);
  const noiseRise = Mathf.pow(10, <f32>0.3 / blocksPerSecond); // the error's noise floor rises 3 dB/s
  const delta: f32 = 1.0e-10 * <f32>a.n;
  kf_scale(a.sE, a.sE + kb, a.resid, a.xw, xFloor, echoBound, a.errNoise, noiseRise, k, a.b + 1, GAMMA, a.talking ? TALK_STEP : 1, delta, a.sG, a.sG + kb, a.invT);
  if (HOOKS) trace_step(a, echoBound, xFloor, GAMMA);
  if (quiet && a.settled >= a.m && !a.skewOn) {
    // the weights hold (no constraint left to run): the same drift as last block, gathered (flushDrift)
    a.driftPending++;
    if (a.driftPending == DRIFT_BATCH) flushDrift(a);
  } else if (quiet) {
    flushDrift(a);
    kf_drift(a.wb, a.unc, 0, a.m, k, LAMBDA, a.floors, a.caps, a.rScale, 1);
  } else {
    kf_update(a.wb, a.x, a.unc, a.runs, a.nRuns, k, a.sG, a.sG + kb, a.invT, a.rScale, LAMBDA, INFO, load<f32>(a.floors), load<f32>(a.caps));
    kf_drift_gaps(a.wb, a.unc, a.runs, a.nRuns, HOOKS ? ab_active_now(a) : a.m, k, LAMBDA, a.floors, a.caps, a.rScale); // (silence between words)
  }
  if ((!quiet && a.nRuns > 0) || a.skewOn) a.settled = 0; // (the skew's constraint also moves taps across partitions)
  if (HOOKS) ab_adapt(a, fh, quiet);
  const spec = <usize>(8 * k);
  for (let c = 0; c < min(a.m, CONSTRAIN); c++) {
    // once every partition has been constrained since the weights last changed (nothing played for
    // the filter's window: the uncertainty drifts, the weights hold), the constraint would only
    // transform them back and forth: skipped, on the same schedule (4 FFTs of a quiet block's 9.5)
    if (a.skewOn) sk_constrain(a, a.constrainNext);
    else if (a.settled < a.m) pf_constrain(a.wb + <usize>a.constrainNext * spec, k, a.b, a.fft, a.tmp, a.work);
    a.settled++;
    if (HOOKS) ab_constrain(a);
    if (HOOKS) a.constrainNext = a.constrainNext + 1 >= ab_active_now(a) ? 0 : a.constrainNext + 1;
    else a.constrainNext = a.constrainNext + 1 == a.m ? 0 : a.constrainNext + 1;
  }
}

/**
 * The rest of a block whose mic was digitally silent (all zeros, a muted track, a browser noise
 * suppressor's silence: under white noise at -100 dBFS): the output is the foreground's error as
 * ever, suppressed (the suppressor holds its floors through it), but nothing learns from the mic.
 * Learning from it, the echo gain bound fell 24 dB per second to -200 dB over a mic zeroed for 10 s
 * and climbed back at 6 dB per second: 30 s with the double-talk flag up (no copy to the
 * foreground, the background at a tenth of its step under a bound that allowed none), then false
 * path changes; the call after it 10.7 dB with 6.2% leaks in the soak's living room.
 */
function deadBlock(a: Aec, echoing: bool): void {
  a.talking = false;
  // the smoothed energies fall as over a silent mic with no echo, and rise together after it; the
  // noise floor, once measured, holds (fallen to 0, it let the next 2 s judge path changes in the
  // mic's noise: a false one on a reply's tail after the soak's mic at -120 dBFS); a call that
  // starts on a muted mic takes the silence as its floor, as before (the copies start at once)
  const keep: f32 = <f32>1 - min<f32>(1, <f32>a.b * 1000 / (<f32>a.sampleRate * COMPARE_MS));
  a.sdd *= keep;
  a.sbb *= keep;
  a.sff *= keep;
  a.sdiff *= keep;
  a.syf *= keep;
  if (a.sddFloor >= 1.0e30) trackFloor(a); // (the reset leaves it at 1e30 until a first block)
  if (a.suppress) sup_process(a.sup, a.fft, a.work, a.ef, a.yf, a.yb, a.yf, a.xw, a.xf, a.rvPower, dl_onset(a.delay) >= 0, false, a.erleNum > 4 * a.erleDen, a.excessDb, NO_RISE_DB, false, true, a.outBlock);
  else memory.copy(a.outBlock, a.ef, <usize>a.b << 2);
  rd_block(a, 0, false, false); // (nothing judged in digital silence)
  sk_block(a, echoing);
  a.blocks++;
}

/** (alive21) The loudest reference block's energy over the history (`xe`, per slot). */
function refPeak(a: Aec): f32 {
  let peak: f32 = 0;
  for (let i = 0; i < a.slots; i++) peak = max(peak, load<f32>(a.xe + (<usize>i << 2)));
  return peak;
}

/**
 * (floor30, AEC_UNMUTE_FLOORS_LOW only) The floors unmeasured at a quiet first live block after a silent start; in the
 * reply's tail (the reference played within the history) held under the block's quietest bins once measured on it.
 */
function floorsLowAfter(a: Aec): void {
  sup_floors_unmeasured(a.sup);
  // (floorrise31) its own bit, 1024: it shared rise30's 512, so with rise30 on the floors were held low on every first
  // live block that bit marks (not only the quiet one) and the unplaced rise's bit was cleared after that block
  if (ALIVE_FLOORS && a.olPause < a.slots) a.alivePending |= 1024;
}

/** (tail27) a block's energy e over its samples after its leading zeros, scaled to the block (a live block has one) */
function liveEnergy(p: usize, n: i32, e: f32): f32 {
  let i = 0;
  while (i < n - 1 && load<f32>(p + (<usize>i << 2)) == 0) i++;
  return i == 0 ? e : e * <f32>n / <f32>(n - i);
}

/** One block: micBlock and the current half of refFrame are full; writes outBlock. */
export function aec_block(a: Aec): void {
  const b = a.b;
  const k = a.k;
  const m = a.m;
  const spec = <usize>(8 * k);
  const kb = <usize>k << 2;
  // 1. the newest reference frame (previous block, this block) into the history
  a.head = a.head == 0 ? a.slots - 1 : a.head - 1;
  const fh = (a.head + a.offset) % a.slots; // slot of the filter's first partition
  const xh = a.x + <usize>a.head * spec;
  const zeroFrame = pf_spectrum(a.fft, a.refFrame, a.n, k, xh, xh + kb, a.work); // (no transform of a silent frame)
  a.zeroFrames = zeroFrame ? min(a.zeroFrames + 1, a.slots) : 0; // capped: no test needs more
  store<i32>(a.xz + (<usize>a.head << 2), zeroFrame ? 1 : 0);
  const refEnergy = energy(a.refFrame + (<usize>b << 2), b);
  const playing = refEnergy > 1.0e-6 * <f32>b;
  // (aec-drc6) a reply resuming after a pause of OL_PAUSE_MS: the suppressor's onset lift counts its blocks
  if (playing && <f32>a.olPause * <f32>b * 1000 >= OL_PAUSE_MS * <f32>a.sampleRate) a.olSince = 0;
  else if (a.olSince >= 0) a.olSince = a.olSince - a.offset >= OL_SPAN ? -1 : a.olSince + 1;
  a.olPause = playing ? 0 : min(a.olPause + 1, a.slots);
  // (aec-soakhist17) the floors kept as the reference stops, bounded by them as it returns after FLOOR_AWAY_MS
  const away = <i32>Mathf.ceil(FLOOR_AWAY_MS * <f32>a.sampleRate / (1000 * <f32>b));
  if (a.suppress && !playing && a.refAway == 0) sup_floors_keep(a.sup);
  if (a.suppress && playing && a.refAway >= away) sup_floors_return(a.sup);
  a.refAway = playing ? 0 : min(a.refAway + 1, away);
  store<f32>(a.xe + (<usize>a.head << 2), refEnergy);
  const echoing = playing || arriving(a);
  memory.copy(a.refFrame, a.refFrame + (<usize>b << 2), <usize>b << 2);
  memory.copy(a.micFrame + (<usize>b << 2), a.micBlock, <usize>b << 2);
  // the mic frame's spectrum serves only the delay statistics, updated every second block (6.)
  if ((a.blocks & 1) == 0) fft_forward(a.fft, a.micFrame, a.sD, a.sD + kb, a.work);
  memory.copy(a.micFrame, a.micFrame + (<usize>b << 2), <usize>b << 2);
  // 2. echo estimates and errors of both filters
  // (with the step control's sums over the same window: resid, xw, xf; sG holds yf's spectrum until adapt)
  // Every frame the filter spans all zeros (nothing played for its window): both estimates and the
  // sums are zero, as the pass would find them, bit for bit; it and the two inverse FFTs are skipped
  // (the canceller ~1.5x as fast while the assistant is silent).
  const quiet = a.zeroFrames >= a.offset + m;
  if (!quiet) flushDrift(a); // (the pass reads the uncertainty, the skew turns the weights)
  const turning = sk_turn(a, quiet); // the weights follow a clock skew (bypassed without one): turned in the pass below
  if (quiet) {
    memory.fill(a.yb, 0, <usize>b << 2);
    memory.fill(a.yf, 0, <usize>b << 2);
    memory.fill(a.resid, 0, kb);
    memory.fill(a.xw, 0, kb);
    memory.fill(a.xf, 0, kb);
  } else {
    // only the partitions whose reference frame is not all zeros (the pauses between words)
    a.nRuns = kf_runs(a.xz, a.slots, fh, HOOKS ? ab_active(a) : m, spec, a.runs); // (aec-tail12's emulation: a shorter active window)
    kf_filter_residual(a.wb, a.wf, a.sY, a.sG, a.x, a.unc, m, a.runs, a.nRuns, k, a.profile, a.resid, a.xw, a.xf, turning ? a.rot : 0);
    if (turning) sk_turn_gaps(a);
    pf_last_half(a.sY, a.sY + kb, b, a.fft, a.tmp, a.work, a.yb);
    pf_last_half(a.sG, a.sG + kb, b, a.fft, a.tmp, a.work, a.yf);
    if (HOOKS) ab_filter(a, fh);
  }
  subtract(a.micBlock, a.yb, a.eb, b);
  subtract(a.micBlock, a.yf, a.ef, b);
  const sdd = energy(a.micBlock, b);
  const sbb = energy(a.eb, b);
  const sff = energy(a.ef, b);
  // A digitally silent mic block (a muted or zeroed track, under white noise at -100 dBFS) says
  // nothing about the room: the filters, the echo gain bound, the noise floor, the two-path and
  // path-change statistics and the delay statistics hold (deadBlock)
  if (sdd < a.silentEnergy) {
    deadBlock(a, echoing);
    a.deadRun++;
    return;
  }
  // After a second or more of digital silence the delay statistics, held since, take the returning
  // mic's first updates against their stale state: in the 24-hour soak's medium room the peak stood
  // at 192 ms for 0.5 s after a 10 s zeroed mic (the echo at 78-96), the filter moved there and
  // stayed 15 s (4.6 dB, 24% leaks). The placement waits DEAD_PLACE_HOLD_MS of live mic.
  // (deadmic19) Not only where the estimate had placed the filter before: a canceller that starts on a
  // muted mic has no stale statistics, but while the reference played unheard its first live frames
  // hold only the echo's tail, read against the reply's last frames at lags that grow with the pause
  // after it (the week's medium room from a fresh canceller at 55.5 h: peak 120 -> 216 ms in 0.2 s,
  // 32% against a mean of 9%, the first onset 216 ms at 0.25 s for an echo at 78 and kept for the
  // call, 4.0 dB, 28% leaks). So the hold too where the reference played within the history
  // (olPause < slots) before a first onset; with nothing played, the mic's return reads as a cold start.
  const holdBlocks = <i32>(<f32>a.sampleRate * DEAD_PLACE_HOLD_MS / 1000 / <f32>b);
  if (a.deadRun > 0) {
    const long = <f32>a.deadRun * <f32>b >= <f32>a.sampleRate * DEAD_RUN_MS / 1000;
    const placed = dl_onset(a.delay) >= 0;
    const live = UNMUTE_LIVE ? liveEnergy(a.micBlock, b, sdd) : sdd; // (tail27) the quietness of the live part
    // (alive21) before a first onset, the mic turned live while the reply plays: the hold waits for its pause
    if (long && (placed || (DEAD_FRESH_HOLD && a.olPause < a.slots))) {
      if (ALIVE_HOLD && !placed && playing) a.alivePending |= 2;
      else if (UNMUTE_QUIET && !placed && a.everLive == 0 && live < ALIVE_QUIET * refPeak(a)) a.alivePending |= 64;
      else a.liveHold = holdBlocks;
    }
    // (deadmic19) a mic silent from the canceller's first block for DEAD_RUN_MS or more (a muted start): its noise
    // measured now, as at a cold start. (Not after a shorter silent start: the browser goldens' noiseless mics, silent
    // until the echo arrives, moved; such a start still leaves the floors at floorMin, rising 3 dB a second.)
    // (alive21) Not on the echo: at the first live block without it
    if (DEAD_FRESH_FLOORS && long && a.everLive == 0 && a.suppress) {
      if (ALIVE_FLOORS && a.olPause < a.slots && (UNMUTE_FLOORS_WAIT || !(live < ALIVE_QUIET * refPeak(a)))) a.alivePending |= 1;
      else if (UNMUTE_FLOORS_LOW) floorsLowAfter(a);
      else sup_floors_unmeasured(a.sup);
    }
    // (rise30) alive after a silent start with the reply played within the history, before a first onset (512): the
    // suppressor's rule for a reply's rise at an unplaced filter (./aec-suppress UNPLACED_RISE) until that onset
    if (UNPLACED_ALIVE && long && a.everLive == 0 && a.suppress && a.olPause < a.slots && !placed) a.alivePending |= 512;
    // (sep31) alive after a silent start: the suspect cap may bind in this canceller (./aec-suppress SUSPECT_ALIVE)
    if (long && a.everLive == 0 && a.suppress) sup_alive_start(a.sup);
    // (alive23) alive after a silent start while a reply plays or in its tail: the reference predictors afresh at its return
    if (ALIVE_TAIL && long && a.everLive == 0 && a.suppress && a.olPause < a.slots && !placed) a.alivePending |= 4;
    // (first35, RETURN_BOUND) a placed canceller's return: the suppressor's echo bound from the reference's level
    if (RETURN_BOUND && long && placed && a.suppress) a.alivePending |= 2048;
    // (late31, LATE_WIDE) the search over the reach at the mic's return
    if (LATE_WIDE && long) dl_search_set(a.delay, true);
    // (late32, LATE_ARM) the same, widened only once the echo stands past the search (./aec-delay lateArmed)
    if (LATE_ARM && long) dl_late_arm(a.delay);
    // (young20) the model fitted to the echo's return within the slide the stretch allows (at most half a block)
    if (DEAD_FIT && long && a.bestErle > 10) {
      const slide = 1 + <i32>Mathf.ceil(<f32>a.deadRun * <f32>b * DEAD_DRIFT);
      a.returnFit = max(a.returnFit, min(b >> 1, slide));
      a.deadFit = true;
      a.shiftBlocks = 0;
    }
    a.deadRun = 0;
  } else if ((COLD_COPY ? a.alivePending & 79 : a.alivePending) != 0) {
    // (unmute26) turned live in the reply's pause on a quiet mic: at the reply's return the hold waits for its next pause
    // (as alive21's mic turned live while it plays); the mic's echo heard before that return (the tail): the hold now
    if (UNMUTE_QUIET && (a.alivePending & 64) != 0) {
      if (dl_onset(a.delay) >= 0) a.alivePending &= ~64;
      else if (playing) a.alivePending = (a.alivePending & ~64) | 2;
      else if (!(sdd < ALIVE_QUIET * refPeak(a))) {
        a.alivePending &= ~64;
        a.liveHold = holdBlocks;
      }
    }
    // the reply's pause: nothing played over the whole history (olPause counts this block's reference already), so
    // no echo of it at the mic but the room's tail, and a first onset not yet taken would be read against stale lags
    const paused = a.olPause >= a.slots;
    if ((a.alivePending & 1) != 0 && paused) sup_floors_unmeasured(a.sup);
    if (paused) a.alivePending &= ~1;
    // the hold at the reply's first pause (OL_PAUSE_MS, as a reply's onset counts one) before a first onset
    const gap = <f32>a.olPause * <f32>b * 1000 >= OL_PAUSE_MS * <f32>a.sampleRate;
    if ((a.alivePending & 2) != 0 && dl_onset(a.delay) < 0 && gap) a.liveHold = holdBlocks;
    if (gap || dl_onset(a.delay) >= 0) a.alivePending &= ~2;
    if (UNPLACED_ALIVE && dl_onset(a.delay) >= 0) a.alivePending &= ~512;
    // (alive23) the reply's return after a pause (OL_PAUSE_MS, as its onset lift counts one) before a first onset: the
    // reference predictors at their priors (8) from there until the mic holds an echo to speak of (ALIVE_QUIET)
    if (ALIVE_TAIL && (a.alivePending & 12) != 0) {
      const placedNow = dl_onset(a.delay) >= 0;
      const returns = playing && a.olSince == 0;
      if ((a.alivePending & 4) != 0 && !placedNow && returns) a.alivePending |= 8;
      if ((a.alivePending & 8) != 0 && !placedNow) sup_trackers_fresh(a.sup);
      if (placedNow || returns) a.alivePending &= ~4;
      if (placedNow || !(sdd < ALIVE_QUIET * refPeak(a))) a.alivePending &= ~8;
    }
  }
  a.everLive = 1;
  // 3. adapt the background
  adapt(a, fh, sdd, quiet, echoing);
  if (HOOKS) ab_tail(a, fh, quiet);
  // 4. two paths: the foreground takes the background's weights when the background's error is
  // significantly lower, judged against the cross term the user's voice adds to both errors
  // (e_b = e_f + D, D = y_f - y_b: Sbb - Sff = 2 e_f.D + |D|^2, and in double talk e_f.D is noise of
  // size sqrt(Sff SD / samples)), never while the user is flagged; the background takes the
  // foreground's back when it diverged. The mic's noise gate does not apply to a narrowband
  // reply: its floor is the reply's envelope trough (a modulated tone: 2.3 -> 8.3 dB ERLE at 24 kHz).
  const sdiff = energyOfDifference(a.yb, a.yf, b);
  const rate = min<f32>(1, <f32>b * 1000 / (<f32>a.sampleRate * COMPARE_MS));
  a.sdd += rate * (sdd - a.sdd);
  a.sbb += rate * (sbb - a.sbb);
  a.sff += rate * (sff - a.sff);
  a.sdiff += rate * (sdiff - a.sdiff);
  a.syf += rate * (energy(a.yf, b) - a.syf);
  trackFloor(a);
  let out = a.ef;
  let echo = a.yf;
  const coldHeld = COLD_FIT
    ? COLD_COPY && dl_onset(a.delay) < 0 && dl_peak(a.delay) < COLD_COPY_COH && !(a.sdd > COLD_FIT_RATIO * a.sbb)
    : COLD_COPY && dl_onset(a.delay) < 0 && dl_peak(a.delay) < COLD_COPY_COH;
  if (coldHeld) a.alivePending |= 16; // (the state's flags word: 16 a copy held before the first onset, 32 the suppressor forgot at it)
  const wins = !coldHeld && !a.talking && (a.narrowband || a.sdd > COPY_ABOVE_NOISE * a.sddFloor) && a.sff - a.sbb > COPY_SIGNIFICANCE * Mathf.sqrt(a.sff * a.sdiff) && sbb < sff;
  a.copyWins = wins ? a.copyWins + 1 : 0;
  // (the model moved with the onset by a later move: taken only once it has won MOVED_COPY_MS in a row)
  if (wins && (!a.movedModel || <f32>a.copyWins * <f32>b * 1000 >= MOVED_COPY_MS * <f32>a.sampleRate)) {
    a.movedModel = false;
    memory.copy(a.wf, a.wb, <usize>m * spec);
    a.sff = a.sbb;
    a.sdiff = 0;
    out = a.eb;
    echo = a.yb;
  } else if (a.sbb > RESET_RATIO * a.sff) {
    // (cold27) the held background's fit of the user reset before the first onset: the suppressor forgets once
    if (COLD_FORGET && a.suppress && (a.alivePending & 272) == 16 && dl_onset(a.delay) < 0 && !a.talking && (COLD_FORGET_ANY || (a.sdiff > COLD_OVER * a.sdd && sup_user_present(a.sup) && a.sdd > COPY_ABOVE_NOISE * a.sddFloor))) {
      sup_forget(a.sup);
      if (COLD_FRESH) sup_trackers_fresh(a.sup); // (the reference predictors at their priors: the presence ran on over the unplaced echo)
      a.alivePending |= 256;
    }
    a.movedModel = false;
    flushDrift(a);
    memory.copy(a.wb, a.wf, <usize>m * spec);
    a.settled = 0;
    a.sbb = a.sff;
    a.sdiff = 0;
  }
  const heard = detectPathChange(a, echoing);
  // While the user holds the double-talk flag, a filter that had converged (MISFIT_SUSTAINED_DB
  // sustained) whose error stands over the mic (smoothed over COMPARE_MS) adds more than it removes:
  // the old model after the echo path changed under the user, which the path-change rules do not
  // judge while flagged. The output is the mic then (the suppressor still gets the foreground's
  // estimate): the calls changed at 9 s in the user's turn (bench/echo-lab.mjs changes) carried
  // that estimate 8-10 dB under the user until the flag fell (laptop shifted 40 ms 86.9 -> 92.7% of
  // double talk; 451 -> 418 dirty frames over the 45 calls at 16 kHz 12 dB). Not without the flag:
  // in single talk the suppressor's per-bin misfit rule takes the bins where E stands over the mic,
  // and on the mic it passed the echo (a call 20 dB after the change in 100 -> 1580 ms); not in a
  // young filter either: the lab's cold starts' double talk 606 -> 650 dirty frames (aec-dtpath1).
  if (out == a.ef && a.talking && a.bestHeardDb > MISFIT_SUSTAINED_DB && a.sff > a.sdd) out = a.micBlock;
  // 5. residual echo suppression and comfort noise (its hold follows the room, measured every 32 blocks)
  if (a.suppress && (a.blocks & 31) == 31 && a.bestErle > 10) measureDecay(a);
  if (a.suppress) rv_block(a);
  let late = a.suppress ? late_block(a) : a.rvPower;
  if (RETURN_BOUND && (a.alivePending & 2048) != 0) {
    // the window ends at the linear stage's removal on a playing block (an in-time return) or with the placement hold
    if (a.liveHold == 0 || (playing && sff * Mathf.pow(10, RETURN_FIT_DB / 10) < sdd)) {
      a.alivePending &= ~2048;
      if (HOOKS) returnLag = -1;
    }
    else if (a.suppress) late = returnBound(a, late);
  }
  if (RETURN_FREEZE) returnFreeze = (a.alivePending & 2048) != 0;
  // (cold26) the late model's early rule held while a copy was held before the first onset (128)
  if (COLD_LATE && a.suppress && (a.alivePending & 16) != 0 && dl_onset(a.delay) < 0 && late_early(a)) a.alivePending |= 128;
  if (a.suppress) sup_set_long_tail(a.sup, dl_long_tail(a.delay));
  if (a.suppress) sup_set_hall(a.sup, a.lateOn, a.lateRef + <usize>(12 * a.k));
  // a reply's onset after a pause, its blocks counted from the filter's first partition, once placed (aec-drc6)
  if (a.suppress) sup_set_onset(a.sup, a.olSince >= a.offset && a.olSince - a.offset < OL_SPAN && dl_onset(a.delay) >= 0 ? a.olSince - a.offset : -1);
  // in a reply's tail (the reference silent since before the echo's onset: the estimate comes from
  // the filter's later partitions only; not while relearning after a path change) the suppressor's
  // gain applies to the mic less the echo estimate fitted to it per bin (./aec-suppress)
  if (a.suppress) sup_set_fit_tail(a.sup, a.zeroFrames > a.offset + PRE_BLOCKS && !a.relearning && a.relaxBlocks == 0);
  // the call's first echo recognised by the delay statistics before a first onset (aec-quiet5; the
  // suppressor's frame is sqrt-Hann windowed, the estimator's rectangular: half the power)
  // Only past ARRIVE_LATE_MS: the lab's calls at 120 ms, where the predictors had not yet fallen far,
  // learned through the arriving echo instead of holding in its presence, and a marginal false presence
  // 0.7 s later cost the seminar's 24 kHz 6 dB call its convergence (370 -> 1150 ms)
  if (a.suppress) sup_set_arrival(a.sup, dl_arrival(a.delay, sup_arrive(a.sup), k, 0.5, <i32>(ARRIVE_LATE_MS * <f32>a.sampleRate / (1000 * <f32>b))), dl_arrival_far(a.delay), dl_arrival_age(a.delay));
  // (knife25, on since knife26) the reference's rise at the placed onset, for the suppressor's rise hold
  // (rise30, on since rise30) before the first onset, the rise at the estimator's provisional onset (./aec-suppress UNPLACED_RISE)
  const refRiseDb = (RISE_HOLD || HOOKS || UNPLACED_RISE) && a.suppress ? (UNPLACED_RISE && dl_onset(a.delay) < 0 ? (!UNPLACED_ALIVE || (a.alivePending & 512) != 0 ? unplacedRiseDb(a, dl_provisional(a.delay)) : NO_RISE_DB) : onsetRiseDb(a)) : NO_RISE_DB;
  if (RESTART_SUP && a.suppress && !(RESTART_SUP_QUIET && (a.talking || sup_user_present(a.sup)))) {
    const ys = shadowEcho(a, echo); // (hand35, a probe) the shadow's estimate where louder
    if (ys != 0) echo = ys;
  }
  if (a.suppress) sup_process(a.sup, a.fft, a.work, out, echo, a.yb, a.yf, a.xw, a.xf, late, dl_onset(a.delay) >= 0, a.sff * UNLATCH < a.sdd, a.erleNum > 4 * a.erleDen, a.excessDb, refRiseDb, rising(a), false, a.outBlock);
  else memory.copy(a.outBlock, out, <usize>b << 2);
  // (floor30) the floors just measured on a quiet first live block in the reply's tail, held under its quietest bins
  if (UNMUTE_FLOORS_LOW) {
    if ((a.alivePending & 1024) != 0) {
      if (UNMUTE_FLOORS_PERCENT >= 1000) sup_floors_scale(a.sup, Mathf.pow(10, -<f32>(UNMUTE_FLOORS_PERCENT - 1000) / 10));
      else sup_floors_low(a.sup, <f32>UNMUTE_FLOORS_PERCENT / 100);
      a.alivePending &= ~1024;
    }
  }
  const present = a.talking || (a.suppress && sup_user_present(a.sup));
  rd_block(a, sdd, rd_echo_only(a, echoing, present), present); // the stats' echo reduction (reads only)
  if (playing) {
    a.erleNum += 0.02 * (sdd - a.erleNum);
    a.erleDen += 0.02 * (energy(out, b) - a.erleDen); // the linear stage's ERLE
  }
  // 6. the delay estimate places the filter for the next block; its profile weighs the reference.
  // Every second block: the statistics are smoothed over 0.25 s anyway (half the cost).
  if (HOOKS) ab_delay(a, echoing, heard);
  if (a.liveHold > 0) dl_hold(a.delay); // (the estimate's onset held too: no candidate counts on the stale statistics)
  dl_fitted(a.delay, a.bestErle > 10 ? a.offset + a.m : -1); // (aec-jump17: an accepted onset is not widened past a fitted filter's window)
  dl_user(a.delay, present); // (seminar23: a far later move not on statistics the user was in)
  let onset = (a.blocks & 1) == 0 ? dl_update(a.delay, a.x, a.xz, a.slots, a.head, k, a.sD, a.sD + kb, echoing, heard) : dl_onset(a.delay);
  if (HOOKS) onset = ab_onset(onset);
  if (LATE_CHANGE_RELEASE && dl_late_release(a.delay)) a.liveHold = 0; // (mutedb33) the arm widened at a placed return's path change
  if (RETURN_JUMP && (a.alivePending & 2048) != 0 && (a.blocks & 1) == 0 && onset >= 0) {
    const far = dl_debug(a.delay, 10, 0);
    const coh = dl_debug(a.delay, 11, 0);
    if (far > dl_peak_lag(a.delay) && coh >= RETURN_JUMP_COH && coh >= 3 * dl_debug(a.delay, 12, 0)) {
      if ((a.alivePending & 4096) != 0) {
        const moved = dl_late_jump(a.delay);
        if (moved >= 0) {
          onset = moved;
          place(a, onset);
          a.alivePending &= ~(2048 | 4096);
        }
      } else a.alivePending |= 4096;
    } else a.alivePending &= ~4096;
  }
  sk_block(a, echoing); // the clock skew, from the estimator's cross-spectrum
  // (soak199-18) the hold spends only blocks in which the reference plays: the statistics learn the
  // echo's path only from those. The week's medium room at 55.5 h: the mic returned after 10 s zeroed
  // as the reply stopped (the call's first second silent); its first 0.3 s held only the echo's tail,
  // read against the reply's last frames at lags growing with the pause (peak 112 -> 216 ms, 22%, 3x
  // the mean), the profile then stood still over the mic's noise, and the hold ended in that pause:
  // the onset 96 -> 176 ms at 0.98 s, before the reply resumed (the echo at 78 ms; 4.5 dB, 24.5% leaks)
  if (a.liveHold > 0 && playing) a.liveHold--;
  if (COLD_COPY && onset >= 0 && (a.alivePending & 48) == 16) {
    // the first onset after a held copy: the foreground holds nothing of the echo yet, and the suppressor's
    // leakage, learned against it, would take the placed filter's first estimates at their word (kiosk 16k
    // 320 ms 6 dB: its echo passed at -24..-29 dBFS for 80 ms); it forgets, as at an emerged echo (cold23)
    if (a.suppress && dl_beyond(a.delay) >= 0) {
      sup_forget(a.sup); // (only an echo found past the search: within it, the 60 ms cold starts at 36-42 dB lost 5 double-talk cells to the forgetting)
      if (COLD_LATE && (a.alivePending & 128) != 0) late_forget(a); // (only a fit whose early rule held over the held copy:
      // forgotten always, desk 16k 320 ms 6 dB's score latched on the fresh fit at 4.6 s, 42.4 -> 30.8 dB)
    }
    a.alivePending |= 32;
  }
  if (onset >= 0) {
    if (a.liveHold == 0) place(a, onset);
    weighProfile(a);
  } else if ((a.blocks & 1) == 0 && dl_likely_onset(a.delay) >= 0 && !dl_long_tail(a.delay)) {
    // before a first onset too, while the estimator holds a candidate onset it has not yet confirmed
    // (the filter still at its first lags): the profile's peak stands at the echo's lag then, and the
    // suppressor's weighted reference follows a swell of the reply where the even weights (the
    // window's mean) cannot. Even until its first onset, the seminar's 24 kHz 6 dB cold start took the
    // reply's echo rising 14 dB in 20 ms, 2 blocks before that onset, for the user and passed it
    // (20 dB in 1460 -> 260 ms). From every update before a first onset (no candidate needed) the
    // desk's 16 kHz 6 dB cold start delivered 98.1 -> 89.3% of its user. Not in a tail of seconds
    // (dl_long_tail: the hall's first onset waits 1 s and more; its profile there is smeared; aec-cold9)
    weighProfile(a);
  }
  a.blocks++;
}
