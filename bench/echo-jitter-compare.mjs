// The jitter study's calls (test/quality/echo-jitter.test.ts with ECHO_JITTER_ALL=1: the kernel at
// 16 / 24 kHz in the three rooms, calls at 6 and 18 dB and 18 dB cold starts, three seeds, steady and
// mobile; the Node path at 6 dB, seed 1) with two or more builds side by side, one line per call and
// build, LOST / WON as bench/echo-lab.mjs scenes marks them (aec-jitnode). Quality only (no timing).
//   node bench/echo-jitter-compare.mjs /tmp/base-dist dist [--only REGEXP] [--moved]
//     --only: over the calls' names (e.g. 'desk.*seed 1'); --moved: only the calls whose figures moved
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { adaptCanceller } from './echo-lab/common.mjs';

const { values: o, positionals: dirs } = parseArgs({
  allowPositionals: true,
  options: { only: { type: 'string', default: '.' }, moved: { type: 'boolean', default: false } },
});
if (dirs.length === 0) throw new Error('usage: node bench/echo-jitter-compare.mjs <dist> [dist...] [--only REGEXP] [--moved]');
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-jitcmp-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-jitter', 'echo-pipeline', 'echo-metrics'], tmp);
rmSync(tmp, { recursive: true, force: true });
const libs = await Promise.all(dirs.map((d) => import(pathToFileURL(path.resolve(d, 'index.js')).href)));

const ROOMS = ['laptop', 'desk', 'kiosk'];
/** @type {{ params: any, pipeline: boolean }[]} */
const calls = [];
for (const seed of [1, 2, 3])
  for (const sampleRate of [16000, 24000])
    for (const room of ROOMS)
      for (const p of [
        { delayMs: 120, erlDb: 6, script: 'call' },
        { delayMs: 120, erlDb: 18, script: 'call' },
        { delayMs: 60, erlDb: 18, script: 'cold-start' },
      ])
        for (const network of ['steady', 'mobile']) calls.push({ params: { room, sampleRate, ...p, network, seed }, pipeline: false });
for (const room of ROOMS)
  for (const network of ['steady', 'mobile'])
    calls.push({ params: { room, sampleRate: 48000, delayMs: 120, erlDb: 6, script: 'call', network, tap: true, seed: 1 }, pipeline: true });

/** @param {any} f @param {number} changes */
const line = (f, changes) =>
  `ST ${f.singleTalk.reductionDb.toFixed(1)} dB leaks ${(100 * f.singleTalk.leakShare).toFixed(1)}% | DT ${(100 * f.doubleTalk.cleanShare).toFixed(1)}% open med ${f.doubleTalk.openingMedianMs} never ${f.doubleTalk.neverPassed}${changes >= 0 ? ` | ${changes} path changes` : ''}`;
const only = new RegExp(o.only);
for (const { params, pipeline } of calls) {
  const name = `${params.room} ${params.sampleRate / 1000}k ${params.script} ${params.delayMs}ms ${params.erlDb}dB ${params.network}${pipeline ? ' tap (Node path)' : ''} seed ${params.seed}`;
  if (!only.test(name)) continue;
  const scene = lab.buildJitterScene(params);
  /** @type {{ f: any, text: string }[]} */
  const rows = [];
  for (const lib of libs) {
    if (pipeline) {
      const view = lab.sessionView(scene, 24000);
      const c = new lib.EchoCanceller({ sampleRate: 24000 });
      const p = new lib.CapturePipeline({ inputRate: 48000, outputRate: 24000, echoCancellation: c, referenceRate: 24000 });
      const events = [];
      const Q = 128;
      const silence = new Float32Array(Q);
      for (let at = 0; at < scene.mic.length + Q; at += Q) {
        const end = Math.min(scene.mic.length, at + Q);
        const tail = at >= scene.mic.length;
        const r0 = Math.round(at / 2);
        p.pushReference(tail ? silence.subarray(0, Math.round((at + Q) / 2) - r0) : scene.session.subarray(r0, Math.round(end / 2)));
        for (const e of p.push(tail ? silence : scene.mic.subarray(at, end))) events.push(e);
      }
      for (const e of p.flush()) events.push(e);
      p.free();
      const changes = c.pathChanges;
      c.free();
      const d = lab.delayFrames(48000, 24000, true);
      const out = lab.audioOf(events).slice(d, d + view.mic.length);
      const f = lab.measureEcho(view, out, 'pipeline');
      rows.push({ f, text: line(f, changes) });
    } else {
      const c = new lib.EchoCanceller({ sampleRate: scene.sampleRate });
      const out = lab.runCanceller(adaptCanceller(c, 'kernel', false), scene);
      const changes = c.pathChanges;
      c.free();
      const f = lab.measureEcho(scene, out, 'kernel');
      rows.push({ f, text: line(f, changes) });
    }
  }
  const moved = rows.some((r) => r.text !== rows[0].text);
  if (o.moved && !moved) continue;
  rows.forEach((r, i) => {
    const b = rows[0].f;
    const worse =
      i > 0 &&
      (r.f.singleTalk.reductionDb < b.singleTalk.reductionDb - 1 ||
        r.f.singleTalk.leakShare > b.singleTalk.leakShare + 0.002 ||
        r.f.doubleTalk.cleanShare < b.doubleTalk.cleanShare - 0.01);
    const better =
      i > 0 &&
      (r.f.singleTalk.reductionDb > b.singleTalk.reductionDb + 1 ||
        r.f.singleTalk.leakShare < b.singleTalk.leakShare - 0.002 ||
        r.f.doubleTalk.cleanShare > b.doubleTalk.cleanShare + 0.01);
    console.log(`[${i}] ${name}: ${r.text}${worse && better ? ' MIXED' : worse ? ' LOST' : better ? ' WON' : ''}`);
  });
}
