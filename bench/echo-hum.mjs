// The echo lab's scenes with mains hum on the mic (a condition the lab did not build: a laptop on its
// charger, a desk speaker's ground loop): 50 Hz plus its third harmonic at HUM_DB dBFS RMS (default
// -60) added to the mic's noise, so the metric counts it as noise (its ceiling falls with it). One
// line per scene and build, the builds side by side (e.g. the build before a change and ./dist).
// Quality only (no timing).
//
//   npm run build && node bench/echo-hum.mjs [dist A] [dist B ...]
//   HUM_DB=-60  SCENES='16k (call|cold-start) \d+ms 6dB$' (a regexp over the 16k and outside groups' names)
import { figuresLine, loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';

const lab = await loadLab();
const dirs = process.argv.slice(2);
const builds = await loadBuilds(dirs);
const humDb = Number(process.env.HUM_DB ?? -60);
const only = new RegExp(process.env.SCENES ?? '16k (call|cold-start) \\d+ms 6dB$');
const amplitude = (10 ** (humDb / 20) * Math.SQRT2) / Math.hypot(0.9, 0.3);
for (const { scene } of selectScenes(lab, { only, groups: ['16k', 'outside'], shifts: [0] })) {
  const rate = scene.sampleRate;
  const hum = (/** @type {number} */ t) => amplitude * (0.9 * Math.sin((2 * Math.PI * 50 * t) / rate) + 0.3 * Math.sin((2 * Math.PI * 150 * t) / rate));
  const noise = Float32Array.from(scene.noise, (v, t) => v + hum(t));
  const mic = Float32Array.from(scene.mic, (v, t) => v + hum(t));
  const name = lab.sceneName(scene.params);
  builds.forEach((b, i) => {
    console.log(`${name.padEnd(36)} ${dirs[i] ?? 'dist'}: ${figuresLine(lab, lab.evaluate(b.factory(), { ...scene, noise, mic }))}`);
  });
}
