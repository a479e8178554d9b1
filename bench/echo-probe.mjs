// The echo lab's figures (test/quality/echo-canceller.test.ts) on chosen scenes, for one or two
// builds of the EchoCanceller side by side: to iterate on a few scenes without running the whole lab.
// Scenes: the lab's (16 kHz grid, 24 kHz session-rate group, 48 kHz device-rate group) and the
// outside rooms' (16 kHz), picked by a regexp on their names; each line gives single talk (dB,
// leaks), double talk (share clean, dirty frames), openings, convergence and the cold start's share,
// and the issue-13 shortfalls. With ECHO_PROBE_SHIFTS, the same scenes with that many samples of
// silence in front of both streams (the lab's block-alignment set). Quality only (no timing).
//
//   npm run build && node bench/echo-probe.mjs [dist dir A] [dist dir B]      (default ./dist)
//   ECHO_PROBE_SCENES='laptop 16k call 120ms 6dB' (a regexp; default ' 6dB$')
//   ECHO_PROBE_SHIFTS=13,31,64 (also shifted copies; '0' in the list keeps the unshifted one)
//   ECHO_PROBE_DIRTY=1 (the times of each scene's dirty double-talk frames, s)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push(join(ROOT, 'dist'));
const only = new RegExp(process.env.ECHO_PROBE_SCENES ?? ' 6dB$');
const shifts = (process.env.ECHO_PROBE_SHIFTS ?? '0').split(',').map(Number);
const showDirty = process.env.ECHO_PROBE_DIRTY === '1';

const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-probe-'));
/**
 * @typedef {typeof import('../test/helpers/echo-scenes.js') & typeof import('../test/helpers/echo-metrics.js')
 *   & typeof import('../test/helpers/echo-grid.js')} Lab
 */
/** @type {Lab} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid'], tmp);
rmSync(tmp, { recursive: true, force: true });

/** The canceller of the build in `dir`, driven as the lab drives it (10 ms callbacks). @param {string} dir */
async function factoryOf(dir) {
  const { EchoCanceller } = /** @type {any} */ (await import(pathToFileURL(path.resolve(dir, 'index.js')).href));
  /** @type {import('../test/helpers/echo-metrics.js').CancellerFactory} */
  const factory = (sampleRate) => {
    const c = new EchoCanceller({ sampleRate });
    return {
      name: dir,
      sampleRate,
      latencySamples: c.latencySamples,
      blockSamples: sampleRate / 100,
      process(/** @type {Float32Array} */ reference, /** @type {Float32Array} */ mic, /** @type {Float32Array} */ output) {
        c.pushReference(reference);
        c.processInto(mic, output);
      },
      free() {
        c.free();
      },
    };
  };
  return factory;
}
const factories = await Promise.all(dirs.map(factoryOf));

/** The 10 ms frames the metric counts as dirty double talk (output minus the user not 10 dB under the user). */
function dirtyFrames(/** @type {any} */ scene, /** @type {Float32Array} */ out) {
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

const groups = [...lab.echoGrid('test', 16000), lab.sessionRateGroup(24000), lab.deviceRateGroup(48000), lab.outsideGroup(16000)];
const pct = (/** @type {number} */ x) => (100 * x).toFixed(1);
for (const params of groups.flatMap((g) => g.scenes)) {
  const name = lab.sceneName(params);
  if (!only.test(name)) continue;
  const scene = lab.buildScene(params);
  for (const shift of shifts) {
    for (const [i, factory] of factories.entries()) {
      const f = shift === 0 ? lab.evaluate(factory, scene) : lab.evaluateShifted(factory, scene, shift);
      const st = f.singleTalk;
      const dt = f.doubleTalk;
      const dirty = Math.round(dt.frames * (1 - dt.cleanShare));
      const cold = f.coldStart ? ` cold ${pct(f.coldStart.share)}%` : '';
      const conv = `conv ${f.convergence.coldStartMs ?? 'never'}${f.convergence.pathChanged ? `/${f.convergence.pathChangeMs ?? 'never'}` : ''} ms`;
      const fails = lab.issue13Failures(f);
      console.log(
        `${factories.length > 1 ? `[${i}] ` : ''}${f.scene}: ST ${st.reductionDb.toFixed(1)} dB (ceil ${st.ceilingDb.toFixed(1)}) leaks ${pct(st.leakShare)}% | DT ${pct(dt.cleanShare)}% (${dirty}/${dt.frames} dirty) open ${dt.openingsMs.join('/')} med ${dt.openingMedianMs} | ${conv}${cold} | segSNR ${f.userSegSnrDb?.toFixed(1)}${fails.length ? ` | FAILS ${fails.join('; ')}` : ''}`,
      );
      if (showDirty) {
        const c = factory(scene.sampleRate);
        const pad = (/** @type {Float32Array} */ x) => {
          const y = new Float32Array(x.length + shift);
          y.set(x, shift);
          return y;
        };
        const out = lab.runCanceller(c, { ...scene, mic: pad(scene.mic), reference: pad(scene.reference) }).slice(shift);
        c.free?.();
        console.log(`    dirty at ${dirtyFrames(scene, out).join(' ')}`);
      }
    }
  }
}
