// A synthetic far end for echo tests: speech-like noise bursts (150-300 ms, 50-150 ms gaps, 5 ms
// fades like syllable onsets) around -20 dBFS, seeded. Used by the echo gate's and the echo
// canceller's unit tests.
import { rng } from './random.js';

/** Speech-like far end: noise bursts 150-300 ms long with 50-150 ms gaps, around -20 dBFS. */
export function farEnd(rate: number, seconds: number, seed: number): Float32Array {
  const next = rng(seed);
  const x = new Float32Array(Math.round(seconds * rate));
  let i = 0;
  while (i < x.length) {
    const on = Math.round((0.15 + 0.15 * next()) * rate);
    const level = 0.1 * (0.5 + next());
    const ramp = Math.round(0.005 * rate); // 5 ms fades, like syllable onsets
    for (let k = 0; k < on && i < x.length; k++, i++) x[i] = level * Math.sqrt(3) * (2 * next() - 1) * Math.min(1, k / ramp, (on - k) / ramp);
    i += Math.round((0.05 + 0.1 * next()) * rate);
  }
  return x;
}
