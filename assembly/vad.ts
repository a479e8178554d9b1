// Energy voice activity detector, 10 ms frames at any sample rate.
//
// Algorithm: each sample is band-limited to the speech band (2nd-order Butterworth high-pass at
// 200 Hz and, where the rate allows, 2nd-order low-pass at 4 kHz; RBJ "Audio EQ Cookbook"
// biquads), and the mean square of each 10 ms frame gives its level in dBFS. A noise floor follows
// the level of non-speech frames: it falls fast (time constant ~30 ms), settles slowly (~300 ms)
// when the frame is near the floor, and creeps up at a bounded rate (dB/s) otherwise, so it tracks
// stationary noise and rising noise without following speech. A frame is voiced when its level
// exceeds the floor by `startDb` plus twice the running mean deviation of non-speech levels from
// the floor (or by `stopDb` plus one deviation while the previous frame was voiced, hysteresis), so
// fluctuating noise (brown) gets a wider margin than steady noise (white), and an absolute minimum; a hangover keeps the decision on for a few frames after the last
// voiced one (weak word endings). Events: speech_start once `minSpeechFrames` consecutive frames
// are decided speech (timed at the first of them), speech_stop once `silenceFrames` consecutive
// frames are not (timed at the end of the last speech frame).
// References: energy/noise-floor VADs as in ITU-T G.729 Annex B (level against a running noise
// estimate, hangover); minimum-tracking noise estimation (R. Martin, "Noise power spectral density
// estimation based on optimal smoothing and minimum statistics", IEEE TSAP 2001).
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
@inline const S_FLOOR_DB: i32 = 29;
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
@inline const S_DEV_DB: i32 = 39; // mean absolute deviation of non-speech frame levels from the floor
// @ts-ignore: decorator
@inline const S_SPEECH_DB: i32 = 40; // running level of voiced frames
// @ts-ignore: decorator
@inline const STATE_SLOTS: i32 = 48;
// Margins grow with how much the noise level itself fluctuates (spread of non-speech frames).
// @ts-ignore: decorator
@inline const START_DEV_FACTOR: f64 = 2.0;
// @ts-ignore: decorator
@inline const STOP_DEV_FACTOR: f64 = 1.0;

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
  let floorDb = get(s, S_FLOOR_DB);
  if (frames == 0.0) floorDb = levelDb; // first frame: start the estimate where the level is
  const wasVoiced = get(s, S_VOICED) != 0.0;
  let dev = get(s, S_DEV_DB);
  const margin = wasVoiced ? get(s, S_STOP_DB) + STOP_DEV_FACTOR * dev : get(s, S_START_DB) + START_DEV_FACTOR * dev;
  const voiced = levelDb > floorDb + margin && levelDb > get(s, S_MIN_LEVEL_DB);
  if (!voiced) {
    dev += 0.05 * (min(Math.abs(levelDb - floorDb), 12.0) - dev);
    set(s, S_DEV_DB, dev);
  }

  // Noise floor: fast down, slow settle near the floor, bounded creep up elsewhere.
  const above = levelDb - floorDb;
  if (above < 0.0) floorDb += 0.3 * above;
  else if (above < get(s, S_STOP_DB)) floorDb += min(0.03 * above, get(s, S_RISE_DB) * 4.0);
  else floorDb += get(s, S_RISE_DB);
  set(s, S_FLOOR_DB, floorDb);

  // Hangover scales with the running SNR: full below 15 dB, where noise masks weak word endings,
  // down to half at 30 dB and above, where the endings stay above the floor by themselves.
  let speechDb = get(s, S_SPEECH_DB);
  if (voiced) {
    speechDb += 0.05 * (levelDb - speechDb);
    set(s, S_SPEECH_DB, speechDb);
  }
  const snrDb = speechDb - max(floorDb, get(s, S_MIN_LEVEL_DB));
  const hangScale = min(1.0, max(0.5, 1.0 - (snrDb - 15.0) / 30.0));
  let hang = get(s, S_HANG_LEFT);
  if (voiced) hang = Math.round(get(s, S_HANGOVER) * hangScale);
  else if (hang > 0.0) hang -= 1.0;
  const speech = voiced || (!voiced && get(s, S_HANG_LEFT) > 0.0);
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
