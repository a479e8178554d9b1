// The echo canceller's placement and what follows it, per 10 ms frame of one lab scene (aec-kiosk420):
// the frame's echo-only leak (the metric's: output over -50 dBFS, settled 2 s after the echo starts),
// output / echo / user levels, the delay estimate's onset and the filter's offset (ms), its moves, the
// path changes, the ERLE and the best ERLE, the suppressor's user presence, the echo gain bound and
// the mic's excess over it (dB), the evidence past the search (far peak, its lag, the run, its onset),
// the searched lags and echoBeyondMaxDelayMs, and the coherence profile over chosen lags (%).
// Needs a build with the bench hooks (`hooked`, the default). Leak frames print outside --from/--to too.
//
//   node bench/echo-placement.mjs [hooked] --groups bt --scenes 'kiosk 16k call 420ms 6dB' --from 1.3 --to 3.2 [--every 3] [--lags 46,58]
//     --no-drift  a Bluetooth scene with the speaker's clock on the mic's (bluetooth.driftPpm 0)
//     --shift N   the scene shifted by N samples (echo-lab.mjs scenes --shifts; the state printed per
//                 frame is the one after the callback ending N samples before its end; aec-bt9)
import { parseArgs } from 'node:util';
import { cancellerAdapter, loadBuilds, loadLab, pad, selectScenes } from './echo-lab/common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    groups: { type: 'string', default: 'bt' },
    scenes: { type: 'string', default: 'kiosk 16k call 420ms 6dB' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: '99' },
    every: { type: 'string', default: '1' },
    lags: { type: 'string', default: '46,58' },
    'no-drift': { type: 'boolean', default: false },
    shift: { type: 'string', default: '0' },
  },
});
const [lag0, lag1] = o.lags.split(',').map(Number);
const lab = await loadLab();
const [build] = await loadBuilds(positionals.length ? positionals : ['hooked']);
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(0).padStart(4);
for (const { params, scene: drifting } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  // --no-drift: a Bluetooth scene again with the speaker's clock on the mic's (aec-btconv)
  const scene = o['no-drift'] && params.bluetooth ? lab.buildScene({ ...params, bluetooth: { ...params.bluetooth, driftPpm: 0 } }) : drifting;
  /** @type {string[]} the canceller's state after each 10 ms callback */
  const states = [];
  const adapter = cancellerAdapter(build.lib, scene.sampleRate, {}, 'ours', false, (c, _t) => {
    const k = c.k;
    const ms = (1000 * c.blockSamples) / c.sampleRate;
    const f32 = new Float32Array(k.memory.buffer);
    const at = k.aec_delay_profile(c.state) >> 2;
    const profile = [];
    for (let l = lag0; l < lag1; l++) profile.push(Math.round(100 * f32[at + l]));
    states.push(
      `onset ${c.delayMs.toFixed(0)} off ${(k.aec_filter_offset(c.state) * ms).toFixed(0)} mv ${k.aec_filter_moves(c.state)} pc ${c.pathChanges}` +
        ` erle ${c.erleDb.toFixed(1)} best ${(10 * Math.log10(k.aec_best_erle(c.state))).toFixed(1)} pres ${c.userPresent ? 1 : 0}` +
        ` bound ${k.aec_gain_db(c.state).toFixed(1)} ex ${k.aec_excess_db(c.state).toFixed(1)}` +
        ` | far ${(100 * k.aec_delay_far_peak(c.state)).toFixed(0)}% @${(k.aec_delay_far_lag(c.state) * ms).toFixed(0)} run ${k.aec_delay_beyond_updates(c.state)}` +
        ` cand ${(k.aec_delay_beyond_candidate(c.state) * ms).toFixed(0)} search ${(k.aec_delay_search_lags(c.state) * ms).toFixed(0)} beyond ${c.echoBeyondMaxDelayMs.toFixed(0)}` +
        ` | ${profile.join(',')}`,
    );
  });
  const shift = +o.shift;
  const out = lab.runCanceller(adapter, { ...scene, mic: pad(scene.mic, shift), reference: pad(scene.reference, shift) }).slice(shift);
  const F = scene.sampleRate / 100;
  const leaks = new Set(lab.leakFrames(scene, out).map((f) => Math.round(f.seconds * 100)));
  console.log(
    `${scene.name} [${build.label}]: echo from ${(scene.events.echoStart / scene.sampleRate).toFixed(3)} s, its delay ${scene.meta.echoDelayMs.toFixed(1)} ms; profile lags ${lag0}-${lag1 - 1}`,
  );
  for (let i = 0; (i + 1) * F <= scene.mic.length && i < states.length; i++) {
    const t = i / 100;
    const leak = leaks.has(i);
    if (!leak && (t < +o.from || t > +o.to || i % +o.every !== 0)) continue;
    let ne = 0;
    let ec = 0;
    let ou = 0;
    for (let n = i * F; n < (i + 1) * F; n++) {
      ne += scene.near[n] ** 2;
      ec += scene.echo[n] ** 2;
      ou += out[n] ** 2;
    }
    console.log(`${t.toFixed(2)} ${leak ? 'LEAK' : '    '} out${db(ou / F)} echo${db(ec / F)} user${db(ne / F)} | ${states[i]}`);
  }
  console.log(`leaks ${leaks.size}: ${[...leaks].map((i) => (i / 100).toFixed(2)).join(' ')}`);
  adapter.canceller.free();
}
