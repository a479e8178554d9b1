// One scene run through a hooked build with the suppressor's per-block trace on (assembly/bench-hooks.ts:
// per block 16 scalars, the linear stage's output e (B) and 16 arrays of K), read back with what the
// two readers need (bench/echo-lab/trace.mjs, bench/echo-hall-lost.mjs): the blocks' e as one signal,
// its true residual (e minus the user and the noise), the suppressor's frames' spectra (the block and
// the one before under a sqrt-Hann window of 2B, as the kernel frames them) and the octave edges.
import { pad } from './common.mjs';

/**
 * @param {import('./common.mjs').Build} build @param {import('./common.mjs').EchoScene} scene @param {number} shift
 * @param {(driver: any, scene: any) => Float32Array} run the lab's runCanceller
 */
export function traceScene(build, scene, shift, run) {
  const rate = scene.sampleRate;
  const driver = build.factory()(rate);
  const c = /** @type {any} */ (driver).canceller;
  if (typeof c.k.aec_trace_set !== 'function') throw new Error(`${build.label} has no bench hooks: the suppressor's trace needs the build 'hooked'`);
  const B = c.blockSamples;
  const K = B + 4;
  const stride = 16 + B + 16 * K; // floats per block (assembly/bench-hooks.ts)
  const near = pad(scene.near, shift);
  const noise = pad(scene.noise, shift);
  const echo = pad(scene.echo, shift);
  const capacity = Math.ceil(near.length / B) + 4;
  const base = c.heap.alloc(stride * 4 * capacity);
  c.k.aec_trace_set(base, capacity);
  const out = run(driver, { ...scene, mic: pad(scene.mic, shift), reference: pad(scene.reference, shift) });
  const blocks = c.k.aec_trace_count();
  const f32 = new Float32Array(c.k.memory.buffer);
  const at = (/** @type {number} */ i) => (base >> 2) + i * stride;
  /** Block i's scalars (16). @param {number} i */
  const scalars = (i) => f32.subarray(at(i), at(i) + 16);
  /** Block i's array m (K floats). @param {number} i @param {number} m */
  const arr = (i, m) => f32.subarray(at(i) + 16 + B + m * K, at(i) + 16 + B + (m + 1) * K);

  // the linear stage's output, block by block, and its true residual
  const e = new Float32Array(blocks * B);
  for (let i = 0; i < blocks; i++) e.set(f32.subarray(at(i) + 16, at(i) + 16 + B), i * B);
  const tr = new Float32Array(e.length);
  for (let t = 0; t < tr.length && t < near.length; t++) tr[t] = e[t] - near[t] - noise[t];

  // the suppressor's frame: [x_{i-1}, x_i] under a sqrt-Hann window of 2B
  const N2 = 2 * B;
  const win = Float64Array.from({ length: N2 }, (_, i) => Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N2)));
  const cosT = new Float64Array(N2 * (B + 1));
  const sinT = new Float64Array(N2 * (B + 1));
  for (let k = 0; k <= B; k++) {
    for (let t = 0; t < N2; t++) {
      cosT[k * N2 + t] = Math.cos((2 * Math.PI * k * t) / N2);
      sinT[k * N2 + t] = Math.sin((2 * Math.PI * k * t) / N2);
    }
  }
  /** Spectrum (re, im, bins 0..B) of block i's frame of x. @param {Float32Array} x @param {number} i */
  function spectrum(x, i) {
    const frame = new Float64Array(N2);
    for (let t = 0; t < N2; t++) {
      const n = (i - 1) * B + t;
      frame[t] = n >= 0 && n < x.length ? x[n] * win[t] : 0;
    }
    const re = new Float64Array(B + 1);
    const im = new Float64Array(B + 1);
    for (let k = 0; k <= B; k++) {
      for (let t = 0; t < N2; t++) {
        re[k] += frame[t] * cosT[k * N2 + t];
        im[k] -= frame[t] * sinT[k * N2 + t];
      }
    }
    return { re, im };
  }
  /** Power per bin (0..B) of block i's frame of x. @param {Float32Array} x @param {number} i */
  function power(x, i) {
    const { re, im } = spectrum(x, i);
    return Float64Array.from({ length: B + 1 }, (_, k) => re[k] * re[k] + im[k] * im[k]);
  }
  // octaves: < 250, 250-500, ..., > 4 kHz (bins)
  const edges = [0, 4, 8, 16, 32, 64, B + 1].map((x) => Math.min(B + 1, Math.round((x * 16000 * B) / (rate * 128))));
  // (aec-lc3e) ECHO_TRACE_SPLIT8=1: at 24 / 48 kHz the top octave split at 8 kHz (LC3 16_2's band; the rule's coded bins)
  if (process.env.ECHO_TRACE_SPLIT8 && rate > 16000) edges.splice(6, 0, Math.round((8000 * 2 * B) / rate));
  return { c, rate, B, K, near, noise, echo, out, blocks, scalars, arr, e, tr, spectrum, power, edges, N2, win, cosT, sinT };
}
