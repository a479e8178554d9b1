// Path changes of the echo canceller (./aec-block): when the filter's model no longer matches the
// room (a moved device, a playout jump, a filter that diverged on the user, an echo that appears
// after playing unheard), the background restarts as at a cold start. Per block, no allocation.

import { dl_onset, dl_peak, dl_rearm } from "./aec-delay";
import { sup_forget } from "./aec-suppress";
import { rv_off } from "./aec-reverb";
import { Aec, setPrior, ECHO_GAIN, COPY_ABOVE_NOISE, RELAX_MS, MISFIT, MISFIT_AFTER, COHERENT_ECHO } from "./aec-state";

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
 * filter is not determined outside its band.
 * A third rule catches an echo that appears after the reference played unheard (below); it also
 * puts the echo bound back where a cold start has it.
 */
export function detectPathChange(a: Aec, playing: bool): void {
  if (a.sff > 0 && a.sdd > 0) a.bestErle = max(a.bestErle, a.sdd / a.sff);
  const heard = playing && !a.narrowband && a.sdd > COPY_ABOVE_NOISE * a.sddFloor;
  // the error louder than the mic; or, for a filter that had removed 20 dB, its estimate and its
  // error adding up to well over the mic while it removes under 4 dB: they are anti-correlated,
  // the estimate is the echo of another room (in double talk with the right model they add up
  // to the mic: the user is not correlated with the estimate)
  const louder = a.sff > 1.1 * a.sdd;
  const judged = heard && !a.talking && a.bestErle > 10;
  if (judged && louder) a.wrongBlocks++;
  else a.wrongBlocks = 0;
  // (a misfit counts up while it holds, down while it does not: an ERLE wavering about 3 dB)
  const misfit = a.bestErle > MISFIT_AFTER && a.sff > 0.4 * a.sdd && a.syf + a.sff > MISFIT * a.sdd;
  if (!judged) a.misfitBlocks = 0;
  else if (misfit) a.misfitBlocks++;
  else if (a.misfitBlocks > 0) a.misfitBlocks--;
  // an echo estimate twice the whole mic is wrong whoever talks: the filter diverged (it learned
  // the user at a cold start) or the room changed; the foreground starts again from zero too
  if (heard && a.syf > 2 * a.sdd) a.divergedBlocks++;
  else a.divergedBlocks = 0;
  // an echo the filter never learned: the reference played for 2 s without the filter ever removing
  // 3 dB (since the start or the last change), and now the mic is mostly the reference's echo
  // (coherence). It had played unheard (a canceller in front of ours removed it, the speaker was
  // muted, headphones were unplugged): meanwhile the uncertainty collapsed and the echo bound fell
  // to the silence, and the filter could not learn it (muted 6 s: leaks 70% for the next 8 s)
  if (playing && a.bestErle < 2) a.unlearnedBlocks++;
  else if (a.bestErle >= 2) a.unlearnedBlocks = 0;
  const armed = <f32>a.unlearnedBlocks * <f32>a.b > 2 * <f32>a.sampleRate;
  if (heard && armed && dl_peak(a.delay) > COHERENT_ECHO) a.emergedBlocks++;
  else a.emergedBlocks = 0;
  const limit = 0.08 * <f32>a.sampleRate;
  const diverged = <f32>a.divergedBlocks * <f32>a.b > limit;
  const emerged = <f32>a.emergedBlocks * <f32>a.b > limit;
  if (emerged) a.gainDb = <f32>10 * Mathf.log10(ECHO_GAIN); // the bound as at a cold start
  if (diverged || emerged || <f32>max(a.wrongBlocks, a.misfitBlocks) * <f32>a.b > limit) {
    setPrior(a);
    // a model that had removed 10 dB is kept: if the filter then moves (the onset jumped: a playout
    // jump found before the estimator moved), the background is offered it at the new onset (place)
    a.keptModel = !diverged && a.bestErle > 10 && dl_onset(a.delay) >= 0;
    if (a.keptModel) {
      memory.copy(a.wkept, a.wf, <usize>a.m * <usize>(8 * a.k));
      a.keptOnset = dl_onset(a.delay);
      a.keptOffset = a.offset;
    }
    memory.fill(a.wb, 0, <usize>a.m * <usize>(8 * a.k));
    if (diverged) {
      memory.fill(a.wf, 0, <usize>a.m * <usize>(8 * a.k));
      a.sff = a.sdd;
      a.syf = 0;
    }
    a.relearning = true;
    rv_off(a); // the late echo was the old model's
    // the onset had been right and may have jumped: the estimator follows a new one fast (dl_rearm);
    // not after a divergence before the filter converged (a wrong onset taken fast in the laptop's
    // quiet cold start at 24 kHz: 14.6 -> 10.2 dB, leaks 0 -> 1.9%)
    if (a.bestErle > 10) dl_rearm(a.delay);
    a.relaxBlocks = <i32>(RELAX_MS * <f32>a.sampleRate / (1000 * <f32>a.b));
    if (a.suppress) sup_forget(a.sup);
    a.bestErle = 1;
    a.wrongBlocks = 0;
    a.misfitBlocks = 0;
    a.divergedBlocks = 0;
    a.emergedBlocks = 0;
    a.unlearnedBlocks = 0;
    a.pathChanges++;
  }
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
