// aec-speed10: how often a lab scene's background is converged by its own Kalman uncertainty (the
// residual it could remove, sum P |X|^2 under the echo bound, against its echo spectrum's power;
// bench-hooks.ts aec_hold_resid), block by block while the reference plays: the share of those
// blocks under -10, -15, -20 dB from 2 s on, and how long the foreground stayed all zero (aec_fg_zero:
// never copied to). Quality only (a hooked build; no timing).
//   node bench/echo-hold-probe.mjs [--groups 24k] [--scenes REGEXP]
import { parseArgs } from 'node:util';
import { adaptCanceller, loadLab, selectScenes } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o } = parseArgs({ options: { groups: { type: 'string', default: '24k' }, scenes: { type: 'string', default: ' call ' } } });
const lab = await loadLab();
/** @type {any} */
const lib = await importHooked();
for (const { scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const c = new lib.EchoCanceller({ sampleRate: scene.sampleRate });
  /** @type {number[]} */
  const ratios = [];
  let zeroUntil = 0;
  const onBlock = (/** @type {any} */ k, /** @type {number} */ t) => {
    if (k.k.aec_fg_zero(k.state) === 1) zeroUntil = t;
    const r = k.k.aec_hold_resid(k.state);
    if (t >= 2 && r >= 0) ratios.push(10 * Math.log10(r + 1e-30));
  };
  lab.runCanceller(adaptCanceller(c, 'hooked', false, onBlock), scene);
  const share = (/** @type {number} */ db) => ((100 * ratios.filter((r) => r < db).length) / Math.max(1, ratios.length)).toFixed(0);
  const sorted = [...ratios].sort((p, q) => p - q);
  const med = sorted[sorted.length >> 1] ?? Number.NaN;
  console.log(
    `${scene.name}: residual / echo median ${med.toFixed(1)} dB; under -10 / -15 / -20 dB in ${share(-10)} / ${share(-15)} / ${share(-20)}% of ${ratios.length} playing blocks; foreground zero until ${zeroUntil.toFixed(2)} s`,
  );
  c.free();
}
