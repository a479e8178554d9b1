// Integer interpolator for the resampler (L >= 3, M = 1: 8 -> 24 kHz, 16 -> 48 kHz, 8 -> 48 kHz...):
// the general polyphase filter of resample.ts, computed across outputs of the same phase.
//
// Algorithm: with M = 1, output (i, p) (newest input i, phase p) is
//   y(i, p) = sum_{j<K} c_p[j] x[i-K+1+j],  c_p[j] = h[p + (K-1-j) L]
// so the outputs of one phase at four consecutive inputs i..i+3 form one SIMD vector
// sum_j splat(c_p[j]) * x[i-K+1+j .. i-K+4+j]: contiguous loads, no horizontal sums. Phases are
// taken two at a time so that each input load serves both. Every output is one lane of a vector
// computed with the same operations in the same order whatever the chunking (lanes outside the
// due range are computed and not stored), so results are bit-identical for any chunking.
// Coefficients are the polyphase rows of resample.ts, each value pre-splatted to a v128.
// Reference: Crochiere & Rabiner, "Multirate Digital Signal Processing" (1983), section 3.3.
// Latency: D / (L x inputRate), output aligned in time with the input (as resample.ts).
import {
  COEF, TAPS, UP, DOWN, PHASE, POS, HIST, MAXF, DELAY, MODE, MODE_INTERP, HEADER_BYTES,
  field, setField, bufferOf, sanitize, shiftHistory,
} from "./resample-state";

export function interp_state_bytes(taps: i32, maxFrames: i32): i32 {
  return <i32>HEADER_BYTES + ((taps + maxFrames + 8) << 2);
}

export function interp_input_window(state: usize): usize {
  return bufferOf(state) + (<usize>field(state, HIST) << 2);
}

export function interp_reset(state: usize): void {
  const up = field(state, UP);
  const hist = field(state, HIST);
  const delay = field(state, DELAY);
  memory.fill(bufferOf(state), 0, <usize>(hist + field(state, MAXF) + 8) << 2);
  setField(state, PHASE, delay % up);
  setField(state, POS, hist + delay / up);
}

/** `taps` a multiple of 8 (also the history length), ratio up/1, `delay` = D. */
export function interp_init(state: usize, coefPtr: usize, taps: i32, up: i32, delay: i32, maxFrames: i32): void {
  setField(state, MODE, MODE_INTERP);
  setField(state, COEF, <i32>coefPtr);
  setField(state, TAPS, taps);
  setField(state, UP, up);
  setField(state, DOWN, 1);
  setField(state, HIST, taps);
  setField(state, MAXF, maxFrames);
  setField(state, DELAY, delay);
  interp_reset(state);
}

export function interp_output_frames(state: usize, frames: i32): i32 {
  const up = <i64>field(state, UP);
  const room = (<i64>field(state, HIST) + <i64>frames - <i64>field(state, POS)) * up - <i64>field(state, PHASE);
  return room > 0 ? <i32>room : 0;
}

export function interp_flush_frames(state: usize): i32 {
  const up = field(state, UP);
  const room = field(state, HIST) * up + field(state, DELAY) - (field(state, POS) * up + field(state, PHASE));
  return room > 0 ? room : 0;
}

// Stores the lanes of `y` (phase p, inputs i0..i0+3) whose upsampled index m = i*L + p lies in
// [cur, stop), at out[m - cur].
// @ts-ignore: decorator
@inline function scatter(y: v128, i0: i32, p: i32, up: i32, cur: i32, stop: i32, outPtr: usize): void {
  let m = i0 * up + p;
  if (m >= cur && m < stop) store<f32>(outPtr + (<usize>(m - cur) << 2), f32x4.extract_lane(y, 0));
  m += up;
  if (m >= cur && m < stop) store<f32>(outPtr + (<usize>(m - cur) << 2), f32x4.extract_lane(y, 1));
  m += up;
  if (m >= cur && m < stop) store<f32>(outPtr + (<usize>(m - cur) << 2), f32x4.extract_lane(y, 2));
  m += up;
  if (m >= cur && m < stop) store<f32>(outPtr + (<usize>(m - cur) << 2), f32x4.extract_lane(y, 3));
}

// Writes every output with upsampled index in [pos*L + phase, stop); returns the count.
function compute(state: usize, stop: i32, outPtr: usize): i32 {
  const taps = field(state, TAPS);
  const up = field(state, UP);
  const coef = <usize>field(state, COEF);
  const buf = bufferOf(state);
  const rowBytes = <usize>taps << 4;
  const pos = field(state, POS);
  const cur = pos * up + field(state, PHASE);
  if (stop <= cur) return 0;
  for (let i0 = pos; i0 * up < stop; i0 += 4) {
    const x0 = buf + (<usize>(i0 - taps + 1) << 2);
    let p = 0;
    for (; p + 2 <= up; p += 2) {
      let c = coef + <usize>p * rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let b0 = f32x4.splat(0);
      let b1 = f32x4.splat(0);
      for (let o: usize = 0; o < (<usize>taps << 2); o += 8) {
        const v0 = v128.load(x0 + o);
        const v1 = v128.load(x0 + o, 4);
        const k = c + (o << 2);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(k), v0));
        b0 = f32x4.add(b0, f32x4.mul(v128.load(k + rowBytes), v0));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(k, 16), v1));
        b1 = f32x4.add(b1, f32x4.mul(v128.load(k + rowBytes, 16), v1));
      }
      scatter(f32x4.add(a0, a1), i0, p, up, cur, stop, outPtr);
      scatter(f32x4.add(b0, b1), i0, p + 1, up, cur, stop, outPtr);
    }
    if (p < up) {
      const c = coef + <usize>p * rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      for (let o: usize = 0; o < (<usize>taps << 2); o += 8) {
        const k = c + (o << 2);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(k), v128.load(x0 + o)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(k, 16), v128.load(x0 + o, 4)));
      }
      scatter(f32x4.add(a0, a1), i0, p, up, cur, stop, outPtr);
    }
  }
  setField(state, POS, stop / up);
  setField(state, PHASE, stop % up);
  return stop - cur;
}


export function interp_process(state: usize, inPtr: usize, frames: i32, outPtr: usize): i32 {
  sanitize(inPtr, interp_input_window(state), frames);
  const end = field(state, HIST) + frames;
  const n = compute(state, end * field(state, UP), outPtr);
  shiftHistory(state, end);
  return n;
}

export function interp_flush(state: usize, outPtr: usize): i32 {
  const up = field(state, UP);
  const hist = field(state, HIST);
  const delay = field(state, DELAY);
  memory.fill(interp_input_window(state), 0, <usize>(delay / up + 6) << 2);
  const n = compute(state, hist * up + delay, outPtr);
  interp_reset(state);
  return n;
}
