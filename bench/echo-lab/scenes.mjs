// The lab's figures (test/quality/echo-canceller.test.ts) scene by scene for one or more builds
// (bench/echo-lab.mjs scenes): one line per scene and build, marked LOST where the first build met
// every issue-13 bound and the last does not (WON the other way); optionally the times of each
// scene's dirty double-talk frames, a save of the lines (the last build's) and a comparison with an
// earlier save (only the lines that moved, the earlier one beside). Quality only (no timing).
import { readFileSync, writeFileSync } from 'node:fs';
import { figuresLine, outputOf, selectScenes } from './common.mjs';

/** The 10 ms frames the metric counts as dirty double talk (output minus the user not 10 dB under the user), s. @param {any} scene @param {Float32Array} out */
function dirtyFrames(scene, out) {
  const size = scene.sampleRate / 100;
  const list = [];
  for (let k = 0; (k + 1) * size <= scene.mic.length; k++) {
    let n = 0;
    let e = 0;
    let z = 0;
    let d = 0;
    let cover = 0;
    for (let i = k * size; i < (k + 1) * size; i++) {
      n += scene.near[i] ** 2;
      e += scene.echo[i] ** 2;
      z += scene.noise[i] ** 2;
      d += (out[i] - scene.near[i]) ** 2;
    }
    for (const [a, b] of scene.labels.near) cover += Math.max(0, Math.min(b, (k + 1) * size) - Math.max(a, k * size));
    const echoPresent = scene.labels.echo.some((/** @type {number[]} */ [a, b]) => a < (k + 1) * size && b > k * size) || e > z;
    if (cover / size >= 0.5 && echoPresent && n >= 10 * e && n >= 100 * z && d * 10 > n) list.push(((k * size) / scene.sampleRate).toFixed(2));
  }
  return list;
}

/**
 * @param {import('./common.mjs').Lab} lab @param {import('./common.mjs').Build[]} builds
 * @param {{ pick: Parameters<typeof selectScenes>[1], dirty: boolean, save?: string, compare?: string }} opts
 */
export function scenes(lab, builds, { pick, dirty, save, compare }) {
  /** @type {Record<string, string>} */
  const base = compare ? JSON.parse(readFileSync(compare, 'utf8')) : {};
  /** @type {Record<string, string>} */
  const saved = {};
  const met = builds.map(() => 0);
  let total = 0;
  for (const { scene, shifts } of selectScenes(lab, pick)) {
    for (const shift of shifts) {
      total++;
      const met0 = [];
      for (const [i, build] of builds.entries()) {
        const factory = build.factory();
        const f = shift === 0 ? lab.evaluate(factory, scene) : lab.evaluateShifted(factory, scene, shift);
        const ok = lab.issue13Failures(f).length === 0;
        met0.push(ok);
        if (ok) met[i]++;
        let mark = '';
        if (i > 0 && i === builds.length - 1 && met0[0] !== ok) mark = ok ? ' WON' : ' LOST';
        const text = figuresLine(lab, f);
        saved[f.scene] = text;
        const prefix = `${builds.length > 1 ? `[${i}] ` : ''}${f.scene}${mark}: `;
        if (compare === undefined) console.log(`${prefix}${text}`);
        else if (base[f.scene] !== text) console.log(`${prefix}${text}\n${' '.repeat(prefix.length - 2)}  was ${base[f.scene] ?? '-'}`);
        if (dirty) console.log(`    dirty at ${dirtyFrames(scene, outputOf(lab, factory, scene, shift)).join(' ')}`);
      }
    }
  }
  console.log(`every issue-13 bound met: ${builds.map((_b, i) => `${builds.length > 1 ? `[${i}] ` : ''}${met[i]} of ${total}`).join(', ')}`);
  if (save) writeFileSync(save, JSON.stringify(saved, null, 1));
}
