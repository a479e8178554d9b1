// Dedicated 1:2 interpolator for the resampler (24 -> 48 kHz and every other exact doubling): the
// same Kaiser-windowed sinc prototype h (odd length 4d + 1, centre D = 2d, designed in
// src/kernels/resampler-design.ts), computed in a cheaper form than the general polyphase loop.
//
// Algorithm: with the input x at half the output rate, both phases of the prototype are
// symmetric, so each pair of taps costs one multiply (folding):
//   y[2n]     = h[2d] x[n] + sum_{i<d} h[2i]   (x[n+d-i] + x[n-d+i])
//   y[2n + 1] =              sum_{i<d} h[2i+1] (x[n+d-i] + x[n-d+1+i])
// SIMD runs across four consecutive n (eight outputs, interleaved on store), with no horizontal
// sums; lanes past the available input are computed but not stored, so the output is
// bit-identical for any chunking. Coefficients are pre-splatted, h[0..2d] in order (the same
// table layout as resample-half.ts).
// Reference: folding of linear-phase FIRs and polyphase interpolation, Crochiere & Rabiner,
// "Multirate Digital Signal Processing" (1983), sections 3.3-3.4.
// Latency: D / (2 x inputRate), output aligned in time with the input.
import {
  COEF, TAPS, POS, HIST, MAXF, MODE, DELAY, UP, DOWN, MODE_DOUBLE,
  field, setField, bufferOf, sanitize, shiftHistory,
} from "./resample-state";

function historyLength(d: i32): i32 {
  return (2 * d + 4 + 3) & ~3;
}

export function double_state_bytes(d: i32, maxFrames: i32): i32 {
  return <i32>bufferOf(0) + ((historyLength(d) + maxFrames + d + 16) << 2);
}

export function double_input_window(state: usize): usize {
  return bufferOf(state) + (<usize>field(state, HIST) << 2);
}

export function double_reset(state: usize): void {
  const d = field(state, TAPS);
  const hist = field(state, HIST);
  memory.fill(bufferOf(state), 0, <usize>(hist + field(state, MAXF) + d + 16) << 2);
  // x[0] sits at index H after H zeros of history; pair 0 needs x up to x[d].
  setField(state, POS, hist + d);
}

export function double_init(state: usize, coefPtr: usize, d: i32, maxFrames: i32): void {
  setField(state, MODE, MODE_DOUBLE);
  setField(state, COEF, <i32>coefPtr);
  setField(state, TAPS, d);
  setField(state, UP, 2);
  setField(state, DOWN, 1);
  setField(state, DELAY, 2 * d);
  setField(state, MAXF, maxFrames);
  setField(state, HIST, historyLength(d));
  double_reset(state);
}

export function double_output_frames(state: usize, frames: i32): i32 {
  const n = field(state, HIST) + frames - field(state, POS);
  return n > 0 ? 2 * n : 0;
}

/** Outputs flush will write: both outputs of every input sample not yet centred (2 x input frames in all). */
export function double_flush_frames(state: usize): i32 {
  const n = field(state, HIST) + field(state, TAPS) - field(state, POS);
  return n > 0 ? 2 * n : 0;
}

// Computes `pairs` output pairs, the first centred on buffer index pos - d, into outPtr.
function compute(state: usize, pairs: i32, outPtr: usize): void {
  const d = field(state, TAPS);
  const coef = <usize>field(state, COEF);
  const buf = bufferOf(state);
  const centre = v128.load(coef + (<usize>(2 * d) << 4));
  let pos = field(state, POS);
  for (let n = 0; n < pairs; n += 4) {
    let newest = buf + (<usize>pos << 2); // x[n + d - i], i = 0
    let even = buf + (<usize>(pos - 2 * d) << 2); // x[n - d + i]
    let c = coef;
    let e0 = f32x4.mul(centre, v128.load(buf + (<usize>(pos - d) << 2)));
    let o0 = f32x4.splat(0);
    let e1 = f32x4.splat(0);
    let o1 = f32x4.splat(0);
    let i = 0;
    for (; i + 2 <= d; i += 2) {
      const a0 = v128.load(newest);
      const a1 = v128.load(newest - 4);
      const b0 = v128.load(even);
      const b1 = v128.load(even, 4);
      const b2 = v128.load(even, 8);
      e0 = f32x4.add(e0, f32x4.mul(v128.load(c), f32x4.add(a0, b0)));
      o0 = f32x4.add(o0, f32x4.mul(v128.load(c, 16), f32x4.add(a0, b1)));
      e1 = f32x4.add(e1, f32x4.mul(v128.load(c, 32), f32x4.add(a1, b1)));
      o1 = f32x4.add(o1, f32x4.mul(v128.load(c, 48), f32x4.add(a1, b2)));
      c += 64;
      newest -= 8;
      even += 8;
    }
    if (i < d) {
      const a0 = v128.load(newest);
      e0 = f32x4.add(e0, f32x4.mul(v128.load(c), f32x4.add(a0, v128.load(even))));
      o0 = f32x4.add(o0, f32x4.mul(v128.load(c, 16), f32x4.add(a0, v128.load(even, 4))));
    }
    const ye = f32x4.add(e0, e1);
    const yo = f32x4.add(o0, o1);
    const lo = v128.shuffle<f32>(ye, yo, 0, 4, 1, 5);
    const hi = v128.shuffle<f32>(ye, yo, 2, 6, 3, 7);
    const out = outPtr + (<usize>n << 3);
    const left = pairs - n;
    if (left >= 4) {
      v128.store(out, lo);
      v128.store(out, hi, 16);
    } else {
      // 1..3 pairs: 2..6 outputs.
      store<f32>(out, f32x4.extract_lane(lo, 0));
      store<f32>(out, f32x4.extract_lane(lo, 1), 4);
      if (left > 1) {
        store<f32>(out, f32x4.extract_lane(lo, 2), 8);
        store<f32>(out, f32x4.extract_lane(lo, 3), 12);
      }
      if (left > 2) {
        store<f32>(out, f32x4.extract_lane(hi, 0), 16);
        store<f32>(out, f32x4.extract_lane(hi, 1), 20);
      }
    }
    pos += 4;
  }
  setField(state, POS, field(state, POS) + pairs);
}


export function double_process(state: usize, inPtr: usize, frames: i32, outPtr: usize): i32 {
  sanitize(inPtr, double_input_window(state), frames);
  const end = field(state, HIST) + frames;
  const pairs = end - field(state, POS);
  if (pairs > 0) compute(state, pairs, outPtr);
  shiftHistory(state, end);
  return pairs > 0 ? 2 * pairs : 0;
}

export function double_flush(state: usize, outPtr: usize): i32 {
  const d = field(state, TAPS);
  const hist = field(state, HIST);
  memory.fill(double_input_window(state), 0, <usize>(d + 8) << 2);
  const pairs = hist + d - field(state, POS);
  if (pairs > 0) compute(state, pairs, outPtr);
  double_reset(state);
  return pairs > 0 ? 2 * pairs : 0;
}
