// The canceller's clock skew followed, delay estimate and path changes on one quiet-group scene
// (test/helpers/echo-grid.ts quietGroup), a line each time one of them changes (aec-desk1: the desk's
// 16 kHz 250 ms 6 dB cold start takes a false skew at 6.56 s). Quality only (no timing).
//   node bench/echo-skew-probe.mjs ['desk 16k cold-start 250ms 6dB$'] [16000|24000]
//   ECHO_PROBE_NO_USER=1   the user taken out of the mic (the echo and the noise alone)
import { cancellerAdapter, loadLab } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const [pattern = 'desk 16k cold-start 250ms 6dB$', rate = '16000'] = process.argv.slice(2);
const lab = await loadLab();
const lib = await importHooked();
const params = lab.quietGroup(Number(rate), 'bench').scenes.find((/** @type {any} */ p) => new RegExp(pattern).test(lab.sceneName(p)));
if (!params) throw new Error(`no quiet scene matches ${pattern}`);
const scene = lab.buildScene(params);
if (process.env.ECHO_PROBE_NO_USER) {
  for (let i = 0; i < scene.mic.length; i++) scene.mic[i] -= scene.near[i];
  scene.near.fill(0);
}
let last = '';
/** @type {any} */
let c;
lab.evaluate((/** @type {number} */ sampleRate) => {
  const adapter = cancellerAdapter(lib, sampleRate, {}, 'probe', false, (canceller, seconds) => {
    const line = `skew ${canceller.clockSkewPpm.toFixed(1)} ppm, delay ${canceller.delayMs.toFixed(0)} ms, path changes ${canceller.pathChanges}`;
    if (line !== last) console.log(`${seconds.toFixed(2)} s ${line}, ERLE ${canceller.erleDb.toFixed(1)} dB`);
    last = line;
  });
  c = adapter.canceller;
  return adapter;
}, scene);
c.free();
