// Two builds of the raw FFT kernels (assembly/fft.ts) interleaved in one process: forward, inverse
// and the two overlap-save halves of one length, each case timed as CALLS calls in CPU time, the
// builds alternating in order round by round; prints the largest difference of each output between
// the builds (0: bit-identical) and the median of the per-round ratios B / A (below 1, B is faster).
// The wasm files are the asc output (build/realtime-pcm.wasm after `npm run build`); save one before
// a change: `cp build/realtime-pcm.wasm /tmp/base.wasm`.
//   node bench/fft-ab.mjs <A.wasm> <B.wasm> [n, default 512] [rounds, default 15]
import { readFileSync } from 'node:fs';

const [fileA, fileB, nArg = '512', roundsArg = '15'] = process.argv.slice(2);
if (fileA === undefined || fileB === undefined) {
  console.error('usage: node bench/fft-ab.mjs <A.wasm> <B.wasm> [n] [rounds]');
  process.exit(2);
}
const n = Number(nArg);
const ROUNDS = Number(roundsArg);
const CALLS = 20000;

/**
 * @typedef {{ memory: WebAssembly.Memory, alloc(bytes: number): number, fft_table_bytes(n: number): number,
 *   fft_work_bytes(n: number): number, fft_init(t: number, n: number): void,
 *   fft_forward(t: number, x: number, re: number, im: number, work: number): void,
 *   fft_inverse(t: number, re: number, im: number, x: number, work: number): void,
 *   fft_forward_half(t: number, x: number, second: number, re: number, im: number, work: number): void,
 *   fft_inverse_half(t: number, re: number, im: number, x: number, work: number, second: number, out: number): void }} FftExports
 * @typedef {{ e: FftExports, table: number, work: number, x: number, y: number, re: number, im: number }} Kernel
 */

/** One instance with a table, a work area, a frame of random samples and a spectrum. @param {string} file @returns {Kernel} */
function instance(file) {
  const module = new WebAssembly.Module(readFileSync(file));
  const e = /** @type {FftExports} */ (
    /** @type {unknown} */ (
      new WebAssembly.Instance(module, {
        env: {
          abort() {
            throw new Error('abort');
          },
        },
      }).exports
    )
  );
  const bins = n / 2 + 8;
  const table = e.alloc(e.fft_table_bytes(n));
  const work = e.alloc(e.fft_work_bytes(n));
  const x = e.alloc(4 * n);
  const y = e.alloc(4 * n);
  const re = e.alloc(4 * bins);
  const im = e.alloc(4 * bins);
  e.fft_init(table, n);
  const f32 = new Float32Array(e.memory.buffer);
  let s = 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    f32[(x >> 2) + i] = s / 2 ** 32 - 0.5;
  }
  return { e, table, work, x, y, re, im };
}

const A = instance(fileA);
const B = instance(fileB);
/** @type {Record<string, (k: Kernel) => void>} */
const cases = {
  forward: (k) => k.e.fft_forward(k.table, k.x, k.re, k.im, k.work),
  inverse: (k) => k.e.fft_inverse(k.table, k.re, k.im, k.y, k.work),
  forwardHalf: (k) => k.e.fft_forward_half(k.table, k.x, 1, k.re, k.im, k.work),
  inverseHalf: (k) => k.e.fft_inverse_half(k.table, k.re, k.im, k.y, k.work, 1, k.y),
};

/** CPU microseconds of CALLS calls. @param {Kernel} k @param {(k: Kernel) => void} run */
function time(k, run) {
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) run(k);
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/** @param {number[]} xs */
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1] ?? Number.NaN;

// every case warmed in both builds before any is timed (V8 tiers wasm up in the background: a case
// timed right after its own warm-up read 2x slower once at load 30)
for (let w = 0; w < 5; w++) {
  for (const run of Object.values(cases)) {
    time(A, run);
    time(B, run);
  }
}
for (const [name, run] of Object.entries(cases)) {
  for (const k of [A, B]) {
    cases.forward?.(k);
    run(k);
  }
  const fa = new Float32Array(A.e.memory.buffer);
  const fb = new Float32Array(B.e.memory.buffer);
  let diff = 0;
  if (name.startsWith('forward')) {
    for (let i = 0; i <= n / 2; i++)
      diff = Math.max(diff, Math.abs(fa[(A.re >> 2) + i] - fb[(B.re >> 2) + i]), Math.abs(fa[(A.im >> 2) + i] - fb[(B.im >> 2) + i]));
  } else {
    for (let i = 0; i < (name === 'inverse' ? n : n / 2); i++) diff = Math.max(diff, Math.abs(fa[(A.y >> 2) + i] - fb[(B.y >> 2) + i]));
  }
  /** @type {number[]} */
  const ratios = [];
  /** @type {number[]} */
  const usA = [];
  /** @type {number[]} */
  const usB = [];
  for (let r = 0; r < ROUNDS; r++) {
    const first = r & 1 ? B : A;
    const second = r & 1 ? A : B;
    const t1 = time(first, run);
    const t2 = time(second, run);
    const [ta, tb] = r & 1 ? [t2, t1] : [t1, t2];
    usA.push(ta);
    usB.push(tb);
    ratios.push(tb / ta);
  }
  const ns = (/** @type {number} */ us) => ((us / CALLS) * 1000).toFixed(0);
  console.log(
    `${name} n=${n}: max |A - B| ${diff}; A ${ns(median(usA))} ns, B ${ns(median(usB))} ns per call; B / A time ${median(ratios).toFixed(3)} (median of ${ROUNDS})`,
  );
}
