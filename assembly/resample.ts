// Streaming polyphase resampler (rational ratio L/M) over float32 mono: the entry points.
//
// Algorithm: the input is upsampled by L (zeros between samples), filtered by a linear-phase
// lowpass prototype h of length Np (odd, designed in src/kernels/resampler-design.ts) and kept
// every M-th sample. Only the non-zero products are computed: output n reads m = n*M + D
// (D = (Np-1)/2, the prototype's centre, so the output is aligned in time with the input), newest
// input i = floor(m/L), row p = m mod L, and
//   y[n] = sum_{j<K} c_p[j] * x[i-K+1+j],  c_p[j] = h[p + (K-1-j)*L]
// with K taps per row. Two kernels compute it: resample-lanes.ts (L, M <= 12, SIMD across eight
// outputs of one row) and resample-taps.ts (many rows, SIMD across taps); equal rates are a
// sanitising copy. The mode is chosen once, at construction (src/kernels/resampler.ts), and
// dispatched here in one place (run()).
// Reference: Crochiere & Rabiner, "Multirate Digital Signal Processing" (1983), ch. 2-3;
// J. O. Smith, "Digital Audio Resampling Home Page" (ccrma.stanford.edu/~jos/resample).
// Latency: D / (L * inputRate) seconds (the prototype's group delay); process() emits output n
// once input up to its newest tap exists, and flush() pads zeros so that a whole stream yields
// exactly ceil(inputFrames * L / M) output frames.
// NaN and +-Inf input samples are replaced by 0 on the way in, so they never reach the history.
// State block (allocated by the JS wrapper, 16-byte aligned): resample-state.ts.

import {
  ResamplerState, MODE_COPY, MODE_LANES, MODE_TAPS, HEADER_BYTES, stateOf, bufferOf, windowOf, sanitize,
} from "./resample-state";
import { lanes_run, lanes_reserve, lanes_tail } from "./resample-lanes";
import { taps_run } from "./resample-taps";

function historyLength(taps: i32): i32 {
  return (taps + 3) & ~3;
}

function tailLength(mode: i32, down: i32): i32 {
  return mode == MODE_LANES ? lanes_tail(down) : 16;
}

/** Bytes of state for a mode, `taps` per row, ratio up/down and an input window of `maxFrames`. */
export function rs_state_bytes(mode: i32, taps: i32, down: i32, maxFrames: i32): i32 {
  return <i32>HEADER_BYTES + ((historyLength(taps) + maxFrames + tailLength(mode, down)) << 2);
}

/** Puts the stream at its start: zero history, first output at m = D. */
export function rs_reset(state: usize): void {
  const s: ResamplerState = stateOf(state);
  memory.fill(bufferOf(state), 0, <usize>(s.hist + s.maxFrames + s.tail) << 2);
  s.phase = s.delay % s.up;
  s.pos = s.hist + s.delay / s.up;
}

/**
 * Initialises a state block: `mode` (MODE_COPY, MODE_LANES or MODE_TAPS), `coefPtr` holding `up`
 * rows of `taps` float32 (0 for the copy), ratio up/down in lowest terms, `delay` = D in
 * upsampled samples. Lanes: `taps` a multiple of 3; taps: a multiple of 8. May grow memory.
 */
export function rs_init(state: usize, mode: i32, coefPtr: usize, taps: i32, up: i32, down: i32, delay: i32, maxFrames: i32): void {
  const s: ResamplerState = stateOf(state);
  s.mode = mode;
  s.coef = coefPtr;
  s.taps = taps;
  s.up = up;
  s.down = down;
  s.advQ = down / up;
  s.advR = down % up;
  s.hist = historyLength(taps);
  s.maxFrames = maxFrames;
  s.delay = delay;
  s.tail = tailLength(mode, down);
  if (mode == MODE_LANES) lanes_reserve(taps, down);
  rs_reset(state);
}

/** Pointer to the input window: write up to `maxFrames` samples here and call rs_process with it. */
export function rs_input_window(state: usize): usize {
  return windowOf(state);
}

/**
 * Exactly how many frames `frames` more input frames will yield, in one rs_process call or in
 * any number of calls (the count depends only on the total); `frames` may exceed maxFrames.
 */
export function rs_output_frames(state: usize, frames: i32): i32 {
  const s: ResamplerState = stateOf(state);
  if (s.mode == MODE_COPY) return frames;
  const up = <i64>s.up;
  const room = (<i64>s.hist + <i64>frames) * up - (<i64>s.pos * up + <i64>s.phase);
  return room <= 0 ? 0 : <i32>((room + <i64>s.down - 1) / <i64>s.down);
}

/** Exactly how many frames rs_flush will write now. */
export function rs_flush_frames(state: usize): i32 {
  const s: ResamplerState = stateOf(state);
  if (s.mode == MODE_COPY) return 0;
  const room = s.hist * s.up + s.delay - (s.pos * s.up + s.phase);
  return room <= 0 ? 0 : (room + s.down - 1) / s.down;
}

// The one dispatch on the mode: outputs with upsampled index below `stop`.
function run(state: usize, stop: i32, outPtr: usize): i32 {
  switch (stateOf(state).mode) {
    case MODE_LANES:
      return lanes_run(state, stop, outPtr);
    case MODE_TAPS:
      return taps_run(state, stop, outPtr);
    default:
      return 0;
  }
}

// Keeps the last `hist` samples before buffer index `end` as history for the next call.
function shiftHistory(state: usize, end: i32): void {
  const s: ResamplerState = stateOf(state);
  const by = end - s.hist;
  if (by > 0) {
    const buf = bufferOf(state);
    memory.copy(buf, buf + (<usize>by << 2), <usize>s.hist << 2);
    s.pos -= by;
  }
}

/**
 * Resamples `frames` (<= maxFrames) input samples at `inPtr` (may be the input window itself) into
 * `outPtr` (room for rs_output_frames(state, frames)); returns the frames written.
 */
export function rs_process(state: usize, inPtr: usize, frames: i32, outPtr: usize): i32 {
  const s: ResamplerState = stateOf(state);
  if (s.mode == MODE_COPY) {
    sanitize(inPtr, outPtr, frames);
    return frames;
  }
  sanitize(inPtr, windowOf(state), frames);
  const end = s.hist + frames;
  const n = run(state, end * s.up, outPtr);
  shiftHistory(state, end);
  return n;
}

/**
 * Ends the stream: writes the rs_flush_frames(state) outputs still held by the filter (the input
 * is continued with zeros), so the stream's total is ceil(inputFrames * L / M); then resets.
 */
export function rs_flush(state: usize, outPtr: usize): i32 {
  const s: ResamplerState = stateOf(state);
  if (s.mode == MODE_COPY) return 0;
  memory.fill(windowOf(state), 0, <usize>(s.delay / s.up + 2) << 2);
  const n = run(state, s.hist * s.up + s.delay, outPtr);
  rs_reset(state);
  return n;
}
