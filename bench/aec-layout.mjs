// The interleaved re/im layout for the canceller's two hottest loops, measured before building it:
// assembly/bench-layout.ts holds the filters' pass and the Kalman update of assembly/aec-step.ts as
// their K = 260 copies run them (24 kHz: 26 partitions of 260 bins, every offset an immediate), in
// the split layout (re[K] then im[K]) and interleaved per 4 bins (re[4] im[4] ...); compiled with
// the release options into a temp dir and timed in one process, the layouts interleaved round by
// round (CPU time, median of the per-round ratios).
//   node bench/aec-layout.mjs            LAYOUT_ROUNDS=21 (default), LAYOUT_CALLS=2000 per round
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const ROUNDS = Number(process.env.LAYOUT_ROUNDS ?? 21);
const CALLS = Number(process.env.LAYOUT_CALLS ?? 2000);

const dir = mkdtempSync(join(os.tmpdir(), 'rtpcm-layout-'));
const wasmFile = join(dir, 'layout.wasm');
const asc = join(ROOT, 'node_modules/assemblyscript/bin/asc.js');
execFileSync(process.execPath, [asc, 'assembly/bench-layout.ts', '-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert', '--outFile', wasmFile], {
  cwd: ROOT,
  stdio: 'inherit',
});
const bytes = readFileSync(wasmFile);
rmSync(dir, { recursive: true, force: true });
const { instance } = await WebAssembly.instantiate(bytes, {
  env: {
    abort: () => {
      throw new Error('abort');
    },
  },
});
/** @type {any} */
const e = instance.exports;

const K = 260;
const M = 26;
const SPEC = 2 * K * 4;
/** @param {number} n bytes, 16-byte aligned */
const a = (n) => (e.alloc(n + 16) + 15) & ~15;
const x = a(M * SPEC);
const wb = a(M * SPEC);
const wf = a(M * SPEC);
const p = a(M * K * 4);
const q = a(M * 4);
const yb = a(SPEC);
const yf = a(SPEC);
const out = a(K * 4);
const xw = a(K * 4);
const xf = a(K * 4);
const gRe = a(K * 4);
const gIm = a(K * 4);
const invT = a(K * 4);
const sc = a(K * 4);
const f32 = new Float32Array(e.memory.buffer);
let seed = 1;
const rnd = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296 - 0.5;
};
/** @param {number} ptr @param {number} n @param {() => number} f */
const fill = (ptr, n, f) => {
  for (let i = 0; i < n; i++) f32[(ptr >> 2) + i] = f();
};
fill(x, M * 2 * K, rnd);
fill(wb, M * 2 * K, () => 1e-3 * rnd());
fill(wf, M * 2 * K, () => 1e-3 * rnd());
fill(p, M * K, () => 1e-4);
fill(q, M, () => 1 / M);
fill(gRe, K, () => 1e-6 * rnd());
fill(gIm, K, () => 1e-6 * rnd());
fill(invT, K, () => 1);
fill(sc, K, () => 1);

/** @type {Record<string, () => void>} */
const cases = {
  'pass, split': () => {
    for (let i = 0; i < CALLS; i++) e.passSplit(wb, wf, yb, yf, x, p, M, q, out, xw, xf);
  },
  'pass, interleaved': () => {
    for (let i = 0; i < CALLS; i++) e.passInter(wb, wf, yb, yf, x, p, M, q, out, xw, xf);
  },
  'update, split': () => {
    for (let i = 0; i < CALLS; i++) e.updateSplit(wb, x, p, M, gRe, gIm, invT, sc);
  },
  'update, interleaved': () => {
    for (let i = 0; i < CALLS; i++) e.updateInter(wb, x, p, M, gRe, gIm, invT, sc);
  },
};
const names = Object.keys(cases);
/** @type {Record<string, number[]>} */
const times = {};
for (const name of names) {
  cases[name]?.(); // warm-up
  times[name] = [];
}
for (let r = 0; r < ROUNDS; r++) {
  for (const name of r & 1 ? [...names].reverse() : names) {
    const before = process.cpuUsage();
    cases[name]?.();
    const used = process.cpuUsage(before);
    times[name]?.push(used.user + used.system);
  }
}
/** @param {number[]} v */
const median = (v) => [...v].sort((s, t) => s - t)[v.length >> 1] ?? Number.NaN;
for (const name of names) console.log(`${name}: ${(median(times[name] ?? []) / CALLS).toFixed(2)} us per call (median of ${ROUNDS})`);
/** @param {string} A @param {string} B */
const ratio = (A, B) => median((times[A] ?? []).map((t, i) => (times[B]?.[i] ?? Number.NaN) / t));
console.log(
  `interleaved / split time: the pass ${ratio('pass, split', 'pass, interleaved').toFixed(3)}, the update ${ratio('update, split', 'update, interleaved').toFixed(3)}`,
);
