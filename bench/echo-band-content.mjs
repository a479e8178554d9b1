// How much of the 24 kHz reference's spectrum the canceller could skip while a reply plays: the
// share of bins (and of 4-bin groups, the kernels' f32x4 unit) that the step gate closes (the
// window's power 60 dB under its strongest bin, as kf_scale's xFloor), and the power above 8 kHz,
// on the lab's speech calls and on the capture bench's reference (white bursts, issue 13's speed
// case). 512-point frames (2B at 24 kHz), hop 256, summed over the filter's 250 ms window.
//
//   node bench/echo-band-content.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-band-content-'));
/** @type {typeof import('../test/helpers/echo-scenes.js')} */
const lab = await importLabHelpers(['echo-scenes'], tmp);
rmSync(tmp, { recursive: true, force: true });

const RATE = 24000;
const B = 256;
const N = 2 * B;

/** |X(k)|^2, k = 0..n/2, of the n samples of x (an iterative radix-2 FFT in doubles). @param {Float32Array} x */
function power(x) {
  const n = x.length;
  const re = Float64Array.from(x);
  const im = new Float64Array(n);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) [re[i], re[j]] = [re[j] ?? 0, re[i] ?? 0];
  }
  for (let len = 2; len <= n; len <<= 1) {
    const step = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = i + k;
        const b = a + len / 2;
        const tr = (re[b] ?? 0) * wr - (im[b] ?? 0) * wi;
        const ti = (re[b] ?? 0) * wi + (im[b] ?? 0) * wr;
        re[b] = (re[a] ?? 0) - tr;
        im[b] = (im[a] ?? 0) - ti;
        re[a] = (re[a] ?? 0) + tr;
        im[a] = (im[a] ?? 0) + ti;
      }
    }
  }
  return Float64Array.from({ length: n / 2 + 1 }, (_, k) => (re[k] ?? 0) ** 2 + (im[k] ?? 0) ** 2);
}

/** @param {string} name @param {Float32Array} ref */
function measure(name, ref) {
  const m = Math.ceil(250 / ((B / RATE) * 1000)) + 2; // the filter's partitions
  /** @type {Float64Array[]} */
  const frames = [];
  for (let s = 0; s + N <= ref.length; s += B) frames.push(power(ref.subarray(s, s + N)));
  const k8 = Math.round((8000 / RATE) * N);
  let bins = 0;
  let gated = 0;
  let groups = 0;
  let deadGroups = 0;
  let all = 0;
  let high = 0;
  for (let f = m; f < frames.length; f++) {
    const xw = new Float64Array(B + 1);
    for (let q = 0; q < m; q++) {
      frames[f - q]?.forEach((v, k) => {
        xw[k] = (xw[k] ?? 0) + v;
      });
    }
    const peak = Math.max(...xw);
    if (peak < 1e-6 * N) continue; // nothing playing in the window
    const floor = Math.max(1e-6 * peak, 1e-10 * N);
    xw.forEach((v, k) => {
      bins++;
      if (v <= floor) gated++;
      all += v;
      if (k >= k8) high += v;
    });
    for (let g = 0; g < (B + 4) / 4; g++) {
      groups++;
      if (xw.subarray(4 * g, 4 * g + 4).every((v) => v <= floor)) deadGroups++;
    }
  }
  const pct = (/** @type {number} */ a, /** @type {number} */ b) => `${((100 * a) / b).toFixed(1)}%`;
  console.log(`| ${name} | ${pct(gated, bins)} | ${pct(deadGroups, groups)} | ${(10 * Math.log10(high / all)).toFixed(1)} dB |`);
}

console.log('| reference | bins under the step gate | 4-bin groups all under it | power above 8 kHz |\n| --- | ---: | ---: | ---: |');
for (const room of /** @type {const} */ (['laptop', 'desk', 'kiosk'])) {
  measure(`lab ${room} 24 kHz call`, lab.buildScene({ room, sampleRate: RATE, delayMs: 120, erlDb: 18, script: 'call', seed: 3 }).reference);
}
// the capture bench's session stream (bench/capture-chain.bench.mjs, signals()), 3 s
let seed = 7;
const next = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return (seed >>> 8) / 16777216;
};
const session = new Float32Array(3 * RATE);
for (let i = 0; i < session.length; i++) session[i] = (Math.floor(i / 4800) % 2 === 0 ? 0.2 : 0.02) * (2 * next() - 1);
measure('capture bench (white bursts)', session);
