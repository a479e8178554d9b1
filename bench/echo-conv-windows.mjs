// Cold convergence window by window (aec-quiet3): for each selected scene, per 100 ms window from the
// first echo, the echo-only frames the metric counts, the echo over the noise (the window's ceiling),
// the output's reduction and the linear stage's (its error over the echo-only frames), and the block
// where the filter was first placed; then the convergence verdict (test/helpers/echo-metrics.ts
// ConvergenceVerdict). Needs the hooked build (the linear stage's output comes from the suppressor's
// trace, assembly/bench-hooks.ts). Quality only.
//
//   node bench/echo-conv-windows.mjs [--groups quiet24] [--scenes REGEXP] [--to S]
//     (over 250 ms of delay the scenes run with maxDelayMs 500, as bench/echo-quiet.mjs does)
import { parseArgs } from 'node:util';
import { loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';
import { traceScene } from './echo-lab/suppressor-trace.mjs';

const { values: o } = parseArgs({
  options: { groups: { type: 'string', default: 'quiet24' }, scenes: { type: 'string', default: '.' }, to: { type: 'string', default: '1.5' } },
});
const lab = await loadLab();
const db = (/** @type {number} */ x) => 10 * Math.log10(x + 1e-30);
const [build] = await loadBuilds(['hooked']);
for (const { params, scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const options = params.delayMs > 250 ? { maxDelayMs: lab.QUIET_MAX_DELAY_MS } : {};
  const b = { ...build, factory: () => build.factory(options) };
  const { c, B, e, out, blocks, scalars } = traceScene(b, scene, 0, (d, s) => lab.runCanceller(d, s));
  let placedAt = -1;
  for (let i = 0; i < blocks; i++)
    if (scalars(i)[13]) {
      placedAt = i;
      break;
    }
  const f = lab.measureEcho(scene, out, 'EchoCanceller');
  c.free();
  const size = scene.sampleRate / 100;
  const frames = Math.floor(scene.mic.length / size);
  const energy = (/** @type {Float32Array} */ x, /** @type {number} */ k) => {
    let s = 0;
    for (let i = k * size; i < (k + 1) * size && i < x.length; i++) s += x[i] * x[i];
    return s;
  };
  const cover = new Uint8Array(frames);
  for (const [a, z] of scene.labels.near) for (let k = Math.floor(a / size); k < Math.min(frames, Math.ceil(z / size)); k++) cover[k] = 1;
  const label = new Uint8Array(frames);
  for (const [a, z] of scene.labels.echo) for (let k = Math.floor(a / size); k < Math.min(frames, Math.ceil(z / size)); k++) label[k] = 1;
  const echoOnly = (/** @type {number} */ k) =>
    (label[k] || energy(scene.echo, k) > energy(scene.noise, k)) && !(cover[k] || energy(scene.near, k) > energy(scene.noise, k));
  const start = Math.floor(scene.events.echoStart / size);
  const v = f.convergence.cold;
  console.log(
    `${scene.name}: echo at ${(scene.events.echoStart / scene.sampleRate).toFixed(2)} s, user at ${((scene.events.coldStartUser ?? 0) / scene.sampleRate).toFixed(2)} s, placed at ${placedAt < 0 ? 'never' : ((placedAt * B) / scene.sampleRate).toFixed(2)} s; conv ${f.convergence.coldStartMs ?? 'never'} ms, judged ${v?.judged} (best ${v?.bestEchoOverNoiseDb.toFixed(1)} dB) ${v?.ms ?? 'never'} ms ${v?.met === null ? 'not judged' : v?.met ? 'met' : 'missed'}`,
  );
  for (let w = start; w < start + Number(o.to) * 100; w += 10) {
    let E = 0;
    let N = 0;
    let O = 0;
    let L = 0;
    let n = 0;
    for (let k = w; k < w + 10; k++) {
      if (!echoOnly(k)) continue;
      n++;
      E += energy(scene.echo, k);
      N += energy(scene.noise, k);
      O += energy(out, k);
      L += energy(e, k);
    }
    console.log(
      `  ${(w - start) * 10}-${(w - start + 10) * 10} ms: ${n} echo-only${n ? `, echo over noise ${db(E / N).toFixed(1)} dB, output ${db(E / O).toFixed(1)} dB, linear ${db(E / L).toFixed(1)} dB` : ''}`,
    );
  }
}
