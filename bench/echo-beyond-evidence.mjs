// The delay estimator's evidence past its search (aec-beyond3), per scene: each run of updates in which
// the far peak stood out (./assembly/aec-delay.ts watchBeyond), sampled after every 10 ms callback, with
// its length, the far peak's least and greatest coherence, its lags, the onset the walk back reached and
// how far (lags), whether it reached the search's edge, and the profile just inside the search (the
// edge's last lag) over the far peak. Prints the runs of at least --min-run updates and the one that set
// echoBeyondMaxDelayMs. Needs a build with the bench hooks (`hooked`, the default).
//
//   node bench/echo-beyond-evidence.mjs [hooked] --groups outside --scenes 'sox-large 16k call 120ms 30dB' [--min-run 12]
import { parseArgs } from 'node:util';
import { cancellerAdapter, loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    groups: { type: 'string', default: 'outside' },
    scenes: { type: 'string', default: '.' },
    'min-run': { type: 'string', default: '12' },
  },
});
const lab = await loadLab();
const [build] = await loadBuilds(positionals.length ? positionals : ['hooked']);
const minRun = Number(o['min-run']);
const pct = (/** @type {number} */ x) => (100 * x).toFixed(1);
for (const { scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  /** @type {any[]} */
  const runs = [];
  /** @type {any} */
  let run;
  let setRun = -1;
  let lastUpdates = 0;
  const adapter = cancellerAdapter(build.lib, scene.sampleRate, {}, 'ours', false, (c, t) => {
    const k = c.k;
    const ms = (1000 * c.blockSamples) / c.sampleRate;
    const n = k.aec_delay_beyond_updates(c.state);
    if (n > 0) {
      if (n < lastUpdates || run === undefined) {
        run = { fromS: t, updates: 0, farMin: 1, farMax: 0, lagMin: 1e9, lagMax: -1, edgeMax: 0, walkMax: 0, atEdge: 0, samples: 0, nearMax: 0 };
        runs.push(run);
      }
      const far = k.aec_delay_far_peak(c.state);
      const lag = k.aec_delay_far_lag(c.state);
      const search = k.aec_delay_search_lags(c.state);
      const cand = k.aec_delay_beyond_candidate(c.state);
      const f32 = new Float32Array(k.memory.buffer);
      const edge = f32[(k.aec_delay_profile(c.state) >> 2) + search - 1] / far;
      run.updates = n;
      run.farMin = Math.min(run.farMin, far);
      run.farMax = Math.max(run.farMax, far);
      run.lagMin = Math.min(run.lagMin, lag * ms);
      run.lagMax = Math.max(run.lagMax, lag * ms);
      run.cand = cand * ms;
      run.search = search * ms;
      run.edgeMax = Math.max(run.edgeMax, edge);
      run.walkMax = Math.max(run.walkMax, lag - cand);
      run.nearMax = Math.max(run.nearMax, k.aec_delay_peak(c.state));
      run.samples++;
      if (cand === search) run.atEdge++;
    } else run = undefined;
    lastUpdates = n;
    if (setRun < 0 && c.echoBeyondMaxDelayMs >= 0) {
      setRun = runs.length - 1;
      if (run === undefined && runs.length > 0) runs[setRun].set = t;
      else if (run) run.set = t;
    }
  });
  lab.runCanceller(adapter, scene);
  const c = adapter.canceller;
  console.log(`${scene.name}: echo ${scene.meta.echoDelayMs.toFixed(0)} ms, beyond ${c.echoBeyondMaxDelayMs.toFixed(0)} ms`);
  for (const r of runs) {
    if (r.updates < minRun && r.set === undefined) continue;
    console.log(
      `  ${r.fromS.toFixed(2)} s run ${r.updates} far ${pct(r.farMin)}-${pct(r.farMax)}% @${r.lagMin.toFixed(0)}-${r.lagMax.toFixed(0)} onset ${r.cand.toFixed(0)} (search ${r.search.toFixed(0)})` +
        ` walk <= ${r.walkMax} lags, at the edge ${r.atEdge}/${r.samples}, inside/far <= ${pct(r.edgeMax)}%, near peak <= ${pct(r.nearMax)}%${r.set !== undefined ? ` SET ${r.set.toFixed(2)} s` : ''}`,
    );
  }
  c.free();
}
