// A cold start's timeline past maxDelayMs (aec-btconv): per scene, when the echo arrives, when the
// delay estimator's evidence past its search began (the run that widened it) and when it widened, each
// move of the filter (s, to ms), the echo gain bound against the scene's true echo gain at the
// widening and 0.5 s / 1 s after, the linear stage's true ERLE (a second run without residual
// suppression: echo over output - near - noise in the echo-only 10 ms frames, 100 ms windows) first
// at 10 and at 20 dB held over the next second as the metric holds it, and the metric's 20 dB
// (test/helpers/echo-metrics.ts coldStartMs, from the echo's arrival). Times in s from the scene's
// start. Needs a build with the bench hooks (`hooked`, the default). Quality only.
//   node bench/echo-bt-timeline.mjs [hooked] --groups btsbc,bt --scenes 'cold-start (350|420)ms'
//     --shifts 0,64   each scene also shifted by these samples (as echo-lab.mjs scenes --shifts; times
//                     stay the scene's own; aec-bt9)
import { parseArgs } from 'node:util';
import { adaptCanceller, loadBuilds, loadLab, outputOf, selectScenes } from './echo-lab/common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    groups: { type: 'string', default: 'btsbc' },
    scenes: { type: 'string', default: 'cold-start' },
    shifts: { type: 'string', default: '0' },
  },
});
const lab = await loadLab();
const [build] = await loadBuilds(positionals.length ? positionals : ['hooked']);
const options = process.env.ECHO_LAB_OPTIONS ? JSON.parse(process.env.ECHO_LAB_OPTIONS) : {};
const s = (/** @type {number | null} */ t) => (t === null ? '  -  ' : t.toFixed(2).padStart(5));

/** First 100 ms window (of 10 ms frame powers e, r, echo-only mask q) from frame k0 at `target` dB whose next second holds it too; its end, s. */
function heldAt(
  /** @type {Float64Array} */ e,
  /** @type {Float64Array} */ r,
  /** @type {Uint8Array} */ q,
  /** @type {number} */ k0,
  /** @type {number} */ target,
) {
  const over = (/** @type {number} */ a, /** @type {number} */ b) => {
    let se = 0;
    let sr = 0;
    let n = 0;
    for (let k = a; k < Math.min(b, e.length); k++) {
      if (!q[k]) continue;
      se += e[k];
      sr += r[k];
      n++;
    }
    return { db: 10 * Math.log10(se / Math.max(sr, 1e-30)), n };
  };
  for (let k = k0; k + 10 <= e.length; k++) {
    const w = over(k, k + 10);
    if (w.n < 5 || w.db < target) continue;
    const next = over(k + 10, k + 110);
    if (next.n >= 10 && next.db < target) continue;
    return (k + 10) / 100;
  }
  return null;
}

console.log('scene | echo | run from | widened | moves (s -> ms) | bound - true gain at widening, +0.5 s, +1 s (dB) | linear 10 / 20 dB | metric 20 dB');
const shifts = o.shifts.split(',').map(Number);
for (const { scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] }))
  for (const shift of shifts) timeline(scene, shift);

/** One scene's line, the scene shifted by `shift` samples. @param {any} scene @param {number} shift */
function timeline(scene, shift) {
  const rate = scene.sampleRate;
  const echoAt = scene.events.echoStart / rate;
  const trueGainDb = -scene.meta.erlDb;
  /** @type {{ t: number, search: number, offset: number, run: number, bound: number }[]} */
  const states = [];
  const factory = (/** @type {number} */ sampleRate) =>
    adaptCanceller(new build.lib.EchoCanceller({ sampleRate, ...options }), 'ours', true, (c, t) => {
      const k = c.k;
      const ms = (1000 * c.blockSamples) / c.sampleRate;
      states.push({
        t: t - shift / c.sampleRate,
        search: k.aec_delay_search_lags(c.state) * ms,
        offset: k.aec_filter_offset(c.state) * ms,
        run: k.aec_delay_beyond_updates(c.state),
        bound: k.aec_gain_db(c.state),
      });
    });
  const f = shift === 0 ? lab.evaluate(factory, scene) : lab.evaluateShifted(factory, scene, shift);
  const widenAt = states.findIndex((x, i) => i > 0 && x.search > states[i - 1].search);
  let runFrom = null;
  if (widenAt > 0) {
    let i = widenAt;
    while (i > 0 && states[i - 1].run > 0) i--;
    runFrom = states[i].t;
  }
  const moves = [];
  for (let i = 1; i < states.length; i++)
    if (states[i].offset !== states[i - 1].offset) moves.push(`${states[i].t.toFixed(2)}->${states[i].offset.toFixed(0)}`);
  const boundAt = (/** @type {number} */ i) => (i >= 0 && i < states.length ? (states[i].bound - trueGainDb).toFixed(1) : '-');
  // the linear stage alone
  const c = new build.lib.EchoCanceller({ sampleRate: rate, ...options, residualSuppression: false });
  const out = outputOf(lab, () => adaptCanceller(c, 'linear', false), scene, shift);
  c.free();
  const frame = rate / 100;
  const frames = Math.floor(scene.mic.length / frame);
  const e = new Float64Array(frames);
  const r = new Float64Array(frames);
  const q = new Uint8Array(frames);
  for (let k = 0; k < frames; k++) {
    let fu = 0;
    for (let t = k * frame; t < (k + 1) * frame; t++) {
      e[k] += scene.echo[t] ** 2;
      r[k] += (out[t] - scene.near[t] - scene.noise[t]) ** 2;
      fu += scene.near[t] ** 2;
    }
    q[k] = fu < e[k] * 1e-3 && e[k] > 0 ? 1 : 0;
  }
  const k0 = Math.floor(echoAt * 100);
  const metric = f.convergence.coldStartMs === null ? null : echoAt + f.convergence.coldStartMs / 1000;
  console.log(
    `${scene.name}${shift ? ` +${shift}` : ''} | ${s(echoAt)} | ${s(runFrom)} | ${s(widenAt > 0 ? states[widenAt].t : null)} | ${moves.join(' ')} | ${boundAt(widenAt)} ${boundAt(widenAt + 50)} ${boundAt(widenAt + 100)} | ${s(heldAt(e, r, q, k0, 10))} ${s(heldAt(e, r, q, k0, 20))} | ${s(metric)} (ST ${f.singleTalk.reductionDb.toFixed(1)} dB, leaks ${(100 * f.singleTalk.leakShare).toFixed(1)}%)`,
  );
}
