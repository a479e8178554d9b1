// Resampler kernel for exact halvings (L = 1, M = 2: 48 -> 24 kHz, 32 -> 16, 16 -> 8, 44.1 ->
// 22.05, 96 -> 48) with a prototype 4d + 1 long: folded, on the input split into its even and odd
// samples.
//
// Algorithm: output n reads the 4d + 1 input samples ending at p (p = pos + 2n); the prototype h is
// symmetric (h[k] = h[4d - k]), so each pair of taps costs one multiply:
//   y = h[2d] x[p - 2d] + sum_{k<2d} h[k] (x[p - k] + x[p - 4d + k]).
// Consecutive outputs read samples 2 apart: with the input from lo = p0 - 4d split into
// E[j] = x[lo + 2j] and O[j] = x[lo + 2j + 1], the terms of outputs n..n+3 are contiguous vectors:
// even k = 2i reads E[n + 2d - i] and E[n + i], odd k = 2i + 1 reads O[n + 2d - 1 - i] and
// O[n + i], the centre E[n + d]. Eight outputs per step (two vectors sharing each pre-splatted
// coefficient, even and odd taps in separate sums); lanes past the due outputs are computed but
// not stored, so every output is computed by the same operations in the same order whatever the
// chunking (bit-identical output for any chunking). Splitting costs two shuffles per 8 input
// samples; resample-lanes.ts, which ran these ratios before, gathers one vector per input sample
// and multiplies every tap.
// Reference: folding of linear-phase FIRs and polyphase decimation, Crochiere & Rabiner,
// "Multirate Digital Signal Processing" (1983), sections 3.3-3.4.
// Latency: 2d / inputRate (the prototype's centre), output aligned in time with the input.
import { ResamplerState, stateOf, bufferOf } from "./resample-state";

/** Staging for a call's last, partial group of outputs. */
const LAST = memory.data(32, 16);

/** Outputs computed per split of the input (bounds the scratch). */
const CHUNK_OUTPUTS = 512;

// E and O, shared by every instance (one thread; rebuilt from the input buffer on every call).
let scratch: usize = 0;
let scratchFloats: i32 = 0;

function splitLength(d: i32): i32 {
  return CHUNK_OUTPUTS + 2 * d + 8;
}

/** Input samples after the window that a call may read (lanes past the due outputs, the split's rounding). */
export const HALF_TAIL: i32 = 32;

/** Makes the shared scratch large enough for prototypes 4d + 1 long (construction time; may grow memory). */
export function half_reserve(d: i32): void {
  const need = 2 * splitLength(d);
  if (need <= scratchFloats) return;
  if (scratch != 0) heap.free(scratch);
  scratch = heap.alloc(<usize>need << 2);
  scratchFloats = need;
}

// E[j] = x[lo + 2j] at `even`, O[j] = x[lo + 2j + 1] at `odd`, j < count (rounded up to 4).
function split(x: usize, lo: i32, count: i32, even: usize, odd: usize): void {
  let src = x + (<usize>lo << 2);
  const end = even + (<usize>((count + 3) & ~3) << 2);
  for (; even < end; even += 16, odd += 16, src += 32) {
    const a = v128.load(src);
    const b = v128.load(src, 16);
    v128.store(even, v128.shuffle<f32>(a, b, 0, 2, 4, 6));
    v128.store(odd, v128.shuffle<f32>(a, b, 1, 3, 5, 7));
  }
}

// Computes `count` outputs, the first reading the samples up to buffer index p0, into outPtr.
function compute(state: usize, p0: i32, count: i32, outPtr: usize): void {
  const s: ResamplerState = stateOf(state);
  const d = s.taps;
  const coef = s.coef;
  const x = bufferOf(state);
  const even = scratch;
  const odd = scratch + (<usize>splitLength(d) << 2);
  const centre = v128.load(coef + (<usize>(2 * d) << 4));
  for (let first = 0; first < count; first += CHUNK_OUTPUTS) {
    const outputs = min(CHUNK_OUTPUTS, count - first);
    const groups = (outputs + 7) >> 3;
    split(x, p0 + 2 * first - 4 * d, 8 * groups + 2 * d, even, odd);
    for (let g = 0; g < groups; g++) {
      const n = <usize>(8 * g) << 2;
      let eHi = even + n + (<usize>(2 * d) << 2); // E[n + 2d - i]
      let eLo = even + n; // E[n + i]
      let oHi = odd + n + (<usize>(2 * d - 1) << 2); // O[n + 2d - 1 - i]
      let oLo = odd + n; // O[n + i]
      let c = coef;
      let ea = f32x4.mul(centre, v128.load(even + n + (<usize>d << 2)));
      let eb = f32x4.mul(centre, v128.load(even + n + (<usize>d << 2), 16));
      let oa = f32x4.splat(0);
      let ob = f32x4.splat(0);
      for (let i = 0; i < d; i++) {
        const ce = v128.load(c);
        const co = v128.load(c, 16);
        ea = f32x4.add(ea, f32x4.mul(ce, f32x4.add(v128.load(eHi), v128.load(eLo))));
        eb = f32x4.add(eb, f32x4.mul(ce, f32x4.add(v128.load(eHi, 16), v128.load(eLo, 16))));
        oa = f32x4.add(oa, f32x4.mul(co, f32x4.add(v128.load(oHi), v128.load(oLo))));
        ob = f32x4.add(ob, f32x4.mul(co, f32x4.add(v128.load(oHi, 16), v128.load(oLo, 16))));
        c += 32;
        eHi -= 4;
        eLo += 4;
        oHi -= 4;
        oLo += 4;
      }
      const ya = f32x4.add(ea, oa);
      const yb = f32x4.add(eb, ob);
      const due = outputs - 8 * g;
      const out = outPtr + (<usize>(first + 8 * g) << 2);
      if (due >= 8) {
        v128.store(out, ya);
        v128.store(out, yb, 16);
      } else {
        // the last 1..7 outputs of the call: through a 32-byte staging area
        v128.store(LAST, ya);
        v128.store(LAST, yb, 16);
        memory.copy(out, LAST, <usize>due << 2);
      }
    }
  }
}

/**
 * Writes every output with input index in [pos, stop) to outPtr (the next output reads the samples
 * up to buffer index pos; each output advances it by 2) and advances the stream past them; returns
 * the count.
 */
export function half_run(state: usize, stop: i32, outPtr: usize): i32 {
  const s: ResamplerState = stateOf(state);
  const count = (stop - s.pos + 1) >> 1;
  if (count <= 0) return 0;
  compute(state, s.pos, count, outPtr);
  s.pos += 2 * count;
  return count;
}
