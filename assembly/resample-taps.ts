// Resampler kernel for ratios with many polyphase rows (the pairs between the 44.1 and 48 kHz
// families: L, M >= 80, e.g. 44.1 -> 24 kHz is 80/147), SIMD across taps, one output at a time.
//
// Algorithm: output n reads row p = m mod L of the polyphase table (see resample-state.ts) and
// the K input samples ending at pos: y[n] = sum_{j<K} c_p[j] x[pos - K + 1 + j], as one f32x4
// dot product (four accumulators over 16 taps per step, K a multiple of 8, one horizontal sum).
// Rows follow each other without division (M = advQ * L + advR). Each output is computed by the
// same operations in the same order whatever the chunking: bit-identical output for any chunking.
// (Computing several outputs of one row together, as resample-lanes.ts does, would span 8L
// outputs here.)
// Reference: Crochiere & Rabiner, "Multirate Digital Signal Processing" (1983), ch. 2-3;
// J. O. Smith, "Digital Audio Resampling Home Page" (ccrma.stanford.edu/~jos/resample).
// Latency: D / (L x inputRate), output aligned in time with the input.
import { ResamplerState, stateOf, bufferOf } from "./resample-state";

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/**
 * Writes every output with upsampled index in [pos * L + phase, stop) to outPtr and advances the
 * stream past them; returns the count.
 */
export function taps_run(state: usize, stop: i32, outPtr: usize): i32 {
  const s: ResamplerState = stateOf(state);
  const up = s.up;
  const advQ = s.advQ;
  const advR = s.advR;
  const taps = s.taps;
  const coef = s.coef;
  const x = bufferOf(state);
  const rowBytes = <usize>taps << 2;
  let phase = s.phase;
  let pos = s.pos;
  let out = outPtr;
  while (pos * up + phase < stop) {
    let c = coef + <usize>phase * rowBytes;
    const cEnd = c + rowBytes;
    let v = x + (<usize>(pos - taps + 1) << 2);
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    for (; c + 64 <= cEnd; c += 64, v += 64) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(c), v128.load(v)));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(c, 16), v128.load(v, 16)));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(c, 32), v128.load(v, 32)));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(c, 48), v128.load(v, 48)));
    }
    if (c < cEnd) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load(c), v128.load(v)));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(c, 16), v128.load(v, 16)));
    }
    store<f32>(out, hsum(f32x4.add(f32x4.add(a0, a2), f32x4.add(a1, a3))));
    out += 4;
    phase += advR;
    pos += advQ;
    if (phase >= up) {
      phase -= up;
      pos++;
    }
  }
  s.phase = phase;
  s.pos = pos;
  return <i32>((out - outPtr) >> 2);
}
