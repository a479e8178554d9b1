// The canceller's clock skew followed, delay estimate and path changes on one quiet-group scene
// (test/helpers/echo-grid.ts quietGroup), a line each time one of them changes (aec-desk1: the desk's
// 16 kHz 250 ms 6 dB cold start takes a false skew at 6.56 s). Quality only (no timing).
//   node bench/echo-skew-probe.mjs ['desk 16k cold-start 250ms 6dB$'] [16000|24000]
//   ECHO_PROBE_NO_USER=1   the user taken out of the mic (the echo and the noise alone)
import { loadLab } from './echo-lab/common.mjs';
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
/** @type {any} */
let c;
let samples = 0;
let last = '';
lab.evaluate((/** @type {number} */ sampleRate) => {
  c = new lib.EchoCanceller({ sampleRate });
  return {
    name: 'probe',
    sampleRate,
    latencySamples: c.latencySamples,
    blockSamples: sampleRate / 100,
    process(/** @type {Float32Array} */ r, /** @type {Float32Array} */ m, /** @type {Float32Array} */ out) {
      c.pushReference(r);
      c.processInto(m, out);
      samples += m.length;
      const line = `skew ${c.clockSkewPpm.toFixed(1)} ppm, delay ${c.delayMs.toFixed(0)} ms, path changes ${c.pathChanges}`;
      if (line !== last) console.log(`${(samples / sampleRate).toFixed(2)} s ${line}, ERLE ${c.erleDb.toFixed(1)} dB`);
      last = line;
    },
    free() {},
  };
}, scene);
c.free();
