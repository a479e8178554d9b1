// The canceller's own stats reading of the echo it removes (EchoCanceller.echoReductionDb and
// echoOnlyMs: aec-stats4) beside the truth the lab measures from the scene's parts
// (test/helpers/echo-metrics.ts echoReductionTruth: single talk's frames' E(echo) over E(output),
// smoothed as the reading smooths; the lab's single talk over the whole scene and its leaks, which
// the reading does not see where they come from a false presence), one line per scene, and the
// spread of the gap (reading - truth) at the end.
//
//   node bench/echo-reduction-reading.mjs [build, default ./dist] --groups 16k,outside --scenes REGEX [--shifts 0,31]
// ECHO_LAB_OPTIONS as in bench/echo-lab.mjs.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { cancellerAdapter, loadBuilds, pad, selectScenes } from './echo-lab/common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { groups: { type: 'string', default: '16k' }, scenes: { type: 'string', default: ' 6dB' }, shifts: { type: 'string', default: '0' } },
});
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-reading-'));
/** @type {any} */
let lab;
try {
  lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid', 'echo-drift'], tmp);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const [build] = await loadBuilds(positionals.slice(0, 1));
const labOptions = process.env.ECHO_LAB_OPTIONS ? JSON.parse(process.env.ECHO_LAB_OPTIONS) : {};
const TAU_S = 3; // assembly/aec-readings.ts READING_S
const pick = { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: o.shifts.split(',').map(Number) };
/** @type {number[]} */
const gaps = [];
for (const { scene, shifts } of selectScenes(lab, pick)) {
  for (const shift of shifts) {
    const c = cancellerAdapter(build.lib, scene.sampleRate, labOptions, 'ours', false);
    const shifted = { ...scene, mic: pad(scene.mic, shift), reference: pad(scene.reference, shift) };
    const out = lab.runCanceller(c, shifted).slice(shift);
    const aec = c.canceller;
    const reading = { db: aec.echoReductionDb, onlyMs: aec.echoOnlyMs, erle: aec.erleDb };
    aec.free();
    const truth = lab.echoReductionTruth(scene, out, TAU_S);
    const f = lab.measureEcho(scene, out, 'ours');
    const gap = reading.db - truth.smoothedDb;
    gaps.push(gap);
    console.log(
      `${scene.name}${shift ? ` +${shift}` : ''}: reading ${reading.db.toFixed(1)} dB (truth smoothed ${truth.smoothedDb.toFixed(1)}, gap ${gap >= 0 ? '+' : ''}${gap.toFixed(1)}; single talk ${f.singleTalk.reductionDb.toFixed(1)}, ERLE ${reading.erle.toFixed(1)}) | judged echo only ${reading.onlyMs.toFixed(0)} ms (lab: single talk ${truth.singleTalkMs} ms, leaks ${truth.leakMs} ms)`,
    );
  }
}
gaps.sort((a, b) => a - b);
const within = (/** @type {number} */ db) => gaps.filter((g) => Math.abs(g) <= db).length;
console.log(
  `${gaps.length} scenes: gap reading - truth ${gaps[0]?.toFixed(1)} .. ${gaps.at(-1)?.toFixed(1)} dB, median ${gaps[gaps.length >> 1]?.toFixed(1)}; within 2 dB ${within(2)}, 4 dB ${within(4)}`,
);
