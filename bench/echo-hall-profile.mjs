// aec-hall7: the delay estimator's coherence profile per update (bench hooks) over chosen scenes,
// saved as JSON for offline study of the first-onset rule: the profile depends only on the mic and
// the reference, never on the onset taken, so a rule can be replayed on it exactly (but `echoing`).
//   node bench/echo-hall-profile.mjs --groups outside,outside24,outside48 --scenes 'sox-large.*cold' --out FILE
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { cancellerAdapter, loadLab, selectScenes } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o } = parseArgs({
  options: {
    groups: { type: 'string', default: 'outside' },
    scenes: { type: 'string', default: 'sox-large' },
    out: { type: 'string', default: '/tmp/echo-hall-profile.json' },
    to: { type: 'string', default: '14' },
  },
});
const lab = await loadLab();
const lib = await importHooked();
const toS = Number(o.to);
/** @type {Record<string, any>} */
const out = {};
for (const { params, scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  /** @type {any[]} */
  const rows = [];
  let prev = '';
  const onBlock = (/** @type {any} */ c, /** @type {number} */ t) => {
    if (t > toS) return;
    const f32 = new Float32Array(c.k.memory.buffer);
    const at = c.k.aec_delay_profile(c.state) >> 2;
    const n = c.k.aec_delay_search_lags(c.state);
    const prof = Array.from(f32.subarray(at, at + n), (v) => Number(v.toPrecision(4)));
    const key = prof.join(',');
    if (key === prev) return;
    prev = key;
    rows.push({ t: Number(t.toFixed(3)), u: c.k.aec_delay_unplaced(c.state), on: c.delayMs, p: prof });
  };
  let blockMs = 0;
  const factory = (/** @type {number} */ rate) => {
    const a = cancellerAdapter(lib, rate, {}, 'h', true, onBlock);
    blockMs = (1000 * a.canceller.blockSamples) / rate;
    return a;
  };
  lab.evaluate(factory, scene);
  out[scene.name] = { blockMs, delayMs: params.delayMs, rows };
  console.log(scene.name, rows.length, 'updates');
}
writeFileSync(o.out, JSON.stringify(out));
