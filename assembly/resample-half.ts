// Dedicated 2:1 decimator for the resampler (48 -> 24 kHz and every other exact halving): the
// same Kaiser-windowed sinc prototype h (odd length 4d + 1, centre D = 2d, designed in
// src/kernels/resampler-design.ts), computed in a cheaper form than the general polyphase loop.
//
// Algorithm: the input is split into its even and odd samples (planes E[j] = x[2j], O[j] = x[2j+1])
// as it arrives; then, by the symmetry h[k] = h[4d - k] (folding: one multiply per pair of taps),
//   y[n] = h[2d] E[n] + sum_{i<d} h[2i] (E[n+d-i] + E[n-d+i]) + h[2i+1] (O[n+d-1-i] + O[n-d+i])
// which is 2d + 1 multiplies instead of 4d + 1. SIMD runs across four consecutive outputs (one
// lane each, no horizontal sums); every lane performs the same operations in the same order
// whatever the chunking, and lanes past the available input are computed but not stored, so the
// output is bit-identical for any chunking. Coefficients are stored pre-splatted (one v128 each:
// h[2i], then h[2i+1], for i < d, then h[2d]).
// Reference: folding of linear-phase FIRs and polyphase decimation, Crochiere & Rabiner,
// "Multirate Digital Signal Processing" (1983), sections 3.3-3.4.
// Latency: D / inputRate (the same as the general path), output aligned in time with the input.
import {
  COEF, TAPS, POS, MAXF, MODE, COUNT_E, COUNT_O, PLANE, MODE_HALF, DELAY, UP, DOWN,
  field, setField, bufferOf, sanitize,
} from "./resample-state";

/** Plane length (samples, a multiple of 4) for d pairs and input windows of `maxFrames`. */
function planeLength(d: i32, maxFrames: i32): i32 {
  return (2 * d + 8 + (maxFrames >> 1) + 8 + 3) & ~3;
}

export function half_state_bytes(d: i32, maxFrames: i32): i32 {
  return <i32>bufferOf(0) + ((2 * planeLength(d, maxFrames) + maxFrames + 4) << 2);
}

// @ts-ignore: decorator
@inline function planeE(state: usize): usize {
  return bufferOf(state);
}

// @ts-ignore: decorator
@inline function planeO(state: usize): usize {
  return bufferOf(state) + (<usize>field(state, PLANE) << 2);
}

export function half_input_window(state: usize): usize {
  return bufferOf(state) + (<usize>(2 * field(state, PLANE)) << 2);
}

export function half_reset(state: usize): void {
  const d = field(state, TAPS);
  memory.fill(bufferOf(state), 0, <usize>(2 * field(state, PLANE) + field(state, MAXF)) << 2);
  // d zeros of history in each plane stand for the silence before the stream; output 0 is
  // centred on E[d] (x[0]) and needs E up to index 2d.
  setField(state, COUNT_E, d);
  setField(state, COUNT_O, d);
  setField(state, POS, 2 * d);
}

export function half_init(state: usize, coefPtr: usize, d: i32, maxFrames: i32): void {
  setField(state, MODE, MODE_HALF);
  setField(state, COEF, <i32>coefPtr);
  setField(state, TAPS, d);
  setField(state, UP, 1);
  setField(state, DOWN, 2);
  setField(state, DELAY, 2 * d);
  setField(state, MAXF, maxFrames);
  setField(state, PLANE, planeLength(d, maxFrames));
  half_reset(state);
}

/** Outputs that `frames` more input samples will complete (any number of calls). */
export function half_output_frames(state: usize, frames: i32): i32 {
  const ce = field(state, COUNT_E);
  const co = field(state, COUNT_O);
  const toE = ce == co ? (frames + 1) >> 1 : frames >> 1;
  const n = ce + toE - field(state, POS);
  return n > 0 ? n : 0;
}

/** Outputs flush will write: those centred before the end of the input (2n < input samples). */
export function half_flush_frames(state: usize): i32 {
  const d = field(state, TAPS);
  // Output at plane index pos is due while 2 * pos < countE + countO + 2d.
  const limit = field(state, COUNT_E) + field(state, COUNT_O) + 2 * d;
  const pos = field(state, POS);
  const n = (limit - 2 * pos + 1) >> 1;
  return n > 0 ? n : 0;
}

// Computes outputs at plane indices pos .. pos + count - 1 into outPtr.
function compute(state: usize, count: i32, outPtr: usize): void {
  const d = field(state, TAPS);
  const coef = <usize>field(state, COEF);
  const e = planeE(state);
  const o = planeO(state);
  const centre = v128.load(coef + (<usize>(2 * d) << 4));
  let pos = field(state, POS);
  for (let n = 0; n < count; n += 4) {
    // Newest even sample E[pos], oldest E[pos - 2d]; newest odd O[pos - 1], oldest O[pos - 2d].
    let eNew = e + (<usize>pos << 2);
    let eOld = e + (<usize>(pos - 2 * d) << 2);
    let oNew = o + (<usize>(pos - 1) << 2);
    let oOld = o + (<usize>(pos - 2 * d) << 2);
    let c = coef;
    let a0 = f32x4.mul(centre, v128.load(e + (<usize>(pos - d) << 2)));
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    let i = 0;
    for (; i + 2 <= d; i += 2) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(c), f32x4.add(v128.load(eNew), v128.load(eOld))));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(c, 16), f32x4.add(v128.load(oNew), v128.load(oOld))));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(c, 32), f32x4.add(v128.load(eNew - 4), v128.load(eOld + 4))));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(c, 48), f32x4.add(v128.load(oNew - 4), v128.load(oOld + 4))));
      c += 64;
      eNew -= 8;
      eOld += 8;
      oNew -= 8;
      oOld += 8;
    }
    if (i < d) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(c), f32x4.add(v128.load(eNew), v128.load(eOld))));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(c, 16), f32x4.add(v128.load(oNew), v128.load(oOld))));
    }
    const y = f32x4.add(f32x4.add(a0, a2), f32x4.add(a1, a3));
    const out = outPtr + (<usize>n << 2);
    if (count - n >= 4) {
      v128.store(out, y);
    } else {
      store<f32>(out, f32x4.extract_lane(y, 0));
      if (count - n > 1) store<f32>(out, f32x4.extract_lane(y, 1), 4);
      if (count - n > 2) store<f32>(out, f32x4.extract_lane(y, 2), 8);
    }
    pos += 4;
  }
  setField(state, POS, field(state, POS) + count);
}

// Appends `frames` samples at src (already sanitised) to the planes, alternating E and O.
function deinterleave(state: usize, src: usize, frames: i32): void {
  const e = planeE(state);
  const o = planeO(state);
  let ce = field(state, COUNT_E);
  let co = field(state, COUNT_O);
  let i = 0;
  if (ce != co && frames > 0) {
    store<f32>(o + (<usize>co << 2), load<f32>(src));
    co++;
    i = 1;
  }
  // Pairs: x[i] -> E, x[i+1] -> O; four pairs per step.
  for (; i + 8 <= frames; i += 8) {
    const p = src + (<usize>i << 2);
    const v0 = v128.load(p);
    const v1 = v128.load(p, 16);
    v128.store(e + (<usize>ce << 2), v128.shuffle<f32>(v0, v1, 0, 2, 4, 6));
    v128.store(o + (<usize>co << 2), v128.shuffle<f32>(v0, v1, 1, 3, 5, 7));
    ce += 4;
    co += 4;
  }
  for (; i < frames; i++) {
    if (ce == co) {
      store<f32>(e + (<usize>ce << 2), load<f32>(src + (<usize>i << 2)));
      ce++;
    } else {
      store<f32>(o + (<usize>co << 2), load<f32>(src + (<usize>i << 2)));
      co++;
    }
  }
  setField(state, COUNT_E, ce);
  setField(state, COUNT_O, co);
}

// Drops plane samples no future output needs (keeps from pos - 2d).
function shiftPlanes(state: usize): void {
  const d = field(state, TAPS);
  const by = field(state, POS) - 2 * d;
  if (by <= 0) return;
  const ce = field(state, COUNT_E);
  const co = field(state, COUNT_O);
  const e = planeE(state);
  const o = planeO(state);
  memory.copy(e, e + (<usize>by << 2), <usize>(ce - by) << 2);
  memory.copy(o, o + (<usize>by << 2), <usize>(co - by) << 2);
  setField(state, COUNT_E, ce - by);
  setField(state, COUNT_O, co - by);
  setField(state, POS, 2 * d);
}

export function half_process(state: usize, inPtr: usize, frames: i32, outPtr: usize): i32 {
  const win = half_input_window(state);
  sanitize(inPtr, win, frames);
  deinterleave(state, win, frames);
  const n = field(state, COUNT_E) - field(state, POS);
  if (n > 0) compute(state, n, outPtr);
  shiftPlanes(state);
  return n > 0 ? n : 0;
}

export function half_flush(state: usize, outPtr: usize): i32 {
  const n = half_flush_frames(state);
  const d = field(state, TAPS);
  // Continue the input with silence far enough for every due output.
  const e = planeE(state);
  const o = planeO(state);
  memory.fill(e + (<usize>field(state, COUNT_E) << 2), 0, <usize>(d + 8) << 2);
  memory.fill(o + (<usize>field(state, COUNT_O) << 2), 0, <usize>(d + 8) << 2);
  if (n > 0) compute(state, n, outPtr);
  half_reset(state);
  return n;
}
