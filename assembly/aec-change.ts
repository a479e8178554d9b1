// Path changes of the echo canceller (./aec-block): when the filter's model no longer matches the
// room (a moved device, a playout jump, a filter that diverged on the user, an echo that appears
// after playing unheard), the background restarts as at a cold start; the model before the change is
// kept and offered back at the next filter move if it fits (a playout jump). Per block, no allocation.

import { dl_onset, dl_peak, dl_rearm, dl_late_changed, LATE_CHANGE } from "./aec-delay";
import { sup_forget, sup_forget_leak, sup_relearning, sup_restore_leak, sup_keep_leak, sup_warm } from "./aec-suppress-init";
import { rv_off } from "./aec-reverb";
import { pf_shift, pf_block_spectrum, pf_last_half } from "./aec-filter";
import { kf_filter_residual } from "./aec-step";
import { sk_move, sk_hold, sk_boost } from "./aec-skew";
import { Aec, setPrior, flushDrift, RESTART_BACK, RESTART_BACK_MS, RESTART_BACK_DB, RESTART_BACK_UNDER, RESTART_BACK_NO_SKEW, RESTART_BACK_MEASURED, RESTART_BACK_MEASURE_MS, RESTART_SUP, RESTART_SUP_DB, shadowOf, shadowMeta, shadowScratch, ECHO_GAIN, COPY_ABOVE_NOISE, RELAX_MS, MISFIT, MISFIT_AFTER, SCALED_COPY, MISFIT_SUSTAINED_DB, SUSTAIN_MS, COHERENT_ECHO, ONSET_RISE, ONSET_BLOCKS, ONSET_SPAN, SHIFT_MAX } from "./aec-state";
import { energy, hsum } from "./simd-hsum";
import { HOOKS, trace_path, trace_shift, ab_veto, judge_gather, trace_judge, trace_kept, trace_back } from "./bench-hooks";

/**
 * A path change: the foreground's error louder than the mic (by 0.4 dB: a model of another room
 * adds its own estimate, up to twice the mic; a matching model never does, even while the user
 * talks, since then the error is the user alone) for 80 ms of playback (`playing`: the reference
 * plays or its echo's direct path arrives) without the double-talk flag, after the filter had
 * reached 10 dB, the mic 10 dB over its noise (in a pause, the filter's noisy tail over a silent
 * echo read as a change: a false one in a call at 250 ms); or a misfit (MISFIT: a moved device
 * whose old model still half-matches; a rule on a collapsed ERLE alone also fired in double talk:
 * 84% delivered instead of 92%). Then the background starts again from zero with the prior
 * uncertainty, as at a cold start (from the old weights the echo bound held its steps back: 12 dB
 * after 1.5 s), the foreground keeps the old model until the background beats it, and the
 * suppressor forgets its leakage (its relearning is what brings the output back: without it the
 * kiosk moved took 2.5 s). Neither rule counts while the reference is narrowband (NARROW_PEAK): a
 * filter is not determined outside its band. A louder error of a young filter whose estimate fits
 * the mic best a few samples away is the echo moving under a clock skew the filter's line does not
 * follow yet, not a path change (takeShift).
 * A third rule catches an echo that appears after the reference played unheard (below); it also
 * puts the echo bound back where a cold start has it.
 * Returns whether the echo is heard (the mic COPY_ABOVE_NOISE x over its noise while the reference
 * plays or its echo arrives; ./aec-delay counts a tail of seconds only where it is).
 */
export function detectPathChange(a: Aec, playing: bool): bool {
  if (a.sff > 0 && a.sdd > 0) a.bestErle = max(a.bestErle, a.sdd / a.sff);
  const heard = playing && !a.narrowband && a.sdd > COPY_ABOVE_NOISE * a.sddFloor;
  // the error louder than the mic; or, for a filter that had removed 20 dB, its estimate and its
  // error adding up to well over the mic while it removes under 4 dB: they are anti-correlated,
  // the estimate is the echo of another room (in double talk with the right model they add up
  // to the mic: the user is not correlated with the estimate)
  const louder = a.sff > 1.1 * a.sdd;
  // judged where the echo of what plays arrives: a reply resuming after a pause (an underrun's
  // 50-300 ms mid-word) plays for the echo's delay before its echo comes, and meanwhile the mic is
  // the old echo's tail, which the filter's last partitions model loosely (the kiosk's 307 ms
  // underrun at 6 dB: a misfit counted over those 120 ms, a path change as the echo came back)
  const arrived = heard && (dl_onset(a.delay) < 0 || arriving(a));
  const judged = arrived && !a.talking && a.bestErle > 10;
  if (judged && louder) a.wrongBlocks++;
  else a.wrongBlocks = 0;
  if (HOOKS) judge_gather(a);
  if (a.returnFit > 0) {
    if (arrived && !a.talking) fitReturn(a); // (a pause's movement applied: the returned model's lag)
  } else if (a.wrongBlocks == 0) a.shiftBlocks = 0;
  else if (a.bestErle < SHIFT_BELOW && (!a.skewOn || !a.skewFromFilter)) gatherShift(a); // (no skew followed, or the delay statistics')
  else if (HOOKS && moveJudged(a)) gatherShift(a); // (aec-moving18's variant: a device moving)
  // (a misfit counts up while it holds, down while it does not: an ERLE wavering about 3 dB)
  if (arrived && !a.talking && a.sff > 0 && a.sdd > 0) {
    a.heardErleDb += min<f32>(1, <f32>a.b * 1000 / (<f32>a.sampleRate * SUSTAIN_MS)) * (<f32>10 * Mathf.log10(a.sdd / a.sff) - a.heardErleDb);
    a.bestHeardDb = max(a.bestHeardDb, a.heardErleDb);
  }
  holdFit(a);
  if (RESTART_BACK && arrived && !a.talking) backTrial(a);
  const misfit = a.bestErle > MISFIT_AFTER && a.bestHeardDb > MISFIT_SUSTAINED_DB && a.sff > 0.4 * a.sdd && a.syf + a.sff > MISFIT * a.sdd;
  if (!judged) a.misfitBlocks = 0;
  else if (misfit) a.misfitBlocks++;
  else if (a.misfitBlocks > 0) a.misfitBlocks--;
  // (the divergence's fade exemption, below; bench hook 65536: only while relearning, as before aec-btcost17)
  const fadeHeld = a.suppress && (HOOKS && ab_veto(65536) ? sup_relearning(a.sup) : sup_warm(a.sup)) && fading(a);
  if (HOOKS) trace_path(a, heard, playing, fadeHeld);
  // an echo estimate twice the whole mic is wrong whoever talks: the filter diverged (it learned
  // the user at a cold start) or the room changed; the foreground starts again from zero too.
  // Unless it is the mic's echo at the wrong level (SCALED_COPY: the echo path's gain fell with a
  // loud passage, a device's limiter after the reference tap), which the filter follows down
  const cross = <f32>0.5 * (a.sdd + a.syf - a.sff);
  const scaledCopy = cross > 0 && cross * cross > SCALED_COPY * a.sdd * a.syf;
  // Not counted while the reply's echo fades (its last syllables, its end: `fading`) after a path
  // change of a room the suppressor had learned (`sup_relearning`): the mic is then mostly the room's
  // decay of what played before, and the relearning filter's later partitions, learned loosely under
  // a user, predict a tail the room does not have; its restart there came just before a pause, and
  // the next reply's return passed the restarted canceller as the user (warm, its trackers forgotten
  // twice: the 24 kHz calls changed at 11 s, the user from 0.13 s: laptop moved -30 ms single talk
  // 20.9 -> 36.8 dB, 2.1 -> 0% leaks; desk moved 21.8 -> 37.2 dB; aec-dtpath3). Not at a cold start:
  // there the restart in a fade removes the user learned over the first reply before the user's next
  // words (the laptop's 18 dB cold starts at 16 and 48 kHz: openings 40 -> 50 ms without it).
  // (aec-btcost17) Not only while relearning: wherever the suppressor has once learned the room
  // (`sup_warm`). A filter held to 9-12 dB of ERLE (a Bluetooth codec's noise, a drift it followed)
  // predicts a tail the room does not have just as well; its estimate stood 3-6 dB over the fading mic
  // for 80 ms at a reply's end, the restart emptied the foreground, and the next reply's return passed
  // the restarted canceller as the user (the laptop's 24 kHz 420 ms Bluetooth calls, no path change:
  // mSBC 18 dB at +97 samples 15.6 -> 33.3 dB, 1.6 -> 0% leaks; AAC 320 6 dB at 0 19.2 -> 37.4 dB,
  // 2.4 -> 0.9%), and aec-changes16's relearning rule, meant for a user over a new room's echo, put
  // the gain on the mic there (5-10 dB more of that echo passed). The fade only holds off the
  // divergence's own restart: a change by another rule there empties the foreground as before where
  // the estimate stood over twice the mic (`overBlocks`; with the foreground kept there, the desk's
  // 48 kHz 18 dB cold start, a louder error at 4.29 s in a fade, kept the user it had learned: double
  // talk 11 -> 18 dirty frames)
  const over = heard && a.syf > (HOOKS && ab_veto(64) ? <f32>1.4 : <f32>2) * a.sdd && !scaledCopy;
  const held = fadeHeld && !(HOOKS && ab_veto(512));
  if (over && !held) a.divergedBlocks++;
  else a.divergedBlocks = 0;
  if (over && !(held && sup_relearning(a.sup))) a.overBlocks++;
  else a.overBlocks = 0;
  // an echo the filter never learned: the reference played for 2 s without the filter ever removing
  // 3 dB (since the start or the last change), and now the mic is mostly the reference's echo
  // (coherence). It had played unheard (a canceller in front of ours removed it, the speaker was
  // muted, headphones were unplugged): meanwhile the uncertainty collapsed and the echo bound fell
  // to the silence, and the filter could not learn it (muted 6 s: leaks 70% for the next 8 s)
  if (playing && a.bestErle < 2) a.unlearnedBlocks++;
  else if (a.bestErle >= 2) a.unlearnedBlocks = 0;
  // (cold23) of those, the ones where its echo was not heard (kept across a change: only the filter removing 3 dB resets it)
  if (EMERGED_HEARD) {
    if (playing && !heard && a.bestErle < 2) a.unheardBlocks++;
    else if (a.bestErle >= 2) a.unheardBlocks = 0;
  }
  const armed = <f32>a.unlearnedBlocks * <f32>a.b > 2 * <f32>a.sampleRate;
  if (heard && armed && dl_peak(a.delay) > COHERENT_ECHO) a.emergedBlocks++;
  else a.emergedBlocks = 0;
  const limit = 0.08 * <f32>a.sampleRate;
  const diverged = <f32>a.divergedBlocks * <f32>a.b > (HOOKS && ab_veto(128) ? <f32>0.5 : <f32>1) * limit;
  const emerged = <f32>a.emergedBlocks * <f32>a.b > limit;
  if (emerged) a.gainDb = <f32>10 * Mathf.log10(ECHO_GAIN); // the bound as at a cold start
  // (cold23) an echo heard all along (unheard under HEARD_UNHEARD_MS since the filter last removed 3 dB) that the filter
  // could not learn, placed under PLACED_MS ago, had not been placed, not an echo that emerged: no restart (below)
  const heardAlong = EMERGED_HEARD && emerged && <f32>a.unheardBlocks * <f32>a.b * 1000 < HEARD_UNHEARD_MS * <f32>a.sampleRate &&
    a.moves > 0 && <f32>(a.blocks - a.movedAt) * <f32>a.b * 1000 < PLACED_MS * <f32>a.sampleRate;
  const wrong = <f32>a.wrongBlocks * <f32>a.b > limit;
  if (wrong && a.returnFit == 0 && (!a.skewOn || !a.skewFromFilter) && !diverged && !emerged && !(<f32>a.misfitBlocks * <f32>a.b > limit) && a.bestErle < SHIFT_BELOW && takeShift(a)) {
    if (HOOKS) trace_judge(a, 16);
    a.wrongBlocks = 0;
    a.shiftBlocks = 0;
  } else if (diverged || emerged || <f32>max(a.wrongBlocks, a.misfitBlocks) * <f32>a.b > limit) {
    if (HOOKS) trace_judge(a, diverged ? 1 : emerged ? 8 : <f32>a.misfitBlocks * <f32>a.b > limit ? 4 : 2); // (before a variant's move: rule 2)
    if (HOOKS && (ab_veto(diverged ? 1 : emerged ? 8 : <f32>a.misfitBlocks * <f32>a.b > limit ? 4 : 2) || (!diverged && !emerged && !(<f32>a.misfitBlocks * <f32>a.b > limit) && a.returnFit == 0 && moveJudged(a) && takeMove(a)))) {
      // the bench's oracle (./bench-hooks: ab_veto): this change not taken; (aec-moving18's variant) a device moving
      a.wrongBlocks = 0;
      a.misfitBlocks = 0;
      a.divergedBlocks = 0;
      a.overBlocks = 0;
      a.emergedBlocks = 0;
      keepModel(a, heard);
      return heard;
    }
    if (heardAlong && !diverged && !(<f32>max(a.wrongBlocks, a.misfitBlocks) * <f32>a.b > limit)) {
      // (cold23) the echo heard all along: the suppressor forgets its leakage and the bound is a cold start's
      // (above), but the filter, placed just now, keeps what it learned since (HEARD_UNHEARD_MS)
      if (a.suppress) sup_forget(a.sup);
      a.emergedBlocks = 0;
      a.unlearnedBlocks = 0;
      keepModel(a, heard);
      return heard;
    }
    if (RESTART_BACK) {
      // (hand34) a louder error's change alone: the model restarted from kept as a shadow for a trial
      const meta = shadowMeta(a);
      const louderOnly = !diverged && !emerged && !(<f32>a.misfitBlocks * <f32>a.b > limit) && !(<f32>a.overBlocks * <f32>a.b > limit);
      const onset = dl_onset(a.delay);
      if (louderOnly && onset >= 0 && (RESTART_BACK_UNDER <= 0 || a.bestHeardDb < RESTART_BACK_UNDER) && !(RESTART_BACK_NO_SKEW && a.skewOn)) {
        memory.copy(shadowOf(a), a.wf, <usize>a.m * <usize>(8 * a.k));
        store<i32>(meta, max<i32>(1, <i32>(RESTART_BACK_MS * <f32>a.sampleRate / (1000 * <f32>a.b))));
        store<f32>(meta + 4, a.bestHeardDb);
        store<i32>(meta + 8, onset);
        store<i32>(meta + 12, a.offset);
        if (RESTART_BACK_MEASURED) memory.fill(shadowScratch(a), 0, 16);
        if (RESTART_SUP) store<i32>(shadowScratch(a) + 16, 1);
        if (HOOKS) trace_back(a, 1, a.bestHeardDb, 0, 0);
      } else {
        store<i32>(meta, 0);
        if (RESTART_SUP) store<i32>(shadowScratch(a) + 16, 0);
      }
    }
    setPrior(a);
    // the last snapshot of the converged foreground (keepModel) is offered to the relearning
    // background where it fits: at the next filter move (the onset jumped: a playout jump found
    // before the estimator moved; place) or where it is (a gain step there and back); a second
    // change right after the first keeps it
    a.keptModel = a.keptModel || a.keptFresh;
    a.keptFresh = false;
    memory.fill(a.wb, 0, <usize>a.m * <usize>(8 * a.k));
    a.settled = 0;
    if (<f32>a.overBlocks * <f32>a.b > limit && !(HOOKS && ab_veto(4096))) {
      memory.fill(a.wf, 0, <usize>a.m * <usize>(8 * a.k));
      a.sff = a.sdd;
      a.syf = 0;
    }
    a.relearning = true;
    a.movedModel = false; // (the background restarts: not the moved model)
    rv_off(a); // the late echo was the old model's
    // the onset had been right and may have jumped: the estimator follows a new one fast (dl_rearm);
    // not after a divergence before the filter converged (a wrong onset taken fast in the laptop's
    // quiet cold start at 24 kHz: 14.6 -> 10.2 dB, leaks 0 -> 1.9%)
    if (a.bestErle > 10) dl_rearm(a.delay);
    if (LATE_CHANGE) dl_late_changed(a.delay); // (mutedb33) a placed return's widening armed by this change (./aec-delay lateChanged)
    if (!(HOOKS && diverged && ab_veto(32))) a.relaxBlocks = <i32>(RELAX_MS * <f32>a.sampleRate / (1000 * <f32>a.b));
    // (hand34, RESTART_KEEP_LEAK) a louder error's change alone: the suppressor keeps its leakage
    const keepLeak = RESTART_KEEP_LEAK && !diverged && !emerged && !(<f32>a.misfitBlocks * <f32>a.b > limit) && !(<f32>a.overBlocks * <f32>a.b > limit);
    if (a.suppress && !(HOOKS && diverged && ab_veto(16)) && !keepLeak) {
      if (HOOKS && ab_veto(2048) && !sup_warm(a.sup)) sup_forget_leak(a.sup);
      else sup_forget(a.sup);
    }
    a.bestErle = 1;
    a.heardErleDb = 0;
    a.bestHeardDb = 0;
    a.fitNowDb = 0;
    a.fitPrevDb = 0;
    a.fitBlocks = 0;
    a.wrongBlocks = 0;
    a.misfitBlocks = 0;
    a.divergedBlocks = 0;
    a.overBlocks = 0;
    a.emergedBlocks = 0;
    a.unlearnedBlocks = 0;
    a.returnFit = 0;
    a.deadFit = false;
    a.shiftBlocks = 0;
    a.pathChanges++;
  }
  keepModel(a, heard);
  return heard;
}

/**
 * (cold23) The `emerged` rule's restart only for an echo that was not heard for HEARD_UNHEARD_MS or more of playback
 * since the filter last removed 3 dB (`unheardBlocks`: a muted speaker, headphones, a device switched, then the echo
 * back). An echo heard all along that the filter never learned is one the delay estimator had not placed yet (a
 * 400 ms kiosk past the 250 ms search, found by the widening at 2.8 s; a filter moved by a wrong change): the 0.15
 * bar (COHERENT_ECHO) then took it 20-180 ms after the placement, and the restart threw the placed filter's first
 * learning away; relearning from the prior it took the user's next words over the first reply (the quiet group's
 * kiosk 16 kHz 400 ms 6 dB cold start: double talk 88.3 -> 82.2%, openings median 75 -> 165 ms; the desk's moving
 * hand 90.4 -> 89.0%). There the suppressor forgets and the echo bound is a cold start's as before (the Bluetooth
 * kiosk 24 kHz 420 ms cold start's win, single talk 22.5 -> 41.8 dB, comes mostly from the forgetting: the restart
 * without it 36.7 dB), the filter is not restarted. `--use AEC_EMERGED_RESTART=1`: the restart for every emerged echo
 * (main 7627757's behaviour; docs/NOTES.md, cold23).
 */
// @ts-ignore: decorator
@inline const EMERGED_HEARD: bool = !isDefined(AEC_EMERGED_RESTART);
// @ts-ignore: decorator
@inline const HEARD_UNHEARD_MS: f32 = 1000;
/**
 * (cold23) ... and only where the filter was placed under this long ago (the three above: 20-180 ms). The desk's
 * +300 ms moved device switch at 5 s (switch21's group): placed 1.5 s before its emerged echo, the filter had relearned
 * under the user's talk flag since; without its restart single talk 38.6 -> 36.7 dB, leaks 0 -> 0.3%.
 */
// @ts-ignore: decorator
@inline const PLACED_MS: f32 = 500;

/** (onset19) The span, ms, of each of the two stretches over which holdFit keeps heardErleDb's best (0.5-1 s of it). */
// @ts-ignore: decorator
@inline const FIT_HOLD_MS: f32 = 500;

/**
 * (onset19) heardErleDb's best over the last 0.5-1 s (two stretches of FIT_HOLD_MS, the current and
 * the one before): ./aec-block place judges a later move by it (the foreground still removed the
 * echo just before the estimate's candidate arose), not by heardErleDb as it stands at the move.
 */
function holdFit(a: Aec): void {
  a.fitNowDb = max(a.fitNowDb, a.heardErleDb);
  a.fitBlocks++;
  if (<f32>a.fitBlocks * <f32>a.b * 1000 >= FIT_HOLD_MS * <f32>a.sampleRate) {
    a.fitPrevDb = a.fitNowDb;
    a.fitNowDb = a.heardErleDb;
    a.fitBlocks = 0;
  }
}

/** The foreground's best ERLE (ratio) under which a louder error is first tried as a shifted echo (15 dB). */
// @ts-ignore: decorator
@inline const SHIFT_BELOW: f32 = 31.6;
/** The shift must be at least this, samples, and under SHIFT_MAX (./aec-state) (the desk at -200 ppm at 2.1 s: 0.33, its restart kept: it delivers its user at 3.9 s). */
// @ts-ignore: decorator
@inline const SHIFT_MIN: f64 = 0.5;
/** Under a delay statistics' skew, a shift the skew's way from this many samples is the skew followed falling short (not taken). */
// @ts-ignore: decorator
@inline const SHIFT_AHEAD: f64 = 2;

/**
 * Adds this block's mic spectrum times the conjugate of the foreground's estimate's to shiftSpec
 * (2 FFTs; a louder block of a young filter only).
 */
function gatherShift(a: Aec): void {
  const k = a.k;
  const kb = <usize>k << 2;
  if (a.shiftBlocks == 0) {
    memory.fill(a.shiftSpec, 0, kb << 1);
    a.shiftDD = 0;
    a.shiftYY = 0;
  }
  pf_block_spectrum(a.micBlock, a.b, a.fft, a.tmp, a.work, a.sY, a.sY + kb);
  pf_block_spectrum(a.yf, a.b, a.fft, a.tmp, a.work, a.sE, a.sE + kb);
  for (let j = 0; j < k; j += 4) {
    const o = <usize>j << 2;
    const dr = v128.load(a.sY + o);
    const di = v128.load(a.sY + kb + o);
    const yr = v128.load(a.sE + o);
    const yi = v128.load(a.sE + kb + o);
    const sr = a.shiftSpec + o;
    const si = a.shiftSpec + kb + o;
    v128.store(sr, f32x4.add(v128.load(sr), f32x4.add(f32x4.mul(dr, yr), f32x4.mul(di, yi))));
    v128.store(si, f32x4.add(v128.load(si), f32x4.sub(f32x4.mul(di, yr), f32x4.mul(dr, yi))));
  }
  memory.fill(a.sE, 0, kb << 1); // (scratch others read past bin B: zero, as an FFT leaves it)
  a.shiftDD += <f64>energy(a.micBlock, a.b);
  a.shiftYY += <f64>energy(a.yf, a.b);
  a.shiftBlocks++;
}

/** The reply's heard blocks over which the returned model's lag is fitted, ms. */
// @ts-ignore: decorator
@inline const FIT_MS: f32 = 40;
/** The moved model's error over those blocks must be under this share of the unmoved one's. */
// @ts-ignore: decorator
@inline const FIT_GAIN: f64 = 0.8;
/** From this many heard blocks on, a lag whose moved model's error is under FIT_EARLY x the unmoved one's is taken at once (the echo passes while the model is fitted). */
// @ts-ignore: decorator
@inline const FIT_MIN_BLOCKS: i32 = 2;
// @ts-ignore: decorator
@inline const FIT_EARLY: f64 = 0.5;

/**
 * (young20) The share of the gathered cross-spectrum's magnitude in phase at the fitted lag that a fit after a dead
 * stretch needs (the week's medium room's echo slid 10-19 samples: 0.87-0.93 over its first 2-9 heard blocks, 0.88-0.97
 * over the 11 louder ones; unmoved 0.39 to -0.44).
 */
// @ts-ignore: decorator
@inline const DEAD_FIT_COHERE: f64 = 0.85;
/** (young20) Its heard blocks, ms at most (a louder error over 80 ms is a path change: ./detectPathChange's limit). */
// @ts-ignore: decorator
@inline const DEAD_FIT_MS: f32 = 72;

/**
 * (aec-pause15) The model a pause's movement returned (./aec-skew: applyPending), fitted to the
 * reply's first FIT_MS of heard blocks without the user: the lag (within a.returnFit samples) at
 * which the foreground's estimate matches the mic best (takeShift's cross-correlation). Over a
 * pause nothing corrects the skew followed: read 1-4% off, it left the soak's model 1.8-7.3 samples
 * from the echo after 1-2 minutes at 100 ppm (at 24 kHz 4 samples turn 1 kHz by 60 degrees: the reply's
 * first echo passed, a path change relearned the filter; the living room 20.4-22.6 dB, now 30.6-31.0).
 * Where the moved model's error is under FIT_GAIN x the unmoved one's, both filters (and the kept
 * model) move by that lag.
 */
function fitReturn(a: Aec): void {
  gatherShift(a);
  if (a.shiftBlocks < FIT_MIN_BLOCKS) return;
  const range = a.returnFit;
  const tau = bestLag(a, range);
  const moved = a.shiftDD + a.shiftYY - 2 * crossAt(a, tau);
  const still = a.shiftDD + a.shiftYY - 2 * crossAt(a, 0);
  const lag = Math.abs(tau) >= SHIFT_MIN && Math.abs(tau) < <f64>range;
  // (young20) after a dead stretch, whose range may pass SHIFT_MAX: the cross-spectrum turned by the lag must also stand
  // in phase, DEAD_FIT_COHERE of its magnitude (the echo slid, not another room's), over up to DEAD_FIT_MS of blocks
  const fits = !a.deadFit || crossAt(a, tau) > DEAD_FIT_COHERE * crossMagnitude(a);
  const last = <f32>a.shiftBlocks * <f32>a.b * 1000 >= (a.deadFit ? DEAD_FIT_MS : FIT_MS) * <f32>a.sampleRate;
  if (!last && !(lag && moved < FIT_EARLY * still && fits)) return;
  a.returnFit = 0;
  a.shiftBlocks = 0;
  const dead = a.deadFit;
  a.deadFit = false;
  const take = lag && moved < FIT_GAIN * still && fits;
  if (HOOKS) trace_shift(a, <f32>tau, <f32>(10 * Math.log10(a.shiftDD / moved)), <f32>(10 * Math.log10(a.shiftDD / still)), take);
  if (!take) return;
  flushDrift(a);
  sk_move(a, a.wf, tau);
  sk_move(a, a.wb, tau);
  a.keptMoved += tau; // (the kept model's frame: the echo's true movement)
  a.settled = 0;
  a.snapOffset = -1; // (./aec-skew: the weights moved by more than the skew explains)
  a.returnFits++;
  if (dead) a.wrongBlocks = 0; // (young20) the louder run was the slid echo's: no path change counted on it
}

/** The lag within +-range samples at which the gathered cross-spectrum peaks, refined between lags. */
function bestLag(a: Aec, range: i32): f64 {
  let best: f64 = -Infinity;
  let at = 0;
  for (let l = -range; l <= range; l++) {
    const c = crossAt(a, <f64>l);
    if (c > best) {
      best = c;
      at = l;
    }
  }
  const lo = crossAt(a, <f64>(at - 1));
  const hi = crossAt(a, <f64>(at + 1));
  const curve = lo - 2 * best + hi;
  return curve < 0 ? <f64>at + 0.5 * (lo - hi) / curve : <f64>at;
}

/** (young20) Over the gathered blocks: the cross-spectrum's magnitude, crossAt's scale (what crossAt would read were every bin in phase). */
function crossMagnitude(a: Aec): f64 {
  const kb = <usize>a.k << 2;
  let sum: f64 = 0;
  for (let j = 0; j <= a.b; j++) {
    const w: f64 = j == 0 || j == a.b ? 1 : 2;
    const re = <f64>load<f32>(a.shiftSpec + (<usize>j << 2));
    const im = <f64>load<f32>(a.shiftSpec + kb + (<usize>j << 2));
    sum += w * Math.sqrt(re * re + im * im);
  }
  return sum / <f64>a.n;
}

/** Over the gathered blocks: the mic's product with the foreground's estimate moved `tau` samples later (Parseval: the cross-spectrum turned). */
function crossAt(a: Aec, tau: f64): f64 {
  const kb = <usize>a.k << 2;
  const step = 2 * Math.PI * tau / <f64>a.n;
  const c = Math.cos(step);
  const s = Math.sin(step);
  let re: f64 = 1;
  let im: f64 = 0;
  let sum: f64 = 0;
  for (let j = 0; j <= a.b; j++) {
    const w: f64 = j == 0 || j == a.b ? 1 : 2;
    sum += w * (<f64>load<f32>(a.shiftSpec + (<usize>j << 2)) * re - <f64>load<f32>(a.shiftSpec + kb + (<usize>j << 2)) * im);
    const t = re * c - im * s;
    im = re * s + im * c;
    re = t;
  }
  return sum / <f64>a.n;
}

/**
 * A louder error of a young filter (under 15 dB; no skew followed, or only the delay statistics')
 * whose estimate matches the mic best SHIFT_MIN..SHIFT_MAX samples away (the peak of their
 * cross-correlation over the louder blocks, refined between lags): the echo moved and the filter
 * fell behind it, a clock skew before it is followed (the laptop at +200 ppm at 2.1 s: 3.1 samples
 * the skew's way; the desk at -200 ppm at 4.8 s: 8.3).
 * Then not a path change: the background's uncertainty back to the prior (its steps open again, its
 * weights and the suppressor's learning kept), and the filter's line held (./aec-skew: sk_hold).
 * Moving both filters by the shift too fitted no better (the moved model's error 0.4-3 dB under
 * the unmoved one's, still over the mic) and cost the laptop at +100 ppm 5 dB of its first window.
 * Also while the delay statistics' skew is followed (before the filter's line has judged): a
 * proposal near the true skew leaves the echo within a sample or two of the turned model, one far
 * under it (the laptop at +200 ppm: 43%) leaves it SHIFT_AHEAD or more ahead the skew's way (3-11
 * samples there). Such a shift is no drift to take: the filter restarts as before (that restart
 * is what converges the filter's line, aec-drift5) and the delay statistics' proposals are taken
 * further from now on (./aec-skew: sk_boost; the laptop at +200 ppm's 30-60 s 29.0 -> 30.9 dB).
 */
function takeShift(a: Aec): bool {
  const tau = bestLag(a, SHIFT_MAX);
  // under a skew the delay statistics proposed, the echo still ahead of the turned model the skew's
  // way by SHIFT_AHEAD or more: the skew followed is short of the true one (not taken)
  const ahead = a.skewOn && <f64>a.skew * tau > 0 && Math.abs(tau) >= SHIFT_AHEAD && Math.abs(tau) < <f64>SHIFT_MAX;
  const take = Math.abs(tau) >= SHIFT_MIN && Math.abs(tau) < <f64>SHIFT_MAX && !ahead;
  if (HOOKS) {
    // the moved and the unmoved model's ERLE over the louder blocks
    const moved = a.shiftDD / (a.shiftDD + a.shiftYY - 2 * crossAt(a, tau));
    const still = a.shiftDD / (a.shiftDD + a.shiftYY - 2 * crossAt(a, 0));
    trace_shift(a, <f32>tau, <f32>(10 * Math.log10(moved)), <f32>(10 * Math.log10(still)), take);
  }
  if (ahead) sk_boost(a);
  if (!take) return false;
  setPrior(a);
  sk_hold(a);
  a.shifts++;
  return true;
}

/**
 * (aec-moving18, not kept: off in the release build, a bench-hook variant only) A louder error while
 * no clock skew is followed judged as a device moving (takeMove) before it is a path change (bench
 * hook 131072; with 524288 only past SHIFT_BELOW, where takeShift is not tried). Under a skew followed
 * the louder error is the sign that the skew followed is off (the 4-hour 24 kHz soak's laptop at
 * -100 ppm: the skew followed -195 / -185 / -168 ppm at its louder errors at 7.9 / 20.7 / 37.2 s; the
 * restart is what brings its line to the true skew, aec-moving17) and the desk's 16 kHz mSBC call at
 * +97 (8 ppm followed at 12.1 s): every louder-error change of those three had a skew on, every one
 * of the hand-held mic's none. The variant 655360 lifted the 16 kHz hand-held mic at 18 dB 17.9 ->
 * 31.3 dB but its double talk 90.4 -> 82.6%; with 131072 alone the 24 kHz one at 18 dB fell 31.2 ->
 * 18.9 dB (docs/NOTES.md, aec-moving18).
 */
function moveJudged(a: Aec): bool {
  return ab_veto(131072) && !a.skewOn && !(ab_veto(524288) && a.bestErle < SHIFT_BELOW);
}

/** (hooks) A moving device's echo is fitted within this many ms either way (a hand-held mic swayed 0.5 m: 1.5 ms). */
// @ts-ignore: decorator
@inline const MOVE_MS: f32 = 2;
/** (hooks) The estimate moved to the fitted lag must leave under this share of the error the unmoved one leaves (the hand-held mic at 16 kHz 18 dB: 0.31). */
// @ts-ignore: decorator
@inline const MOVE_GAIN: f64 = 0.5;

/**
 * (aec-moving18, hooks only) A louder error whose estimate, moved MOVE_MS or less, leaves under
 * MOVE_GAIN x the error of the unmoved one: taken as the device moved by centimetres, not a path
 * change (no restart; with bench hook 262144 the background's steps opened too, as takeShift).
 */
function takeMove(a: Aec): bool {
  const range = <i32>(MOVE_MS * <f32>a.sampleRate / 1000);
  const tau = bestLag(a, range);
  const moved = a.shiftDD + a.shiftYY - 2 * crossAt(a, tau);
  const still = a.shiftDD + a.shiftYY - 2 * crossAt(a, 0);
  const take = Math.abs(tau) < <f64>range && moved < MOVE_GAIN * still;
  if (HOOKS) trace_shift(a, <f32>tau, <f32>(10 * Math.log10(a.shiftDD / moved)), <f32>(10 * Math.log10(a.shiftDD / still)), take);
  if (!take) return false;
  if (HOOKS && ab_veto(262144)) setPrior(a);
  a.shifts++;
  return true;
}

/**
 * The reference is arriving at the mic: the block the echo's direct path brings now (at the
 * estimated onset, or the block after it) was playing. A path change at the end of a reply shows
 * in the echo's last ~100 ms only, after the reference stopped (the lab's changes at 8 s: found
 * after the next reply started, 1.2-1.8 s late).
 */
export function arriving(a: Aec): bool {
  const onset = dl_onset(a.delay);
  if (onset < 0) return false;
  const at = (a.head + onset) % a.slots;
  const next = at + 1 == a.slots ? 0 : at + 1;
  return max(load<f32>(a.xe + (<usize>at << 2)), load<f32>(a.xe + (<usize>next << 2))) > 1.0e-6 * <f32>a.b;
}

/**
 * The reply's echo is rising at the mic: a reference block the echo's direct path brings about now
 * (the estimated onset, a block before it to ONSET_SPAN - 2 after: the estimate and the true direct path
 * differ by a block or two) stands ONSET_RISE x over the mean of the ONSET_BLOCKS blocks that arrived
 * before them (a reply resuming after a pause, a loud passage). The suppressor starts a presence on
 * it only as it does once warm (./aec-suppress).
 */
export function rising(a: Aec): bool {
  if (!readOnsetWindow(a)) return false;
  return onsetNow > 1.0e-6 * <f32>a.b && onsetNow > ONSET_RISE * onsetBefore / <f32>ONSET_BLOCKS;
}

/**
 * (knife25) How far the reference blocks the echo's direct path brings about now (as `rising` reads them) stand
 * over the mean of the ONSET_BLOCKS before them, dB (-100 before the first onset or with those blocks silent).
 */
export function onsetRiseDb(a: Aec): f32 {
  if (!readOnsetWindow(a) || !(onsetNow > 1.0e-6 * <f32>a.b)) return -100;
  return <f32>10 * Mathf.log10(onsetNow / (onsetBefore / <f32>ONSET_BLOCKS + <f32>1.0e-20));
}

/**
 * (rise30; not with `--use AEC_UNPLACED_RISE_OFF=1`) Before a first onset: the reference's rise (dB, as onsetRiseDb reads it)
 * at the delay statistics' provisional onset, the candidate's (held or not) or else the profile's peak lag (-100: none
 * yet, or those blocks silent). The suppressor's presence opened on an unplaced filter's echo as the reply rose (the
 * echo-only C grid at 1.5 s + 1 quantum).
 */
export function unplacedRiseDb(a: Aec, lag: i32): f32 {
  if (lag < 0) return -100;
  const first = (a.head + max(0, lag - 1)) % a.slots;
  let now: f32 = 0;
  for (let i = 0; i < ONSET_SPAN; i++) now = max(now, load<f32>(a.xe + (<usize>((first + i) % a.slots) << 2)));
  let before: f32 = 0;
  for (let i = ONSET_SPAN; i < ONSET_SPAN + ONSET_BLOCKS; i++) before += load<f32>(a.xe + (<usize>((first + i) % a.slots) << 2));
  if (!(now > 1.0e-6 * <f32>a.b)) return -100;
  return <f32>10 * Mathf.log10(now / (before / <f32>ONSET_BLOCKS + <f32>1.0e-20));
}

/** What `readOnsetWindow` read: the loudest reference block about the onset, and the sum of the ONSET_BLOCKS before them. */
let onsetNow: f32 = 0;
let onsetBefore: f32 = 0;

/** The reference blocks about the echo's onset and before it, into onsetNow / onsetBefore (`rising`, `fading`); false before the first onset. */
function readOnsetWindow(a: Aec): bool {
  const onset = dl_onset(a.delay);
  if (onset < 0) return false;
  const first = (a.head + max(0, onset - 1)) % a.slots;
  let now: f32 = 0;
  for (let i = 0; i < ONSET_SPAN; i++) now = max(now, load<f32>(a.xe + (<usize>((first + i) % a.slots) << 2)));
  let before: f32 = 0;
  for (let i = ONSET_SPAN; i < ONSET_SPAN + ONSET_BLOCKS; i++) before += load<f32>(a.xe + (<usize>((first + i) % a.slots) << 2));
  onsetNow = now;
  onsetBefore = before;
  return true;
}

/**
 * The reply's echo is fading at the mic: the reference blocks the echo's direct path brings about
 * now (as `rising` reads them) stand ONSET_RISE x under the mean of the ONSET_BLOCKS that arrived
 * before them (a reply's last syllables, its end): the mic is then mostly the room's decay of what
 * played before, which a young filter's loosely learned later partitions overestimate.
 */
export function fading(a: Aec): bool {
  if (!readOnsetWindow(a)) return false;
  return ONSET_RISE * onsetNow < onsetBefore / <f32>ONSET_BLOCKS;
}

/** Energy of partition q of the filter w (its K complex bins). */
function partitionEnergy(w: usize, k: i32, q: i32): f32 {
  return energy(w + <usize>q * <usize>(8 * k), 2 * k);
}

/**
 * Offers the background the snapshot kept before the last path change, shifted by `by` partitions
 * (the onset's move since), or one partition either side: whichever lays the kept model's energy
 * per partition best over what the background has relearned since the change (the onset is read
 * at a block's resolution while it settles: the laptop's 40 ms jump read as 4 blocks of 5 at first),
 * if the two then correlate (KEPT_FIT: the same room, moved; not another room).
 * Before the background removes 1 dB there is nothing to lay it over: nothing offered (a move in
 * the block after the change, on an onset not yet settled, placed it a block off: a second path
 * change in the laptop's 40 ms jump at 40 s).
 */
export function offerKept(a: Aec, by: i32): bool {
  if (!(a.sbb < 0.8 * a.sdd)) {
    if (HOOKS) trace_kept(-1, by);
    return false;
  }
  if (a.keptMoved != 0) {
    sk_move(a, a.wkept, a.keptMoved); // the skew moved the echo since it was kept
    a.keptMoved = 0;
  }
  let best: f32 = 0;
  let bestBy = 0;
  for (let s = by - 1; s <= by + 1; s++) {
    let score: f32 = 0;
    for (let q = max(0, -s); q < min(a.m, a.m - s); q++) score += partitionEnergy(a.wb, a.k, q) * partitionEnergy(a.wkept, a.k, q + s);
    if (score > best) {
      best = score;
      bestBy = s;
    }
  }
  if (!(best > 0)) return false;
  const fit = keptFit(a, bestBy);
  if (HOOKS) trace_kept(fit, bestBy);
  if (!(fit > KEPT_FIT)) return false;
  const spec = <usize>(8 * a.k);
  flushDrift(a);
  memory.copy(a.wb, a.wkept, <usize>a.m * spec);
  pf_shift(a.wb, a.m, spec, bestBy);
  a.settled = 0;
  // (aec-dtpath2) the suppressor's leakage back to the kept model's
  if (a.suppress && sup_relearning(a.sup)) sup_restore_leak(a.sup);
  return true;
}

/**
 * The converged foreground kept (every 64 blocks while it removes 10 dB of a heard echo without the
 * user; turned by the skew's movement since when offered); after a path change, every 8th block
 * while the background relearns and the foreground has not reached 10 dB, offered to it where it
 * is: the mic clipping for 10 s (26 dB too much gain, there and back) left the foreground 26 dB too
 * loud, the path change restarted it, and the living room's filter took 5 s to relearn (the call
 * after it 21.9 dB, 0.4% leaks; with the snapshot 30.2 dB, 0%).
 */
export function keepModel(a: Aec, heard: bool): void {
  const onset = dl_onset(a.delay);
  if ((a.blocks & 63) == 0 && heard && !a.talking && onset >= 0 && a.bestErle > 10 && <f32>10 * a.sff < a.sdd) {
    memory.copy(a.wkept, a.wf, <usize>a.m * <usize>(8 * a.k));
    a.keptOnset = onset;
    a.keptOffset = a.offset;
    a.keptMoved = 0;
    a.keptFresh = true;
    if (a.suppress) sup_keep_leak(a.sup); // (aec-dtpath2) the suppressor's leakage and reference predictors with it
  }
  if (!a.keptModel || !(a.relearning || KEEP_MOVED) || (a.blocks & 7) != 0) return;
  if (a.bestErle >= 10) a.keptModel = false;
  else if (onset >= 0 && offerKept(a, a.offset - a.keptOffset - (onset - a.keptOnset))) a.keptModel = false;
}

/**
 * (living20; `--use AEC_KEEP_MOVED_OFF=1`: main 1ff523b's, the snapshot dropped at every move) The snapshot survives a filter move: one without a
 * path change pending keeps it (keptFresh), one after a change to within a block of the onset it was kept at, before
 * the relearning background removed 1 dB (offerKept had nothing to lay it over), leaves it offered (keptModel), and
 * keepModel offers it every 8th block until the foreground reaches 10 dB, moved or not (it lays it by the offsets and
 * onsets it was kept at). The week's
 * living room after the clipping at 48.3 h: an early move as the mic came back (onset 56 -> 24 ms, the echo at 66)
 * dropped the snapshot, and the misfit's change 1.1 s later re-armed the onset (24 -> 56) and moved again.
 */
// @ts-ignore: decorator
@inline export const KEEP_MOVED: bool = !isDefined(AEC_KEEP_MOVED_OFF);

/**
 * The kept model is offered when its weights, shifted, correlate with the relearned background's
 * over this (the real part of their normalised inner product): 0.30-0.49 after the laptop's 40 ms
 * playout jumps, 0.18-0.24 after the living room's clipping mic (the snapshot turned by the skew
 * since: unturned, 8+ samples off at 50 ppm, -0.16..0.02), -0.001-0.027 after the soak's moves to
 * another room (offered there, it cost the new room's first window 2-5 points of double talk).
 */
// @ts-ignore: decorator
@inline const KEPT_FIT: f32 = 0.15;

/** The normalised correlation of the background's weights with the kept model shifted by `by` partitions. */
function keptFit(a: Aec, by: i32): f32 {
  const k = a.k;
  const spec = <usize>(8 * k);
  const im = <usize>k << 2;
  let xy: f32 = 0;
  let xx: f32 = 0;
  let yy: f32 = 0;
  for (let q = max(0, -by); q < min(a.m, a.m - by); q++) {
    const w = a.wb + <usize>q * spec;
    const v = a.wkept + <usize>(q + by) * spec;
    let cxy = f32x4.splat(0);
    let cxx = f32x4.splat(0);
    let cyy = f32x4.splat(0);
    for (let j = 0; j < k; j += 4) {
      const o = <usize>j << 2;
      const wr = v128.load(w + o);
      const wi = v128.load(w + o + im);
      const vr = v128.load(v + o);
      const vi = v128.load(v + o + im);
      cxy = f32x4.add(cxy, f32x4.add(f32x4.mul(wr, vr), f32x4.mul(wi, vi)));
      cxx = f32x4.add(cxx, f32x4.add(f32x4.mul(wr, wr), f32x4.mul(wi, wi)));
      cyy = f32x4.add(cyy, f32x4.add(f32x4.mul(vr, vr), f32x4.mul(vi, vi)));
    }
    xy += hsum(cxy);
    xx += hsum(cxx);
    yy += hsum(cyy);
  }
  return xy / Mathf.sqrt(xx * yy + <f32>1.0e-30);
}

/**
 * (hand34, a trial; off, compiled out: `--use AEC_RESTART_KEEP_LEAK=1`) A louder error's change alone (as RESTART_BACK's)
 * leaves the suppressor's leakage as it was (no sup_forget). The desk's 16 kHz hand-held mic at 18 dB: its restart at
 * 3.19 s forgot the leakage and the relearning passed echo (29.3 dB; the change not taken at all 31.4); without the
 * forgetting 31.2 dB, double talk as before (hooked ablation, shift 0).
 */
// @ts-ignore: decorator
@inline const RESTART_KEEP_LEAK: bool = isDefined(AEC_RESTART_KEEP_LEAK);

/**
 * (hand34, ./aec-state RESTART_BACK) Per heard block without the user while a louder error's trial runs: at its end,
 * the relearned filter's best heard ERLE under the old one's (less RESTART_BACK_DB) gives the background the shadow
 * back, laid by the onset's move since (as keepModel lays the kept model).
 */
function backTrial(a: Aec): void {
  const meta = shadowMeta(a);
  const left = load<i32>(meta);
  if (left <= 0) return;
  store<i32>(meta, left - 1);
  const onset = dl_onset(a.delay);
  const spec = <usize>(8 * a.k);
  if (RESTART_BACK_MEASURED) {
    // (hand35) the last RESTART_BACK_MEASURE_MS: the shadow, laid where the background sits now, filters this block
    const window = max<i32>(1, <i32>(RESTART_BACK_MEASURE_MS * <f32>a.sampleRate / (1000 * <f32>a.b)));
    if (left <= window && onset >= 0 && !a.skewOn && a.nRuns > 0 && !(a.zeroFrames >= a.offset + a.m)) {
      const by = a.offset - load<i32>(meta + 12) - (onset - load<i32>(meta + 8));
      if (by != 0) {
        pf_shift(shadowOf(a), a.m, spec, by);
        store<i32>(meta + 8, onset);
        store<i32>(meta + 12, a.offset);
      }
      const sc = shadowScratch(a);
      const kb = <usize>(4 * a.k);
      const ys = sc + 32;
      const yt = ys + 2 * spec + 3 * kb;
      kf_filter_residual(shadowOf(a), shadowOf(a), ys, ys + spec, a.x, a.unc, a.m, a.runs, a.nRuns, a.k, a.profile, ys + spec, ys + spec + kb, ys + spec + 2 * kb);
      pf_last_half(ys, ys + kb, a.b, a.fft, a.tmp, a.work, yt);
      let es: f32 = 0;
      for (let i = 0; i < a.b; i++) {
        const e = load<f32>(a.micBlock + (<usize>i << 2)) - load<f32>(yt + (<usize>i << 2));
        es += e * e;
      }
      store<f32>(sc, load<f32>(sc) + es);
      store<f32>(sc + 4, load<f32>(sc + 4) + energy(a.eb, a.b));
      store<i32>(sc + 8, load<i32>(sc + 8) + 1);
      store<f32>(sc + 12, load<f32>(sc + 12) + energy(a.micBlock, a.b));
    }
  }
  if (left > 1) return;
  if (RESTART_BACK_MEASURED) {
    // given back only if the shadow's error over the window stood under the background's (and, as before, the
    // relearned filter's best heard ERLE under the old one's)
    const sc = shadowScratch(a);
    const measured = load<i32>(sc + 8) > 0 && load<f32>(sc) < load<f32>(sc + 4) && a.bestHeardDb < load<f32>(meta + 4) - RESTART_BACK_DB;
    if (HOOKS) trace_back(a, onset < 0 ? 4 : measured ? 3 : 2, <f32>10 * Mathf.log10(load<f32>(sc + 4) / max<f32>(load<f32>(sc), 1e-30)), a.bestHeardDb, <f32>10 * Mathf.log10(load<f32>(sc + 12) / max<f32>(load<f32>(sc), 1e-30)));
    if (onset < 0 || !measured) return;
  } else {
    if (HOOKS) trace_back(a, onset < 0 ? 4 : a.bestHeardDb < load<f32>(meta + 4) - RESTART_BACK_DB ? 3 : 2, load<f32>(meta + 4), a.bestHeardDb, 0);
    if (onset < 0 || !(a.bestHeardDb < load<f32>(meta + 4) - RESTART_BACK_DB)) return;
  }
  flushDrift(a);
  memory.copy(a.wb, shadowOf(a), <usize>a.m * spec);
  const by = a.offset - load<i32>(meta + 12) - (onset - load<i32>(meta + 8));
  if (by != 0) pf_shift(a.wb, a.m, spec, by);
  a.settled = 0;
}

/**
 * (hand35, RESTART_SUP: a probe) The shadow's echo estimate for the suppressor (time domain, in the scratch), or 0:
 * while a louder error's restart holds a shadow and the relearned filter's best heard ERLE stays under RESTART_SUP_DB,
 * where the shadow's estimate is louder than `echo` (the foreground's).
 */
export function shadowEcho(a: Aec, echo: usize): usize {
  if (!RESTART_SUP) return 0;
  const sc = shadowScratch(a);
  if (load<i32>(sc + 16) == 0) return 0;
  if (a.bestHeardDb >= RESTART_SUP_DB) {
    store<i32>(sc + 16, 0);
    return 0;
  }
  const onset = dl_onset(a.delay);
  if (onset < 0 || a.nRuns <= 0 || a.zeroFrames >= a.offset + a.m) return 0;
  const meta = shadowMeta(a);
  const spec = <usize>(8 * a.k);
  const by = a.offset - load<i32>(meta + 12) - (onset - load<i32>(meta + 8));
  if (by != 0) {
    pf_shift(shadowOf(a), a.m, spec, by);
    store<i32>(meta + 8, onset);
    store<i32>(meta + 12, a.offset);
  }
  const kb = <usize>(4 * a.k);
  const ys = sc + 32;
  const yt = ys + 2 * spec + 3 * kb;
  kf_filter_residual(shadowOf(a), shadowOf(a), ys, ys + spec, a.x, a.unc, a.m, a.runs, a.nRuns, a.k, a.profile, ys + spec, ys + spec + kb, ys + spec + 2 * kb);
  pf_last_half(ys, ys + kb, a.b, a.fft, a.tmp, a.work, yt);
  return energy(yt, a.b) > energy(echo, a.b) ? yt : 0;
}
