// The suppressor's residual estimates against the true residual, per bin and block (aec-open16): per octave, the
// quantiles of TR / Rhat over the blocks with no user (after 2 s; TR over 1e-5) and the user over Rhat in the first
// 40 ms of each utterance, for the kernel's residual R (x1, its hold included), its terms (eta |Y|^2, the reference
// predictors max(zeta A, kappa A_flat)) and a fast per-bin ratio tracker (E - N over |Y|^2 smoothed ALPHA per block
// over the blocks with no user: what a residual that followed the filter's recent error would read). An estimate an
// opening can use stands close to TR at its 99th percentile (the presence test allows x22, 13.4 dB) and low at the
// onsets. Needs the bench hooks (the build `hooked`, bench/echo-lab/hooked-build.mjs). Quality only.
//   node bench/echo-resid-scatter.mjs --groups 16k --scenes '^kiosk 16k call 120ms 6dB$' [--alphas 0.3,0.1]
import { parseArgs } from 'node:util';
import { loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';
import { traceScene } from './echo-lab/suppressor-trace.mjs';

const { values: o } = parseArgs({
  options: {
    groups: { type: 'string', default: '16k' },
    scenes: { type: 'string', default: '^kiosk 16k call 120ms 6dB$' },
    alphas: { type: 'string', default: '0.3' },
  },
});
const alphas = o.alphas.split(',').map(Number);
const lab = await loadLab();
const [build] = await loadBuilds(['hooked']);
/** @param {number[]} a @param {number} p */
const quantile = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1).padStart(6) : '     -';
};
for (const { params, scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const { rate, B, near, blocks, arr, e, tr, power, edges } = traceScene(build, scene, 0, (d, s) => lab.runCanceller(d, s));
  const names = ['R', 'etaY', 'byRef', ...alphas.map((a) => `fast${a}`)];
  const fast = alphas.map(() => new Float64Array(B + 1).fill(-1));
  /** @type {{ echo: number[][], onset: number[][] }[]} per octave, per estimate */
  const stats = edges.slice(1).map(() => ({ echo: names.map(() => []), onset: names.map(() => []) }));
  const starts = scene.labels.utterances.map(([a]) => a / rate);
  let calib = 0;
  for (let i = 1; i < blocks; i++) {
    const ts = (i * B) / rate;
    const pe = arr(i, 0);
    const T = power(tr, i);
    if (calib === 0) {
      // the kernel's spectra are unscaled FFTs of the same frames: calibrate on the first live block (as trace.mjs)
      const E = power(e, i);
      let a = 0;
      let b = 0;
      for (let k = 0; k <= B; k++) {
        a += pe[k];
        b += E[k];
      }
      if (a > 0 && b > 0) calib = b / a;
      else continue;
    }
    const U = power(near, i);
    const [Y, eY, zA, kA, R, N] = [1, 2, 3, 4, 5, 10].map((m) => arr(i, m));
    const echoOnly = U.reduce((x, y) => x + y, 0) < 1e-9;
    const atOnset = starts.some((a) => ts >= a && ts < a + 0.04);
    if (ts > 2 && (echoOnly || atOnset)) {
      for (let q = 0; q + 1 < edges.length; q++) {
        for (let k = Math.max(2, edges[q]); k < edges[q + 1]; k++) {
          const y = Y[k] * calib;
          const est = [R[k], eY[k], Math.max(zA[k], kA[k])].map((v) => v * calib).concat(fast.map((f) => f[k] * y));
          est.forEach((r, m) => {
            if (!(r > 0)) return;
            if (echoOnly && T[k] > 1e-5) stats[q].echo[m].push(10 * Math.log10(T[k] / r));
            if (atOnset && U[k] > 1e-9) stats[q].onset[m].push(10 * Math.log10(U[k] / r));
          });
        }
      }
    }
    if (echoOnly) {
      for (let k = 0; k <= B; k++) {
        const y = Y[k] * calib;
        if (!(y > 2 * N[k] * calib)) continue;
        const v = Math.max(pe[k] - N[k], 0) * (calib / y);
        alphas.forEach((al, m) => {
          fast[m][k] = fast[m][k] < 0 ? v : fast[m][k] + al * (v - fast[m][k]);
        });
      }
    }
  }
  console.log(`${lab.sceneName(params)}: per octave and estimate, TR over it with no user (p50 p99) | the user over it at the onsets (p50), dB`);
  stats.forEach((s, q) => {
    const cols = names.map((n, m) => `${n}:${quantile(s.echo[m], 0.5)}${quantile(s.echo[m], 0.99)} |${quantile(s.onset[m], 0.5)}`);
    console.log(`  octave ${q}: ${cols.join('  ')}`);
  });
}
