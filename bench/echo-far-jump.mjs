// (aec-jump17) Calls whose echo jumps past `maxDelayMs` mid-call: the lab's call script at 120 ms, its
// path shifted +160 / +280 ms (to 280 / 400 ms: an output switched to a Bluetooth speaker) at 5 or 9 s,
// laptop, desk and kiosk at 16 and 24 kHz, 12 dB. A real jump past the search must still widen it as
// fast as before: the figures per build (the path-change convergence is the time to follow it).
//   node bench/echo-far-jump.mjs /tmp/base-dist dist
import { figuresLine, loadBuilds, loadLab } from './echo-lab/common.mjs';
const lab = await loadLab();
const builds = await loadBuilds(process.argv.slice(2));
let moved = 0;
let n = 0;
for (const sampleRate of [16000, 24000])
  for (const room of /** @type {const} */ (['laptop', 'desk', 'kiosk']))
    for (const shiftMs of [160, 280])
      for (const atS of [5, 9]) {
        /** @type {import('./echo-lab/common.mjs').SceneParams} */
        const params = { room, sampleRate, delayMs: 120, erlDb: 12, script: 'call', pathChange: { atS, move: false, shiftMs }, seed: 7 + atS };
        const scene = lab.buildScene(params);
        const lines = builds.map((b) => {
          return figuresLine(lab, lab.evaluate(b.factory(), scene));
        });
        n++;
        const same = lines.every((l) => l === lines[0]);
        if (!same) moved++;
        console.log(`${lab.sceneName(params)}${same ? ' (same)' : ''}\n${lines.map((l, i) => `  [${i}] ${l}`).join('\n')}`);
      }
console.log(`${n} calls, ${moved} moved`);
