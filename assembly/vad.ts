// Energy voice activity detector, 10 ms frames at any sample rate.
//
// What: one speech/non-speech decision per 10 ms frame, and speech_start / speech_stop events
// timed to the sample, from band-limited frame energy against an adaptive model of the noise.
// How: each sample is band-limited to the speech band (2nd-order Butterworth high-pass at 200 Hz
// and, where the rate allows, 2nd-order low-pass at 4 kHz; RBJ "Audio EQ Cookbook" biquads), and
// the mean square of each 10 ms frame gives its level in dBFS. The noise is modelled by two
// numbers: its centre, a quantile tracker (fixed up/down steps whose ratio makes it settle at the
// 40% point of the noise frames' level distribution; stochastic-approximation quantile estimation,
// Robbins and Monro 1951) that falls fast when the level drops far under it and rises only at a
// bounded rate while speech is being decided; and its fluctuation, the lower semi-deviation (mean
// distance of the frames that fall below the centre). When the noise itself gets louder (a fan, a
// car) the slow rise would take it for speech for seconds: a window of the last second of levels
// (vad-window.ts) shows a steady new floor well above the centre, and the model is then
// re-estimated from that second (0.92 s after a step up). Speech only adds energy, so frames below the
// centre are noise whatever the decision, and the spread needs no voicing decision to learn: white
// noise shows ~0.5 dB, brown ~1.5 dB, six-talker babble ~3.5 dB. A frame is voiced when its level
// exceeds the centre by `startDb` plus twice the fluctuation (or `stopDb` plus one fluctuation while
// the previous frame was voiced: hysteresis) and an absolute minimum; the fluctuation term shrinks
// to half as the running speech-to-noise ratio falls from 15 to 5 dB. A hangover keeps the decision
// on after the last voiced frame, shorter at high SNR and longer over fluctuating noise (babble's
// dips cut words apart). Events: speech_start once `minSpeechFrames` consecutive frames are
// decided speech (timed at the first of them), speech_stop once `silenceFrames` consecutive frames
// are not (timed at the end of the last speech frame).
// References: energy/noise-estimate VADs with hangover as in ITU-T G.729 Annex B; noise estimation
// that does not need a voicing decision, after R. Martin, "Noise power spectral density estimation
// based on optimal smoothing and minimum statistics", IEEE TSAP 2001 (here a low quantile and the
// lower tail instead of a windowed minimum, which rose into long utterances when measured).
// Latency: decisions per completed 10 ms frame; speech_start is emitted `minSpeechFrames` frames
// after the onset frame, speech_stop `silenceFrames` frames after the last speech frame.
//
// State: one block allocated by the TypeScript wrapper (vad_state_bytes): a VadState struct, the
// high-pass and low-pass Biquad structs, then the windows of the last second of levels. Events are written as pairs of f64 (type 0 = start /
// 1 = stop, sample index); frame decisions as one byte per completed frame.

import { finiteOrZero, follow, powerDb } from "./shared";
import { FLOOR_WINDOWS_BYTES, floorWindowsPush, floorWindowsReset, newFloorAbove, recentLevelQuantile, recentLowerSpread } from "./vad-window";

@unmanaged class VadState {
  // Options (vad_init).
  frameSamples: i32;
  lowPassOn: bool;
  hangoverFrames: i32;
  minSpeechFrames: i32;
  silenceFrames: i32;
  startDb: f64;
  stopDb: f64;
  minLevelDb: f64;
  riseDbPerFrame: f64; // noise centre rise per frame while speech is being decided, dB

  // Stream (vad_reset).
  fill: i32; // first field set by vad_reset: samples accumulated in the current frame
  acc: f64; // sum of squares in the current frame
  frames: f64; // completed frames since reset
  decided: i32; // frames completed by the last vad_process call
  floorDb: f64; // noise centre (quantile tracker), dB
  devDb: f64; // lower semi-deviation of frame levels under the noise centre, dB
  speechDb: f64; // running level of voiced frames
  runSpeechDb: f64; // speechDb when the current run of speech decisions began
  levelDb: f64; // level of the last completed frame
  voiced: bool; // previous frame voiced
  lastDecision: bool; // previous frame speech (voiced or hangover)
  hangLeft: i32; // frames of hangover left
  speaking: bool; // between speech_start and speech_stop
  run: i32; // consecutive speech frames while not speaking
  quiet: i32; // consecutive non-speech frames while speaking
}

/** A 2nd-order IIR section: coefficients normalized by a0, then its state. */
@unmanaged class Biquad {
  b0: f64;
  b1: f64;
  b2: f64;
  a1: f64;
  a2: f64;
  x1: f64;
  x2: f64;
  y1: f64;
  y2: f64;
}

// @ts-ignore: decorator
@inline const HP_OFF: usize = (offsetof<VadState>() + 15) & ~15; // Biquad: high-pass at 200 Hz
// @ts-ignore: decorator
@inline const LP_OFF: usize = HP_OFF + offsetof<Biquad>(); // Biquad: low-pass at 4 kHz (when lowPassOn)
// @ts-ignore: decorator
@inline const WINDOWS_OFF: usize = (LP_OFF + offsetof<Biquad>() + 15) & ~15; // the last second of levels (vad-window.ts)
// @ts-ignore: decorator
@inline const STATE_BYTES: usize = WINDOWS_OFF + FLOOR_WINDOWS_BYTES;
// @ts-ignore: decorator
@inline const SAMPLE_LIMIT: f64 = 1.0e4; // finite samples are clamped to +-this (bounded energies)
// Margins grow with how much the noise level itself fluctuates (its lower semi-deviation, dB).
// @ts-ignore: decorator
@inline const START_DEV_FACTOR: f64 = 2.0;
// @ts-ignore: decorator
@inline const STOP_DEV_FACTOR: f64 = 1.0;
// The fluctuation term is scaled by 0.5..1 as the running speech-to-noise ratio goes 5..15 dB.
// @ts-ignore: decorator
@inline const SPREAD_MIN_SCALE: f64 = 0.5;
// @ts-ignore: decorator
@inline const SPREAD_SNR_LOW_DB: f64 = 5.0;
// @ts-ignore: decorator
@inline const SPREAD_SNR_HIGH_DB: f64 = 15.0;
// Noise centre: quantile tracker settling at the 40% point of noise frame levels, 0.3 dB steps.
// @ts-ignore: decorator
@inline const QUANTILE: f64 = 0.4;
// @ts-ignore: decorator
@inline const QUANTILE_STEP_DB: f64 = 0.3;
// Below the centre by more than FAST_FALL_DEVS deviations, it falls by FAST_FALL of the excess.
// @ts-ignore: decorator
@inline const FAST_FALL: f64 = 0.3;
// @ts-ignore: decorator
@inline const FAST_FALL_DEVS: f64 = 3.0;
// Lower semi-deviation: exponential average (rate per frame below the centre), each sample capped.
// @ts-ignore: decorator
@inline const DEV_RATE: f64 = 0.05;
// @ts-ignore: decorator
@inline const DEV_CAP_DB: f64 = 15.0;
// Hangover lengthens by up to 70% as the deviation goes from 1 to 4 dB (babble).
// @ts-ignore: decorator
@inline const HANG_DEV_EXTRA: f64 = 0.7;

/** Bytes of the state block. */
export function vad_state_bytes(): i32 {
  return <i32>STATE_BYTES;
}

/** RBJ cookbook biquad (Q = 1/sqrt 2): high-pass when `high`, else low-pass; normalized by a0. */
function designBiquad(f: Biquad, sampleRate: f64, hz: f64, high: bool): void {
  const w = 2.0 * Math.PI * hz / sampleRate;
  const alpha = Math.sin(w) / (2.0 * Math.SQRT1_2);
  const c = Math.cos(w);
  const a0 = 1.0 + alpha;
  const b1 = high ? -(1.0 + c) : 1.0 - c;
  const b0 = high ? (1.0 + c) / 2.0 : (1.0 - c) / 2.0;
  f.b0 = b0 / a0;
  f.b1 = b1 / a0;
  f.b2 = b0 / a0;
  f.a1 = -2.0 * c / a0;
  f.a2 = (1.0 - alpha) / a0;
}

/** Sets up a detector; options are validated by the caller. */
export function vad_init(
  s: usize,
  sampleRate: i32,
  frameSamples: i32,
  startDb: f64,
  stopDb: f64,
  minLevelDb: f64,
  riseDbPerFrame: f64,
  hangoverFrames: i32,
  minSpeechFrames: i32,
  silenceFrames: i32,
): void {
  memory.fill(s, 0, STATE_BYTES);
  const st = changetype<VadState>(s);
  st.frameSamples = frameSamples;
  designBiquad(changetype<Biquad>(s + HP_OFF), sampleRate, 200.0, true);
  st.lowPassOn = sampleRate > 8000;
  if (st.lowPassOn) designBiquad(changetype<Biquad>(s + LP_OFF), sampleRate, 4000.0, false);
  st.startDb = startDb;
  st.stopDb = stopDb;
  st.minLevelDb = minLevelDb;
  st.riseDbPerFrame = riseDbPerFrame;
  st.hangoverFrames = hangoverFrames;
  st.minSpeechFrames = minSpeechFrames;
  st.silenceFrames = silenceFrames;
  vad_reset(s);
}

/** Back to the state after init (same options): stream time 0, no noise estimate yet. */
export function vad_reset(s: usize): void {
  const first = offsetof<VadState>("fill");
  memory.fill(s + first, 0, offsetof<VadState>() - first);
  for (let f = 0; f < 2; f++) {
    const filter = changetype<Biquad>(s + (f == 0 ? HP_OFF : LP_OFF));
    filter.x1 = 0.0;
    filter.x2 = 0.0;
    filter.y1 = 0.0;
    filter.y2 = 0.0;
  }
  const st = changetype<VadState>(s);
  st.floorDb = -120.0;
  st.devDb = 2.0;
  st.speechDb = -30.0;
  st.runSpeechDb = -30.0;
  st.levelDb = -120.0;
  floorWindowsReset(s + WINDOWS_OFF);
}

/** Writes event `type` (0 start, 1 stop) at `sampleIndex` as event number `events`. */
// @ts-ignore: decorator
@inline function writeEvent(eventsPtr: usize, events: i32, type: f64, sampleIndex: f64): void {
  const at = eventsPtr + (<usize>events << 4);
  store<f64>(at, type);
  store<f64>(at, sampleIndex, 8);
}

/** Decides one completed frame of level `levelDb`; returns the event written (0 or 1). */
function decideFrame(s: usize, levelDb: f64, eventsPtr: usize, events: i32, decisionsPtr: usize): i32 {
  const st = changetype<VadState>(s);
  const frames = st.frames;
  let centreDb = st.floorDb;
  if (frames == 0.0) centreDb = levelDb; // first frame: start the estimate where the level is
  const minLevelDb = st.minLevelDb;
  let dev = st.devDb;
  let speechDb = st.speechDb;
  let hang = st.hangLeft;
  let wasVoiced = st.voiced;

  // A new noise floor (vad-window.ts): the last second is steady and all of it stands well above
  // the noise centre, so it is noise that got louder, not speech. The noise model is re-estimated
  // from that second, the speech level is taken back to what it was before the run of "speech"
  // began (and at least SPREAD_SNR_HIGH_DB over the new floor, full margins, until the user speaks),
  // and the run's hangover ends: this frame is decided against the new floor.
  const windows = s + WINDOWS_OFF;
  floorWindowsPush(windows, levelDb);
  if (newFloorAbove(windows, centreDb)) {
    centreDb = recentLevelQuantile(windows, QUANTILE);
    dev = min(recentLowerSpread(windows, centreDb), DEV_CAP_DB);
    speechDb = max(st.runSpeechDb, centreDb + SPREAD_SNR_HIGH_DB);
    hang = 0;
    wasVoiced = false;
  }

  // Margin above the noise centre: a fixed part plus the noise's own fluctuation (lower
  // semi-deviation), the latter shrunk by up to half when the running speech-to-noise ratio is low
  // (speech only a few dB above babble must not be held to babble's full spread).
  const runSnrDb = speechDb - max(centreDb, minLevelDb);
  const spreadScale = min(1.0, max(SPREAD_MIN_SCALE, (runSnrDb - SPREAD_SNR_LOW_DB) / (SPREAD_SNR_HIGH_DB - SPREAD_SNR_LOW_DB)));
  const margin = wasVoiced
    ? st.stopDb + STOP_DEV_FACTOR * dev * spreadScale
    : st.startDb + START_DEV_FACTOR * dev * spreadScale;
  const voiced = levelDb > centreDb + margin && levelDb > minLevelDb;

  // Noise centre: a quantile tracker (fixed steps, up QUANTILE x STEP, down (1 - QUANTILE) x STEP,
  // so it settles at the QUANTILE point of the noise's level distribution), falling faster when the
  // level drops far below it (noise got quieter). It rises at the bounded rate only while speech is
  // being decided (voiced or hangover), so speech does not pull it up, while a "speech" segment that
  // lasts implausibly long still lets it climb. The lower semi-deviation (mean distance of frames
  // below the centre) measures how much the noise fluctuates; speech only adds energy, so frames
  // below the centre are noise, and babble's deep dips show as a wide spread where white noise
  // shows a narrow one.
  if (levelDb < centreDb) {
    const below = centreDb - levelDb;
    dev = follow(dev, min(below, DEV_CAP_DB), DEV_RATE);
    centreDb -= max((1.0 - QUANTILE) * QUANTILE_STEP_DB, FAST_FALL * (below - FAST_FALL_DEVS * dev));
  } else if (!voiced && hang <= 0) {
    centreDb += QUANTILE * QUANTILE_STEP_DB;
  } else {
    centreDb += st.riseDbPerFrame;
  }
  st.floorDb = centreDb;
  st.devDb = dev;

  // Hangover scales with the running SNR: full below 10 dB, where noise masks weak word endings,
  // down to half at 25 dB and above, where the endings stay above the floor by themselves; and
  // longer (up to HANG_DEV_EXTRA more) over fluctuating noise, whose dips cut words into pieces.
  if (voiced) {
    if (!st.lastDecision) st.runSpeechDb = speechDb;
    speechDb = follow(speechDb, levelDb, 0.05);
  }
  st.speechDb = speechDb;
  const snrDb = speechDb - max(centreDb, minLevelDb);
  const hangScale = min(1.0, max(0.5, 1.0 - (snrDb - 10.0) / 30.0));
  const devExtra = centreDb > minLevelDb ? HANG_DEV_EXTRA * min(max(dev - 1.0, 0.0), 3.0) / 3.0 : 0.0;
  const speech = voiced || hang > 0;
  if (voiced) hang = <i32>Math.round(<f64>st.hangoverFrames * hangScale * (1.0 + devExtra));
  else if (hang > 0) hang -= 1;
  st.hangLeft = hang;
  st.voiced = voiced;
  st.levelDb = levelDb;
  st.lastDecision = speech;
  store<u8>(decisionsPtr + <usize>st.decided, speech ? 1 : 0);
  st.decided += 1;

  const frameSamples = <f64>st.frameSamples;
  let written = 0;
  // start and stop mirror each other on purpose (hysteresis: speech frames counted to start, quiet to stop)
  if (!st.speaking) {
    const run = speech ? st.run + 1 : 0;
    st.run = run;
    if (run >= st.minSpeechFrames) {
      st.speaking = true;
      st.quiet = 0;
      writeEvent(eventsPtr, events, 0.0, (frames + 1.0 - <f64>run) * frameSamples);
      written = 1;
    }
  } else {
    const quiet = speech ? 0 : st.quiet + 1;
    st.quiet = quiet;
    if (quiet >= st.silenceFrames) {
      st.speaking = false;
      st.run = 0;
      writeEvent(eventsPtr, events, 1.0, (frames + 1.0 - <f64>quiet) * frameSamples);
      written = 1;
    }
  }
  st.frames = frames + 1.0;
  return written;
}

/**
 * Feeds `samples` float32 samples at `inPtr`. Writes events (f64 type, f64 sample index) at
 * `eventsPtr` and one decision byte per completed frame at `decisionsPtr`; returns the event count.
 * The number of frames completed is `vad_frames_decided(s)`. NaN/Inf samples count as 0.
 */
export function vad_process(s: usize, inPtr: usize, samples: i32, eventsPtr: usize, decisionsPtr: usize): i32 {
  const st = changetype<VadState>(s);
  const hp = changetype<Biquad>(s + HP_OFF);
  const lp = changetype<Biquad>(s + LP_OFF);
  const frameSamples = st.frameSamples;
  let fill = st.fill;
  let acc = st.acc;
  const lpOn = st.lowPassOn;
  const hb0 = hp.b0, hb1 = hp.b1, hb2 = hp.b2, ha1 = hp.a1, ha2 = hp.a2;
  let hx1 = hp.x1, hx2 = hp.x2, hy1 = hp.y1, hy2 = hp.y2;
  const lb0 = lp.b0, lb1 = lp.b1, lb2 = lp.b2, la1 = lp.a1, la2 = lp.a2;
  let lx1 = lp.x1, lx2 = lp.x2, ly1 = lp.y1, ly2 = lp.y2;
  st.decided = 0;
  let events = 0;
  for (let i = 0; i < samples; i++) {
    const x = min(max(<f64>finiteOrZero(load<f32>(inPtr + (<usize>i << 2))), -SAMPLE_LIMIT), SAMPLE_LIMIT);
    const h = hb0 * x + hb1 * hx1 + hb2 * hx2 - ha1 * hy1 - ha2 * hy2;
    hx2 = hx1;
    hx1 = x;
    hy2 = hy1;
    hy1 = h;
    let y = h;
    if (lpOn) {
      y = lb0 * h + lb1 * lx1 + lb2 * lx2 - la1 * ly1 - la2 * ly2;
      lx2 = lx1;
      lx1 = h;
      ly2 = ly1;
      ly1 = y;
    }
    acc += y * y;
    if (++fill == frameSamples) {
      const levelDb = powerDb(acc / <f64>frameSamples + 1.0e-12);
      events += decideFrame(s, levelDb, eventsPtr, events, decisionsPtr);
      fill = 0;
      acc = 0.0;
    }
  }
  // Flush denormals: a long silence lets the filter state decay into the subnormal range.
  if (Math.abs(hy1) < 1.0e-30) hy1 = 0.0;
  if (Math.abs(hy2) < 1.0e-30) hy2 = 0.0;
  if (Math.abs(ly1) < 1.0e-30) ly1 = 0.0;
  if (Math.abs(ly2) < 1.0e-30) ly2 = 0.0;
  st.fill = fill;
  st.acc = acc;
  hp.x1 = hx1;
  hp.x2 = hx2;
  hp.y1 = hy1;
  hp.y2 = hy2;
  lp.x1 = lx1;
  lp.x2 = lx2;
  lp.y1 = ly1;
  lp.y2 = ly2;
  return events;
}

// State getters for the TS wrapper, one export per field: the same shape in every kernel by design.
/** Frames completed (decision bytes written) by the last vad_process call. */
export function vad_frames_decided(s: usize): i32 {
  return changetype<VadState>(s).decided;
}

/** Completed frames since reset. */
export function vad_frames(s: usize): f64 {
  return changetype<VadState>(s).frames;
}

/** 1 while in a speech segment (between speech_start and speech_stop). */
export function vad_speaking(s: usize): i32 {
  return changetype<VadState>(s).speaking ? 1 : 0;
}

/** Decision of the last completed frame (1 speech), its level and the noise floor, in dBFS. */
export function vad_last_decision(s: usize): i32 {
  return changetype<VadState>(s).lastDecision ? 1 : 0;
}
export function vad_level_db(s: usize): f64 {
  return changetype<VadState>(s).levelDb;
}
export function vad_floor_db(s: usize): f64 {
  return changetype<VadState>(s).floorDb;
}
