// Openings per utterance on the lab's scenes (issue 13: the median opening <= 40 ms): for each
// utterance that starts over the echo, the ms to the end of the first clean 10 ms frame (the
// quality test's metric, test/helpers/echo-metrics.ts) for the EchoCanceller, for its linear stage
// alone (`residualSuppression: false`), and for a pass-through, whose first clean frame is the first
// where the user stands >= 10 dB over the echo and the noise (what a canceller that removes nothing
// delivers). With ECHO_OPENINGS_FRAMES=1, the first 10 frames of each utterance: the user over the
// echo, dB | ours, the user over what is left of the rest (output - user), dB | the linear stage's.
// Quality only (no timing); ~1.5 min for the 6 dB scenes.
//
//   npm run build && node bench/echo-openings.mjs        ECHO_OPENINGS_SCENES='kiosk 16k call' (a regexp; default ' 6dB')
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-openings-'));
/**
 * @typedef {typeof import('../test/helpers/echo-scenes.js') & typeof import('../test/helpers/echo-metrics.js')
 *   & typeof import('../test/helpers/echo-grid.js') & typeof import('../test/helpers/echo-cancellers.js')} Lab
 * @typedef {import('../test/helpers/echo-scenes.js').EchoScene} EchoScene
 */
/** @type {Lab} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid', 'echo-cancellers'], tmp);
const only = new RegExp(process.env.ECHO_OPENINGS_SCENES ?? ' 6dB');
const showFrames = process.env.ECHO_OPENINGS_FRAMES === '1';
const linear = lab.echoCancellerWith({ residualSuppression: false }, 'linear stage');
const db = (/** @type {number} */ x) => 10 * Math.log10(x + 1e-30);

/**
 * Per utterance starting over the echo (as the metric picks them): per 10 ms frame from its start
 * (at most 30), the user over the echo and over the output's error, dB.
 * @param {EchoScene} scene @param {Float32Array} out
 */
function utteranceFrames(scene, out) {
  const size = scene.sampleRate / 100;
  const result = [];
  for (const [a, b] of scene.labels.utterances) {
    const first = Math.floor(a / size) * size;
    let echo = 0;
    let noise = 0;
    for (let i = first; i < first + size; i++) {
      echo += scene.echo[i] ** 2;
      noise += scene.noise[i] ** 2;
    }
    const labelled = scene.labels.echo.some(([p, q]) => p < first + size && q > first);
    if (!(labelled || echo > noise)) continue;
    const frames = [];
    for (let t = a; t + size <= Math.min(b, scene.near.length); t += size) {
      let n = 0;
      let e = 0;
      let d = 0;
      for (let i = t; i < t + size; i++) {
        n += scene.near[i] ** 2;
        e += scene.echo[i] ** 2;
        d += (out[i] - scene.near[i]) ** 2;
      }
      frames.push({ overEcho: db(n) - db(e), overError: db(n) - db(d) });
    }
    result.push({ atS: a / scene.sampleRate, frames });
  }
  return result;
}

/** @param {{ overError: number }[]} frames */
const openingMs = (frames) => {
  const k = frames.findIndex((f) => f.overError >= 10);
  return k < 0 ? 'never' : String((k + 1) * 10);
};

try {
  const groups = [...lab.echoGrid('test', 16000), lab.sessionRateGroup(24000), lab.deviceRateGroup(48000), lab.outsideGroup(16000)];
  for (const params of groups.flatMap((g) => g.scenes)) {
    const scene = lab.buildScene(params);
    if (!only.test(scene.name)) continue;
    const ours = utteranceFrames(scene, lab.runCanceller(lab.echoCanceller(scene.sampleRate), scene));
    const lin = utteranceFrames(scene, lab.runCanceller(linear(scene.sampleRate), scene));
    const none = utteranceFrames(scene, scene.mic);
    const list = (/** @type {{ frames: { overError: number }[] }[]} */ x) => x.map((u) => openingMs(u.frames)).join('/');
    console.log(`${scene.name}: ours ${list(ours)}, linear stage ${list(lin)}, pass-through ${list(none)} ms`);
    if (!showFrames) continue;
    for (let u = 0; u < ours.length; u++) {
      const frames = ours[u].frames.slice(0, 10).map((f, k) => `${f.overEcho.toFixed(0)}|${f.overError.toFixed(0)}|${lin[u].frames[k].overError.toFixed(0)}`);
      console.log(`  ${ours[u].atS.toFixed(2)} s  ${frames.join(' ')}`);
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
