// (cold26) Two hooked builds through one lab scene: per block, the suppressor's per-octave states side by side
// (dB, A then B): zeta A, kappa Af, resid, late, reverb, noise, rho A; and scalars warm/forgot/decay. For finding
// where two builds' suppressors part.
//   node bench/echo-lab/state-diff.mjs HOOKED_A HOOKED_B GROUP 'NAME$' FROM TO [every]
import { loadBuilds, loadLab, selectScenes } from '../echo-lab/common.mjs';
import { traceScene } from './suppressor-trace.mjs';

const [dirA, dirB, group, name, from, to, every = '1'] = process.argv.slice(2);
const lab = await loadLab();
const builds = await loadBuilds([dirA, dirB]);
const first = selectScenes(lab, { only: new RegExp(name), groups: [group], shifts: [0] }).next().value;
const runs = builds.map((b) => traceScene(b, first.scene, 0, (d, s) => lab.runCanceller(d, s)));
const { B, rate, edges } = runs[0];
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(0).padStart(4);
/** @type {Record<number, string>} */
const names = {
  0: 'E',
  1: 'Y',
  6: 'rNear',
  14: 'coh',
  8: 'gain',
  3: 'zA',
  4: 'kAf',
  5: 'res',
  11: 'late',
  9: 'rev',
  10: 'noi',
  13: 'rhoA',
  2: 'etaY',
  7: 'rFar',
};
const want = (process.env.STATES ?? '3,4,5,11,9,13').split(',').map(Number);
for (let i = 1; i < runs[0].blocks; i++) {
  const ts = (i * B) / rate;
  if (ts < Number(from) || ts > Number(to) || i % Number(every) !== 0) continue;
  let line = `${ts.toFixed(3)}`;
  for (const r of runs) {
    const h = r.scalars(i);
    line += ` [h${h[0]} ${h[2] ? 'W' : 'c'}${h[8] ? 'F' : '-'} d${h[15].toFixed(3)}]`;
  }
  for (const m of want) {
    line += ` | ${names[m]}`;
    for (let q = 0; q + 1 < edges.length; q++) {
      const v = runs.map((/** @type {any} */ r) => {
        const a = r.arr(i, m);
        let s = 0;
        for (let k = edges[q]; k < edges[q + 1]; k++) s += a[k];
        return s;
      });
      line += ` ${db(v[0])}/${db(v[1]).trim()}`;
    }
  }
  console.log(line);
}
for (const r of runs) {
  const k = r.c.k;
  const t = (/** @type {number} */ x) => (x < 0 ? '-' : ((x * B) / rate).toFixed(2));
  console.log(`late model: early ${t(k.aec_late_early_block())} score ${t(k.aec_late_score_block())} used ${t(k.aec_late_used_blocks())} s`);
}
