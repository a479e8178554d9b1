// Shared by the resampler kernels (resample.ts, resample-half.ts, resample-double.ts,
// resample-interp.ts): the state block's header
// layout and small helpers. The header is 64 bytes of i32 fields; samples follow it.

export const COEF: usize = 0; // pointer to the coefficient table
export const TAPS: usize = 4; // polyphase: taps per phase K; half: d (pairs per plane)
export const UP: usize = 8; // L
export const DOWN: usize = 12; // M
export const ADV_Q: usize = 16; // floor(M / L)
export const ADV_R: usize = 20; // M mod L
export const PHASE: usize = 24; // phase of the next output
export const POS: usize = 28; // buffer (plane) index of the newest sample the next output needs
export const HIST: usize = 32; // polyphase: history samples kept between calls
export const MAXF: usize = 36; // input window length in samples
export const DELAY: usize = 40; // D, in upsampled samples
export const MODE: usize = 44; // MODE_POLYPHASE, MODE_HALF, MODE_DOUBLE or MODE_INTERP
export const COUNT_E: usize = 48; // half: samples in the even plane
export const COUNT_O: usize = 52; // half: samples in the odd plane
export const PLANE: usize = 56; // half: plane length in samples
export const HEADER_BYTES: usize = 64;

export const MODE_POLYPHASE = 0;
export const MODE_HALF = 2;
export const MODE_DOUBLE = 3;
export const MODE_INTERP = 4;

// @ts-ignore: decorator
@inline export function field(state: usize, offset: usize): i32 {
  return load<i32>(state + offset);
}

// @ts-ignore: decorator
@inline export function setField(state: usize, offset: usize, value: i32): void {
  store<i32>(state + offset, value);
}

// @ts-ignore: decorator
@inline export function bufferOf(state: usize): usize {
  return state + HEADER_BYTES;
}

// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** Copies `frames` samples, replacing NaN and +-Inf by 0 (|x| < Inf is false for both). */
export function sanitize(src: usize, dst: usize, frames: i32): void {
  const inf = f32x4.splat(Infinity);
  let i = 0;
  for (; i + 4 <= frames; i += 4) {
    const off = <usize>i << 2;
    const v = v128.load(src + off);
    v128.store(dst + off, v128.and(v, f32x4.lt(f32x4.abs(v), inf)));
  }
  for (; i < frames; i++) {
    const off = <usize>i << 2;
    const v = load<f32>(src + off);
    store<f32>(dst + off, Mathf.abs(v) < Infinity ? v : 0);
  }
}

/** Keeps the last H samples before buffer index `end` as history for the next call. */
export function shiftHistory(state: usize, end: i32): void {
  const hist = field(state, HIST);
  const by = end - hist;
  if (by > 0) {
    const buf = bufferOf(state);
    memory.copy(buf, buf + (<usize>by << 2), <usize>hist << 2);
    setField(state, POS, field(state, POS) - by);
  }
}
