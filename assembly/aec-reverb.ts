// The echo beyond the filter's window (./aec-block): where the room's reverberation outlives the
// adaptive filter (a tail over its 250 ms), the echo keeps sounding from reference the filter no
// longer sees, and when the reply goes quiet after a loud stretch that late echo is most of the
// mic: the linear stage then removes nothing, and the suppressor, whose residual estimate follows
// the linear stage, took it for the user (the outside rooms' bursts 14-27 s into a call).
// How: the room's decay measured on the converged filter (./aec-block: measureDecay) is extended
// past the window, per bin, as an exponential (AEC3's reverberation model in spirit): the late echo
// power T = d (T + G |X_next|^2), with d the decay per block, G the mean gain of the filter's last
// RV_PARTITIONS partitions (|W|^2 per bin) and X_next the reference block just leaving the window.
// Only while the fitted decay has not fallen 25 dB (the depth it is fitted to) under its peak by the
// window's end (the room outlives the model); else T is 0 and nothing changes. T is in the suppressor's units (its
// sqrt-Hann frames carry half a rectangular frame's power: x 0.5, measured 0.48). Per block: one
// pass over the bins; no allocation. Latency: none (it predicts the current block).

import { Aec } from "./aec-state";

/** Partitions at the window's end whose mean per-bin gain starts the extension. */
// @ts-ignore: decorator
@inline export const RV_PARTITIONS: i32 = 4;
/** Sqrt-Hann frames (the suppressor's) over the filter's rectangular frames, power. */
// @ts-ignore: decorator
@inline const FRAME_POWER: f32 = 0.5;

/** Off: no late echo predicted (a reset, a path change, a room the filter spans). */
export function rv_off(a: Aec): void {
  a.reverbOn = false;
  memory.fill(a.rvGain, 0, <usize>(8 * a.k)); // rvGain and rvPower
}

/**
 * From the filter's measured decay, `slopeDb` per partition (< 0), and whether its fit reached the
 * window's end still within the depth it fits (`outlives`): the per-bin gain of the extension.
 */
export function rv_measure(a: Aec, slopeDb: f32, outlives: bool): void {
  if (!outlives) {
    if (a.reverbOn) rv_off(a);
    return;
  }
  const d = Mathf.pow(10, <f32>0.1 * slopeDb);
  a.reverbDecay = d;
  a.reverbOn = true;
  const k = a.k;
  const spec = <usize>(8 * k);
  const im = <usize>k << 2;
  const from = max(0, a.m - RV_PARTITIONS);
  const scale: f32 = FRAME_POWER * d / <f32>(a.m - from);
  for (let j = 0; j < k; j++) {
    let g: f32 = 0;
    for (let q = from; q < a.m; q++) {
      const w = a.wf + <usize>q * spec + (<usize>j << 2);
      const re = load<f32>(w);
      const imv = load<f32>(w + im);
      g += re * re + imv * imv;
    }
    store<f32>(a.rvGain + (<usize>j << 2), scale * g);
  }
}

/** One block: the late echo power per bin (a.rvPower), from the reference block leaving the window. */
export function rv_block(a: Aec): void {
  if (!a.reverbOn) return;
  const k = a.k;
  const spec = <usize>(8 * k);
  const im = <usize>k << 2;
  const x = a.x + <usize>((a.head + a.offset + a.m) % a.slots) * spec;
  const d = f32x4.splat(a.reverbDecay);
  for (let j = 0; j < k; j += 4) {
    const o = <usize>j << 2;
    const re = v128.load(x + o);
    const imv = v128.load(x + im + o);
    const px = f32x4.add(f32x4.mul(re, re), f32x4.mul(imv, imv));
    const t = f32x4.mul(d, f32x4.add(v128.load(a.rvPower + o), f32x4.mul(v128.load(a.rvGain + o), px)));
    v128.store(a.rvPower + o, t);
  }
}
