// A real browser's capture processing as a linear response, to judge its echo canceller by the lab's
// metrics (issue 13): what a browser does to the mic when its canceller has nothing to cancel (its
// high-pass filter, its band splitting) is fitted here as an FIR filter from a run with the
// reference silent (Welch cross-spectrum over Hann-windowed segments), and the scene's parts (echo,
// user, noise) go through that filter, so the metrics excuse it and judge only what the canceller
// removes or damages (as echo-browser.ts does with webrtc 0.3's fitted biquad). Also the FFT
// cross-correlation that finds where a recording sits in a known signal.
import type { EchoScene } from './echo-scenes.js';
import { convolve, fft } from './echo-sources.js';

export interface Response {
  /** FIR taps; tap j weighs input sample i + lead - j. */
  taps: Float64Array;
  lead: number;
  /** Energy of output - response x input over the output's, dB (how linear the processing was). */
  unexplainedDb: number;
}

/** The lag at which `recording[i + lag]` best matches `signal[i]`, |lag| <= maxLag, and the normalized correlation there. */
export function findLag(recording: Float32Array, signal: Float32Array, maxLag: number): { lag: number; correlation: number } {
  let n = 1;
  while (n < recording.length + signal.length) n <<= 1;
  const ar = new Float64Array(n);
  const ai = new Float64Array(n);
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  ar.set(recording);
  br.set(signal);
  fft(ar, ai, false);
  fft(br, bi, false);
  for (let k = 0; k < n; k++) {
    const r = ar[k]! * br[k]! + ai[k]! * bi[k]!;
    ai[k] = ai[k]! * br[k]! - ar[k]! * bi[k]!;
    ar[k] = r;
  }
  fft(ar, ai, true);
  let best = { lag: 0, value: Number.NEGATIVE_INFINITY };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const v = ar[(lag + n) % n]!;
    if (v > best.value) best = { lag, value: v };
  }
  let ee = 0;
  let ss = 0;
  for (const v of recording) ee += v * v;
  for (const v of signal) ss += v * v;
  return { lag: best.lag, correlation: best.value / n / Math.sqrt(ee * ss + 1e-30) };
}

/** `x` through the response, same length, aligned (the lead removed). */
export function applyResponse(x: ArrayLike<number>, r: Response): Float32Array {
  const y = convolve(x, r.taps, x.length + r.lead);
  return Float32Array.from(y.subarray(r.lead));
}

/** Fits output ~ response x input (both aligned, same length) with `size` taps, `lead` of them before lag 0. */
export function fitResponse(input: Float32Array, output: Float32Array, size = 2048, lead = 256): Response {
  const n = size * 2;
  const hop = size;
  const sxyRe = new Float64Array(n);
  const sxyIm = new Float64Array(n);
  const sxx = new Float64Array(n);
  const xr = new Float64Array(n);
  const xi = new Float64Array(n);
  const yr = new Float64Array(n);
  const yi = new Float64Array(n);
  for (let at = 0; at + n <= Math.min(input.length, output.length); at += hop) {
    xi.fill(0);
    yi.fill(0);
    for (let i = 0; i < n; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
      xr[i] = w * input[at + i]!;
      yr[i] = w * output[at + i]!;
    }
    fft(xr, xi, false);
    fft(yr, yi, false);
    for (let k = 0; k < n; k++) {
      sxyRe[k]! += yr[k]! * xr[k]! + yi[k]! * xi[k]!;
      sxyIm[k]! += yi[k]! * xr[k]! - yr[k]! * xi[k]!;
      sxx[k]! += xr[k]! * xr[k]! + xi[k]! * xi[k]!;
    }
  }
  let floor = 0;
  for (const v of sxx) floor += v;
  floor = (floor / n) * 1e-6;
  for (let k = 0; k < n; k++) {
    const d = sxx[k]! + floor;
    sxyRe[k] = sxyRe[k]! / d;
    sxyIm[k] = sxyIm[k]! / d;
  }
  fft(sxyRe, sxyIm, true);
  const taps = new Float64Array(size);
  for (let j = 0; j < size; j++) taps[j] = sxyRe[(j - lead + n) % n]! / n;
  const r: Response = { taps, lead, unexplainedDb: 0 };
  const predicted = applyResponse(input, r);
  let residual = 0;
  let total = 0;
  for (let i = 0; i < Math.min(input.length, output.length); i++) {
    residual += (output[i]! - predicted[i]!) ** 2;
    total += output[i]! ** 2;
  }
  r.unexplainedDb = 10 * Math.log10(residual / Math.max(total, 1e-30) + 1e-30);
  return r;
}

/** The scene as the browser delivers it: its output is the mic; echo, user and noise go through its response. */
export function responseScene(scene: EchoScene, processed: Float32Array, r: Response, name: string): EchoScene {
  const n = scene.mic.length;
  if (processed.length < n) throw new Error(`${scene.name}: ${name} output ${processed.length} samples, scene ${n}`);
  return {
    ...scene,
    name: `${scene.name} ${name}`,
    mic: processed.slice(0, n),
    echo: applyResponse(scene.echo, r),
    near: applyResponse(scene.near, r),
    noise: applyResponse(scene.noise, r),
  };
}
