// (aec-drc8) The oracle of the filter told the device's gain: the lab's drc scenes run with the reference taken after
// the same loudness processing (test/helpers/echo-drc.ts applyDrc on the reference, its RMS set back to the
// reference's), so the canceller sees what the speaker got; beside the scenes as they are. Quality only.
//   node bench/echo-lab/drc-told.mjs --groups drc,drc24 --scenes REGEXP [build]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { importLabHelpers } from '../echo-lab-bundle.mjs';
import { figuresLine, loadBuilds, loadLab, selectScenes } from './common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { scenes: { type: 'string', default: 'compressor' }, groups: { type: 'string', default: 'drc' } },
});
const lab = await loadLab();
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-drc-told-'));
const { applyDrc, DRC_SETTINGS } = await importLabHelpers(['echo-drc'], tmp);
rmSync(tmp, { recursive: true, force: true });
const builds = await loadBuilds(positionals);
/** @param {ArrayLike<number>} x */
function rms(x) {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / x.length);
}
for (const { params, scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  if (!params.drc) continue;
  const told = applyDrc(Float64Array.from(scene.reference), DRC_SETTINGS[params.drc], scene.sampleRate).output;
  const k = rms(scene.reference) / (rms(told) + 1e-30);
  const toldScene = { ...scene, reference: Float32Array.from(told, (v) => v * k) };
  for (const build of builds) {
    const a = lab.evaluate(build.factory(), scene);
    const b = lab.evaluate(build.factory(), toldScene);
    console.log(
      `${a.scene} [${build.label}]: as is ${figuresLine(lab, a).replace(/ \| conv.*/, '')}\n    told ${figuresLine(lab, b).replace(/ \| conv.*/, '')}`,
    );
  }
}
