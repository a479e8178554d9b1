// The cold starts the lab did not build (aec-quiet; test/helpers/echo-grid.ts quietGroup): the lab's
// rooms with the user over the first reply at 36 / 42 dB echo return loss, 250-400 ms of extra
// delay, a first reply that opens softly; and whether the late-echo model (assembly/aec-late.ts)
// switches on there, by its score or by its early rule (the delay estimator's first onset waited
// 0.6 s of echo), logged through the bench hooks (assembly/bench-hooks.ts, ab_late). Each scene runs
// on the hooked build as released (`on`), with the early rule turned off (`off`) and, asked, with the
// model never used (`none`); a line per
// scene and mode: the figures (bench/echo-lab/common.mjs figuresLine) and the model's switch
// (early: when the early rule first held; score: when the score latched; used: seconds in use), the
// onset, the path changes declared and the clock skew followed at the end.
// Quality only (no timing).
//
//   node bench/echo-quiet.mjs [--rates 16000,24000] [--size bench|test] [--scenes REGEXP] [--modes on,off]
//     --also LIST     the lab's own groups too, judged the same way (16k,24k,48k,outside,outside24)
//     --save FILE     the lines as JSON; --compare FILE: print only the lines that moved since
//     --veto MASK     (the oracle on these scenes without a true path change, aec-quiet2) the path changes of the
//                     rules in MASK not taken: 1 divergence, 2 louder error, 4 misfit, 8 emerged (15: none taken)
//     --onsets        each change of the delay estimate: when, where, and the profile's 4 strongest lags
//                     (lag in ms, coherence %: where a first onset came from)
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cancellerAdapter, figuresLine, loadLab, selectScenes } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o } = parseArgs({
  options: {
    rates: { type: 'string', default: '16000' },
    size: { type: 'string', default: 'bench' },
    scenes: { type: 'string', default: '.' },
    modes: { type: 'string', default: 'on,off' },
    also: { type: 'string' },
    save: { type: 'string' },
    compare: { type: 'string' },
    onsets: { type: 'boolean', default: false },
    veto: { type: 'string', default: '0' },
  },
});
const lab = await loadLab();
const lib = await importHooked();
const only = new RegExp(o.scenes);
/** @type {Record<string, string>} */
const base = o.compare ? JSON.parse(readFileSync(o.compare, 'utf8')) : {};
/** @type {Record<string, string>} */
const saved = {};

/** @type {{ params: any, scene: any }[]} */
const list = [];
for (const rate of o.rates.split(',').map(Number)) {
  for (const params of lab.quietGroup(rate, /** @type {'bench'|'test'} */ (o.size)).scenes) {
    if (only.test(lab.sceneName(params))) list.push({ params, scene: lab.buildScene(params) });
  }
}
if (o.also) for (const { params, scene } of selectScenes(lab, { only, groups: o.also.split(','), shifts: [0] })) list.push({ params, scene });

let lastOnset = -1;
/** Prints a change of `c`'s delay estimate at `t` s with the profile's strongest lags (bench hooks). @param {any} c @param {number} t */
function onsetLog(c, t) {
  if (c.delayMs === lastOnset) return;
  lastOnset = c.delayMs;
  const f32 = new Float32Array(c.k.memory.buffer);
  const at = c.k.aec_delay_profile(c.state) >> 2;
  const lags = c.k.aec_delay_lags(c.state);
  const blockMs = (1000 * c.blockSamples) / c.sampleRate;
  const top = Array.from(f32.subarray(at, at + lags), (v, l) => [l, v])
    .sort((x, y) => y[1] - x[1])
    .slice(0, 4)
    .map(([l, v]) => `${(l * blockMs).toFixed(0)} ms ${(100 * v).toFixed(1)}%`);
  console.log(`    ${t.toFixed(2)} s: onset ${c.delayMs.toFixed(0)} ms, peak ${(100 * c.k.aec_delay_peak(c.state)).toFixed(1)}%, strongest ${top.join(', ')}`);
}

/** @type {Record<string, number>} */
const MODES = { on: 0, off: 1, none: 2 };
const s = (/** @type {number} */ blocks, /** @type {number} */ b, /** @type {number} */ rate) => (blocks < 0 ? '-' : ((blocks * b) / rate).toFixed(2));
/** @type {Record<string, number>} */
const met = {};
/** Convergence per mode as judged (aec-quiet3: 20 dB met / missed, the noise ceiling met / missed, not judged) and every bound met with convergence read as 20 dB in 1 s everywhere (as before). @type {Record<string, Record<string, number>>} */
const verdicts = {};
for (const { params, scene } of list) {
  const options = params.delayMs > 250 ? { maxDelayMs: lab.QUIET_MAX_DELAY_MS } : {};
  for (const mode of o.modes.split(',')) {
    /** @type {any} */
    let c;
    lastOnset = -1;
    const factory = (/** @type {number} */ sampleRate) => {
      const adapter = cancellerAdapter(lib, sampleRate, options, mode, false, o.onsets ? onsetLog : undefined);
      c = adapter.canceller;
      c.k.aec_late_log_reset(MODES[mode]);
      c.k.aec_veto_set(Number(o.veto));
      return adapter;
    };
    const f = lab.evaluate(factory, scene);
    const b = c.blockSamples;
    const late = `early ${s(c.k.aec_late_early_block(), b, scene.sampleRate)} score ${s(c.k.aec_late_score_block(), b, scene.sampleRate)} used ${s(c.k.aec_late_used_blocks(), b, scene.sampleRate)} s, onset ${c.delayMs.toFixed(0)} ms, path changes ${c.pathChanges}, skew ${c.clockSkewPpm.toFixed(0)} ppm`;
    c.free();
    const ok = lab.issue13Failures(f).length === 0;
    met[mode] = (met[mode] ?? 0) + (ok ? 1 : 0);
    const v = f.convergence.cold;
    if (!v) throw new Error('no convergence verdict (test/helpers/echo-metrics.ts)');
    verdicts[mode] = verdicts[mode] ?? {};
    const tally = verdicts[mode];
    const kind = v.judged === 'none' ? 'not judged' : `${v.judged === '20dB' ? '20 dB' : 'ceiling'} ${v.met ? 'met' : 'missed'}`;
    tally[kind] = (tally[kind] ?? 0) + 1;
    const old20 = f.convergence.coldStartMs !== null && f.convergence.coldStartMs <= lab.ISSUE_13.convergenceMs;
    if (!old20) tally['20 dB in 1 s missed (as read before)'] = (tally['20 dB in 1 s missed (as read before)'] ?? 0) + 1;
    const otherFails = lab.issue13Failures(f).filter((x) => !x.startsWith('cold-start convergence'));
    if (otherFails.length === 0 && old20) tally['every bound met as read before'] = (tally['every bound met as read before'] ?? 0) + 1;
    const cold = f.coldStart
      ? ` first reply ${(100 * f.coldStart.share).toFixed(1)}%${f.coldStart.neverPassed ? ` (never ${f.coldStart.neverPassed})` : ''}`
      : '';
    const text = `${figuresLine(lab, f)}${cold} | late: ${late}`;
    const key = `${scene.name} [${mode}]`;
    saved[key] = text;
    if (o.compare === undefined || base[key] !== text) console.log(`${key}: ${text}${o.compare !== undefined ? `\n    was ${base[key] ?? '-'}` : ''}`);
  }
}
console.log(
  `every issue-13 bound met (${list.length} scenes): ${Object.entries(met)
    .map(([m, n]) => `${m} ${n}`)
    .join(', ')}`,
);
for (const [mode, tally] of Object.entries(verdicts)) {
  const order = [
    '20 dB met',
    '20 dB missed',
    'ceiling met',
    'ceiling missed',
    'not judged',
    '20 dB in 1 s missed (as read before)',
    'every bound met as read before',
  ];
  console.log(`convergence [${mode}]: ${order.map((k) => `${k} ${tally[k] ?? 0}`).join(', ')}`);
}
if (o.save) writeFileSync(o.save, JSON.stringify(saved, null, 1));
