// Where the echo canceller's block time goes, measured in CPU time (process.cpuUsage around each
// whole scene: on this shared 2-core machine wall time counts the moments other jobs hold the core,
// CPU time does not; interleaved configurations, median of the per-round ratios to the full build).
// Three measurements on two lab scenes per rate (desk 120 ms single talk, kiosk 250 ms call):
// - the tail: the canceller with a 250 ms filter against one of 80 ms (tailMs; the partitions past
//   the first ~100 ms, what a non-uniform partitioned filter would make cheaper);
// - each part of a block, by running it twice (its cost: time doubled / time - 1; the Kalman update
//   on a copy of the weights, the others into scratch, the delay statistics on the odd blocks too);
//   the suppressor by switching it off;
// - a non-uniform tail emulated: the 80 ms filter plus, every LONG blocks, the tail's pass and
//   update over the same coefficient count (a long partition of LONG x B taps has LONG x as many
//   bins and runs once per LONG blocks) and FFTS transforms of 2 x LONG x B (the reference's long
//   frame, the two filters' tail estimates, the error over the long block, a tail constraint's
//   two): the speed such a filter could reach before any of its own glue.
// The split and the emulation use the bench hooks (assembly/bench-hooks.ts): the library is built
// with them into a temp dir first (bench/echo-lab/hooked-build.mjs, from the sources as they are).
//   node bench/aec-cost-split.mjs
//   AEC_ROUNDS=7 (default), AEC_LONG=4 (long partition, blocks), AEC_FFTS=4,6 (long transforms per long block)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const ROUNDS = Number(process.env.AEC_ROUNDS ?? 7);
const LONG = Number(process.env.AEC_LONG ?? 4);
const FFTS = (process.env.AEC_FFTS ?? '4,6').split(',').map(Number);
const HEAD_MS = 80;

const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-aec-split-'));
/** @type {typeof import('../test/helpers/echo-scenes.js')} */
const lab = await importLabHelpers(['echo-scenes'], tmp);
rmSync(tmp, { recursive: true, force: true });
const lib = await importHooked();

/** @typedef {{ name: string, tailMs?: number, sup?: boolean, dbl?: number, emuTail?: number, ffts?: number }} Config */

/** CPU microseconds the canceller takes on a scene in 10 ms callbacks. @param {import('../test/helpers/echo-scenes.js').EchoScene} scene @param {Config} c */
function cancel(scene, c) {
  const aec = new lib.EchoCanceller({ sampleRate: scene.sampleRate, tailMs: c.tailMs ?? 250, residualSuppression: c.sup !== false });
  const k = aec.k; // the kernel's exports, with the bench hooks
  k.aec_double(c.dbl ?? 0);
  k.aec_emulate(c.emuTail ?? 0, LONG, c.ffts ?? 0);
  const block = scene.sampleRate / 100;
  const out = new Float32Array(block);
  const before = process.cpuUsage();
  for (let at = 0; at + block <= scene.mic.length; at += block) {
    aec.pushReference(scene.reference.subarray(at, at + block));
    aec.processInto(scene.mic.subarray(at, at + block), out);
  }
  const used = process.cpuUsage(before);
  k.aec_double(0);
  k.aec_emulate(0, LONG, 0);
  aec.free();
  return used.user + used.system;
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];

for (const rate of [16000, 24000]) {
  const blockMs = (rate === 16000 ? 128 : 256) / (rate / 1000);
  const full = Math.ceil(250 / blockMs) + 2;
  const head = Math.ceil(HEAD_MS / blockMs) + 2;
  const tail = Math.ceil((full - head) / LONG) * LONG;
  /** @type {Config[]} */
  const configs = [
    { name: 'full (250 ms)' },
    { name: `tail removed (${HEAD_MS} ms: ${head} of ${full} partitions)`, tailMs: HEAD_MS },
    { name: 'constraint (2 partitions: 4 FFTs)', dbl: 1 },
    { name: 'Kalman update', dbl: 2 },
    { name: "the filters' pass and sums", dbl: 4 },
    { name: 'the two echo IFFTs', dbl: 8 },
    { name: 'the error FFT', dbl: 32 },
    { name: 'delay statistics', dbl: 16 },
    { name: 'suppressor (switched off)', sup: false },
    ...FFTS.map((ffts) => ({
      name: `non-uniform emulated: ${tail / LONG} tail partitions of ${LONG}B, ${ffts} long FFTs`,
      tailMs: HEAD_MS,
      emuTail: tail,
      ffts,
    })),
  ];
  const scenes = [
    lab.buildScene({ room: 'desk', sampleRate: rate, delayMs: 120, erlDb: 18, script: 'single-talk', seed: 12 }),
    lab.buildScene({ room: 'kiosk', sampleRate: rate, delayMs: 250, erlDb: 6, script: 'call', seed: 13 }),
  ];
  /** @type {number[][]} */
  const ratios = configs.map(() => []);
  let audioS = 0;
  let fullUs = 0;
  // a warm-up round, not counted: the first configuration timed ran before V8 had optimised the
  // wasm's functions (Liftoff first, TurboFan later) and read slower than the rest
  for (const c of configs) for (const scene of scenes) cancel(scene, c);
  for (let r = 0; r < ROUNDS; r++) {
    const spent = configs.map((c) => scenes.reduce((sum, scene) => sum + cancel(scene, c), 0));
    spent.forEach((t, i) => {
      ratios[i]?.push(t / spent[0]);
    });
    fullUs += spent[0];
    audioS += scenes.reduce((sum, scene) => sum + scene.mic.length / rate, 0);
  }
  console.log(`\n${rate / 1000} kHz: the full canceller ${((1e6 * audioS) / fullUs).toFixed(0)}x realtime in CPU time (${ROUNDS} rounds)`);
  console.log('| configuration | time / full | share of the full canceller |\n| --- | ---: | ---: |');
  configs.forEach((c, i) => {
    const ratio = median(ratios[i] ?? []);
    let share = '';
    if (c.dbl !== undefined) share = `${((ratio - 1) * 100).toFixed(1)}%`;
    else if (c.sup === false || (c.tailMs !== undefined && c.emuTail === undefined)) share = `${((1 - ratio) * 100).toFixed(1)}%`;
    else if (c.emuTail !== undefined) share = `${(1 / ratio).toFixed(2)}x as fast`;
    console.log(`| ${c.name} | ${ratio.toFixed(3)} | ${share} |`);
  });
}
