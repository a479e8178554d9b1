// One or more calls of the drift test (test/quality/echo-drift.test.ts) for one or two builds of the
// EchoCanceller side by side, without running the whole test: per 30 s window the lab's figures
// (single talk dB, leaks, double talk clean) and the path changes, and optionally a trace (every
// 100 ms by default) of a stretch (the canceller's ERLE, the echo and the output's power, its delay, skew and
// path changes). Quality only (no timing).
//
//   npm run build && node bench/echo-drift-probe.mjs [dist dir A] [dist dir B]
//   ECHO_DRIFT_CALLS='laptop:-100:180,laptop:100:180:90' (room:ppm:seconds[:jumpAtS], a 40 ms jump;
//     16 kHz unless ':24k' is appended; the drift test's other parameters)
//   ECHO_DRIFT_TRACE=117:121 (s: the trace's stretch), ECHO_DRIFT_TRACE_BLOCKS=10 (10 ms blocks per line)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push(join(ROOT, 'dist'));
const calls = (process.env.ECHO_DRIFT_CALLS ?? 'laptop:-100:60').split(',');
const trace = process.env.ECHO_DRIFT_TRACE?.split(':').map(Number);
const traceEvery = Number(process.env.ECHO_DRIFT_TRACE_BLOCKS ?? 10);

const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-drift-probe-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-drift', 'echo-metrics'], tmp);
rmSync(tmp, { recursive: true, force: true });

const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-20)).toFixed(1);
const pct = (/** @type {number} */ x) => `${(100 * x).toFixed(1)}%`;

for (const spec of calls) {
  const [room, ppm, seconds, fourth, fifth] = spec.split(':');
  const jumpAt = fourth && fourth !== '24k' ? Number(fourth) : undefined;
  const sampleRate = fourth === '24k' || fifth === '24k' ? 24000 : 16000;
  const params = {
    sampleRate,
    delayMs: 60,
    erlDb: 18,
    seed: 3,
    room,
    driftPpm: Number(ppm),
    seconds: Number(seconds),
    ...(jumpAt ? { jump: { ms: 40, atS: jumpAt } } : {}),
  };
  const scene = lab.buildDriftScene(params);
  for (const dir of dirs) {
    const { EchoCanceller } = await import(pathToFileURL(path.resolve(dir, 'index.js')).href);
    const aec = new EchoCanceller({ sampleRate });
    const block = sampleRate / 100;
    /** @type {string[]} */
    const lines = [];
    let blocks = 0;
    let echoPow = 0;
    let outPow = 0;
    let powSamples = 0;
    /** @type {number[]} */
    const changesAt = [];
    let changes = 0;
    const c = {
      name: 'EchoCanceller',
      sampleRate,
      latencySamples: aec.latencySamples,
      blockSamples: block,
      /** @param {Float32Array} reference @param {Float32Array} mic @param {Float32Array} output */
      process(reference, mic, output) {
        aec.pushReference(reference);
        aec.processInto(mic, output);
        const t = blocks * block;
        blocks++;
        if (aec.pathChanges !== changes) {
          changes = aec.pathChanges;
          changesAt.push(blocks / 100);
        }
        if (trace && blocks / 100 > trace[0] && blocks / 100 <= trace[1]) {
          powSamples += block;
          for (let i = 0; i < block; i++) {
            echoPow += scene.echo[t + i] ** 2;
            outPow += output[i] ** 2;
          }
          if (blocks % traceEvery === 0) {
            lines.push(
              `${(blocks / 100).toFixed(1)} erle ${aec.erleDb.toFixed(1)} echo ${db(echoPow / powSamples)} out ${db(outPow / powSamples)} delay ${aec.delayMs.toFixed(1)} skew ${aec.clockSkewPpm.toFixed(1)} changes ${aec.pathChanges}`,
            );
            echoPow = outPow = powSamples = 0;
          }
        }
      },
    };
    const output = lab.runCanceller(c, scene);
    aec.free();
    const windows = [];
    for (let from = 0; from + 30 <= params.seconds; from += 30) {
      const w = lab.sceneWindow(scene, output, from, from + 30);
      const f = lab.measureEcho(w.scene, w.output, 'EchoCanceller');
      windows.push(`${from}-${from + 30}: ${f.singleTalk.reductionDb.toFixed(1)} dB ${pct(f.singleTalk.leakShare)} dt ${pct(f.doubleTalk.cleanShare)}`);
    }
    if (jumpAt) {
      const w = lab.sceneWindow(scene, output, jumpAt + 2, params.seconds);
      const f = lab.measureEcho(w.scene, w.output, 'EchoCanceller');
      windows.push(`after the jump: ${f.singleTalk.reductionDb.toFixed(1)} dB ${pct(f.singleTalk.leakShare)} dt ${pct(f.doubleTalk.cleanShare)}`);
    }
    console.log(`${lab.driftSceneName(params)} [${dir}] path changes at ${changesAt.map((s) => s.toFixed(2)).join(' ') || '-'}\n  ${windows.join('\n  ')}`);
    if (lines.length) console.log(lines.join('\n'));
  }
}
