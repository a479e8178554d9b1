// (aec-hall8) The hall's scenes' whole figures (the lab's line: double talk, never delivered, the first
// reply's share) under the bench oracles, to bound what a perfect estimate would reach: ours, the
// presence forced on over the labels (PRES=1), and the true residual echo in place of the gain's residual
// (assembly/bench-hooks.ts ab_resid; MODE 1 while the user is present, 2 with no user, 3 both) x each of
// SCALES, alone and with the presence oracle. The openings' oracles per utterance: bench/echo-lab.mjs
// openings --oracle. Needs the hooked build (built from the sources; or ECHO_HOOKED=<its index.js>).
//   PRES=1 SCALES=1,2,4,8 node bench/echo-hall8-probe.mjs [hooked] (SCENES='sox-large.* 6dB' by default)
import { figuresLine, loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';
import { hookedRun } from './echo-lab/openings.mjs';

const lab = await loadLab();
const [build] = await loadBuilds([process.argv[2] ?? 'hooked']);
const scales = (process.env.SCALES ?? '1,2,4,8').split(',').map(Number);
const mode = Number(process.env.MODE ?? 1);
const only = new RegExp(process.env.SCENES ?? 'sox-large.* 6dB');
for (const { scene } of selectScenes(lab, { only, groups: ['outside', 'outside24'], shifts: [0] })) {
  /** @param {string} tag @param {Float32Array} out */
  const line = (tag, out) => console.log(`${scene.name} ${tag}: ${figuresLine(lab, lab.measureEcho(scene, out, 'probe'))}`);
  line('own', hookedRun(lab, build, scene, 0, false).out);
  if (process.env.PRES) line('presence oracle', hookedRun(lab, build, scene, 0, true).out);
  for (const s of scales) {
    line(`true residual x${s}`, hookedRun(lab, build, scene, 0, false, { mode, scale: s }).out);
    if (process.env.PRES) line(`true residual x${s} + presence oracle`, hookedRun(lab, build, scene, 0, true, { mode, scale: s }).out);
  }
}
