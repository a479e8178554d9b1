// Resampler kernel for ratios with few polyphase rows (L, M <= 12: every pair within the 8, 16,
// 24, 32, 48, 96 kHz family and within the 11.025, 22.05, 44.1 kHz family), SIMD across outputs.
//
// Algorithm: output n reads row p = m mod L of the polyphase table (see resample-state.ts for m,
// pos and phase) and the K input samples ending at pos:
//   y[n] = sum_{j<K} c_p[j] x[pos - K + 1 + j].
// Outputs n, n + L, n + 2L, ... use the same row p and input positions M apart, so eight of them
// (lanes k = 0..7: pos + kM) form two f32x4 vectors that share each coefficient: with
// V[u] = (x[u], x[u + M], x[u + 2M], x[u + 3M]) (a scratch of aligned vectors gathered from the
// input buffer on each call), lanes 0-3 are sum_j splat(c_p[j]) * V[pos - K + 1 + j] and lanes
// 4-7 the same at V[... + 4M]. No horizontal sums, one coefficient load per eight products,
// aligned loads; three taps per step into six accumulators (with more, V8 spills registers; with
// fewer, the adds wait on each other: measured over 2-16 lanes and 1-6 taps per step). A group is 8L consecutive outputs (each row once); a call computes whole groups
// and stores only the outputs that are due, so every output is computed by the same operations in
// the same order (its own lane) whatever the chunking: bit-identical output for any chunking.
// Cost per output: K multiply-adds at about 0.06 ns each on the benchmark machine (against about
// 0.13 ns per tap for speexdsp's inner product), plus gathering (K + frames) vectors per call.
// Reference: Crochiere & Rabiner, "Multirate Digital Signal Processing" (1983), ch. 3 (polyphase
// structures; computing outputs of one phase together).
// Latency: D / (L x inputRate), output aligned in time with the input.
import { ResamplerState, stateOf, bufferOf } from "./resample-state";
import { storeTransposed } from "./simd-transpose";

/** Outputs of one row computed together (two f32x4 vectors). */
const LANES = 8;
/** Input samples covered by one gathering of the scratch (bounds its size). */
const CHUNK_FRAMES = 1024;

// V, shared by every instance (one thread; rebuilt from the input buffer on every call).
let scratch: usize = 0;
let scratchEntries: i32 = 0;

function entriesFor(taps: i32, down: i32): i32 {
  return taps + CHUNK_FRAMES + 8 * down + 24;
}

/** Input samples after the window that a call may read (lanes past the due outputs). */
export function lanes_tail(down: i32): i32 {
  return 16 * down + 16;
}

/** Makes the shared scratch large enough for `taps` and `down` (construction time; may grow memory). */
export function lanes_reserve(taps: i32, down: i32): void {
  const need = entriesFor(taps, down);
  if (need <= scratchEntries) return;
  if (scratch != 0) heap.free(scratch);
  scratch = heap.alloc(<usize>need << 4);
  scratchEntries = need;
}

// V[i] = (x[u], x[u + M], x[u + 2M], x[u + 3M]) for u = u0 + i, i < count (rounded up to a
// multiple of 4: the scratch has room). M = 2, 3, 4 transpose whole vectors; others gather lanes.
function gather(x: usize, u0: i32, count: i32, down: i32): void {
  let src = x + (<usize>u0 << 2);
  let dst = scratch;
  const end = scratch + (<usize>((count + 3) & ~3) << 4);
  if (down == 1) {
    for (; dst < end; dst += 16, src += 4) v128.store(dst, v128.load(src));
  } else if (down == 2) {
    for (; dst < end; dst += 32, src += 8) {
      const a = v128.load(src);
      const b = v128.load(src, 16);
      v128.store(dst, v128.shuffle<f32>(a, b, 0, 2, 4, 6));
      v128.store(dst, v128.shuffle<f32>(a, b, 1, 3, 5, 7), 16);
    }
  } else if (down == 3) {
    // Entries u, u + 1, u + 2 from x[u .. u + 11]: (a0 a3 b2 c1), (a1 b0 b3 c2), (a2 b1 c0 c3).
    for (; dst < end; dst += 48, src += 12) {
      const a = v128.load(src);
      const b = v128.load(src, 16);
      const c = v128.load(src, 32);
      v128.store(dst, v128.shuffle<f32>(v128.shuffle<f32>(a, b, 0, 3, 6, 7), c, 0, 1, 2, 5));
      v128.store(dst, v128.shuffle<f32>(v128.shuffle<f32>(a, b, 1, 4, 7, 7), c, 0, 1, 2, 6), 16);
      v128.store(dst, v128.shuffle<f32>(v128.shuffle<f32>(a, b, 2, 5, 5, 5), c, 0, 1, 4, 7), 32);
    }
  } else if (down == 4) {
    // A 4 x 4 transpose of x[u .. u + 15] gives entries u .. u + 3.
    for (; dst < end; dst += 64, src += 16) {
      storeTransposed(dst, v128.load(src), v128.load(src, 16), v128.load(src, 32), v128.load(src, 48));
    }
  } else {
    const step = <usize>down << 2;
    for (; dst < end; dst += 16, src += 4) {
      let v = f32x4.splat(load<f32>(src));
      v = f32x4.replace_lane(v, 1, load<f32>(src + step));
      v = f32x4.replace_lane(v, 2, load<f32>(src + 2 * step));
      v128.store(dst, f32x4.replace_lane(v, 3, load<f32>(src + 3 * step)));
    }
  }
}

// Stores the lanes of ya (k = 0..3) and yb (k = 4..7) whose output index k * L is below `due`, at
// out + k * L frames.
function scatter(out: usize, ya: v128, yb: v128, up: i32, due: i32): void {
  if (up == 1 && due >= LANES) {
    v128.store(out, ya);
    v128.store(out, yb, 16);
    return;
  }
  const step = <usize>up << 2;
  store<f32>(out, f32x4.extract_lane(ya, 0));
  if (up < due) store<f32>(out + step, f32x4.extract_lane(ya, 1));
  if (2 * up < due) store<f32>(out + 2 * step, f32x4.extract_lane(ya, 2));
  if (3 * up < due) store<f32>(out + 3 * step, f32x4.extract_lane(ya, 3));
  if (4 * up < due) store<f32>(out + 4 * step, f32x4.extract_lane(yb, 0));
  if (5 * up < due) store<f32>(out + 5 * step, f32x4.extract_lane(yb, 1));
  if (6 * up < due) store<f32>(out + 6 * step, f32x4.extract_lane(yb, 2));
  if (7 * up < due) store<f32>(out + 7 * step, f32x4.extract_lane(yb, 3));
}

/**
 * Writes every output with upsampled index in [pos * L + phase, stop) to outPtr and advances the
 * stream past them; returns the count. Reads the buffer up to 8M samples past the last due input.
 */
export function lanes_run(state: usize, stop: i32, outPtr: usize): i32 {
  const s: ResamplerState = stateOf(state);
  const up = s.up;
  const down = s.down;
  const taps = s.taps;
  const cur = s.pos * up + s.phase;
  if (stop <= cur) return 0;
  const count = (stop - cur + down - 1) / down;
  const x = bufferOf(state);
  const coef = s.coef;
  const rowBytes = <usize>taps << 2;
  const group = LANES * up;
  const groupsPerChunk = max(1, CHUNK_FRAMES / (LANES * down));
  const upper = <usize>(4 * down) << 4; // lanes 4-7: V entries 4M later
  for (let first = 0; first < count; first += groupsPerChunk * group) {
    const u0 = (cur + first * down) / up - taps + 1;
    const groups = min(groupsPerChunk, (count - first + group - 1) / group);
    gather(x, u0, taps + (groups - 1) * LANES * down + 6 * down, down);
    for (let n0 = first; n0 < first + groups * group; n0 += group) {
      let m = cur + n0 * down;
      for (let r = 0; r < up && n0 + r < count; r++) {
        const pos = m / up;
        let c = coef + <usize>(m - pos * up) * rowBytes;
        const cEnd = c + rowBytes;
        let v = scratch + (<usize>(pos - taps + 1 - u0) << 4);
        let w = v + upper;
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        let a2 = f32x4.splat(0);
        let b0 = f32x4.splat(0);
        let b1 = f32x4.splat(0);
        let b2 = f32x4.splat(0);
        while (c < cEnd) {
          const c0 = v128.load32_splat(c);
          a0 = f32x4.add(a0, f32x4.mul(c0, v128.load(v)));
          b0 = f32x4.add(b0, f32x4.mul(c0, v128.load(w)));
          const c1 = v128.load32_splat(c, 4);
          a1 = f32x4.add(a1, f32x4.mul(c1, v128.load(v, 16)));
          b1 = f32x4.add(b1, f32x4.mul(c1, v128.load(w, 16)));
          const c2 = v128.load32_splat(c, 8);
          a2 = f32x4.add(a2, f32x4.mul(c2, v128.load(v, 32)));
          b2 = f32x4.add(b2, f32x4.mul(c2, v128.load(w, 32)));
          c += 12;
          v += 48;
          w += 48;
        }
        const ya = f32x4.add(f32x4.add(a0, a1), a2);
        const yb = f32x4.add(f32x4.add(b0, b1), b2);
        scatter(outPtr + (<usize>(n0 + r) << 2), ya, yb, up, count - n0 - r);
        m += down;
      }
    }
  }
  const mEnd = cur + count * down;
  s.pos = mEnd / up;
  s.phase = mEnd % up;
  return count;
}
