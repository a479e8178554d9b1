// Calls with a path change (bench/echo-lab.mjs changes): the lab's path changes (test/helpers/
// echo-grid.ts) are single talk only, so a rule for the time right after a change (the suppressor's
// presence while relearning, aec-path9) can cost the user who talks then without the lab seeing it.
// Here the lab's call script (the user over the assistant's replies) in the laptop, desk and kiosk
// rooms at 120 ms, with the lab's three changes (moved; shifted +40 ms; moved and shifted -30 ms)
// at 3, 5, 7, 9 and 11 s (the users start 0.1-1.5 s after some of them), per sample rate and echo
// return loss. One line per scene and build (with two builds, the second's line only where it
// moved), then the dirty double-talk frames summed. Quality only (no timing).
import { figuresLine } from './common.mjs';

const ROOMS = /** @type {const} */ (['laptop', 'desk', 'kiosk']);
const CHANGES = [
  { move: true, shiftMs: 0 },
  { move: false, shiftMs: 40 },
  { move: true, shiftMs: -30 },
];
const AT_S = [3, 5, 7, 9, 11];

/**
 * The calls' scene parameters, in the order they run (also the scene group `changes` of
 * bench/echo-lab/common.mjs selectScenes, at 16 kHz 12 dB, for openings / trace / scenes --dirty).
 * @param {number[]} rates @param {number[]} erls @returns {import('./common.mjs').SceneParams[]}
 */
export function changeCalls(rates, erls) {
  /** @type {import('./common.mjs').SceneParams[]} */
  const list = [];
  for (const sampleRate of rates) {
    for (const room of ROOMS) {
      for (const erlDb of erls) {
        for (const change of CHANGES) {
          for (const atS of AT_S) {
            list.push({ room, sampleRate, delayMs: 120, erlDb, script: 'call', pathChange: { atS, ...change }, seed: 7 + atS });
          }
        }
      }
    }
  }
  return list;
}

/**
 * @param {import('./common.mjs').Lab} lab @param {import('./common.mjs').Build[]} builds
 * @param {{ only: RegExp, rates: number[], erls: number[], calls?: typeof changeCalls }} opts (`calls`: another list, e.g. switch.mjs's)
 */
export function changes(lab, builds, { only, rates, erls, calls = changeCalls }) {
  const dirty = builds.map(() => 0);
  const frames = builds.map(() => 0);
  let total = 0;
  let moved = 0;
  for (const params of calls(rates, erls)) {
    const name = lab.sceneName(params);
    if (!only.test(name)) continue;
    const scene = lab.buildScene(params);
    const at = /** @type {number} */ (scene.events.pathChange);
    const after = scene.labels.utterances.map(([a]) => (a - at) / scene.sampleRate).filter((d) => d > -0.2 && d < 1.5);
    const lines = builds.map((b, i) => {
      const f = lab.evaluate(b.factory(), scene);
      const n = Math.round(f.doubleTalk.frames * (1 - f.doubleTalk.cleanShare));
      dirty[i] = (dirty[i] ?? 0) + n;
      frames[i] = (frames[i] ?? 0) + f.doubleTalk.frames;
      return figuresLine(lab, f);
    });
    total++;
    const same = lines.every((l) => l === lines[0]);
    if (!same) moved++;
    const head = `${name} (users ${after.map((d) => `${d.toFixed(2)} s`).join(', ') || 'none'} after the change)`;
    if (builds.length === 1) console.log(`${head}: ${lines[0]}`);
    else if (!same) console.log(`${head}\n${lines.map((l, i) => `  [${i}] ${l}`).join('\n')}`);
  }
  console.log(
    `${total} calls${builds.length > 1 ? `, ${moved} moved` : ''}; dirty double-talk frames ${builds.map((_b, i) => `${builds.length > 1 ? `[${i}] ` : ''}${dirty[i]} of ${frames[i]}`).join(', ')}`,
  );
}
