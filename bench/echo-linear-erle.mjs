// The linear stage's true ERLE over a scene (aec-return): the canceller run without residual
// suppression (its output is the foreground's error), the residual echo read exactly as
// output - near - noise, and per window (default 1 s) the echo's power over the residual's, in all
// frames and in the echo-only ones (the user's power 30 dB under the echo); --bands: per octave (or
// EDGES=f0,f1,...) over all frames, Hann frames of 1024; --no-user: the user taken out of the mic;
// --no-drift: a Bluetooth scene with the speaker's clock on the mic's (bluetooth.driftPpm 0).
// Quality only.
//   node bench/echo-linear-erle.mjs [build dir | hooked] 'desk 48k cold-start 320ms 6dB$' [--group quiet48] [--window 1] [--bands]
import { parseArgs } from 'node:util';
import { adaptCanceller, loadBuilds, loadLab, loadLabFft, selectScenes } from './echo-lab/common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    group: { type: 'string' },
    window: { type: 'string', default: '1' },
    bands: { type: 'boolean', default: false },
    'no-user': { type: 'boolean', default: false },
    'no-drift': { type: 'boolean', default: false },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: '1e9' },
  },
});
const [dir, pattern] = positionals.length > 1 ? positionals : ['dist', positionals[0]];
const only = new RegExp(pattern ?? 'desk 48k cold-start 320ms 6dB$');
const lab = await loadLab();
const fft = await loadLabFft();
const [build] = await loadBuilds([dir]);
const groups = (o.group ?? 'quiet,quiet24,quiet48').split(',');
/** Power per octave band (edges `edges`, Hz) of x over [t0, t1), Hann frames of 1024, hop 512. @param {Float32Array} x @param {number} t0 @param {number} t1 @param {number} rate @param {number[]} edges */
function octavePowers(x, t0, t1, rate, edges) {
  const N = 1024;
  const out = new Float64Array(edges.length - 1);
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  for (let f0 = t0; f0 + N <= t1; f0 += N / 2) {
    for (let i = 0; i < N; i++) {
      re[i] = x[f0 + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
      im[i] = 0;
    }
    fft(re, im, false);
    for (let k = 1; k < N / 2; k++) {
      const f = (k * rate) / N;
      const b = edges.findIndex((e, j) => j < edges.length - 1 && f >= e && f < edges[j + 1]);
      if (b >= 0) out[b] += re[k] ** 2 + im[k] ** 2;
    }
  }
  return out;
}
for (const { params, scene: drifting } of selectScenes(lab, { only, groups, shifts: [0] })) {
  // --no-drift: a Bluetooth scene again with the speaker's clock on the mic's (aec-btconv)
  const built = o['no-drift'] && params.bluetooth ? lab.buildScene({ ...params, bluetooth: { ...params.bluetooth, driftPpm: 0 } }) : drifting;
  // --no-user: the same scene with the user's voice taken out of the mic
  const scene = o['no-user'] ? { ...built, mic: built.mic.map((v, i) => v - built.near[i]), near: new Float32Array(built.near.length) } : built;
  const options = params.delayMs > 250 && groups.some((g) => g.startsWith('quiet')) ? { maxDelayMs: lab.QUIET_MAX_DELAY_MS } : {};
  const rate = scene.sampleRate;
  const c = new build.lib.EchoCanceller({ sampleRate: rate, ...options, residualSuppression: false });
  const out = lab.runCanceller(adaptCanceller(c, dir, false), scene);
  c.free();
  const win = Math.round(Number(o.window) * rate);
  const n = scene.mic.length;
  const db = (/** @type {number} */ a, /** @type {number} */ b) => (b > 0 && a > 0 ? (10 * Math.log10(a / b)).toFixed(1) : '  -').padStart(6);
  const frame = rate / 100;
  const lines = [];
  let totE = 0;
  let totR = 0;
  for (let w0 = 0; w0 < n; w0 += win) {
    let e = 0;
    let r = 0;
    let eq = 0;
    let rq = 0;
    for (let f0 = w0; f0 < Math.min(n, w0 + win); f0 += frame) {
      let fe = 0;
      let fr = 0;
      let fu = 0;
      for (let t = f0; t < Math.min(n, f0 + frame); t++) {
        const res = out[t] - scene.near[t] - scene.noise[t];
        fe += scene.echo[t] ** 2;
        fr += res ** 2;
        fu += scene.near[t] ** 2;
      }
      e += fe;
      r += fr;
      if (fu < fe * 1e-3 && fe > 0) {
        eq += fe;
        rq += fr;
      }
    }
    totE += eq;
    totR += rq;
    if (e > 0)
      lines.push(
        `${(w0 / rate).toFixed(1).padStart(5)} s: all ${db(e, r)} echo-only ${db(eq, rq)}  echo ${(10 * Math.log10(e / win + 1e-30)).toFixed(0)} dBFS`,
      );
  }
  console.log(
    `${scene.name}${o['no-user'] ? ' (no user)' : ''}${o['no-drift'] ? ' (no drift)' : ''} ${JSON.stringify(options)}: linear ERLE over the echo-only frames ${db(totE, totR)} dB`,
  );
  if (!o.bands) console.log(lines.join('\n'));
  else {
    // per band (octaves, or EDGES=f0,f1,... Hz), over all frames of each window from --from to --to
    const res = new Float32Array(n);
    for (let t = 0; t < n; t++) res[t] = out[t] - scene.near[t] - scene.noise[t];
    const edges = (process.env.EDGES ? process.env.EDGES.split(',').map(Number) : [88, 177, 354, 707, 1414, 2828, 5657, 11314, 22627]).filter(
      (_, i, all) => i === 0 || all[i - 1] < rate / 2,
    );
    console.log(
      `window s | ${edges
        .slice(0, -1)
        .map((f, j) => `${f}-${edges[j + 1]}`.padStart(12))
        .join('')}   (ERLE dB / echo dB per band)`,
    );
    for (let w0 = Math.round(Number(o.from) * rate); w0 < Math.min(n, Number(o.to) * rate); w0 += win) {
      const pe = octavePowers(scene.echo, w0, Math.min(n, w0 + win), rate, edges);
      const pr = octavePowers(res, w0, Math.min(n, w0 + win), rate, edges);
      const cols = Array.from(pe, (e, b) => `${db(e, pr[b])}/${(10 * Math.log10(e + 1e-30) - 60).toFixed(0).padStart(4)}`);
      console.log(`${(w0 / rate).toFixed(2).padStart(6)} | ${cols.join(' ')}`);
    }
  }
}
