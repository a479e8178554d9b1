// Streaming polyphase resampler (rational ratio L/M) over float32 mono.
//
// Algorithm: the input is upsampled by L (zeros between samples), filtered by a linear-phase
// Kaiser-windowed sinc prototype h of length Np (odd, designed in src/kernels/resampler-design.ts)
// and kept every M-th sample. Only the non-zero products are computed: output n reads
// m = n*M + D (D = (Np-1)/2, the prototype's centre, so the output is aligned in time with the
// input), newest input i = floor(m/L), phase p = m mod L, and
//   y[n] = sum_{j<K} c_p[j] * x[i-K+1+j],  c_p[j] = h[p + (K-1-j)*L]
// where K (taps per phase, a multiple of 8) rows are stored contiguously so that each output is
// one SIMD dot product (two outputs per step, four accumulators each, the same order for a lone
// output so that results never depend on the chunking). Phases advance without
// division (M = q*L + r precomputed). Equal rates (L = M = 1, K = 0) are a sanitising copy.
// Reference: Crochiere & Rabiner, "Multirate Digital Signal Processing" (1983), ch. 2-3;
// J. O. Smith, "Digital Audio Resampling Home Page" (ccrma.stanford.edu/~jos/resample).
// Latency: D / (L * inputRate) seconds (the prototype's group delay); process() emits output n
// once input up to its newest tap exists, and flush() pads zeros so that a whole stream yields
// exactly ceil(inputFrames * L / M) output frames.
// NaN and +-Inf input samples are replaced by 0 on the way in, so they never reach the history.
//
// Exact halvings (L = 1, M = 2) and doublings (L = 2, M = 1) take the cheaper folded paths of
// resample-half.ts and resample-double.ts instead, other integer interpolations (M = 1) the
// phase-vectorised loop of resample-interp.ts; the entry points below dispatch on the mode.
// State block (allocated by the JS wrapper, 16-byte aligned): a 64-byte header of i32 fields
// (resample-state.ts), then the sample buffer: H history samples followed by the input window.

import {
  COEF, TAPS, UP, DOWN, ADV_Q, ADV_R, PHASE, POS, HIST, MAXF, DELAY, MODE, HEADER_BYTES,
  MODE_HALF, MODE_DOUBLE, MODE_INTERP, MODE_POLYPHASE, field, setField, bufferOf, hsum, sanitize, shiftHistory,
} from "./resample-state";
import {
  half_state_bytes, half_init, half_reset, half_input_window, half_output_frames,
  half_flush_frames, half_process, half_flush,
} from "./resample-half";

import {
  double_state_bytes, double_init, double_reset, double_input_window, double_output_frames,
  double_flush_frames, double_process, double_flush,
} from "./resample-double";

import {
  interp_state_bytes, interp_init, interp_reset, interp_input_window, interp_output_frames,
  interp_flush_frames, interp_process, interp_flush,
} from "./resample-interp";

export { half_state_bytes as rs_half_state_bytes, half_init as rs_half_init };
export { interp_state_bytes as rs_interp_state_bytes, interp_init as rs_interp_init };
export { double_state_bytes as rs_double_state_bytes, double_init as rs_double_init };

// @ts-ignore: decorator
@inline function isHalf(state: usize): bool {
  return field(state, MODE) == MODE_HALF;
}

// @ts-ignore: decorator
@inline function isDouble(state: usize): bool {
  return field(state, MODE) == MODE_DOUBLE;
}

// @ts-ignore: decorator
@inline function isInterp(state: usize): bool {
  return field(state, MODE) == MODE_INTERP;
}

/** Bytes of state for `taps` taps per phase and an input window of `maxFrames` samples. */
export function rs_state_bytes(taps: i32, maxFrames: i32): i32 {
  const hist = (taps + 3) & ~3;
  return <i32>HEADER_BYTES + ((hist + maxFrames + 4) << 2);
}

/** Puts the stream at its start: zero history, first output at m = D. */
export function rs_reset(state: usize): void {
  if (isHalf(state)) {
    half_reset(state);
    return;
  }
  if (isDouble(state)) {
    double_reset(state);
    return;
  }
  if (isInterp(state)) {
    interp_reset(state);
    return;
  }
  const up = field(state, UP);
  const hist = field(state, HIST);
  const delay = field(state, DELAY);
  memory.fill(bufferOf(state), 0, <usize>(hist + field(state, MAXF)) << 2);
  setField(state, PHASE, delay % up);
  setField(state, POS, hist + delay / up);
}

/**
 * Initialises a state block: `coefPtr` holds `up` rows of `taps` float32 (taps a multiple of 8,
 * or 0 for a passthrough copy), ratio up/down in lowest terms, `delay` = D in upsampled samples.
 */
export function rs_init(state: usize, coefPtr: usize, taps: i32, up: i32, down: i32, delay: i32, maxFrames: i32): void {
  setField(state, MODE, MODE_POLYPHASE);
  setField(state, COEF, <i32>coefPtr);
  setField(state, TAPS, taps);
  setField(state, UP, up);
  setField(state, DOWN, down);
  setField(state, ADV_Q, down / up);
  setField(state, ADV_R, down % up);
  setField(state, HIST, (taps + 3) & ~3);
  setField(state, MAXF, maxFrames);
  setField(state, DELAY, delay);
  rs_reset(state);
}

/** Pointer to the input window: write up to `maxFrames` samples here and call rs_process with it. */
export function rs_input_window(state: usize): usize {
  if (isHalf(state)) return half_input_window(state);
  if (isDouble(state)) return double_input_window(state);
  if (isInterp(state)) return interp_input_window(state);
  return bufferOf(state) + (<usize>field(state, HIST) << 2);
}

/**
 * Exactly how many frames `frames` more input frames will yield, in one rs_process call or in
 * any number of calls (the count depends only on the total); `frames` may exceed maxFrames.
 */
export function rs_output_frames(state: usize, frames: i32): i32 {
  if (isHalf(state)) return half_output_frames(state, frames);
  if (isDouble(state)) return double_output_frames(state, frames);
  if (isInterp(state)) return interp_output_frames(state, frames);
  const taps = field(state, TAPS);
  if (taps == 0) return frames;
  const up = <i64>field(state, UP);
  const down = <i64>field(state, DOWN);
  const end = <i64>field(state, HIST) + <i64>frames;
  const cur = <i64>field(state, POS) * up + <i64>field(state, PHASE);
  const room = end * up - cur;
  return room <= 0 ? 0 : <i32>((room + down - 1) / down);
}

/** Exactly how many frames rs_flush will write now. */
export function rs_flush_frames(state: usize): i32 {
  if (isHalf(state)) return half_flush_frames(state);
  if (isDouble(state)) return double_flush_frames(state);
  if (isInterp(state)) return interp_flush_frames(state);
  const taps = field(state, TAPS);
  if (taps == 0) return 0;
  const up = field(state, UP);
  const down = field(state, DOWN);
  const room = field(state, HIST) * up + field(state, DELAY) - (field(state, POS) * up + field(state, PHASE));
  return room <= 0 ? 0 : (room + down - 1) / down;
}

// Produces outputs while the newest needed sample is below `end` and m < limit; returns the count.
function run(state: usize, end: i32, limit: i32, outPtr: usize): i32 {
  const coef = <usize>field(state, COEF);
  const taps = field(state, TAPS);
  const up = field(state, UP);
  const advQ = field(state, ADV_Q);
  const advR = field(state, ADV_R);
  const buf = bufferOf(state);
  const rowBytes = <usize>taps << 2;
  let phase = field(state, PHASE);
  let pos = field(state, POS);
  let n = 0;
  // Limit in the same units as pos * up + phase.
  const stop = min<i32>(end * up, limit);
  while (pos * up + phase < stop) {
    // The following output, if it is also due: compute both in one pass.
    let phase2 = phase + advR;
    let pos2 = pos + advQ;
    if (phase2 >= up) {
      phase2 -= up;
      pos2++;
    }
    const c1 = coef + <usize>phase * rowBytes;
    const x1 = buf + (<usize>(pos - taps + 1) << 2);
    if (pos2 * up + phase2 < stop) {
      const c2 = coef + <usize>phase2 * rowBytes;
      const x2 = buf + (<usize>(pos2 - taps + 1) << 2);
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let b0 = f32x4.splat(0);
      let b1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let b2 = f32x4.splat(0);
      let b3 = f32x4.splat(0);
      let o: usize = 0;
      for (; o + 64 <= rowBytes; o += 64) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load(c1 + o), v128.load(x1 + o)));
        b0 = f32x4.add(b0, f32x4.mul(v128.load(c2 + o), v128.load(x2 + o)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(c1 + o, 16), v128.load(x1 + o, 16)));
        b1 = f32x4.add(b1, f32x4.mul(v128.load(c2 + o, 16), v128.load(x2 + o, 16)));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(c1 + o, 32), v128.load(x1 + o, 32)));
        b2 = f32x4.add(b2, f32x4.mul(v128.load(c2 + o, 32), v128.load(x2 + o, 32)));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(c1 + o, 48), v128.load(x1 + o, 48)));
        b3 = f32x4.add(b3, f32x4.mul(v128.load(c2 + o, 48), v128.load(x2 + o, 48)));
      }
      if (o < rowBytes) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load(c1 + o), v128.load(x1 + o)));
        b0 = f32x4.add(b0, f32x4.mul(v128.load(c2 + o), v128.load(x2 + o)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(c1 + o, 16), v128.load(x1 + o, 16)));
        b1 = f32x4.add(b1, f32x4.mul(v128.load(c2 + o, 16), v128.load(x2 + o, 16)));
      }
      a0 = f32x4.add(f32x4.add(a0, a2), f32x4.add(a1, a3));
      b0 = f32x4.add(f32x4.add(b0, b2), f32x4.add(b1, b3));
      store<f32>(outPtr + (<usize>n << 2), hsum(a0));
      store<f32>(outPtr + (<usize>(n + 1) << 2), hsum(b0));
      n += 2;
      phase = phase2 + advR;
      pos = pos2 + advQ;
    } else {
      // Same operations in the same order as one lane of the pair above: identical results.
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let o: usize = 0;
      for (; o + 64 <= rowBytes; o += 64) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load(c1 + o), v128.load(x1 + o)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(c1 + o, 16), v128.load(x1 + o, 16)));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(c1 + o, 32), v128.load(x1 + o, 32)));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(c1 + o, 48), v128.load(x1 + o, 48)));
      }
      if (o < rowBytes) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load(c1 + o), v128.load(x1 + o)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(c1 + o, 16), v128.load(x1 + o, 16)));
      }
      a0 = f32x4.add(f32x4.add(a0, a2), f32x4.add(a1, a3));
      store<f32>(outPtr + (<usize>n << 2), hsum(a0));
      n++;
      phase = phase2;
      pos = pos2;
      continue;
    }
    if (phase >= up) {
      phase -= up;
      pos++;
    }
  }
  setField(state, PHASE, phase);
  setField(state, POS, pos);
  return n;
}


/**
 * Resamples `frames` (<= maxFrames) input samples at `inPtr` (may be the input window itself) into
 * `outPtr` (room for rs_output_frames(state, frames)); returns the frames written.
 */
export function rs_process(state: usize, inPtr: usize, frames: i32, outPtr: usize): i32 {
  if (isHalf(state)) return half_process(state, inPtr, frames, outPtr);
  if (isDouble(state)) return double_process(state, inPtr, frames, outPtr);
  if (isInterp(state)) return interp_process(state, inPtr, frames, outPtr);
  const taps = field(state, TAPS);
  if (taps == 0) {
    sanitize(inPtr, outPtr, frames);
    return frames;
  }
  const hist = field(state, HIST);
  sanitize(inPtr, rs_input_window(state), frames);
  const end = hist + frames;
  const n = run(state, end, i32.MAX_VALUE, outPtr);
  shiftHistory(state, end);
  return n;
}

/**
 * Ends the stream: writes the rs_flush_frames(state) outputs still held by the filter (the input
 * is continued with zeros), so the stream's total is ceil(inputFrames * L / M); then resets.
 */
export function rs_flush(state: usize, outPtr: usize): i32 {
  if (isHalf(state)) return half_flush(state, outPtr);
  if (isDouble(state)) return double_flush(state, outPtr);
  if (isInterp(state)) return interp_flush(state, outPtr);
  const taps = field(state, TAPS);
  if (taps == 0) return 0;
  const up = field(state, UP);
  const hist = field(state, HIST);
  const delay = field(state, DELAY);
  const pad = delay / up + 2;
  memory.fill(rs_input_window(state), 0, <usize>pad << 2);
  const n = run(state, hist + pad, hist * up + delay, outPtr);
  rs_reset(state);
  return n;
}
