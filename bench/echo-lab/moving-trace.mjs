// (aec-moving17) One moving-path scene (test/helpers/echo-moving.ts, the lab's groups moving, moving24)
// traced per window for one build: where the trajectory is (s, 0..1), the echo's level, the single-talk
// reduction of the whole canceller and of its linear stage alone (residualSuppression false) over the
// window's echo-only frames (no user, echo 10 dB over the noise), and the canceller's readings at the
// window's end (pathChanges, delayMs, erleDb). Does the filter track the motion, and does the path-change
// machinery fire on a drift? Quality only.
//   node bench/echo-lab/moving-trace.mjs [build] --scenes 'desk 16k call 120ms 18dB moving hand' [--every 0.5]
import { parseArgs } from 'node:util';
import { adaptCanceller, loadBuilds, loadLab, selectScenes } from './common.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scenes: { type: 'string', default: 'desk 16k call 120ms 18dB moving hand' },
    groups: { type: 'string', default: 'moving,moving24' },
    every: { type: 'string', default: '0.5' },
  },
});
const lab = await loadLab();
const [build] = await loadBuilds(positionals.slice(0, 1));
if (!build) throw new Error('no build');
const picked = selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] }).next().value;
if (!picked) throw new Error(`no scene matches ${o.scenes}`);
const { scene } = picked;
const rate = scene.sampleRate;
const everyS = Number(o.every);

/** The build's output on the scene and its readings at the end of every window. @param {object} options */
function run(options) {
  /** @type {{ pathChanges: number, delayMs: number, erleDb: number }[]} */
  const readings = [];
  const blocksPer = Math.round(everyS * 100);
  let blocks = 0;
  const c = new build.lib.EchoCanceller({ sampleRate: rate, ...options });
  const adapter = adaptCanceller(c, build.label, true, (/** @type {any} */ k) => {
    if (++blocks % blocksPer === 0) readings.push({ pathChanges: k.pathChanges, delayMs: k.delayMs, erleDb: k.erleDb });
  });
  const output = lab.runCanceller(adapter, scene);
  adapter.free();
  return { output, readings };
}
const full = run({});
const linear = run({ residualSuppression: false });

const moving = /** @type {import('../../test/helpers/echo-moving.js').MovingPath} */ (scene.params.moving);
const db = (/** @type {number} */ x) => 10 * Math.log10(x + 1e-30);
const frame = rate / 100; // the lab's 10 ms frames (test/helpers/echo-metrics.ts: echo-only = echo over the noise, the user not)
const windowSamples = Math.round(everyS * rate);
console.log(`${scene.name}: ${JSON.stringify(moving)}`);
console.log(
  't s | s | echo dBFS | ST dB ours / linear (echo-only frames) | linear stage echo reduction, every echo frame dB | path changes | delay ms | erle dB',
);
for (let w = 0; (w + 1) * windowSamples <= scene.mic.length; w++) {
  let e = 0;
  let of = 0;
  let ol = 0;
  let frames = 0;
  let ea = 0; // every frame with echo over the noise: echo, and the linear stage's output minus the user
  let la = 0;
  for (let f = w * windowSamples; f + frame <= (w + 1) * windowSamples; f += frame) {
    let ne = 0;
    let ee = 0;
    let ze = 0;
    let a = 0;
    let b = 0;
    let d = 0;
    for (let i = f; i < f + frame; i++) {
      ne += scene.near[i] ** 2;
      ee += scene.echo[i] ** 2;
      ze += scene.noise[i] ** 2;
      a += full.output[i] ** 2;
      b += linear.output[i] ** 2;
      d += (linear.output[i] - scene.near[i]) ** 2;
    }
    if (ee >= 10 * ze) {
      ea += ee;
      la += d;
    }
    if (ne > ze || ee < 10 * ze) continue;
    frames++;
    e += ee;
    of += a;
    ol += b;
  }
  const t = ((w + 1) * windowSamples) / rate;
  const s = lab.trajectoryAt(moving.motion, t).toFixed(2);
  const r = full.readings[w];
  const st = frames ? `${db(e / of).toFixed(1)} / ${db(e / ol).toFixed(1)} (${frames})` : '-';
  console.log(
    `${t.toFixed(1)} | ${s} | ${frames ? db(e / (frames * frame)).toFixed(1) : '-'} | ${st} | ${ea ? db(ea / la).toFixed(1) : '-'} | ${r?.pathChanges} | ${r?.delayMs.toFixed(1)} | ${r?.erleDb.toFixed(1)}`,
  );
}
