// Whether the canceller tells a user that the echo lies beyond `maxDelayMs` (aec-bt): for each
// selected scene, `echoBeyondMaxDelayMs` at the end of the scene and when it was first set, with the
// true echo delay beside, and the delay estimate. No figures (bench/echo-lab.mjs scenes for those).
// A false alarm is a scene whose echo lies within maxDelayMs that sets it.
//
//   node bench/echo-beyond.mjs [dist] [--groups 16k,24k,48k,outside,bt,bt24] [--scenes REGEXP] [--max-delay-ms N]
import { parseArgs } from 'node:util';
import { cancellerAdapter, loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    groups: { type: 'string', default: '16k,24k,48k,outside,bt,bt24' },
    scenes: { type: 'string', default: '.' },
    'max-delay-ms': { type: 'string' },
  },
});
const lab = await loadLab();
const [build] = await loadBuilds(positionals.slice(0, 1));
const options = o['max-delay-ms'] === undefined ? {} : { maxDelayMs: Number(o['max-delay-ms']) };
let alarms = 0;
let falseAlarms = 0;
let missed = 0;
let scenes = 0;
for (const { scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  /** @type {any} */
  let c;
  let firstS = -1;
  const factory = (/** @type {number} */ rate) => {
    const adapter = cancellerAdapter(build.lib, rate, options, 'ours', false, (k, t) => {
      if (firstS < 0 && k.echoBeyondMaxDelayMs >= 0) firstS = t;
    });
    c = adapter.canceller;
    return adapter;
  };
  lab.runCanceller(factory(scene.sampleRate), scene);
  const beyond = c.echoBeyondMaxDelayMs;
  const trueMs = scene.meta.echoDelayMs;
  const past = trueMs > c.maxDelayMs + 16; // the search reaches 2 blocks (16-21 ms) past maxDelayMs
  scenes++;
  if (beyond >= 0) alarms++;
  if (beyond >= 0 && !past) falseAlarms++;
  if (beyond < 0 && past) missed++;
  const flag = beyond >= 0 ? `beyond ${beyond.toFixed(0)} ms from ${firstS.toFixed(2)} s` : 'none';
  console.log(
    `${scene.name}: echo ${trueMs.toFixed(0)} ms, onset ${c.delayMs.toFixed(0)} ms, ${flag}${beyond >= 0 && !past ? ' FALSE' : ''}${beyond < 0 && past ? ' MISSED' : ''}`,
  );
  c.free();
}
console.log(
  `${scenes} scenes (maxDelayMs ${options.maxDelayMs ?? 'default'}): ${alarms} set, ${falseAlarms} within maxDelayMs (false), ${missed} past it not set`,
);
