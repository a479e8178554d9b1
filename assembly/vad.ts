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
// distance of the frames that fall below the centre). Speech only adds energy, so frames below the
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
// State block (f64 slots; see the S_* offsets); events are written as pairs of f64
// (type 0 = start / 1 = stop, sample index); frame decisions as one byte per completed frame.

// @ts-ignore: decorator
@inline const S_FRAME: i32 = 0; // samples per frame
// @ts-ignore: decorator
@inline const S_FILL: i32 = 1; // samples accumulated in the current frame
// @ts-ignore: decorator
@inline const S_ACC: i32 = 2; // sum of squares in the current frame
// @ts-ignore: decorator
@inline const S_HP: i32 = 3; // 5 coefficients b0 b1 b2 a1 a2, then state x1 x2 y1 y2 (slots 3..11)
// @ts-ignore: decorator
@inline const S_LP: i32 = 12; // same layout (slots 12..20); S_LP_ON says whether it is used
// @ts-ignore: decorator
@inline const S_LP_ON: i32 = 21;
// @ts-ignore: decorator
@inline const S_START_DB: i32 = 22;
// @ts-ignore: decorator
@inline const S_STOP_DB: i32 = 23;
// @ts-ignore: decorator
@inline const S_MIN_LEVEL_DB: i32 = 24;
// @ts-ignore: decorator
@inline const S_RISE_DB: i32 = 25; // floor rise per frame, dB
// @ts-ignore: decorator
@inline const S_HANGOVER: i32 = 26; // frames
// @ts-ignore: decorator
@inline const S_MIN_SPEECH: i32 = 27; // frames
// @ts-ignore: decorator
@inline const S_SILENCE: i32 = 28; // frames
// @ts-ignore: decorator
@inline const S_FLOOR_DB: i32 = 29; // noise centre (quantile tracker), dB
// @ts-ignore: decorator
@inline const S_FRAMES: i32 = 30; // completed frames since reset
// @ts-ignore: decorator
@inline const S_VOICED: i32 = 31; // previous frame voiced (0/1)
// @ts-ignore: decorator
@inline const S_HANG_LEFT: i32 = 32;
// @ts-ignore: decorator
@inline const S_SPEAKING: i32 = 33;
// @ts-ignore: decorator
@inline const S_RUN: i32 = 34; // consecutive speech frames while not speaking
// @ts-ignore: decorator
@inline const S_QUIET: i32 = 35; // consecutive non-speech frames while speaking
// @ts-ignore: decorator
@inline const S_DECIDED: i32 = 36; // frames completed by the last vad_process call
// @ts-ignore: decorator
@inline const S_LEVEL_DB: i32 = 37; // level of the last completed frame
// @ts-ignore: decorator
@inline const S_LAST_DECISION: i32 = 38;
// @ts-ignore: decorator
@inline const S_DEV_DB: i32 = 39; // lower semi-deviation of frame levels under the noise centre, dB
// @ts-ignore: decorator
@inline const S_SPEECH_DB: i32 = 40; // running level of voiced frames
// @ts-ignore: decorator
@inline const STATE_SLOTS: i32 = 48;
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
  return STATE_SLOTS << 3;
}

// @ts-ignore: decorator
@inline function get(s: usize, slot: i32): f64 {
  return load<f64>(s + (<usize>slot << 3));
}
// @ts-ignore: decorator
@inline function set(s: usize, slot: i32, v: f64): void {
  store<f64>(s + (<usize>slot << 3), v);
}

/** RBJ cookbook biquad (Q = 1/sqrt 2): high-pass when `high`, else low-pass; normalized by a0. */
function designBiquad(s: usize, slot: i32, sampleRate: f64, hz: f64, high: bool): void {
  const w = 2.0 * Math.PI * hz / sampleRate;
  const alpha = Math.sin(w) / (2.0 * Math.SQRT1_2);
  const c = Math.cos(w);
  const a0 = 1.0 + alpha;
  const b1 = high ? -(1.0 + c) : 1.0 - c;
  const b0 = high ? (1.0 + c) / 2.0 : (1.0 - c) / 2.0;
  set(s, slot, b0 / a0);
  set(s, slot + 1, b1 / a0);
  set(s, slot + 2, b0 / a0);
  set(s, slot + 3, -2.0 * c / a0);
  set(s, slot + 4, (1.0 - alpha) / a0);
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
  memory.fill(s, 0, STATE_SLOTS << 3);
  set(s, S_FRAME, frameSamples);
  designBiquad(s, S_HP, sampleRate, 200.0, true);
  const lowPass = sampleRate > 8000;
  set(s, S_LP_ON, lowPass ? 1.0 : 0.0);
  if (lowPass) designBiquad(s, S_LP, sampleRate, 4000.0, false);
  set(s, S_START_DB, startDb);
  set(s, S_STOP_DB, stopDb);
  set(s, S_MIN_LEVEL_DB, minLevelDb);
  set(s, S_RISE_DB, riseDbPerFrame);
  set(s, S_HANGOVER, hangoverFrames);
  set(s, S_MIN_SPEECH, minSpeechFrames);
  set(s, S_SILENCE, silenceFrames);
  vad_reset(s);
}

/** Back to the state after init (same options): stream time 0, no noise estimate yet. */
export function vad_reset(s: usize): void {
  for (let k = 0; k < 4; k++) {
    set(s, S_HP + 5 + k, 0.0);
    set(s, S_LP + 5 + k, 0.0);
  }
  set(s, S_FILL, 0.0);
  set(s, S_ACC, 0.0);
  set(s, S_FLOOR_DB, -120.0);
  set(s, S_DEV_DB, 2.0);
  set(s, S_SPEECH_DB, -30.0);
  set(s, S_FRAMES, 0.0);
  set(s, S_VOICED, 0.0);
  set(s, S_HANG_LEFT, 0.0);
  set(s, S_SPEAKING, 0.0);
  set(s, S_RUN, 0.0);
  set(s, S_QUIET, 0.0);
  set(s, S_DECIDED, 0.0);
  set(s, S_LEVEL_DB, -120.0);
  set(s, S_LAST_DECISION, 0.0);
}

/** Decides one completed frame of level `levelDb`; returns the event written (0 or 1). */
function decideFrame(s: usize, levelDb: f64, eventsPtr: usize, events: i32, decisionsPtr: usize): i32 {
  const frames = get(s, S_FRAMES);
  let centreDb = get(s, S_FLOOR_DB);
  if (frames == 0.0) centreDb = levelDb; // first frame: start the estimate where the level is
  const minLevelDb = get(s, S_MIN_LEVEL_DB);
  const wasVoiced = get(s, S_VOICED) != 0.0;
  let dev = get(s, S_DEV_DB);
  let speechDb = get(s, S_SPEECH_DB);
  let hang = get(s, S_HANG_LEFT);

  // Margin above the noise centre: a fixed part plus the noise's own fluctuation (lower
  // semi-deviation), the latter shrunk by up to half when the running speech-to-noise ratio is low
  // (speech only a few dB above babble must not be held to babble's full spread).
  const runSnrDb = speechDb - max(centreDb, minLevelDb);
  const spreadScale = min(1.0, max(SPREAD_MIN_SCALE, (runSnrDb - SPREAD_SNR_LOW_DB) / (SPREAD_SNR_HIGH_DB - SPREAD_SNR_LOW_DB)));
  const margin = wasVoiced
    ? get(s, S_STOP_DB) + STOP_DEV_FACTOR * dev * spreadScale
    : get(s, S_START_DB) + START_DEV_FACTOR * dev * spreadScale;
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
    dev += DEV_RATE * (min(below, DEV_CAP_DB) - dev);
    centreDb -= max((1.0 - QUANTILE) * QUANTILE_STEP_DB, FAST_FALL * (below - FAST_FALL_DEVS * dev));
  } else if (!voiced && hang <= 0.0) {
    centreDb += QUANTILE * QUANTILE_STEP_DB;
  } else {
    centreDb += get(s, S_RISE_DB);
  }
  set(s, S_FLOOR_DB, centreDb);
  set(s, S_DEV_DB, dev);

  // Hangover scales with the running SNR: full below 10 dB, where noise masks weak word endings,
  // down to half at 25 dB and above, where the endings stay above the floor by themselves; and
  // longer (up to HANG_DEV_EXTRA more) over fluctuating noise, whose dips cut words into pieces.
  if (voiced) {
    speechDb += 0.05 * (levelDb - speechDb);
    set(s, S_SPEECH_DB, speechDb);
  }
  const snrDb = speechDb - max(centreDb, minLevelDb);
  const hangScale = min(1.0, max(0.5, 1.0 - (snrDb - 10.0) / 30.0));
  const devExtra = centreDb > minLevelDb ? HANG_DEV_EXTRA * min(max(dev - 1.0, 0.0), 3.0) / 3.0 : 0.0;
  const speech = voiced || hang > 0.0;
  if (voiced) hang = Math.round(get(s, S_HANGOVER) * hangScale * (1.0 + devExtra));
  else if (hang > 0.0) hang -= 1.0;
  set(s, S_HANG_LEFT, hang);
  set(s, S_VOICED, voiced ? 1.0 : 0.0);
  set(s, S_LEVEL_DB, levelDb);
  set(s, S_LAST_DECISION, speech ? 1.0 : 0.0);
  const decided = <i32>get(s, S_DECIDED);
  store<u8>(decisionsPtr + <usize>decided, speech ? 1 : 0);
  set(s, S_DECIDED, <f64>(decided + 1));

  const frameSamples = get(s, S_FRAME);
  let written = 0;
  if (get(s, S_SPEAKING) == 0.0) {
    const run = speech ? get(s, S_RUN) + 1.0 : 0.0;
    set(s, S_RUN, run);
    if (run >= get(s, S_MIN_SPEECH)) {
      set(s, S_SPEAKING, 1.0);
      set(s, S_QUIET, 0.0);
      const at = eventsPtr + (<usize>events << 4);
      store<f64>(at, 0.0);
      store<f64>(at, (frames + 1.0 - run) * frameSamples, 8);
      written = 1;
    }
  } else {
    const quiet = speech ? 0.0 : get(s, S_QUIET) + 1.0;
    set(s, S_QUIET, quiet);
    if (quiet >= get(s, S_SILENCE)) {
      set(s, S_SPEAKING, 0.0);
      set(s, S_RUN, 0.0);
      const at = eventsPtr + (<usize>events << 4);
      store<f64>(at, 1.0);
      store<f64>(at, (frames + 1.0 - quiet) * frameSamples, 8);
      written = 1;
    }
  }
  set(s, S_FRAMES, frames + 1.0);
  return written;
}

/**
 * Feeds `samples` float32 samples at `inPtr`. Writes events (f64 type, f64 sample index) at
 * `eventsPtr` and one decision byte per completed frame at `decisionsPtr`; returns the event count.
 * The number of frames completed is `vad_frames_decided(s)`. NaN/Inf samples count as 0.
 */
export function vad_process(s: usize, inPtr: usize, samples: i32, eventsPtr: usize, decisionsPtr: usize): i32 {
  const frameSamples = <i32>get(s, S_FRAME);
  let fill = <i32>get(s, S_FILL);
  let acc = get(s, S_ACC);
  const lpOn = get(s, S_LP_ON) != 0.0;
  const hb0 = get(s, S_HP), hb1 = get(s, S_HP + 1), hb2 = get(s, S_HP + 2), ha1 = get(s, S_HP + 3), ha2 = get(s, S_HP + 4);
  let hx1 = get(s, S_HP + 5), hx2 = get(s, S_HP + 6), hy1 = get(s, S_HP + 7), hy2 = get(s, S_HP + 8);
  const lb0 = get(s, S_LP), lb1 = get(s, S_LP + 1), lb2 = get(s, S_LP + 2), la1 = get(s, S_LP + 3), la2 = get(s, S_LP + 4);
  let lx1 = get(s, S_LP + 5), lx2 = get(s, S_LP + 6), ly1 = get(s, S_LP + 7), ly2 = get(s, S_LP + 8);
  set(s, S_DECIDED, 0.0);
  let events = 0;
  for (let i = 0; i < samples; i++) {
    let x = <f64>load<f32>(inPtr + (<usize>i << 2));
    if (!(Math.abs(x) <= 1.0e4)) x = x == x && Math.abs(x) != Infinity ? (x > 0.0 ? 1.0e4 : -1.0e4) : 0.0;
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
      const levelDb = 10.0 * Math.log10(acc / <f64>frameSamples + 1.0e-12);
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
  set(s, S_FILL, <f64>fill);
  set(s, S_ACC, acc);
  set(s, S_HP + 5, hx1);
  set(s, S_HP + 6, hx2);
  set(s, S_HP + 7, hy1);
  set(s, S_HP + 8, hy2);
  set(s, S_LP + 5, lx1);
  set(s, S_LP + 6, lx2);
  set(s, S_LP + 7, ly1);
  set(s, S_LP + 8, ly2);
  return events;
}

/** Frames completed (decision bytes written) by the last vad_process call. */
export function vad_frames_decided(s: usize): i32 {
  return <i32>get(s, S_DECIDED);
}

/** Completed frames since reset. */
export function vad_frames(s: usize): f64 {
  return get(s, S_FRAMES);
}

/** 1 while in a speech segment (between speech_start and speech_stop). */
export function vad_speaking(s: usize): i32 {
  return get(s, S_SPEAKING) != 0.0 ? 1 : 0;
}

/** Decision of the last completed frame (1 speech), its level and the noise floor, in dBFS. */
export function vad_last_decision(s: usize): i32 {
  return get(s, S_LAST_DECISION) != 0.0 ? 1 : 0;
}
export function vad_level_db(s: usize): f64 {
  return get(s, S_LEVEL_DB);
}
export function vad_floor_db(s: usize): f64 {
  return get(s, S_FLOOR_DB);
}
