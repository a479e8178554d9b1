// Openings per utterance (bench/echo-lab.mjs openings; issue 13: the median opening <= 40 ms): for
// each utterance that starts over the echo, the ms to the end of the first clean 10 ms frame (the
// quality test's metric, test/helpers/echo-metrics.ts) for the EchoCanceller, for its linear stage
// alone (`residualSuppression: false`), and for a pass-through, whose first clean frame is the first
// where the user stands >= 10 dB over the echo and the noise (what a canceller that removes nothing
// delivers). With `frames`, the first 10 frames of each utterance: the user over the echo, dB | ours,
// the user over what is left of the rest (output - user), dB | the linear stage's. Quality only.
import { outputOf, selectScenes } from './common.mjs';

const db = (/** @type {number} */ x) => 10 * Math.log10(x + 1e-30);

/**
 * Per utterance starting over the echo (as the metric picks them): per 10 ms frame from its start,
 * the user over the echo and over the output's error, dB.
 * @param {import('./common.mjs').EchoScene} scene @param {Float32Array} out
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

/**
 * @param {import('./common.mjs').Lab} lab @param {import('./common.mjs').Build} build
 * @param {{ pick: Parameters<typeof selectScenes>[1], frames: boolean }} opts
 */
export function openings(lab, build, { pick, frames }) {
  for (const { scene, shifts } of selectScenes(lab, pick)) {
    for (const shift of shifts) {
      const ours = utteranceFrames(scene, outputOf(lab, build.factory(), scene, shift));
      const lin = utteranceFrames(scene, outputOf(lab, build.factory({ residualSuppression: false }), scene, shift));
      const none = utteranceFrames(scene, scene.mic);
      const list = (/** @type {{ frames: { overError: number }[] }[]} */ x) => x.map((u) => openingMs(u.frames)).join('/');
      console.log(`${scene.name}${shift ? ` +${shift}` : ''}: ours ${list(ours)}, linear stage ${list(lin)}, pass-through ${list(none)} ms`);
      if (!frames) continue;
      for (let u = 0; u < ours.length; u++) {
        const cells = ours[u].frames.slice(0, 10).map((f, k) => `${f.overEcho.toFixed(0)}|${f.overError.toFixed(0)}|${lin[u].frames[k].overError.toFixed(0)}`);
        console.log(`  ${ours[u].atS.toFixed(2)} s  ${cells.join(' ')}`);
      }
    }
  }
}
