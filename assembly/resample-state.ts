// The resampler's state block, shared by its kernels (resample-lanes.ts, resample-taps.ts) and
// entry points (resample.ts): a 64-byte header laid out by ResamplerState below, then the input
// buffer: `hist` samples of history, the input window (`maxFrames` samples) and a zero tail.
//
// Stream position: the next output n has upsampled index m = n * down + delay; in buffer
// coordinates m = pos * up + phase, where pos is the buffer index of the newest input sample it
// reads and phase the polyphase row it uses. Output n is due once sample `pos` has arrived.

import { finiteOrZero, finiteOrZeroX4 } from "./shared";

export const MODE_COPY = 0; // equal rates: a sanitising copy
export const MODE_LANES = 1; // few phases: resample-lanes.ts
export const MODE_TAPS = 2; // many phases: resample-taps.ts
export const MODE_DOUBLE = 3; // L = 2, M = 1: resample-double.ts
export const MODE_HALF = 4; // L = 1, M = 2: resample-half.ts

// @ts-ignore: decorator
@unmanaged export class ResamplerState {
  mode: i32; // MODE_COPY, MODE_LANES, MODE_TAPS, MODE_DOUBLE or MODE_HALF
  coef: usize; // coefficients: `up` rows of `taps` f32, row p column j = h[p + (taps - 1 - j) * up]; double, half: h[0..2d] pre-splatted
  taps: i32; // K, taps per row; double, half: d (the prototype is 4d + 1 long)
  up: i32; // L (output = input x L / M, lowest terms)
  down: i32; // M
  advQ: i32; // floor(M / L): pos advance per output
  advR: i32; // M mod L: phase advance per output
  phase: i32; // row of the next output
  pos: i32; // buffer index of the newest sample the next output reads
  hist: i32; // history samples kept between calls (>= taps - 1; double: >= 2d)
  maxFrames: i32; // input window length, samples
  delay: i32; // D: the prototype's centre, in upsampled samples (its group delay)
  tail: i32; // samples after the window that kernels may read (zero or stale, never stored)
  zeros: i32; // the stream's trailing run of +0 samples (bit pattern 0), counting the reset's zero history; capped
}

export const HEADER_BYTES: usize = 64;

// @ts-ignore: decorator
@inline export function stateOf(state: usize): ResamplerState {
  return changetype<ResamplerState>(state);
}

// @ts-ignore: decorator
@inline export function bufferOf(state: usize): usize {
  return state + HEADER_BYTES;
}

// @ts-ignore: decorator
@inline export function windowOf(state: usize): usize {
  return bufferOf(state) + (<usize>stateOf(state).hist << 2);
}

/** How many of the `frames` samples at `ptr` are +0 (bit pattern 0) from the last one back. */
export function trailingZeros(ptr: usize, frames: i32): i32 {
  let i = frames;
  while (i >= 4 && !v128.any_true(v128.load(ptr + (<usize>(i - 4) << 2)))) i -= 4;
  while (i > 0 && load<u32>(ptr + (<usize>(i - 1) << 2)) == 0) i--;
  return frames - i;
}

/** Copies `frames` samples, replacing NaN and +-Inf by 0 (shared.ts). */
export function sanitize(src: usize, dst: usize, frames: i32): void {
  let i = 0;
  for (; i + 4 <= frames; i += 4) {
    const off = <usize>i << 2;
    v128.store(dst + off, finiteOrZeroX4(v128.load(src + off)));
  }
  for (; i < frames; i++) {
    const off = <usize>i << 2;
    store<f32>(dst + off, finiteOrZero(load<f32>(src + off)));
  }
}
