// The quiet group's cold convergence against the call's first echo (aec-quiet6): per scene, when the
// echo arrives and the user starts over it, when the delay statistics first recognise the arriving
// echo (./aec-delay dl_arrival, aec-quiet5), hold a candidate onset, accept the first onset and the
// filter is placed, when the linear stage's double-talk flag is first raised, the output's and the
// echo's reduction over the echo-only frames before the user (all, and the last 50 ms: what the
// convergence verdict's first window reads) and the verdict (test/helpers/echo-metrics.ts). Needs the
// hooked build (assembly/bench-hooks.ts). Quality only.
//
//   [ECHO_HOOKED=<index.js>] node bench/echo-quiet-arrival.mjs [--groups quiet,quiet24,quiet48] [--scenes REGEXP] [--misses]
//     --misses   only the scenes whose convergence is judged and missed
import { parseArgs } from 'node:util';
import { cancellerAdapter, loadLab, selectScenes } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o } = parseArgs({
  options: {
    groups: { type: 'string', default: 'quiet,quiet24,quiet48' },
    scenes: { type: 'string', default: 'cold-start (250|320|400)ms' },
    misses: { type: 'boolean', default: false },
  },
});
const lab = await loadLab();
const lib = await importHooked();
const db = (/** @type {number} */ x) => 10 * Math.log10(x + 1e-30);
const sec = (/** @type {number} */ t) => (t < 0 ? '-' : t.toFixed(3));
for (const { params, scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const options = params.delayMs > 250 ? { maxDelayMs: lab.QUIET_MAX_DELAY_MS } : {};
  const first = { arrival: -1, likely: -1, onset: -1, placed: -1, talking: -1 };
  let onsetMs = -1;
  let arrivalLagMs = -1;
  const adapter = cancellerAdapter(lib, scene.sampleRate, options, 'EchoCanceller', false, (/** @type {any} */ k, /** @type {number} */ t) => {
    const s = k.state;
    const blockMs = (1000 * k.blockSamples) / k.sampleRate;
    if (first.arrival < 0 && k.k.aec_arrival_share(s) > 0) {
      first.arrival = t;
      arrivalLagMs = k.k.aec_delay_peak_lag(s) * blockMs;
    }
    if (first.likely < 0 && k.k.aec_delay_likely(s) >= 0) first.likely = t;
    if (first.onset < 0 && k.delayMs >= 0) {
      first.onset = t;
      onsetMs = k.delayMs;
    }
    if (first.placed < 0 && k.k.aec_filter_moves(s) > 0) first.placed = t;
    if (first.talking < 0 && k.k.aec_talking(s)) first.talking = t;
  });
  const c = adapter.canceller;
  const out = lab.runCanceller(adapter, scene);
  c.free();
  const f = lab.measureEcho(scene, out, 'EchoCanceller');
  const v = f.convergence.cold;
  if (o.misses && !(v && v.judged !== 'none' && !v.met)) continue;
  const rate = scene.sampleRate;
  const echoAt = scene.events.echoStart / rate;
  const userAt = (scene.events.coldStartUser ?? 0) / rate;
  // echo-only 10 ms frames from the echo's start to the user's: output and echo energies
  const size = rate / 100;
  let e = 0;
  let y = 0;
  let e50 = 0;
  let y50 = 0;
  const a = Math.floor(scene.events.echoStart / size);
  const z = Math.floor((scene.events.coldStartUser ?? 0) / size);
  for (let k = a; k < z; k++) {
    let ee = 0;
    let yy = 0;
    for (let i = k * size; i < (k + 1) * size; i++) {
      ee += scene.echo[i] ** 2;
      yy += out[i] ** 2;
    }
    e += ee;
    y += yy;
    if (k >= z - 5) {
      e50 += ee;
      y50 += yy;
    }
  }
  console.log(
    `${scene.name}: echo ${sec(echoAt)} s, user ${sec(userAt)} s (${((userAt - echoAt) * 1000).toFixed(0)} ms of echo alone); arrival recognised ${sec(first.arrival)} s (lag ${arrivalLagMs.toFixed(0)} ms), candidate ${sec(first.likely)} s, onset ${sec(first.onset)} s (${onsetMs.toFixed(0)} ms), placed ${sec(first.placed)} s, talking ${sec(first.talking)} s; echo alone reduced ${db(e / y).toFixed(1)} dB, last 50 ms ${db(e50 / y50).toFixed(1)} dB; convergence ${v?.judged} (best ${v?.bestEchoOverNoiseDb.toFixed(1)} dB) ${v?.ms ?? 'never'} ms ${v?.met === null ? 'not judged' : v?.met ? 'met' : 'missed'}`,
  );
}
