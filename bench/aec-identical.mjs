// Two builds of the echo canceller on the same 16 lab scenes (8 at 16 kHz, 8 at 24 kHz: calls, a
// cold start, two path changes, the clipping speaker, a held-out room; and two of the calls with
// the reference silent for 3.5 s, longer than the filter's window) and two 48 kHz capture
// pipelines (mic and reference through the resamplers, the canceller, VAD, PCM16, base64): FNV-1a
// hashes of every output, and whether build B's equal build A's bit for bit; then the speed of the
// canceller alone in each, interleaved scene by scene over ROUNDS rounds (median of the per-round
// ratios B / A of the CPU time spent: below 1, B is faster). The check a speed change must pass before
// it counts as "same output"; exits 1 when any hash differs.
//
//   npm run build && node bench/aec-identical.mjs <dist dir of build A> [dist dir of build B, default ./dist]
//   AEC_ROUNDS=7 (default 5), AEC_SPEED=0 (hashes only)
// (build A e.g. a copy of dist/ saved before the change: `cp -r dist /tmp/base-dist`).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const [dirA, dirB = join(ROOT, 'dist')] = process.argv.slice(2);
if (dirA === undefined) {
  console.error('usage: node bench/aec-identical.mjs <dist dir A> [dist dir B]');
  process.exit(2);
}
const ROUNDS = Number(process.env.AEC_ROUNDS ?? 5);

// the lab's scene builder is TypeScript (test/helpers): bundled for Node as the echo benches do
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-aec-identical-'));
/** @type {typeof import('../test/helpers/echo-scenes.js')} */
const lab = await importLabHelpers(['echo-scenes'], tmp);
rmSync(tmp, { recursive: true, force: true });

/** @param {string} dir */
const load = async (dir) => /** @type {any} */ (await import(pathToFileURL(path.resolve(dir, 'index.js')).href));
const [A, B] = await Promise.all([load(dirA), load(dirB)]);

/** FNV-1a (32 bits) over the bytes of a typed array or a string's UTF-16 code units. @param {ArrayBufferView | string} x */
function fnv(x) {
  let h = 2166136261;
  if (typeof x === 'string') {
    for (let i = 0; i < x.length; i++) h = Math.imul(h ^ x.charCodeAt(i), 16777619);
  } else {
    const bytes = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** @param {number} sampleRate @returns {import('../test/helpers/echo-scenes.js').SceneParams[]} */
const scenesAt = (sampleRate) => [
  { room: 'laptop', sampleRate, delayMs: 0, erlDb: 6, script: 'call', seed: 11 },
  { room: 'desk', sampleRate, delayMs: 120, erlDb: 18, script: 'call', seed: 12 },
  { room: 'kiosk', sampleRate, delayMs: 250, erlDb: 30, script: 'call', seed: 13 },
  { room: 'desk', sampleRate, delayMs: 60, erlDb: 6, script: 'cold-start', noiseDb: -60, seed: 14 },
  { room: 'laptop', sampleRate, delayMs: 120, erlDb: 12, script: 'single-talk', pathChange: { atS: 8, move: true, shiftMs: 0 }, seed: 15 },
  { room: 'kiosk', sampleRate, delayMs: 120, erlDb: 12, script: 'single-talk', pathChange: { atS: 8, move: false, shiftMs: 40 }, seed: 16 },
  { room: 'laptop', sampleRate, delayMs: 120, erlDb: 6, script: 'call', nonlinear: true, seed: 17 },
  { room: 'car', sampleRate, delayMs: 250, erlDb: 6, script: 'call', assistant: 'assistant-heldout', users: lab.USERS_HELD_OUT, seed: 18 },
];
/** A scene whose reference is silent (exact zeros) from 3 to 6.5 s, longer than the filter's window: its quiet path. @param {import('../test/helpers/echo-scenes.js').EchoScene} scene */
function withPause(scene) {
  const reference = scene.reference.slice();
  reference.fill(0, 3 * scene.sampleRate, 6.5 * scene.sampleRate);
  return { ...scene, name: `${scene.name}, reference silent 3-6.5 s`, reference };
}
const scenes = [...scenesAt(16000), ...scenesAt(24000)].map((p) => lab.buildScene(p));
scenes.push(withPause(scenes[1]), withPause(scenes[9]));

/**
 * The canceller of `lib` on a scene in 10 ms callbacks: output and the CPU milliseconds the scene
 * took (process.cpuUsage: wall time on this shared machine also counts the moments other jobs hold
 * the core: at load 6-8 this build against itself read 1.002 and 0.996, 9 rounds; wall-time
 * comparisons of one build against itself had read 0.95-1.05 at that load).
 * @param {any} lib @param {import('../test/helpers/echo-scenes.js').EchoScene} scene
 */
function cancel(lib, scene) {
  const aec = new lib.EchoCanceller({ sampleRate: scene.sampleRate });
  const block = scene.sampleRate / 100;
  const out = new Float32Array(Math.floor(scene.mic.length / block) * block);
  const before = process.cpuUsage();
  for (let at = 0; at + block <= scene.mic.length; at += block) {
    aec.pushReference(scene.reference.subarray(at, at + block));
    aec.processInto(scene.mic.subarray(at, at + block), out.subarray(at, at + block));
  }
  const used = process.cpuUsage(before);
  aec.free();
  return { out, spent: (used.user + used.system) / 1000 };
}

/** The 48 kHz capture pipeline with the canceller, in 128-frame quanta: its events, hashed. @param {any} lib @param {import('../test/helpers/echo-scenes.js').EchoScene} scene */
function pipeline(lib, scene) {
  const capture = new lib.CapturePipeline({ inputRate: 48000, chunkMs: 20, vad: true, echoCancellation: true });
  const parts = [];
  for (let at = 0; at < scene.mic.length; at += 128) {
    capture.pushReference(scene.reference.subarray(at, at + 128));
    for (const e of capture.push(scene.mic.subarray(at, at + 128))) parts.push(e.type === 'audio' ? e.base64 : JSON.stringify(e));
  }
  for (const e of capture.flush()) parts.push(e.type === 'audio' ? e.base64 : JSON.stringify(e));
  capture.free();
  return parts.join('|');
}
const pipelineScenes = [
  lab.buildScene({ room: 'kiosk', sampleRate: 48000, delayMs: 120, erlDb: 18, script: 'call', seed: 21 }),
  lab.buildScene({ room: 'laptop', sampleRate: 48000, delayMs: 60, erlDb: 30, script: 'cold-start', noiseDb: -60, seed: 22 }),
];

let differ = 0;
console.log('| scene | A | B | same |\n| --- | --- | --- | --- |');
for (const scene of scenes) {
  const a = fnv(cancel(A, scene).out);
  const b = fnv(cancel(B, scene).out);
  if (a !== b) differ++;
  console.log(`| ${scene.sampleRate / 1000} kHz ${scene.name} | ${a} | ${b} | ${a === b ? 'yes' : 'NO'} |`);
}
for (const scene of pipelineScenes) {
  const a = fnv(pipeline(A, scene));
  const b = fnv(pipeline(B, scene));
  if (a !== b) differ++;
  console.log(`| capture pipeline 48 kHz ${scene.name} | ${a} | ${b} | ${a === b ? 'yes' : 'NO'} |`);
}
console.log(differ === 0 ? 'all outputs bit-identical' : `${differ} outputs differ`);

if (process.env.AEC_SPEED !== '0') {
  /** @param {number[]} xs */
  const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
  for (const rate of [16000, 24000]) {
    const mine = scenes.filter((s) => s.sampleRate === rate);
    const ratios = [];
    let audio = 0;
    let spentA = 0;
    let spentB = 0;
    for (let r = 0; r < ROUNDS; r++) {
      let ta = 0;
      let tb = 0;
      for (const scene of mine) {
        ta += cancel(A, scene).spent;
        tb += cancel(B, scene).spent;
        audio += scene.mic.length / rate;
      }
      ratios.push(tb / ta);
      spentA += ta;
      spentB += tb;
    }
    console.log(
      `${rate / 1000} kHz canceller: A ${((1000 * audio) / ROUNDS / (spentA / ROUNDS)).toFixed(0)}x realtime, B ${((1000 * audio) / ROUNDS / (spentB / ROUNDS)).toFixed(0)}x; B / A time ${median(ratios).toFixed(3)} (median of ${ROUNDS}; B ${(1 / median(ratios)).toFixed(2)}x as fast)`,
    );
  }
}
process.exitCode = differ === 0 ? 0 : 1;
