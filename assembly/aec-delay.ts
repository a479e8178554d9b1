// Echo delay estimator for the echo canceller (./echo-canceller): where, in blocks, the echo of the
// reference starts in the mic, so that the adaptive filter can be placed there (a filter that only
// spans the echo converges about twice as fast as one that also spans 250 ms of possible delay).
//
// How: for every lag l (in blocks of B, 0..lags-1) and every bin k of a speech band (150-3000 Hz),
// the cross-spectrum C_l(k) = <conj(X_{b-l}(k)) D_b(k)> of the mic frame D_b and the reference frame
// l blocks older X_{b-l} (both 2B-sample frames, hop B; the reference spectra are the canceller's
// history), and the powers <|X_{b-l}(k)|^2>, <|D_b(k)|^2>, smoothed over ~0.25 s. The lag profile is
// the mean over the band of the magnitude-squared coherence |C_l|^2 / (Pxx_l Pdd): the share of the
// mic explained by the reference l blocks back, in each bin. Reverberation spreads it over the lags
// of the tail; the user's voice lowers it at every lag alike. The onset is the first lag whose
// coherence is within 4.5 dB (x 0.35) of the peak's, accepted once the peak stands out of the
// profile's mean (x 3) and the onset stays put (+-1 lag) for `confirmBlocks` blocks; moved once it
// holds 4x as long, or after a declared path change as fast as REARM_CONFIRM (dl_rearm). A first onset
// taken from a peak at a lag the reference reached under two smoothing time constants before is
// provisional, and judged again once that peak is mature (recheck). In a tail of seconds a first
// onset is no later than the step of the profile averaged over seconds (stepOnset).
// Resolution: one block (frames overlap by half, so a delay between two lags shows at both).
// Reference: G. C. Carter, "Coherence and time delay estimation", Proc. IEEE 75(2), 1987.
// Updated every second block (the canceller's choice: half the cost; the smoothing spans 30 blocks).
// Latency: none; decisions follow the smoothing (~0.25 s of reference speech).
import { normalOrZero } from "./shared";

@unmanaged class Delay {
  lags: i32; // lags with statistics (the whole history)
  searchLags: i32; // lags searched for the onset
  initialLags: i32; // searchLags at the start (a reset returns to it)
  reachLags: i32; // searchLags once the echo is seen past them (dl_beyond: widened once)
  windowLags: i32; // the filter's window, lags (the canceller's m: lags = m + maxLag + 1, reachLags = maxLag + 2)
  k0: i32; // first bin of the band
  nb: i32; // bins in the band (multiple of 4)
  candidate: i32;
  candidateBlocks: i32;
  onset: i32; // accepted onset lag, -1 before the first
  peakLag: i32;
  confirmBlocks: i32;
  rearmed: i32; // updates with echo left after a path change in which a new onset is confirmed fast (dl_rearm)
  unplaced: i32; // updates with echo heard before the first onset (a long tail: LONG_TAIL_UPDATES)
  unheard: i32; // updates with echo in a row, none heard, not yet counted in `unplaced` (UNHEARD_UPDATES)
  recheck: i32; // the provisional onset's mature candidate (-1: none)
  recheckBlocks: i32; // updates it held
  provisionalEcho: i32; // updates with echo the provisional onset has stood (its recheck's floor: RECHECK_FLOOR)
  provisional: i32; // 1: the onset was first taken from a young peak lag (fewer than `mature` updates of statistics): re-judged once one is mature
  mature: i32; // updates after which a lag's statistics span two smoothing time constants (2 / alpha)
  alpha: f32;
  peak: f32;
  mean: f32;
  cRe: usize; // f32[lags][nb]
  cIm: usize;
  pxx: usize; // f32[lags][nb]
  pdd: usize; // f32[nb]
  profile: usize; // f32[lags]
  ages: usize; // i32[lags]: updates each lag has had a reference with statistics (0: none), up to `mature`
  fresh: usize; // i32[lags]: (aec-onset16) low 16 bits: updates since each lag's reference resumed after a pause (`mature` updates all +0 in a row), up to `mature`; high 16 bits: that run of silent updates, up to `mature`
  slow: usize; // f32[lags]: the profile's mean over the updates since the first with echo, over the last SLOW_UPDATES at most (before a first onset)
  slowN: i32; // updates in it (up to SLOW_UPDATES)
  snapLag: i32; // lag of the kept cross-spectrum (dl_snapshot), -1: none
  snap: usize; // f32[2][nb]: it, re then im
  farPeak: f32; // the profile's peak over the lags past the search (mature ones only: dl_beyond)
  farLag: i32; // its lag (-1: none)
  arriveFar: f32; // (aec-bt10) the profile's peak past the search over young lags too, as dl_arrival judges one
  arriveFarLag: i32; // its lag (-1: none)
  arrivedFar: bool; // dl_arrival's last recognition was that far peak's
  youngWide: u8; // (far27, FAR_EARLY_REPLACE only; in arrivedFar's padding, the layout unchanged) 1: widened on the relaxed rules, its onset re-judged once the peak matures (replaceYoung); 2: re-placed earlier, the filter not yet moved (dl_replaced); 3: done
  echoSince: u16; // (far25, FAR_EARLY only; in arrivedFar's padding, the layout unchanged) updates with echo since the start or the last path change, up to REARM_UPDATES
  arrivedAge: i32; // (aec-bt11) the age of the lag dl_arrival last recognised, updates (0: none)
  beyondUpdates: i32; // updates in a row with echo in which it stood out, its onset within a lag (BEYOND_UPDATES)
  beyondCandidate: i32; // that onset (-1: none)
  beyond: i32; // the last onset seen past the search, lag (-1: none)
  beyondLag: i32; // the far peak's lag at the start of that run (-1: none)
  fitEnd: i32; // (aec-jump17) the first lag past the window of a filter that removed 10 dB since the last path change (dl_fitted; -1: none)
  userAgo: i32; // (seminar23) blocks since the canceller last saw its user (dl_user), up to 4 x mature
}

/**
 * An echo past the searched lags (dl_beyond: past `maxDelayMs`, e.g. a Bluetooth speaker's 280-420
 * ms under the default 250), up to the reach (500 ms; none when maxDelayMs is 500): the profile's
 * peak over the mature lags past the search stands out,
 * over BEYOND_MIN, BEYOND_OVER x the peak within the search and 3x the mean there, for
 * BEYOND_UPDATES updates with echo in a row (0.5 s at 16 kHz, 0.7 s at 24 / 48 kHz), the far
 * peak's lag within a lag of its first all along, is kept, with the earliest onset the run saw (the
 * first lag past the search within 4.5 dB of the peak; it takes the kiosk's 16 kHz 420 ms call's
 * echo, at 424 ms, at 400 ms, the filter at 384 ms, and its onset moves to 416 ms 0.25 s later
 * without moving the filter (./aec-block place: within its dead zone); that call's loss after
 * aec-bt2 was not the onset but the echo gain bound left under the echo: aec-kiosk420, in
 * docs/echo-canceller.md What was tried; the earliest of the
 * run's last stretch within a lag instead: the laptop's, 40.1 -> 23.6 dB, aec-bt2). (The lab's kiosk at 120 ms and 30 dB shows
 * a far peak 2-3x the near one for 0.5 s while its user talks, wandering over 43-59 lags: not an
 * echo.) Where it stands out strongly at the end of the run (over BEYOND_STRONG_MIN,
 * BEYOND_STRONG_OVER x the peak within, twice that over the mean), BEYOND_STRONG_UPDATES suffice
 * (aec-bt2: the 420 ms echoes' far peak reads 20-55% there, 4-70x the near one, from its first
 * mature update; until the filter is placed at it the suppressor takes that echo for the user, its
 * bound predicting it 20-30 dB under the mic, and passes it whole). Until aec-bt2 the onset itself had
 * to hold within a lag: it wavers over 36-39 lags in the 420 ms cold starts (the walk back from the
 * peak stops wherever the profile dips) while the peak stays at 39-40, and restarted the count
 * (the kiosk's 24 kHz 18 dB cold start widened 5.2 s in, its laptop 3.0 s). The widening places
 * the filter there (below); the user is told (EchoCanceller.echoBeyondMaxDelayMs).
 */
// @ts-ignore: decorator
@inline const BEYOND_MIN: f32 = 0.04;
// @ts-ignore: decorator
@inline const BEYOND_OVER: f32 = 2;
// @ts-ignore: decorator
@inline const BEYOND_UPDATES: i32 = 32;
/** The strong evidence's floor, its ratio over the peak within the search (2x that over their mean), and the updates it needs (0.25 s at 16 kHz, 0.34 s at 24 / 48 kHz). */
// @ts-ignore: decorator
@inline const BEYOND_STRONG_MIN: f32 = 0.2;
// @ts-ignore: decorator
@inline const BEYOND_STRONG_OVER: f32 = 4;
// @ts-ignore: decorator
@inline const BEYOND_STRONG_UPDATES: i32 = 16;
/**
 * The walk back from the far peak stops at the search's edge; where it is cut there (the lag inside
 * the edge still within 4.5 dB of the far peak: it would walk on) from a peak more than this many
 * lags past the edge, the update is not counted (aec-beyond3): the coherence runs on into the lags
 * searched, no start of an echo is seen past them (sox-large's 16 kHz 120 ms 30 dB call: a far peak
 * of 4-8% at 360-376 ms while the user talks over the hall's tail, walked 11-12 lags to the edge,
 * set it at 272 ms). An echo just past the edge shows on both sides of it (a frame spans two lags:
 * the 280 ms Bluetooth echoes, their peak one lag past the edge, the lag inside it up to 49% of the
 * peak); the kiosk's 284 ms echo peaks 3-6 lags past the edge, its walk ending in a dip there (without
 * the dip's test its 16 kHz cold starts were told 0.1-2.5 s later).
 */
// @ts-ignore: decorator
@inline const BEYOND_EDGE_LAGS: i32 = 2;

/**
 * The call's first echo recognised before its onset is accepted (dl_arrival, aec-quiet5): the peak's
 * least coherence, its ratio over the profile's mean, its least age (updates) and its coherence x age
 * (over the bound 1 / age an onset of the mic puts on a young lag).
 */
// @ts-ignore: decorator
@inline const ARRIVE_MIN: f32 = 0.3;
// @ts-ignore: decorator
@inline const ARRIVE_OVER: f32 = 3;
// @ts-ignore: decorator
@inline const ARRIVE_MIN_AGE: i32 = 2;
// @ts-ignore: decorator
@inline const ARRIVE_BIAS: f32 = 2;

/** Updates a new onset must hold after a path change (dl_rearm): 1, its first sight (2: 1.02 s instead of 0.99 s to 20 dB, above). */
// @ts-ignore: decorator
@inline const REARM_CONFIRM: i32 = 1;
/**
 * (hand33; `--use AEC_REARM_FAR_OFF=1`: not, main 2379971's) In a path change's re-arm, a new onset past half the
 * filter's window from the accepted one (a move that drops the whole model) is taken only after REARM_FAR_CONFIRM
 * updates, not on first sight. The desk's hand-held mic at 18 dB (16 kHz): a louder error at the sway's turn (3.19 s)
 * re-armed the estimator while a peak at 232 ms (coherence 0.25-0.30, the echo's own lags 104-136 ms at 0.04-0.13, 7
 * updates from 3.12 s to 3.24 s) stood for the echo at 121.5 ms; taken on first sight, the filter sat at 232 ms until
 * 5.22 s and the echo passed at 4.7-4.9 s (single talk 17.8 dB, 2.7% leaks; with this 29.3 dB, 0.2%, double talk
 * 91.8 -> 90.9%). The true changes of the lab and the 4-hour 24 kHz soak read as before (docs/NOTES.md, hand33).
 */
// @ts-ignore: decorator
@inline const REARM_FAR: bool = !isDefined(AEC_REARM_FAR_OFF);
// @ts-ignore: decorator
@inline const REARM_FAR_CONFIRM: i32 = isDefined(AEC_REARM_FAR_CONFIRM) ? <i32>AEC_REARM_FAR_CONFIRM : 8;
/** (integrate32; `--use AEC_REARM_FAR_WIDE_OFF=1`: hand33's form) REARM_FAR only where the search is within maxDelayMs. */
// @ts-ignore: decorator
@inline const REARM_FAR_WIDE: bool = !isDefined(AEC_REARM_FAR_WIDE_OFF);
/** Updates with echo after a path change during which a new onset is accepted that fast (1.4 s at 16 kHz, 1.9 s at 24). */
// @ts-ignore: decorator
@inline const REARM_UPDATES: i32 = 90;

/**
 * Updates with echo (every second block: 1 s at 16 kHz, 1.4 s at 24 kHz) after which a first onset
 * is also judged against the profile's mean over the lags before its peak (at least BEFORE_LAGS), not
 * only over all: a tail of seconds (the outside hall, RT60 4.7 s) fills every lag, the direct path's
 * peak stands 2.5x over the whole mean and the first onset came 6-8 s in, from a smeared profile
 * (168 ms for an echo at 85 ms). The lab's rooms all take their first onset within 0.6 s of echo.
 */
// @ts-ignore: decorator
@inline const LONG_TAIL_UPDATES: i32 = 62;
/**
 * Updates with echo in a row none of which the echo is heard in (./aec-change: the mic over its
 * noise) after which they do not count towards a tail of seconds (0.5 s at 16 kHz, 0.7 s at 24 / 48):
 * a reference that plays unheard (the speaker muted, a canceller in front of ours) is no tail; the
 * echo that then appears was taken for one (aec-cap8: the unheard-echo scenes of
 * test/quality/echo-browser held a long tail at 1.55 s of silence). The hall's echo is heard 9-23
 * blocks after its reply starts; the lab's rooms' echo arrives within 400 ms (25 updates at 16 kHz).
 */
// @ts-ignore: decorator
@inline const UNHEARD_UPDATES: i32 = 32;
// @ts-ignore: decorator
@inline const BEFORE_LAGS: i32 = 4;
/** The slow profile's span (stepOnset): 128 updates, 2.0 s at 16 kHz, 2.7 s at 24 / 48 kHz; its step's ratio over the lags before it and its least peak. */
// @ts-ignore: decorator
@inline const SLOW_UPDATES: i32 = 128;
// @ts-ignore: decorator
@inline const STEP_RATIO: f32 = 1.5;
// @ts-ignore: decorator
@inline const STEP_MIN_PEAK: f32 = 0.02;

// @ts-ignore: decorator
@inline function bandOf(sampleRate: i32, n: i32): i32 {
  return <i32>Math.round(150.0 * <f64>n / <f64>sampleRate);
}

/** Bins in the band for a transform of n points at sampleRate (rounded up to a multiple of 4). */
function bandBins(sampleRate: i32, n: i32): i32 {
  const k0 = max(1, bandOf(sampleRate, n));
  const k1 = min(n >> 1, <i32>Math.round(3000.0 * <f64>n / <f64>sampleRate));
  return max(4, (k1 - k0 + 4) & ~3);
}

/** Bytes of the estimator's state for `lags` lags, transforms of n points at sampleRate. */
export function dl_bytes(sampleRate: i32, n: i32, lags: i32): usize {
  const nb = bandBins(sampleRate, n);
  return ((offsetof<Delay>() + 15) & ~15) + <usize>(4 * nb * (3 * lags + 3) + 16 * lags + 16);
}

/**
 * Initialises the estimator at `p` (dl_bytes): statistics over `lags` lags (the profile of the echo's
 * energy over them), the onset searched in the first `searchLags`; smoothing `smoothMs`,
 * confirmation `confirmBlocks`.
 */
export function dl_init(p: usize, sampleRate: i32, n: i32, lags: i32, searchLags: i32, reachLags: i32, smoothMs: f32, confirmBlocks: i32): void {
  const d = changetype<Delay>(p);
  const nb = bandBins(sampleRate, n);
  d.lags = lags;
  d.initialLags = min(lags, searchLags);
  d.reachLags = max(d.initialLags, min(lags, reachLags));
  d.searchLags = d.initialLags;
  d.windowLags = lags - reachLags + 1;
  d.k0 = max(1, min(bandOf(sampleRate, n), (n >> 1) + 1 - nb));
  d.nb = nb;
  d.confirmBlocks = confirmBlocks;
  d.alpha = min<f32>(1, <f32>n * 1000 / (<f32>sampleRate * smoothMs)); // updated every second block of n / 2
  d.mature = <i32>Mathf.ceil(2 / d.alpha); // 32 updates at 16 kHz (0.51 s), 24 at 24 / 48 kHz (0.51 s)
  let q = (p + offsetof<Delay>() + 15) & ~(<usize>15);
  d.cRe = q; q += <usize>(4 * nb * lags);
  d.cIm = q; q += <usize>(4 * nb * lags);
  d.pxx = q; q += <usize>(4 * nb * lags);
  d.pdd = q; q += <usize>(4 * nb);
  d.profile = q; q += <usize>(4 * lags);
  d.ages = q; q += <usize>(4 * lags);
  d.slow = q; q += <usize>(4 * lags);
  d.fresh = q; q += <usize>(4 * lags);
  d.snap = q;
  dl_reset(p);
}

/**
 * (aec-jump17) The first lag past the window of the canceller's filter where it has removed 10 dB
 * since the last path change (its path-change rules armed), -1 where it has not: set every block
 * before dl_update; an accepted onset is not widened past it (watchBeyond).
 */
export function dl_fitted(p: usize, endLag: i32): void {
  changetype<Delay>(p).fitEnd = endLag;
}

/** Forgets the statistics and the estimate. */
export function dl_reset(p: usize): void {
  const d = changetype<Delay>(p);
  memory.fill(d.cRe, 0, <usize>(4 * d.nb * (3 * d.lags + 1) + 16 * d.lags));
  d.slowN = 0;
  d.candidate = -1;
  d.candidateBlocks = 0;
  d.onset = -1;
  d.rearmed = 0;
  d.unplaced = 0;
  d.unheard = 0;
  d.provisional = 0;
  d.recheck = -1;
  d.recheckBlocks = 0;
  d.provisionalEcho = 0;
  d.peakLag = -1;
  d.peak = 0;
  d.mean = 0;
  d.snapLag = -1;
  d.farPeak = 0;
  d.farLag = -1;
  d.arriveFar = 0;
  d.arriveFarLag = -1;
  d.arrivedFar = false;
  d.arrivedAge = 0;
  d.beyondUpdates = 0;
  d.beyondCandidate = -1;
  d.beyond = -1;
  d.beyondLag = -1;
  d.fitEnd = -1;
  d.userAgo = 4 * d.mature;
  d.searchLags = d.initialLags;
  if (FAR_EARLY) d.echoSince = 0;
  if (FAR_EARLY_REPLACE || LATE_ARM) d.youngWide = 0;
}

/**
 * One block: the mic frame spectrum (dRe, dIm; K bins per spectrum) against the reference history
 * (`x`: `slots` spectra of 2K floats, newest at `head`; `xz`: i32 per slot, 1 where its spectrum is
 * all +0, as pf_spectrum writes a silent frame's); `echoing`: the reference plays or its echo
 * arrives; `heard`: and the mic stands over its noise (./aec-change; a tail of seconds counts only
 * updates with echo heard, UNHEARD_UPDATES). Returns the accepted onset lag (-1: none yet).
 */
export function dl_update(p: usize, x: usize, xz: usize, slots: i32, head: i32, k: i32, dRe: usize, dIm: usize, echoing: bool, heard: bool): i32 {
  // the canceller's three block sizes (K 132, 260, 516, its mic spectrum's imaginary half K floats
  // after the real half) with every imaginary half's offset a load's immediate (as aec-step's
  // specialisedIm): the same operations in the same order, the same output bit for bit
  if (k == 132 && dIm == dRe + 132 * 4) statistics<u8>(p, x, xz, slots, head, k, dRe, dIm);
  else if (k == 260 && dIm == dRe + 260 * 4) statistics<u16>(p, x, xz, slots, head, k, dRe, dIm);
  else if (k == 516 && dIm == dRe + 516 * 4) statistics<u32>(p, x, xz, slots, head, k, dRe, dIm);
  else statistics<u64>(p, x, xz, slots, head, k, dRe, dIm);
  if (LATE_ARM && changetype<Delay>(p).youngWide >= LATE_ARMED) lateArmed(changetype<Delay>(p));
  watchBeyond(changetype<Delay>(p), echoing);
  return decide(changetype<Delay>(p), echoing, heard);
}

/** K x 4 bytes for the block size T stands for (u8, u16, u32: K 132, 260, 516), 0: K at run time. */
// @ts-ignore: decorator
@inline function fixedIm<T>(): usize {
  return sizeof<T>() == 1 ? 132 * 4 : sizeof<T>() == 2 ? 260 * 4 : sizeof<T>() == 4 ? 516 * 4 : 0;
}

/** dl_update's statistics and profile (peak, its lag, the mean) for the block size T stands for. */
// @ts-ignore: decorator
@inline function statistics<T>(p: usize, x: usize, xz: usize, slots: i32, head: i32, kRun: i32, dRe: usize, dIm: usize): void {
  const IM = fixedIm<T>();
  const k = IM != 0 ? <i32>(IM >> 2) : kRun;
  const imr: usize = IM != 0 ? 0 : dIm - dRe; // the imaginary half's offset when not an immediate
  const d = changetype<Delay>(p);
  const nb = d.nb;
  const a = f32x4.splat(d.alpha);
  const stride = <usize>(2 * k) << 2;
  const band = <usize>d.k0 << 2;
  const row = <usize>nb << 2;
  const xim: usize = IM != 0 ? 0 : <usize>k << 2;
  const db = dRe + band;
  const inf = f32x4.splat(Infinity);
  let finite = i32x4.splat(-1);
  for (let j = 0; j < nb; j += 4) {
    const o = <usize>j << 2;
    const dr = v128.load(db + o);
    const di = v128.load(db + o + imr, IM);
    const pd = v128.load(d.pdd + o);
    v128.store(d.pdd + o, f32x4.add(pd, f32x4.mul(a, f32x4.sub(f32x4.add(f32x4.mul(dr, dr), f32x4.mul(di, di)), pd))));
    finite = v128.and(finite, v128.and(f32x4.lt(f32x4.abs(dr), inf), f32x4.lt(f32x4.abs(di), inf)));
  }
  // (aec-speed10) a lag whose reference frame is all +0 (the assistant silent): conj(X) D and |X|^2
  // are +-0 there, and s + a (z - s) is the same bits for any zero z (s - a s, or +0 where s is +-0),
  // so those lags skip X and D: the same statistics bit for bit, the mic spectrum finite (0 x Inf
  // is NaN: checked once per update above)
  const zeroLags = i32x4.all_true(finite);
  let slot = head;
  const tiny = f32x4.splat(1.0e-20);
  let peak: f32 = 0;
  let peakLag = 0;
  let sum: f32 = 0;
  let live = 0;
  let farPeak: f32 = 0;
  let farLag = -1;
  let arriveFar: f32 = 0;
  let arriveFarLag = -1;
  for (let l = 0; l < d.lags; l++) {
    const xp = x + <usize>slot * stride + band;
    const cr = d.cRe + <usize>l * row;
    const ci = d.cIm + <usize>l * row;
    const px = d.pxx + <usize>l * row;
    let coh = f32x4.splat(0);
    let pw = f32x4.splat(0);
    if (zeroLags && load<i32>(xz + (<usize>slot << 2)) != 0) {
      const zero = f32x4.splat(0);
      for (let j = 0; j < nb; j += 4) {
        const o = <usize>j << 2;
        let vr = v128.load(cr + o);
        let vi = v128.load(ci + o);
        let vp = v128.load(px + o);
        vr = f32x4.add(vr, f32x4.mul(a, f32x4.sub(zero, vr)));
        vi = f32x4.add(vi, f32x4.mul(a, f32x4.sub(zero, vi)));
        vp = f32x4.add(vp, f32x4.mul(a, f32x4.sub(zero, vp)));
        v128.store(cr + o, normalOrZero(vr));
        v128.store(ci + o, normalOrZero(vi));
        v128.store(px + o, normalOrZero(vp));
        pw = f32x4.add(pw, vp);
        const num = f32x4.add(f32x4.mul(vr, vr), f32x4.mul(vi, vi));
        coh = f32x4.add(coh, f32x4.div(num, f32x4.add(f32x4.mul(vp, v128.load(d.pdd + o)), tiny)));
      }
    } else for (let j = 0; j < nb; j += 4) {
      const o = <usize>j << 2;
      const xr = v128.load(xp + o);
      const xi = v128.load(xp + o + xim, IM);
      const dr = v128.load(db + o);
      const di = v128.load(db + o + imr, IM);
      // conj(X) D = (xr dr + xi di) + i (xr di - xi dr)
      let vr = v128.load(cr + o);
      let vi = v128.load(ci + o);
      let vp = v128.load(px + o);
      vr = f32x4.add(vr, f32x4.mul(a, f32x4.sub(f32x4.add(f32x4.mul(xr, dr), f32x4.mul(xi, di)), vr)));
      vi = f32x4.add(vi, f32x4.mul(a, f32x4.sub(f32x4.sub(f32x4.mul(xr, di), f32x4.mul(xi, dr)), vi)));
      vp = f32x4.add(vp, f32x4.mul(a, f32x4.sub(f32x4.add(f32x4.mul(xr, xr), f32x4.mul(xi, xi)), vp)));
      v128.store(cr + o, vr);
      v128.store(ci + o, vi);
      v128.store(px + o, vp);
      pw = f32x4.add(pw, vp);
      const num = f32x4.add(f32x4.mul(vr, vr), f32x4.mul(vi, vi));
      coh = f32x4.add(coh, f32x4.div(num, f32x4.add(f32x4.mul(vp, v128.load(d.pdd + o)), tiny)));
    }
    const c = (f32x4.extract_lane(coh, 0) + f32x4.extract_lane(coh, 1) + f32x4.extract_lane(coh, 2) + f32x4.extract_lane(coh, 3)) / <f32>nb;
    store<f32>(d.profile + (<usize>l << 2), c);
    const freshAt = d.fresh + (<usize>l << 2);
    const was = load<i32>(freshAt);
    let played = was & 0xffff;
    let silent = was >>> 16;
    if (load<i32>(xz + (<usize>slot << 2)) != 0) silent = min(silent + 1, d.mature);
    else {
      if (silent >= d.mature) played = 0;
      silent = 0;
      played = min(played + 1, d.mature);
    }
    store<i32>(freshAt, (silent << 16) | played);
    slot++;
    if (slot == slots) slot = 0;
    // lags the reference has not reached yet (its start) carry no coherence: they do not count in the mean
    const ageAt = d.ages + (<usize>l << 2);
    if (f32x4.extract_lane(pw, 0) + f32x4.extract_lane(pw, 1) + f32x4.extract_lane(pw, 2) + f32x4.extract_lane(pw, 3) <= <f32>1.0e-12) {
      store<i32>(ageAt, 0);
      continue;
    }
    const age = min(load<i32>(ageAt) + 1, d.mature);
    store<i32>(ageAt, age);
    if (l >= d.searchLags) {
      // past the search, up to the reach (dl_beyond): read only, mature lags only (a young lag's few
      // frames inflate it). Not past the reach: the quiet group's desk at 36-42 dB shows a peak at
      // 696 ms from 4.2 s (the reply's own repetition over a near-silent echo), and an echo there
      // could not be cancelled anyway.
      if (age >= d.mature && l < d.reachLags && c > farPeak) {
        farPeak = c;
        farLag = l;
      }
      // (aec-bt10) the call's first echo past the search, for dl_arrival: young lags too, over the
      // bound an onset of the mic puts on them (ARRIVE_BIAS / age)
      // (reach34, LATE_REACH) a placed return's arm (mutedb33's LATE_WAIT / LATE_CHANGED) reads it up to the late reach
      if (l < (LATE_REACH && d.youngWide >= LATE_WAIT ? lateReach(d) : d.reachLags) && age >= ARRIVE_MIN_AGE && c * <f32>age > ARRIVE_BIAS && c > arriveFar) {
        arriveFar = c;
        arriveFarLag = l;
      }
      continue;
    }
    live++;
    sum += c;
    if (c > peak) {
      peak = c;
      peakLag = l;
    }
  }
  d.peak = peak;
  d.peakLag = peakLag;
  d.mean = sum / <f32>max(1, live);
  d.farPeak = farPeak;
  d.farLag = farLag;
  d.arriveFar = arriveFar;
  d.arriveFarLag = arriveFarLag;
}

/**
 * (far25, a variant, `--use AEC_FAR_EARLY=1`; off: lead24's) An echo past the search placed sooner while no filter
 * has fitted the echo (dl_fitted: -1), within FAR_EARLY_UPDATES of the start or the last path change. Traced (bench/echo-lab/far-trace.mjs):
 * the quiet group's desk 16 kHz 320 ms 6 dB cold start reads 0.57 coherence at 320 ms at 0.80 s (age 9), counted only
 * from maturity (1.20 s), widened at 1.56 s (the strong run's 0.2 floor under the user); the switch group's laptop
 * 16 kHz +300 ms at 5 s reads 0.23 at 416 ms at 5.36 s against the old lag's 0.21 (120 ms, decaying with the
 * smoothing), the run counted from 5.46 s (2x it), widened at 5.71 s (4x it). With the flag, unfitted: the far peak
 * also from young lags (age FAR_EARLY_AGE, c x age over FAR_EARLY_BIAS: the bound an onset of the mic puts there),
 * the ratios over the peak within the search FAR_EARLY_OVER / FAR_EARLY_STRONG_OVER, and the runs halved.
 */
// @ts-ignore: decorator
@inline const FAR_EARLY: bool = isDefined(AEC_FAR_EARLY);
// @ts-ignore: decorator
@inline const FAR_EARLY_AGE: i32 = 8;
// @ts-ignore: decorator
@inline const FAR_EARLY_BIAS: f32 = 4;
// @ts-ignore: decorator
@inline const FAR_EARLY_OVER: f32 = 1.25;
// @ts-ignore: decorator
@inline const FAR_EARLY_STRONG_OVER: f32 = 2;
/** (far25) With `--use AEC_FAR_EARLY_COLD=1` as well: the flag's rules only before the first onset (the cold starts' side alone). */
// @ts-ignore: decorator
@inline const FAR_EARLY_COLD: bool = isDefined(AEC_FAR_EARLY_COLD);
/** (far26) With `--use AEC_FAR_EARLY_SHAPE=1` as well: the relaxed rules only where the walk back from the far peak stops past the search's edge, within FAR_EARLY_WIDTH lags of the peak (see watchBeyond). */
// @ts-ignore: decorator
@inline const FAR_EARLY_SHAPE: bool = isDefined(AEC_FAR_EARLY_SHAPE);
// @ts-ignore: decorator
@inline const FAR_EARLY_WIDTH: i32 = 2;
/**
 * (far27) With `--use AEC_FAR_EARLY_REPLACE=1` as well: a widening taken on the relaxed rules (`early`) is judged
 * again once the peak's lag is mature: over BEYOND_STRONG_UPDATES updates with echo whose peak stands within a lag
 * of the widening's far peak on a mature lag, the earliest walk back from it (as farWalkBack, down to the initial
 * search's edge); where that is earlier than the accepted onset, the onset is re-placed there and the filter moved
 * to it even within its dead zone (dl_replaced, ./aec-block place). Traced (far26; bench/echo-lab/far-trace.mjs):
 * the desk 24 kHz 420 ms 6 dB -100 ppm call widened at 1.24 s from a young peak (427 ms, age 13-19) with onset
 * 405 ms, the filter at 384, where lead24's mature run took the earliest walk back of 16 updates, 395, the filter at
 * 373; at 6.42 s, in double talk, the onset read 384 in both: inside the filter's first block there (a move to 363
 * ms, 90.0 -> 61.3% of double talk), past it on main's placement (no move). Measured (far27, docs/NOTES.md): that call
 * 61.3 -> 86.3% (main 90.0), quiet and switch none lost, but bt,bt24 at shift 0 4 cells lost (the shape test's other
 * three), btsbc 5, and at shifts 31 / 97 11 (the shape test's own but one: kiosk 24 kHz 420 ms 6 dB +97 42.1 -> 13.6
 * dB): off.
 */
// @ts-ignore: decorator
@inline const FAR_EARLY_REPLACE: bool = isDefined(AEC_FAR_EARLY_REPLACE);
/**
 * (far27) With `--use AEC_FAR_EARLY_BACK=1` as well: a widening taken on the relaxed rules places its onset a lag
 * earlier than the run's earliest walk back (not into the initial search): the young profile walks back less far
 * than the mature one (far26's desk 24 kHz 420 ms call: 405 ms young, 395 over lead24's mature run), and the filter's
 * dead zone (./aec-block place) keeps a lag-late window where the onset later wanders a lag early. Measured (far27):
 * saves three of the shape test's four Bluetooth losses at shift 0 but loses three others, a quiet cold start's single
 * talk (desk 16 kHz 400 ms 6 dB 42.7 -> 36.2 dB) and a switch cell: off.
 */
// @ts-ignore: decorator
@inline const FAR_EARLY_BACK: bool = isDefined(AEC_FAR_EARLY_BACK);
/** Updates with echo since the start or the last path change (dl_reset, dl_rearm) over which the flag's rules hold (1.4 s at 16 kHz, 1.9 s at 24). */
// @ts-ignore: decorator
@inline const FAR_EARLY_UPDATES: i32 = REARM_UPDATES;

/** A far peak past the search that is no evidence: none, or not over BEYOND_MIN, `over` x the peak within the search and 3x the mean. */
// @ts-ignore: decorator
@inline function farFails(d: Delay, far: f32, farLag: i32, over: f32): bool {
  return farLag < 0 || !(far > BEYOND_MIN) || !(far > over * d.peak) || !(far > 3 * d.mean);
}
/** The far echo's onset: the lag walked back from the far peak while the profile holds 0.35 of it, not into the search. */
// @ts-ignore: decorator
@inline function farWalkBack(d: Delay, far: f32, farLag: i32): i32 {
  return walkBack(d, far, farLag, d.searchLags);
}
/**
 * dl_update's watch past the search (BEYOND_UPDATES): whether the echo stands past maxDelayMs. (far25) While no filter
 * has fitted the echo since the start or the last path change, with the flag on (FAR_EARLY, `early`): young far lags
 * read too (FAR_EARLY_AGE, FAR_EARLY_BIAS), the ratios over the peak within the search are FAR_EARLY_OVER /
 * FAR_EARLY_STRONG_OVER, and the runs are halved.
 */
function watchBeyond(d: Delay, echoing: bool): void {
  if (!echoing) return;
  if (FAR_EARLY_REPLACE && d.youngWide == 1) {
    replaceYoung(d);
    return;
  }
  if (FAR_EARLY && <i32>d.echoSince < FAR_EARLY_UPDATES) d.echoSince++;
  let early = FAR_EARLY && d.fitEnd < 0 && <i32>d.echoSince < FAR_EARLY_UPDATES && (!FAR_EARLY_COLD || d.onset < 0);
  let far = d.farPeak;
  let farLag = d.farLag;
  if (early && d.arriveFarLag >= 0 && d.arriveFar > far) {
    const age = load<i32>(d.ages + (<usize>d.arriveFarLag << 2));
    if (age >= FAR_EARLY_AGE && d.arriveFar * <f32>age > FAR_EARLY_BIAS) {
      far = d.arriveFar;
      farLag = d.arriveFarLag;
    }
  }
  if (farFails(d, far, farLag, early ? FAR_EARLY_OVER : BEYOND_OVER)) {
    d.beyondUpdates = 0;
    return;
  }
  let onset = farWalkBack(d, far, farLag);
  // (far26, FAR_EARLY_SHAPE) the relaxed rules only for a clean late echo: a far peak whose walk back stops
  // within FAR_EARLY_WIDTH lags of it and past the search's edge. Traced (far-trace.mjs, AEC_FAR_EARLY_COLD): the
  // quiet group's 320 ms cold starts walk back 8-16 ms (desk 320 -> 312, laptop 320 -> 304); the Bluetooth calls the
  // flag lost walk back from a young, codec-smeared peak: kiosk 16 kHz 350 ms +50 ppm 352 -> 296 ms (the mature
  // peak at 1.44 s walks back to 344), laptop 420 ms +100 ppm 424 -> 392; the desk's 280 ms -20 ppm stops at the
  // edge (272), where lead24 places it within the search (232 ms, the filter spanning it). Otherwise the update is
  // judged as without the flag (mature far peak, BEYOND_OVER, whole runs). With AEC_FAR_EARLY_COLD (a43e4498): quiet
  // 83 -> 84 of 120, none lost; bt,bt24 at shift 0 22 -> 25 of 72 but 4 cells still lost (desk 24 kHz 420 ms 6 dB
  // -100 ppm double talk 90.0 -> 61.3%, kiosk 24 kHz 420 ms 6 dB 95.3 -> 84.7%, two openings): off (docs/NOTES.md far26).
  if (FAR_EARLY_SHAPE && early && (farLag - onset > FAR_EARLY_WIDTH || onset <= d.searchLags)) {
    early = false;
    far = d.farPeak;
    farLag = d.farLag;
    if (farFails(d, far, farLag, BEYOND_OVER)) {
      d.beyondUpdates = 0;
      return;
    }
    onset = farWalkBack(d, far, farLag);
  }
  // the walk back cut at the search's edge (it would walk on into the lags searched) from a far peak
  // past BEYOND_EDGE_LAGS: the evidence runs on into the search, no start of an echo is seen past it
  if (
    onset == d.searchLags &&
    farLag - onset > BEYOND_EDGE_LAGS &&
    load<f32>(d.profile + (<usize>(onset - 1) << 2)) >= 0.35 * far
  ) {
    d.beyondUpdates = 0;
    return;
  }
  if (d.beyondUpdates > 0 && abs(farLag - d.beyondLag) <= 1) {
    d.beyondUpdates++;
    d.beyondCandidate = min(d.beyondCandidate, onset);
  } else {
    d.beyondUpdates = 1;
    d.beyondCandidate = onset;
    d.beyondLag = farLag;
  }
  const strongOver = early ? FAR_EARLY_STRONG_OVER : BEYOND_STRONG_OVER;
  const strong = far > BEYOND_STRONG_MIN && far > strongOver * d.peak && far > 2 * strongOver * d.mean;
  const needed = (strong ? BEYOND_STRONG_UPDATES : BEYOND_UPDATES) >> (early ? 1 : 0);
  if (d.beyondUpdates < needed) return;
  // (aec-jump17) not past the window of a filter that has removed the echo since the last path
  // change (dl_fitted): its fit places the echo within that window, and a jump of the echo past it
  // would first show as a path change (the old model's error louder than the mic, or its misfit:
  // ./aec-change), which ends the fit and re-arms this watch. The soak's medium room at 35.5 h: as
  // the user's words rose over a quiet echo, the lag at 472 ms, which the reply's return after a
  // 0.35 s pause had just reached, read 7-12% coherent for 0.5 s (the echo's own lags 2-7%); the
  // search widened, the onset jumped 96 -> 472 ms (the echo at 74), the filter (64-336 ms) dropped
  // its model and the echo passed whole for 1 s (14.8 dB, 3.5% leaks). A far onset within the
  // fitted window widens as before: the Bluetooth 420 ms cold starts take a first onset at 224 ms,
  // their filter fits the echo in its later half, and the widening then places it (refused there
  // too, the laptop's 24 kHz 18 dB cold start at +97 held the filter at 203 ms for 20 s: 32.9 ->
  // 32.6 dB, 95.3 -> 94.6% of double talk)
  if (d.onset >= 0 && d.fitEnd >= 0 && d.beyondCandidate >= d.fitEnd) {
    d.beyondUpdates = 0;
    return;
  }
  d.beyond = FAR_EARLY_BACK && early ? max(d.searchLags, d.beyondCandidate - 1) : d.beyondCandidate;
  // the search widened to the reach (once): the onset taken there at once, as after a path change;
  // not where the filter placed at the accepted onset already spans it in its first half (an echo
  // at 280 ms placed at 248 ms under the default 250: the laptop's 6 dB call 43.7 -> 35.0 dB with
  // 1.2% leaks when moved, aec-bt)
  const spanned = d.onset >= 0 && d.beyond - d.onset <= (d.windowLags - 2) >> 1;
  if (d.searchLags < d.reachLags && d.beyond < d.reachLags && !spanned) {
    if (FAR_EARLY_REPLACE && early) {
      d.youngWide = 1;
      d.beyondUpdates = 0;
    }
    d.searchLags = d.reachLags;
    d.onset = d.beyond;
    d.candidate = d.beyond;
    d.candidateBlocks = 0;
    d.provisional = 0;
    d.rearmed = 0;
    d.unplaced = 0;
    d.unheard = 0;
    d.slowN = 0;
  }
}

/**
 * (far27, FAR_EARLY_REPLACE) After a widening on the relaxed rules: the earliest walk back from the mature peak over
 * BEYOND_STRONG_UPDATES updates (beyondUpdates / beyondCandidate, idle once widened), the onset re-placed there if
 * earlier. Updates whose peak is young or not the widening's (more than a lag from beyondLag) are not counted.
 */
function replaceYoung(d: Delay): void {
  const lag = d.peakLag;
  if (lag < 0 || abs(lag - d.beyondLag) > 1 || load<i32>(d.ages + (<usize>lag << 2)) < d.mature) return;
  const onset = walkBack(d, d.peak, lag, d.initialLags);
  d.beyondCandidate = d.beyondUpdates == 0 ? onset : min(d.beyondCandidate, onset);
  if (++d.beyondUpdates < BEYOND_STRONG_UPDATES) return;
  d.beyondUpdates = 0;
  d.youngWide = 3;
  if (d.beyondCandidate >= d.onset) return;
  d.youngWide = 2;
  d.onset = d.beyondCandidate;
  d.beyond = d.beyondCandidate;
  d.candidate = d.beyondCandidate;
  d.candidateBlocks = 0;
}

/** (far27, FAR_EARLY_REPLACE) Once, after replaceYoung re-placed the onset: whether the filter moves to it within its dead zone (./aec-block place). */
export function dl_replaced(p: usize): bool {
  const d = changetype<Delay>(p);
  if (!FAR_EARLY_REPLACE || d.youngWide != 2) return false;
  d.youngWide = 3;
  return true;
}

/** dl_update's decision from the profile: the onset accepted (-1: none yet). */
function decide(d: Delay, echoing: bool, heard: bool): i32 {
  const peak = d.peak;
  const peakLag = d.peakLag;
  // the first onset needs a distinct peak; moving an accepted one needs a strong one, 4x as long
  const moving = d.onset >= 0;
  // after a path change only what the echo brings counts: in a pause the old lags keep their coherence
  if (d.rearmed > 0) {
    if (!echoing) return d.onset;
    d.rearmed--;
  }
  if (!moving && echoing && d.unplaced < LONG_TAIL_UPDATES) countEcho(d, heard);
  if (!moving && d.unplaced + d.unheard > 0) slowUpdate(d);
  // a peak at a lag the reference reached less than two smoothing time constants ago: its few frames
  // bound its coherence by their share of the mic's smoothed power, not by the echo (a user's onset
  // over a quiet echo reads 15-87% there)
  const young = load<i32>(d.ages + (<usize>peakLag << 2)) < d.mature;
  if (d.provisional != 0) {
    if (echoing) d.provisionalEcho++;
    recheck(d, peak, peakLag, young);
  }
  let onset = distinct(d, peak, peakLag, moving) && peak > (moving ? 0.1 : 0.04) ? onsetOf(d, peak, peakLag) : -1;
  // (aec-onset16) a move past half the filter's window (a jump that drops its model; the skew's and a
  // path change's moves of a lag or two as before), outside a path change's re-arm, only onto a peak
  // lag whose reference has played `mature` updates since it resumed after `mature` silent ones: after
  // the reply's pause its coherence is read from the few frames since (4-15% under the user), and the
  // age above, kept over the pause, counted it mature (the desk's 16 kHz 350 ms call: 344 -> 0 ms at
  // 9.12 s; a lag fresh again after any zero frame, a gap between words, lost the quiet group's soft
  // 36 dB cold start 13.1 -> 7.1 dB)
  if (
    onset >= 0 &&
    moving &&
    d.rearmed == 0 &&
    abs(onset - d.onset) > (d.windowLags - 2) >> 1 &&
    (load<i32>(d.fresh + (<usize>peakLag << 2)) & 0xffff) < d.mature
  )
    onset = -1;
  // (seminar23) a later move past half the filter's window (one that drops its whole model), outside a
  // re-arm, only on statistics the user has not been in: a user's loud words over a quiet echo read as
  // coherent at a far lag, and the smoothed statistics hold them for two time constants after they end
  if (USER_FAR && onset > d.onset && moving && d.rearmed == 0 && onset - d.onset > (d.windowLags - 2) >> 1 && d.userAgo < 2 * d.mature) onset = -1;
  // (mirror24) its mirror inside a re-arm: an earlier move past half the window, taken on first sight there, not
  // while the user is in the statistics and the peak's lag is fresh (its reference resumed under `mature` updates
  // ago: its few frames read the user's words as coherent, as aec-onset16's rule outside a re-arm)
  if (
    REARM_USER &&
    onset >= 0 &&
    moving &&
    d.rearmed > 0 &&
    d.onset - onset > (d.windowLags - 2) >> 1 &&
    d.userAgo < 2 * d.mature &&
    (load<i32>(d.fresh + (<usize>peakLag << 2)) & 0xffff) < d.mature
  )
    onset = -1;
  // a first onset in a tail of seconds: no later than the slow profile's step (aec-hall7; taken on
  // its own, without the peak's rule, from 1.5-2 s, it placed the hall as well but cost its 16 kHz
  // 6 dB cold start's first reply, 50 -> 17% of the user)
  if (onset >= 0 && !moving && d.unplaced >= LONG_TAIL_UPDATES) {
    const step = stepOnset(d);
    if (step >= 0 && step < onset) onset = step;
  }
  if (onset >= 0) {
    if (d.candidate >= 0 && abs(onset - d.candidate) <= 1) {
      d.candidateBlocks++;
      d.candidate = min(d.candidate, onset);
    } else {
      d.candidate = onset;
      d.candidateBlocks = 1;
    }
    // (after a path change, dl_rearm: a new onset as fast as the first; the old one again only once
    // the smoothing holds mostly what came after the change, 4x as long)
    const fast = !moving || (d.rearmed > 0 && d.candidate != d.onset);
    // (hand33, REARM_FAR) in a re-arm, a move past half the filter's window (one that drops its whole model) only once it
    // has held REARM_FAR_CONFIRM updates, not on first sight; (integrate32) not in a search widened over the reach
    // (REARM_FAR_WIDE: mutedb33's late return, whose widening stood on its own evidence: B 0.30 late 35.2 -> 21.1 dB without this)
    const far =
      REARM_FAR && moving && d.rearmed > 0 && (!REARM_FAR_WIDE || d.searchLags < d.reachLags) && abs(d.candidate - d.onset) > (d.windowLags - 2) >> 1;
    if (d.candidateBlocks >= (fast ? (moving ? (far ? REARM_FAR_CONFIRM : REARM_CONFIRM) : d.confirmBlocks) : 4 * d.confirmBlocks)) {
      if (d.candidate != d.onset) d.rearmed = 0;
      if (!moving && young) {
        d.provisional = 1;
        d.recheck = -1;
        d.recheckBlocks = 0;
        d.provisionalEcho = 0;
      }
      d.onset = d.candidate;
    }
  } else if (!(MOVE_KEEP && moving && d.candidate >= 0 && d.candidate < d.onset && peak > 0.1 && abs(onsetOf(d, peak, peakLag) - d.candidate) <= 1)) {
    d.candidateBlocks = 0;
  }
  return d.onset;
}

/**
 * (seminar23; `--use AEC_USER_FAR_OFF=1`: not, main 7627757's) A later move past half the filter's window (decide) is not counted while the
 * user was present (the double-talk flag or the suppressor's presence: dl_user) within the last two smoothing time
 * constants (2 x `mature` blocks, 0.51 s): the statistics, smoothed over 0.25 s and weighted by power, then hold the
 * user's words. The week's seminar call at 116.4 h (419000 s, the room changed, the echo at 38 ms, onset 24): the
 * user's first words at 3.8-4.6 s, 19 dB over the echo, read coherent at 240 ms (the search's end) for 0.4 s, the
 * onset moved 24 -> 224 ms, the filter 16 -> 208 ms, its model dropped, and the echo passed for 0.8 s (13.3 dB,
 * 3.2% leaks; a fresh canceller at the call 15.1 dB, 1.4%); with this 31.7 dB, 0%. Its cost: a far later move that
 * corrects a wrong earlier one waits too (the lab's laptop 24 kHz 280 ms 18 dB bt +20 ppm sbc53 +31: the user's words
 * under a path change's re-arm took the onset 256 -> 0 ms, and the move back came 0.7 s later, at 11.0 s: double talk
 * 99.1 -> 95.8%, leaks 1.3 -> 1.5%). Earlier moves and re-armed ones are not held.
 */
// @ts-ignore: decorator
@inline const USER_FAR: bool = !isDefined(AEC_USER_FAR_OFF);

/**
 * (mirror24; `--use AEC_REARM_USER_OFF=1`: not, main 7b39ea8's) In a path change's re-arm (dl_rearm: a new
 * onset confirmed on first sight), an earlier move past half the filter's window is not counted while the user was
 * present within the last two smoothing time constants (dl_user, as USER_FAR) and the peak's lag has had its reference
 * under `mature` updates since it resumed after a pause (aec-onset16's freshness, which holds outside a re-arm only).
 * The lab's laptop 24 kHz 280 ms 18 dB bt +20 ppm sbc53 +31: under the re-arm after the call's path change, the
 * reply resumed at 8.7 s with the user's words; lag 0, 4 updates fresh, read coherent and the onset moved 256 -> 0
 * ms at 8.77 s, back to 245 ms only at 11.0 s (USER_FAR holding the later move under the user to 9.9 s), and the
 * user at 11.3 s met a filter that had relearned 0.7 s less than on 7627757.
 */
// @ts-ignore: decorator
@inline const REARM_USER: bool = !isDefined(AEC_REARM_USER_OFF);

/** (seminar23) Every block, before dl_update: whether the canceller's user is present (USER_FAR). */
export function dl_user(p: usize, present: bool): void {
  const d = changetype<Delay>(p);
  d.userAgo = present ? 0 : min(d.userAgo + 1, 4 * d.mature);
}

/**
 * (deadmic19, a variant, `--use AEC_MOVE_KEEP=1`; off: main's) A move earlier than the accepted onset keeps its
 * candidate's count over updates whose peak does not stand 3x the mean but still reads that onset (+-1 lag): in a
 * long tail (the week's medium room at 83.8 h) the peak stood 2.5x the mean in half the updates and 3x in a tenth,
 * and each update under 3x reset the count, so an onset 80 ms late stood 37 s.
 */
// @ts-ignore: decorator
@inline const MOVE_KEEP: bool = isDefined(AEC_MOVE_KEEP);

/**
 * An update with echo before the first onset (the count of a tail of seconds): updates the echo is
 * not heard in count only once it is heard within UNHEARD_UPDATES of them (the echo's delay, a reply
 * opening softly); a longer run is forgotten, and with nothing heard before it the slow profile too.
 */
function countEcho(d: Delay, heard: bool): void {
  if (heard) {
    d.unplaced = min(LONG_TAIL_UPDATES, d.unplaced + d.unheard + 1);
    d.unheard = 0;
  } else if (++d.unheard > UNHEARD_UPDATES) {
    d.unheard = 0;
    if (d.unplaced == 0) d.slowN = 0;
  }
}

/** The profile's mean since the first update with echo, over the last SLOW_UPDATES at most. */
function slowUpdate(d: Delay): void {
  if (d.slowN < SLOW_UPDATES) d.slowN++;
  const a = <f32>1 / <f32>d.slowN;
  for (let l = 0; l < d.searchLags; l++) {
    const at = d.slow + (<usize>l << 2);
    const v = load<f32>(at);
    store<f32>(at, v + a * (load<f32>(d.profile + (<usize>l << 2)) - v));
  }
}

/**
 * The slow profile's step (aec-hall7), which bounds a first onset taken in a tail of seconds (after
 * LONG_TAIL_UPDATES updates with echo without one): the first lag at which the slow profile has risen
 * halfway from its lowest (before its peak) to its peak, where its peak stands STEP_RATIO x over its
 * mean before that lag (the lags before the direct path hold no echo, only the estimator's bias) and
 * over STEP_MIN_PEAK; -1: none. The hall's instantaneous profile is noisy (its peak wanders over
 * 85-270 ms, and the sox rendering at 48 kHz took its first onset at 213 ms for an echo at 85 ms);
 * the slow one steps up at 85-107 ms on every rendering at 6 and 18 dB (16 / 24 / 48 kHz, and the 48 kHz
 * responses resampled), 1.4-3.6x over the lags before (`node bench/echo-hall-step.mjs`).
 */
function stepOnset(d: Delay): i32 {
  let peak: f32 = 0;
  let peakLag = 0;
  for (let l = 0; l < d.searchLags; l++) {
    const v = load<f32>(d.slow + (<usize>l << 2));
    if (v > peak) {
      peak = v;
      peakLag = l;
    }
  }
  if (!(peak > STEP_MIN_PEAK)) return -1;
  let low = peak;
  for (let l = 0; l < peakLag; l++) low = min(low, load<f32>(d.slow + (<usize>l << 2)));
  const half = low + 0.5 * (peak - low);
  let step = 0;
  let sum: f32 = 0;
  while (step < peakLag) {
    const v = load<f32>(d.slow + (<usize>step << 2));
    if (v >= half) break;
    sum += v;
    step++;
  }
  return step >= BEFORE_LAGS && peak > STEP_RATIO * sum / <f32>step ? step : -1;
}

/** The onset from the profile's peak: the first lag before it within 4.5 dB (x 0.35) of it. */
function onsetOf(d: Delay, peak: f32, peakLag: i32): i32 {
  return walkBack(d, peak, peakLag, 0);
}

/** The profile walked back from `peakLag` while it holds 0.35 (4.5 dB) of `peak`, not below lag `floor`. */
// @ts-ignore: decorator
@inline function walkBack(d: Delay, peak: f32, peakLag: i32, floor: i32): i32 {
  let onset = peakLag;
  while (onset > floor && load<f32>(d.profile + (<usize>(onset - 1) << 2)) >= 0.35 * peak) onset--;
  return onset;
}

/** The coherence a provisional onset's mature peak needs to recheck it once the onset stood 2 x LONG_TAIL_UPDATES updates with echo (recheck; before, a first onset's 0.04). */
// @ts-ignore: decorator
@inline const RECHECK_FLOOR: f32 = 0.01;

/**
 * A first onset taken from a young peak (aec-kiosk320), judged again once the peak is mature: a
 * distinct peak (3x the mean, as a first onset's, over a floor) at a mature lag, its onset held
 * 2 x `confirmBlocks` updates. Youth only inflates the lags the reference has just reached, the far
 * ones, so a young first onset errs late: if the accepted onset lies after that mature peak (the
 * filter, placed 2 blocks before the onset, misses the echo's strongest lag), the onset moves to the
 * mature one at once; otherwise it stands and is no longer provisional. Either way once. The kiosk's
 * 320 ms cold start at 24 kHz with maxDelayMs 500: first onset 416 ms at 1.06 s from the lags the
 * reply had just reached (491-512 ms, 14-17% coherent, the user over a quiet echo; the true lag
 * 331 ms 1-5%), held 14 s by the moving rule's 0.1 (the true lag stands 3-13% there); rechecked at
 * 2.83 s (331 ms 6.0%, 4x the mean) to 277 ms. Held `confirmBlocks` only, a provisional right onset
 * moved to 0 ms (the kiosk's 16 kHz 320 / 400 ms 36 dB cold starts at 4.0 s: lags 0-24 ms 10-11%
 * for 5 updates while the user spoke, 12.8 -> 6.4 dB); held 4x, the 24 kHz kiosk moved at 3.00 s
 * and kept 0.5% leaks (15.1 dB). The floor is a first onset's 0.04 until the provisional onset has
 * stood 2 x LONG_TAIL_UPDATES updates with echo (2.6 s at 24 / 48 kHz, 2.0 s at 16), RECHECK_FLOOR
 * (0.01) after (aec-kiosk36): the same kiosk at 36 dB (24 / 48 kHz) shows its true lag 2-4% coherent,
 * 3-4x the mean, from 4.9 s, over 4% only from 5.2 s (rechecked at 5.35 s: 10.1 dB of 13.7); over 1%
 * it is rechecked at 5.03 s (10.7 / 10.7 dB). The wait is fitted between two scenes: the floor 0.01
 * from the start rechecked the 30 dB one (1.7 s of echo in) at 2.77 s instead of 2.83 (the same
 * 277 ms, every later onset the same), and 8 frames of echo passed at 3.27-3.34 s (18.8 -> 16.6 dB,
 * 0.3% leaks; the move's prior is shaped from that update's profile: not traced further); 0.02 the
 * same there, and 48 kHz 36 dB 10.5 dB. Young lags are excluded and the peak must still stand 3x
 * the mean.
 */
function recheck(d: Delay, peak: f32, peakLag: i32, young: bool): void {
  const floor: f32 = d.provisionalEcho >= 2 * LONG_TAIL_UPDATES ? RECHECK_FLOOR : 0.04;
  if (young || !distinct(d, peak, peakLag, false) || !(peak > floor)) {
    d.recheckBlocks = 0;
    return;
  }
  const onset = onsetOf(d, peak, peakLag);
  if (d.recheck >= 0 && abs(onset - d.recheck) <= 1) {
    d.recheckBlocks++;
    d.recheck = min(d.recheck, onset);
  } else {
    d.recheck = onset;
    d.recheckBlocks = 1;
  }
  if (d.recheckBlocks < 2 * d.confirmBlocks) return;
  d.provisional = 0;
  if (d.onset > peakLag) {
    d.onset = d.recheck;
    d.candidate = -1;
    d.candidateBlocks = 0;
  }
}

/** The peak stands out: 3x the profile's mean, or, for a first onset after a long wait, 3x its mean over the lags before it. */
function distinct(d: Delay, peak: f32, peakLag: i32, moving: bool): bool {
  if (peak > 3 * d.mean) return true;
  if (moving || d.unplaced < LONG_TAIL_UPDATES || peakLag < BEFORE_LAGS) return false;
  let sum: f32 = 0;
  for (let l = 0; l < peakLag; l++) sum += load<f32>(d.profile + (<usize>l << 2));
  return peak > 3 * sum / <f32>peakLag;
}

/** (soakworst18) dl_rearm narrows a widened search back (`--use AEC_NARROW_OFF=1`: it stays wide, main 2c254c9's). */
// @ts-ignore: decorator
@inline const NARROW_AT_REARM: bool = !isDefined(AEC_NARROW_OFF);

/**
 * A path change was declared (./aec-change): for the next REARM_UPDATES updates with echo, an onset
 * other than the accepted one is accepted at once (REARM_CONFIRM update, instead of 4 x
 * confirmBlocks: 256 ms at 16 kHz), so that a playout jump is followed as soon as the smoothed
 * statistics show it; updates without echo (the reply's pauses) neither count nor spend the time,
 * since there the old lags keep their coherence. The laptop moved with a 30 ms jump back: the onset
 * moved 0.1 s after the next reply began instead of 0.35 s; back to 20 dB 0.99 s after the change
 * instead of 1.25 s (with the suppressor's presence released at the move, ./aec-block: place; 2
 * updates: 1.02 s; 2 updates without the release: 1.04 s). Also tried: the statistics zeroed or
 * scaled by 0.25 (a wrong onset from a few averages: 2.05 / 1.09 s), smoothing 2-3x as fast
 * (1.09-1.23 s), the filter's window widened 40 ms back until confirmed (1.07 s: the background
 * relearns from zero there; the jump is followed fast only by shifting the old model with the onset).
 */
export function dl_rearm(p: usize): void {
  const d = changetype<Delay>(p);
  d.rearmed = REARM_UPDATES;
  d.provisional = 0;
  if (FAR_EARLY) d.echoSince = 0;
  if (FAR_EARLY_REPLACE || LATE_ARM) d.youngWide = LATE_CHANGE && d.youngWide >= LATE_WAIT && d.youngWide < LATE_CHANGED ? LATE_CHANGED : 0; // (mutedb33: a placed return's arm kept)
  d.candidate = -1;
  d.candidateBlocks = 0;
  // (soakworst18) a search widened past maxDelayMs (watchBeyond) narrows back at a path change whose accepted
  // onset lies within the initial search: the echo it widened for is no longer where the onset is, and a new one
  // past the search widens it again (BEYOND_UPDATES). Widened once, it stood for the rest of a run: the week on
  // main 5306868 widened at 35.5 h on a false far peak (aec-jump17) and sox-medium's calls read its onset from
  // the wide search thereafter (43.8 h 12.3 dB 6.6% leaks; a fresh canceller at 157500 s with its search widened
  // reads it too: docs/NOTES.md, soakworst18)
  if (NARROW_AT_REARM && d.searchLags > d.initialLags && d.onset >= 0 && d.onset < d.initialLags) {
    d.searchLags = d.initialLags;
    d.beyondUpdates = 0;
    d.beyondCandidate = -1;
  }
}

/**
 * (aec-med14) Holds the accepted onset while the statistics are stale (after a dead stretch of the
 * mic, ./aec-block: liveHold): no candidate counts towards a move. Waiting only for the placement,
 * the soak's medium room took the stale peak at 192 ms as its onset 0.45 s after a 10 s zeroed mic
 * (the echo at 78 ms), the filter moved there when the hold ended, and stayed for the call.
 */
export function dl_hold(p: usize): void {
  const d = changetype<Delay>(p);
  d.candidate = -1;
  d.candidateBlocks = 0;
}

/** (onset19) The placement declined a later move (./aec-block place): the accepted onset set back to `onset` (the placed one), no candidate. */
export function dl_keep(p: usize, onset: i32): void {
  const d = changetype<Delay>(p);
  d.onset = onset;
  d.candidate = -1;
  d.candidateBlocks = 0;
}

/**
 * (aec-late15) Moves the accepted onset by `lags` (whole blocks the echo moved by the clock skew
 * followed: ./aec-skew followOnset), within the searched lags, where the profile's peak (distinct or
 * not) reads the onset on that side of it now; returns it (-1: none accepted yet). The statistics'
 * own candidate stands: a distinct one still moves the onset as before.
 */
export function dl_follow(p: usize, lags: i32): i32 {
  const d = changetype<Delay>(p);
  if (d.onset < 0) return -1;
  // only towards where the profile reads the onset now (its peak's walk back, distinct or not): an
  // onset accepted early waits for the echo to come to it
  const now = onsetOf(d, d.peak, d.peakLag);
  if (lags < 0 ? now >= d.onset : now <= d.onset) return d.onset;
  d.onset = min(d.searchLags - 1, max(0, d.onset + lags));
  return d.onset;
}

/** A tail of seconds: a first onset waited for LONG_TAIL_UPDATES updates with echo heard (the outside hall; never the lab's rooms, nor a reference playing unheard: UNHEARD_UPDATES). */
export function dl_long_tail(p: usize): bool {
  return changetype<Delay>(p).unplaced >= LONG_TAIL_UPDATES;
}

/** Updates with echo heard before the first onset (counted up to LONG_TAIL_UPDATES; UNHEARD_UPDATES). */
export function dl_unplaced(p: usize): i32 {
  return changetype<Delay>(p).unplaced;
}

/** The last onset seen past the searched lags (BEYOND_UPDATES: an echo past maxDelayMs), lag; -1: none since the last reset. */
export function dl_beyond(p: usize): i32 {
  return changetype<Delay>(p).beyond;
}

/** The evidence past the search (the bench hooks' trace, aec-bt2): the far peak (0..1), its lag (-1: none), the updates it stood out in a row (BEYOND_UPDATES) and their onset (-1: none). */
export function dl_far_peak(p: usize): f32 {
  return changetype<Delay>(p).farPeak;
}
export function dl_far_lag(p: usize): i32 {
  return changetype<Delay>(p).farLag;
}
export function dl_beyond_updates(p: usize): i32 {
  return changetype<Delay>(p).beyondUpdates;
}
export function dl_beyond_candidate(p: usize): i32 {
  return changetype<Delay>(p).beyondCandidate;
}

/**
 * Before a first onset, the call's first echo recognised by the profile's young coherence (aec-quiet5):
 * the peak lag over ARRIVE_MIN, ARRIVE_OVER x the profile's mean, and its coherence over ARRIVE_BIAS /
 * its age (a lag the reference reached n updates ago reads up to 1 / n at any onset of the mic, the
 * user's too: its few frames bound it by their share of the mic's smoothed power). Then the echo's
 * power per bin of the band that the reference explains at that lag, |C|^2 / Pxx (both smoothed from
 * the lag's first update, so scaled by 1 / (1 - (1 - alpha)^age)) x `scale` (the caller's frame over
 * this estimator's), is written to `out` (f32[K]; -1 in the bins outside the band), and the band's
 * share of the mic's smoothed power it explains returned; 0: none recognised (`out` untouched). Only
 * at a peak lag past `minLag` (the caller's ARRIVE_LATE_MS: a late first echo). Past the search as well
 * (aec-bt10): the profile's peak over the lags past it up to the reach, young ones judged as above,
 * where it stands BEYOND_OVER x over the peak within (dl_arrival_far tells it). The kiosk's 16 kHz 420 ms
 * 6 dB Bluetooth call: its echo arrives at 0.79 s, past the window; the suppressor took it for the user
 * from then to the reply's dip at 2.8-3.0 s (its trackers frozen by that presence, so it held itself),
 * though the widening placed the filter at 1.52 s; recognised here from 0.84 s, the presence ends there.
 */
export function dl_arrival(p: usize, out: usize, k: i32, scale: f32, minLag: i32): f32 {
  const d = changetype<Delay>(p);
  d.arrivedFar = false;
  d.arrivedAge = 0;
  if (d.onset >= 0) return 0;
  let l = d.peakLag;
  let peak = d.peak;
  // (aec-bt10) past the search (a Bluetooth speaker's 280-420 ms under the default 250): the far
  // peak over young lags, where it stands over the peak within
  if (d.arriveFarLag >= 0 && d.arriveFar > BEYOND_OVER * d.peak) {
    l = d.arriveFarLag;
    peak = d.arriveFar;
    d.arrivedFar = true;
  }
  if (l <= minLag) return 0;
  const age = load<i32>(d.ages + (<usize>l << 2));
  if (age < ARRIVE_MIN_AGE || !(peak > ARRIVE_MIN) || !(peak > ARRIVE_OVER * d.mean) || !(peak * <f32>age > ARRIVE_BIAS)) return 0;
  d.arrivedAge = age;
  const g = scale / (1 - Mathf.pow(1 - d.alpha, <f32>age));
  const row = <usize>l * (<usize>d.nb << 2);
  const cr = d.cRe + row;
  const ci = d.cIm + row;
  const px = d.pxx + row;
  let ec: f32 = 0;
  let pd: f32 = 0;
  for (let j = 0; j < k; j++) store<f32>(out + (<usize>j << 2), -1);
  for (let j = 0; j < d.nb && d.k0 + j < k; j++) {
    const o = <usize>j << 2;
    const re = load<f32>(cr + o);
    const im = load<f32>(ci + o);
    const e = g * (re * re + im * im) / (load<f32>(px + o) + 1.0e-20);
    store<f32>(out + (<usize>(d.k0 + j) << 2), e);
    ec += e;
    pd += scale * load<f32>(d.pdd + o);
  }
  return min<f32>(1, ec / (pd + 1.0e-20));
}

/** (aec-bt11) The age (updates) of the lag dl_arrival last recognised, 0: none this block. */
export function dl_arrival_age(p: usize): i32 {
  return changetype<Delay>(p).arrivedAge;
}

/** (aec-bt10) dl_arrival's last recognition was at the far peak past the search. */
export function dl_arrival_far(p: usize): bool {
  return changetype<Delay>(p).arrivedFar;
}

/**
 * (late32; on by default since integrate31, `--use AEC_LATE_ARM_OFF=1` turns it off) late31's search over the reach at a mic's return after a dead run (./aec-block
 * LATE_WIDE), taken only on evidence: armed at the return (dl_late_arm), the search widens once the profile's peak past
 * it (young lags too, as dl_arrival reads them: arriveFar) stands LATE_ARM_OVER x over the peak within and 2x the mean,
 * over BEYOND_MIN, for LATE_ARM_UPDATES updates in a row (echo or not: a reply's pause stalled the run past the
 * placement's hold, docs/NOTES.md late32); disarmed by a first onset, a widening or a path change. Traced (alive-trace,
 * ALIVE_LATE): WebKit's late resume (C, 0.30-0.34 s late at 1.5 s) reads the far peak 1.3-1.6x the young near one from
 * its first far update; the grid's unmute at 2.9 s + 1 quantum (no lateness) reads it 0.46x at most. A wide search from
 * the return places the same onset there at the same time, but its mean over twice the lags (0.083 against 0.144 at
 * 3.43 s) and the suppressor's presence let the reply's return pass (2.9 s + 1: 34.5 -> 6.6 dB). The arm's state lives
 * in youngWide (FAR_EARLY_REPLACE only, the layout unchanged): LATE_ARMED + the run.
 */
// @ts-ignore: decorator
@inline export const LATE_ARM: bool = !isDefined(AEC_LATE_ARM_OFF);
// @ts-ignore: decorator
@inline const LATE_ARMED: u8 = 4;
// @ts-ignore: decorator
@inline const LATE_ARM_OVER: f32 = isDefined(AEC_LATE_ARM_OVER) ? <f32>AEC_LATE_ARM_OVER : 1.25;
// @ts-ignore: decorator
@inline const LATE_ARM_UPDATES: i32 = isDefined(AEC_LATE_ARM_UPDATES) ? AEC_LATE_ARM_UPDATES : 2;
/**
 * (mutedb33; on by default, `--use AEC_LATE_CHANGE_OFF=1`: off, review31's) the arm at a placed canceller's return too (WebKit's B: a mic muted mid-call whose
 * track comes back 0.20-0.34 s behind itself, the echo past the search): armed at the return (LATE_WAIT + the updates
 * since, for up to LATE_WAIT_UPDATES), kept by the path change that follows (dl_rearm: LATE_CHANGED + the run), and
 * widened on lateArmed's evidence while that change's re-arm runs; the widening releases the placement's hold after the
 * dead run (LATE_RELEASE, read by ./aec-block; `--use AEC_LATE_CHANGE_HOLD=1`: the hold kept).
 */
// @ts-ignore: decorator
@inline export const LATE_CHANGE: bool = LATE_ARM && !isDefined(AEC_LATE_CHANGE_OFF);
/** (mutedb33) ./aec-block releases the placement's hold at the widening (dl_late_release) unless `--use AEC_LATE_CHANGE_HOLD=1`. */
// @ts-ignore: decorator
@inline export const LATE_CHANGE_RELEASE: bool = LATE_CHANGE && !isDefined(AEC_LATE_CHANGE_HOLD);
/**
 * (mutedb33) `--use AEC_LATE_CHANGE_UNFITTED=1`: the arm does not wait for a path change where the filter is not fitted
 * (dl_fitted). Tried: B muted at 1.0 s (the filter under 10 dB there) 2 s, 0.25 late: the widening placed the old peak
 * (107 ms, mature, over the reach) and no change came after: the third second 46.8 -> 0.8 dB; 5 s: 1.2 -> 40.7 dB.
 */
// @ts-ignore: decorator
@inline const LATE_CHANGE_UNFITTED: bool = isDefined(AEC_LATE_CHANGE_UNFITTED);
/**
 * (mutedb33) `--use AEC_LATE_CHANGE_ONSET=1`: the widening takes the onset at the young far peak's walk back at once, as
 * watchBeyond's does. Tried: B muted at 1.5 s for 5 s, 0.25-0.34 late: 0.0-2.4 dB over all three seconds after the return
 * (decide's peak over the reach: 37.0-43.0 dB in the second after).
 */
// @ts-ignore: decorator
@inline const LATE_CHANGE_ONSET: bool = isDefined(AEC_LATE_CHANGE_ONSET);
// @ts-ignore: decorator
@inline const LATE_RELEASE: u8 = 30;
// @ts-ignore: decorator
@inline const LATE_CHANGED: u8 = 128;
// @ts-ignore: decorator
@inline const LATE_WAIT: u8 = 64;
// @ts-ignore: decorator
@inline const LATE_WAIT_UPDATES: i32 = isDefined(AEC_LATE_WAIT_UPDATES) ? AEC_LATE_WAIT_UPDATES : 48;
/**
 * (reach34; on by default, `--use AEC_LATE_REACH_OFF=1`: main cb5d8cc's f6240438) mutedb33's arm past the reach
 * (reachLags, maxLag + 2: 500 ms + a lag): real WebKit's B came back 416 ms behind its reference, its echo ~530 ms behind
 * the reply, past the widened search, and the arm never placed it (Node, 0.42-0.50 s late: the second after the return's
 * first 0.0-10.7 dB, 14-89% leaks). The statistics already span the whole history (lags = m + maxLag + 1, the filter's
 * window past its farthest placement), so no state grows: while a placed return is armed (LATE_WAIT / LATE_CHANGED) the
 * far peak (arriveFar) is read up to lateReach, the lags over which the filter placed at maxLag still holds half its
 * window after the onset (lags - m / 2: to 640 ms at 16 and 24 kHz, 635 ms at 48), and a widening on a far peak past the
 * reach searches up to there (decide's onset, ./aec-block place: the filter at maxLag, PRE_BLOCKS + the excess before
 * the onset). A far peak within the reach widens to the reach as before (0-0.38 s late line for line). Node: 0.42-0.50 s
 * late 27.4-48.4 dB, 0-3.8% (docs/NOTES.md reach34); 0.54 s late (the echo at 650 ms, the edge) in two of four cells;
 * 0.58 s and later not.
 */
// @ts-ignore: decorator
@inline export const LATE_REACH: bool = LATE_CHANGE && !isDefined(AEC_LATE_REACH_OFF);
/** (reach34, LATE_REACH) The armed placed return's reach, lags: lags - m / 2 (the filter placed at maxLag spans half its window past it). */
// @ts-ignore: decorator
@inline function lateReach(d: Delay): i32 {
  return max(d.reachLags, d.lags - (d.windowLags >> 1));
}
function lateChanged(d: Delay): void {
  if (d.youngWide == LATE_RELEASE) return;
  if (d.searchLags >= d.reachLags) {
    d.youngWide = 0;
    return;
  }
  if (d.youngWide < LATE_CHANGED) {
    // (waiting) a filter fitted since the last path change (dl_fitted: its window holds the echo) waits for the change
    if (!LATE_CHANGE_UNFITTED || d.fitEnd >= 0) {
      const age = <i32>d.youngWide - <i32>LATE_WAIT + 1;
      d.youngWide = age >= LATE_WAIT_UPDATES ? 0 : <u8>(<i32>LATE_WAIT + age);
      return;
    }
    d.youngWide = LATE_CHANGED;
  }
  const age = ((<i32>d.youngWide - <i32>LATE_CHANGED) >> 1) + 1;
  if (age >= LATE_WAIT_UPDATES) {
    d.youngWide = 0;
    return;
  }
  const far = d.arriveFar;
  if (d.arriveFarLag < 0 || !(far > BEYOND_MIN) || !(far > LATE_ARM_OVER * d.peak) || !(far > 2 * d.mean)) {
    d.youngWide = <u8>(<i32>LATE_CHANGED + (age << 1));
    return;
  }
  const run = (<i32>d.youngWide & 1) + 1;
  if (run >= LATE_ARM_UPDATES) {
    // re-armed: the onset taken at first sight over the reach (decide: a near onset taken at the change spent dl_rearm's)
    if (LATE_CHANGE_ONSET) d.onset = d.beyond = farWalkBack(d, far, d.arriveFarLag);
    // (reach34, LATE_REACH) its far peak past the reach: the search widened to the late reach
    d.searchLags = LATE_REACH && d.arriveFarLag >= d.reachLags ? lateReach(d) : d.reachLags;
    d.rearmed = REARM_UPDATES;
    d.candidate = -1;
    d.candidateBlocks = 0;
    d.youngWide = LATE_RELEASE;
  } else d.youngWide = <u8>(<i32>LATE_CHANGED + (age << 1) + 1);
}
/** (mutedb33, LATE_CHANGE) A path change was declared (./aec-change, with or without dl_rearm): a placed return's arm waits no more. */
export function dl_late_changed(p: usize): void {
  const d = changetype<Delay>(p);
  if (LATE_CHANGE && d.youngWide >= LATE_WAIT && d.youngWide < LATE_CHANGED) d.youngWide = LATE_CHANGED;
}
/** (mutedb33, LATE_CHANGE) The arm widened at a placed canceller's path change: the placement's hold is released (once). */
export function dl_late_release(p: usize): bool {
  const d = changetype<Delay>(p);
  if (!LATE_CHANGE || d.youngWide != LATE_RELEASE) return false;
  d.youngWide = 0;
  return true;
}
function lateArmed(d: Delay): void {
  if (LATE_CHANGE && d.youngWide >= LATE_RELEASE) {
    lateChanged(d);
    return;
  }
  if (d.onset >= 0 || d.searchLags >= d.reachLags) {
    d.youngWide = 0;
    return;
  }
  const far = d.arriveFar;
  if (d.arriveFarLag < 0 || !(far > BEYOND_MIN) || !(far > LATE_ARM_OVER * d.peak) || !(far > 2 * d.mean)) {
    d.youngWide = LATE_ARMED;
    return;
  }
  const run = <i32>d.youngWide - <i32>LATE_ARMED + 1;
  if (run >= LATE_ARM_UPDATES) {
    d.searchLags = d.reachLags;
    d.youngWide = 0;
  } else d.youngWide = <u8>(<i32>LATE_ARMED + run);
}
/**
 * (first35, a probe for ./aec-block RETURN_JUMP; compiled out unless `--use AEC_RETURN_JUMP=1`) A placed return's young
 * far peak taken at once: the onset moved by the far peak's lag less the near peak's, the search widened to hold it (as
 * lateChanged widens), the arm spent. Returns the new onset, or -1 where there is none to take.
 */
export function dl_late_jump(p: usize): i32 {
  const d = changetype<Delay>(p);
  if (d.onset < 0 || d.arriveFarLag < 0 || d.peakLag < 0) return -1;
  const on = d.onset + d.arriveFarLag - d.peakLag;
  if (on <= d.onset) return -1;
  d.onset = on;
  d.searchLags = LATE_REACH && d.arriveFarLag >= d.reachLags ? lateReach(d) : max(d.searchLags, d.reachLags);
  d.candidate = -1;
  d.candidateBlocks = 0;
  d.youngWide = 0;
  return on;
}
/** (late32, LATE_ARM) Arms the search's widening on evidence (lateArmed) at a mic's return after a dead run. */
export function dl_late_arm(p: usize): void {
  const d = changetype<Delay>(p);
  if (d.searchLags < d.reachLags) d.youngWide = LATE_CHANGE && d.onset >= 0 ? LATE_WAIT : LATE_ARMED;
}

/** (soakworst18, the bench hooks only) Sets the searched lags: the reach (wide, as dl_beyond's widening leaves them) or the initial search. */
export function dl_search_set(p: usize, wide: bool): void {
  const d = changetype<Delay>(p);
  d.searchLags = wide ? d.reachLags : d.initialLags;
}

/**
 * (onset19, the bench hooks only) The decision's state: which 0 the candidate onset (-1: none), 1 the
 * updates it held, 2 the updates of a path change's re-arm left, 3 lag l's age (updates, up to
 * `mature`), 4 lag l's updates since its reference resumed after `mature` silent ones (low 16 bits
 * of `fresh`), 5 that lag's run of silent updates (high 16 bits); (mirror24) 6 blocks since the user was
 * last present (dl_user), 7 the filter's window (lags), 8 the peak's lag, 9 `mature`.
 */
export function dl_debug(p: usize, which: i32, l: i32): i32 {
  const d = changetype<Delay>(p);
  if (which == 0) return d.candidate;
  if (which == 1) return d.candidateBlocks;
  if (which == 2) return d.rearmed;
  if (which == 6) return d.userAgo;
  if (which == 7) return d.windowLags;
  if (which == 8) return d.peakLag;
  if (which == 9) return d.mature;
  if (which == 10) return d.arriveFarLag; // (late32) the far peak over young lags too (aec-bt10), its lag
  if (which == 11) return <i32>(d.arriveFar * 1000); // and its coherence x 1000
  if (which == 12) return <i32>(d.mean * 1000); // the mean over the searched lags x 1000
  if (which == 13) return d.onset;
  if (which == 14) return d.provisional;
  if (which == 15) return <i32>d.youngWide; // (late32, LATE_ARM: LATE_ARMED + the run)
  if (l < 0 || l >= d.lags) return -1;
  if (which == 3) return load<i32>(d.ages + (<usize>l << 2));
  const f = load<i32>(d.fresh + (<usize>l << 2));
  return which == 4 ? f & 0xffff : f >>> 16;
}

/** Lags searched for the onset now (widened once the echo is seen past them: dl_beyond). */
export function dl_search_lags(p: usize): i32 {
  return changetype<Delay>(p).searchLags;
}

/** The accepted onset lag (-1: none yet). */
export function dl_onset(p: usize): i32 {
  return changetype<Delay>(p).onset;
}

/**
 * The accepted onset lag or, before the first, the candidate of the last update (a distinct peak's
 * onset not yet confirmed; -1: none). The canceller weighs the suppressor's reference by the profile
 * from the first candidate on (./aec-block); the filter is placed only at a confirmed onset.
 */
export function dl_likely_onset(p: usize): i32 {
  const d = changetype<Delay>(p);
  return d.onset >= 0 ? d.onset : d.candidateBlocks > 0 ? d.candidate : -1;
}

/** (rise30) Before a first onset, the candidate onset of the last updates whether or not its count holds, else the profile's peak lag (-1: none). */
export function dl_provisional(p: usize): i32 {
  const d = changetype<Delay>(p);
  return d.candidate >= 0 ? d.candidate : d.peakLag;
}

/** The profile's peak: the largest share of the mic one lag of reference explains (0..1). */
export function dl_peak(p: usize): f32 {
  return changetype<Delay>(p).peak;
}

/** The profile's peak lag (-1 before a first update; the bench hooks' skew trace). */
export function dl_peak_lag(p: usize): i32 {
  return changetype<Delay>(p).peakLag;
}

/** The lag of the kept cross-spectrum (dl_snapshot; -1: none; the bench hooks' skew trace). */
export function dl_snap_lag(p: usize): i32 {
  return changetype<Delay>(p).snapLag;
}

/** The coherence profile, f32[lags]: the share of the mic each lag of reference explains. */
export function dl_profile(p: usize): usize {
  return changetype<Delay>(p).profile;
}

/** Keeps the cross-spectrum at the peak lag (for dl_moved); false before a confident peak. */
export function dl_snapshot(p: usize, minPeak: f32): bool {
  const d = changetype<Delay>(p);
  if (d.peakLag < 0 || !(d.peak > minPeak)) {
    d.snapLag = -1;
    return false;
  }
  d.snapLag = d.peakLag;
  const row = <usize>d.nb << 2;
  memory.copy(d.snap, d.cRe + <usize>d.peakLag * row, row);
  memory.copy(d.snap + row, d.cIm + <usize>d.peakLag * row, row);
  return true;
}

/**
 * How far, in samples, the echo moved since dl_snapshot: the cross-spectrum at that lag turned by
 * -2 pi k dτ / n in bin k (n-point frames); a least-squares slope of the angles over the band's
 * bins, weighted by the product of the magnitudes (the angles within +-pi: dτ under n / 2 k1, 2.5
 * samples at 16 kHz for the top of the band). NaN without a snapshot.
 */
export function dl_moved(p: usize, n: i32): f32 {
  const d = changetype<Delay>(p);
  if (d.snapLag < 0) return NaN;
  const row = <usize>d.nb << 2;
  const cr = d.cRe + <usize>d.snapLag * row;
  const ci = d.cIm + <usize>d.snapLag * row;
  let num: f64 = 0;
  let den: f64 = 0;
  for (let j = 0; j < d.nb; j++) {
    const o = <usize>j << 2;
    const ar = <f64>load<f32>(cr + o);
    const ai = <f64>load<f32>(ci + o);
    const br = <f64>load<f32>(d.snap + o);
    const bi = <f64>load<f32>(d.snap + row + o);
    const re = ar * br + ai * bi; // now x conj(then)
    const im = ai * br - ar * bi;
    const w = Math.sqrt(re * re + im * im);
    const bin = <f64>(d.k0 + j);
    num += w * bin * Math.atan2(im, re);
    den += w * bin * bin;
  }
  if (!(den > 0)) return NaN;
  return <f32>(-<f64>n / (2 * Math.PI) * num / den);
}
