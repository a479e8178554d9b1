// Two builds of the echo canceller on the quality test's scenes (test/quality/echo-canceller.test.ts:
// the 16 kHz grid, the 24 kHz session group, the 48 kHz device group), scene by scene: the figures
// the issue-13 bounds judge and each build's shortfalls, marked LOST where build A met every bound
// and B does not (WON the other way); then how many scenes each meets. Quality only, no timing: the
// A/B check of an output-changing step before the whole test confirms it (~3 min for the 90 scenes
// on a loaded 2-core machine, the test itself several).
//
//   npm run build && node bench/aec-ab.mjs <dist dir of build A> [dist dir of build B, default ./dist]
//   AEC_AB_SCENES='kiosk 16k call' (a regexp over scene names; default all), AEC_AB_48K=0 (skip the 48 kHz group)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const [dirA, dirB = join(ROOT, 'dist')] = process.argv.slice(2);
if (dirA === undefined) {
  console.error('usage: node bench/aec-ab.mjs <dist dir A> [dist dir B]');
  process.exit(2);
}
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-aec-ab-'));
/** @type {typeof import('../test/helpers/echo-scenes.js') & typeof import('../test/helpers/echo-metrics.js') & typeof import('../test/helpers/echo-grid.js')} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid'], tmp);
rmSync(tmp, { recursive: true, force: true });

/** @param {string} dir */
const load = async (dir) => /** @type {any} */ (await import(pathToFileURL(path.resolve(dir, 'index.js')).href));
const [A, B] = await Promise.all([load(dirA), load(dirB)]);

/** The lab's driving of a canceller (test/helpers/echo-cancellers.ts) over `lib`'s EchoCanceller. @param {any} lib @param {string} name @returns {import('../test/helpers/echo-metrics.js').CancellerFactory} */
const factory = (lib, name) => (sampleRate) => {
  const aec = new lib.EchoCanceller({ sampleRate });
  return {
    name,
    sampleRate,
    latencySamples: aec.latencySamples,
    blockSamples: sampleRate / 100,
    process(reference, mic, output) {
      aec.pushReference(reference);
      aec.processInto(mic, output);
    },
    free() {
      aec.free();
    },
  };
};

/** @param {import('../test/helpers/echo-metrics.js').EchoFigures} f */
const figures = (f) =>
  [
    `single talk ${f.singleTalk.frames >= 50 ? `${f.singleTalk.reductionDb.toFixed(1)} dB` : '-'}, leaks ${(100 * f.singleTalk.leakShare).toFixed(1)}%`,
    `double talk ${(100 * f.doubleTalk.cleanShare).toFixed(1)}%, opening ${f.doubleTalk.openingMedianMs} ms, never ${f.doubleTalk.neverPassed}`,
    `converged ${f.convergence.coldStartMs ?? '-'} / ${f.convergence.pathChangeMs ?? '-'} ms`,
    `cold start ${f.coldStart ? `${(100 * f.coldStart.share).toFixed(1)}%` : '-'}`,
    `user segSNR ${f.userSegSnrDb?.toFixed(1) ?? '-'} dB`,
  ].join(' | ');

const only = new RegExp(process.env.AEC_AB_SCENES ?? '.');
const groups = [...lab.echoGrid('test', 16000), lab.sessionRateGroup(24000), ...(process.env.AEC_AB_48K === '0' ? [] : [lab.deviceRateGroup(48000)])];
let metA = 0;
let metB = 0;
for (const group of groups) {
  for (const params of group.scenes) {
    const scene = lab.buildScene(params);
    if (!only.test(scene.name)) continue;
    const fa = lab.evaluate(factory(A, 'A'), scene);
    const fb = lab.evaluate(factory(B, 'B'), scene);
    const failsA = lab.issue13Failures(fa);
    const failsB = lab.issue13Failures(fb);
    if (failsA.length === 0) metA++;
    if (failsB.length === 0) metB++;
    let mark = '';
    if (failsA.length === 0 && failsB.length > 0) mark = ' LOST';
    else if (failsA.length > 0 && failsB.length === 0) mark = ' WON';
    console.log(`${scene.name}${mark}\n  A ${figures(fa)}  ${failsA.join('; ')}\n  B ${figures(fb)}  ${failsB.join('; ')}`);
  }
}
console.log(`every issue-13 bound met: A ${metA}, B ${metB} scenes`);
