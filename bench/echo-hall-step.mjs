// aec-hall7: over profiles saved by bench/echo-hall-profile.mjs, the slow profile's step once a
// second (assembly/aec-delay.ts stepOnset, replayed: the mean of the per-update coherence profile
// since the first update with echo, over the last 128 at most; the first lag risen halfway from its
// lowest to its peak, and the peak over the mean before that lag).
//   node bench/echo-hall-step.mjs /tmp/echo-hall-profile.json [more.json]
import { readFileSync } from 'node:fs';

const SLOW_UPDATES = 128;
for (const file of process.argv.slice(2)) {
  /** @type {Record<string, { blockMs: number, rows: { t: number, u: number, on: number, p: number[] }[] }>} */
  const all = JSON.parse(readFileSync(file, 'utf8'));
  for (const [name, s] of Object.entries(all)) {
    const slow = new Float64Array(s.rows[0]?.p.length ?? 0);
    let n = 0;
    let next = 1;
    /** @type {string[]} */
    const out = [];
    for (const r of s.rows) {
      if (r.u < 1) continue;
      n = Math.min(n + 1, SLOW_UPDATES);
      for (let l = 0; l < slow.length; l++) slow[l] += (r.p[l] - slow[l]) / n;
      if (r.t < next) continue;
      next += 1;
      let peak = 0;
      let peakLag = 0;
      for (let l = 0; l < slow.length; l++) if (slow[l] > peak) [peak, peakLag] = [slow[l], l];
      let low = peak;
      for (let l = 0; l < peakLag; l++) low = Math.min(low, slow[l]);
      let step = 0;
      let sum = 0;
      while (step < peakLag && slow[step] < low + 0.5 * (peak - low)) sum += slow[step++];
      out.push(`${r.t.toFixed(0)}s ${(step * s.blockMs).toFixed(0)}ms x${(peak / (sum / Math.max(1, step))).toFixed(2)}`);
    }
    console.log(`${name}: step ${out.join(', ')}`);
  }
}
