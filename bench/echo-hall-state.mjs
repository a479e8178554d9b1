// aec-cap8: when the hall cap's conditions first hold in the lab's scenes (the hooked build: assembly/
// bench-hooks.ts aec_hall_state), per scene: the delay estimator's long tail (dl_long_tail), ./aec-late's
// score latched, the first onset, each with the updates with the echo heard the delay estimator had
// counted before the first onset then (a tail of seconds at 62, aec-tailgate), the path changes and the blocks
// in which both the long tail and the score held. Scenes where neither ever holds are left out.
//   node bench/echo-hall-state.mjs [--groups outside,outside24,outside48] [--scenes REGEXP]
import { parseArgs } from 'node:util';
import { cancellerAdapter, loadLab, selectScenes } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o } = parseArgs({
  options: {
    groups: { type: 'string', default: 'outside,outside24,outside48' },
    scenes: { type: 'string', default: '.' },
  },
});
const lab = await loadLab();
const lib = await importHooked();
const at = (/** @type {number} */ t, /** @type {number} */ heard) => (t < 0 ? 'never' : `${t.toFixed(2)} s (heard ${heard})`);
for (const { params, scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const first = { long: -1, late: -1, onset: -1 };
  const heardAt = { long: 0, late: 0, onset: 0 };
  let both = 0;
  let changes = 0;
  const onBlock = (/** @type {any} */ c, /** @type {number} */ t) => {
    const st = c.k.aec_hall_state(c.state);
    const heard = (st >> 4) & 0xfffff;
    if (st & 2 && first.long < 0) [first.long, heardAt.long] = [t, heard];
    if (st & 1 && first.late < 0) [first.late, heardAt.late] = [t, heard];
    if (c.delayMs >= 0 && first.onset < 0) [first.onset, heardAt.onset] = [t, heard];
    if ((st & 3) === 3) both++;
    changes = st >>> 24;
  };
  const driver = cancellerAdapter(lib, scene.sampleRate, {}, 'hooked', false, onBlock);
  try {
    lab.runCanceller(driver, scene);
  } finally {
    /** @type {any} */ (driver).canceller.free();
  }
  if (first.long < 0 && first.late < 0) continue;
  console.log(
    `${lab.sceneName(params)}: long tail ${at(first.long, heardAt.long)}, score ${at(first.late, heardAt.late)}, onset ${at(first.onset, heardAt.onset)}, ${changes} path change(s), both held ${both} blocks`,
  );
}
