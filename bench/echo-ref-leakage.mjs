// The reference's power per bin over the leakage its other bins spill there through the filter's
// rectangular 2B frames (aec-return2; assembly/aec-step.ts kf_excite's test): per 1 kHz band, the
// quantiles over bins and blocks of the window's power (the sum of the last W frames, W = --frames)
// over the leakage predicted from the other groups of --group bins (1 / (2 pi^2 d^2) of a group's
// power at d bins), and of the power under the window's strongest bin. A band the reference never
// played holds 1-5 dB over the prediction (its leakage); a played one 5-20. Quality only.
//   node bench/echo-ref-leakage.mjs 'desk 48k cold-start 60ms 6dB$' --group 48k [--from 0 --to 14] [--frames 24] [--bins 16]
import { parseArgs } from 'node:util';
import { loadLab, loadLabFft, selectScenes } from './echo-lab/common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    group: { type: 'string', default: '48k' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: '1e9' },
    frames: { type: 'string', default: '24' },
    bins: { type: 'string', default: '16' },
  },
});
const lab = await loadLab();
const picked = [...selectScenes(lab, { only: new RegExp(positionals[0] ?? 'desk 48k cold-start 60ms 6dB$'), groups: o.group.split(','), shifts: [0] })];
if (picked.length === 0) throw new Error(`no scene matches ${positionals[0]}`);
const { scene } = picked[0];
const rate = scene.sampleRate;
const B = rate >= 48000 ? 512 : rate >= 24000 ? 256 : 128;
const N = 2 * B;
const bins = B + 1;
const G = Number(o.bins);
const W = Number(o.frames);
/** The lab's FFT. */
const fft = await loadLabFft();
/** @type {Map<number, number[][]>} per 1 kHz band: [power over leakage, power over the peak] dB */
const bands = new Map();
/** @type {Float64Array[]} */
const frames = [];
const t0 = Math.round(Number(o.from) * rate);
const t1 = Math.min(scene.reference.length, Math.round(Number(o.to) * rate));
for (let f0 = t0; f0 + N <= t1; f0 += B) {
  const re = Float64Array.from(scene.reference.subarray(f0, f0 + N));
  const im = new Float64Array(N);
  fft(re, im, false);
  frames.push(Float64Array.from({ length: bins }, (_, k) => re[k] ** 2 + im[k] ** 2));
  if (frames.length > W) frames.shift();
  if (frames.length < W) continue;
  const x = new Float64Array(bins);
  for (const f of frames) for (let k = 0; k < bins; k++) x[k] += f[k];
  const peak = Math.max(...x);
  if (!(peak > 1e-6)) continue;
  const mass = new Float64Array(Math.ceil(bins / G));
  for (let k = 0; k < bins; k++) mass[Math.floor(k / G)] += x[k];
  for (let k = 0; k < bins; k++) {
    let leak = 0;
    for (let g = 0; g < mass.length; g++) if (g !== Math.floor(k / G)) leak += mass[g] / (k - (g * G + (G - 1) / 2)) ** 2;
    leak /= 2 * Math.PI ** 2;
    const band = Math.floor((k * rate) / N / 1000);
    if (!bands.has(band)) bands.set(band, []);
    bands.get(band)?.push([10 * Math.log10(x[k] / leak), 10 * Math.log10(x[k] / peak)]);
  }
}
console.log(
  `${scene.name} ${o.from}-${o.to} s, ${W} frames: per kHz, power over the predicted leakage (p10 p50 p90 p99 p99.9 max) | under the peak (p10 p50 p90), dB`,
);
for (const [band, v] of bands) {
  const q = (/** @type {number[]} */ a, /** @type {number} */ f) => a[Math.floor(f * (a.length - 1))].toFixed(1).padStart(6);
  const a = v.map((r) => r[0]).sort((x, y) => x - y);
  const b = v.map((r) => r[1]).sort((x, y) => x - y);
  console.log(
    `${String(band).padStart(3)} kHz ${[0.1, 0.5, 0.9, 0.99, 0.999, 1].map((f) => q(a, f)).join('')} |${[0.1, 0.5, 0.9].map((f) => q(b, f)).join('')}`,
  );
}
