// Speed of two builds of the kernel wrappers, measured interleaved in one process, so that the
// load of a shared machine falls on both alike: each case runs for ~20 ms on build A, then on
// build B, ROUNDS times over (env, default 41); the table gives the median time per call of each
// and the median of the per-round ratios B / A (below 1: B is faster). The cases are the
// allocation-free hot paths on render quanta and 10 ms blocks (echo gate, VAD, PCM16, G.711), the
// wasm base64 codec, and the capture and playback pipelines on 1 s of audio.
// Run: npm run build && node bench/compare-builds.mjs <dist dir of build A> [dist dir of build B, default ./dist]
// (build A e.g. from `git worktree add /tmp/a main && cd /tmp/a && npm ci && npm run build`).
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

/** A build's exports: its dist/index.js, with dist/kernels.js where it has one (any version). @typedef {any} Build */

const [dirA, dirB = new URL('../dist', import.meta.url).pathname] = process.argv.slice(2);
if (dirA === undefined) {
  console.error('usage: node bench/compare-builds.mjs <dist dir A> [dist dir B]');
  process.exit(2);
}
/**
 * The root entry, and the kernels subpath of builds that have one (wasmBase64 and G.711 per law live there).
 * @param {string} dir
 * @returns {Promise<Build>}
 */
const load = async (dir) => {
  const file = (/** @type {string} */ name) => pathToFileURL(path.resolve(dir, name)).href;
  const kernels = existsSync(path.resolve(dir, 'kernels.js')) ? await import(file('kernels.js')) : {};
  return { ...(await import(file('index.js'))), ...kernels };
};
const [A, B] = await Promise.all([load(dirA), load(dirB)]);

/**
 * @param {number} n
 * @param {number} seed
 */
function signal(n, seed) {
  const x = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = 0.2 * (s / 2 ** 32 - 0.5) * (i % 14400 < 9600 ? 1 : 0.01);
  }
  return x;
}

/**
 * The cases, each a function of a build's exports returning a call to time.
 * @type {Record<string, (lib: Build) => () => unknown>}
 */
const cases = {
  'EchoGate 48 kHz, 128-frame quantum, far end playing': (lib) => {
    const gate = new lib.EchoGate({ sampleRate: 48000 });
    const far = signal(96000, 1);
    const mic = far.map((_v, i) => (i >= 3840 ? 0.1 * far[i - 3840] : 0) + 1e-4 * Math.sin(i));
    const out = new Float32Array(128);
    let at = 0;
    return () => {
      gate.pushReference(far.subarray(at, at + 128));
      gate.processInto(mic.subarray(at, at + 128), out);
      at = at + 256 > far.length ? 0 : at + 128;
    };
  },
  'EchoGate 24 kHz, 10 ms, far end playing': (lib) => {
    const gate = new lib.EchoGate({ sampleRate: 24000 });
    const far = signal(240, 2);
    const mic = far.map((v) => 0.1 * v);
    const out = new Float32Array(240);
    return () => {
      gate.pushReference(far);
      gate.processInto(mic, out);
    };
  },
  'EnergyVad 48 kHz, 10 ms of a longer array': (lib) => {
    const vad = new lib.EnergyVad({ sampleRate: 48000 });
    const x = signal(96000, 3);
    const types = new Uint8Array(8);
    const times = new Float64Array(8);
    const decisions = new Uint8Array(8);
    let at = 0;
    return () => {
      vad.processInto(x, types, times, decisions, at, at + 480);
      at = at + 960 > x.length ? 0 : at + 480;
    };
  },
  'EnergyVad 24 kHz, 128-frame quantum (whole array)': (lib) => {
    const vad = new lib.EnergyVad({ sampleRate: 24000 });
    const x = signal(128, 4);
    const types = new Uint8Array(8);
    const times = new Float64Array(8);
    return () => vad.processInto(x, types, times);
  },
  'pcm16ToFloat, 20 ms at 24 kHz (480)': (lib) => {
    const x = lib.floatToPcm16(signal(480, 6));
    const out = new Float32Array(480);
    return () => lib.pcm16ToFloat(x, out);
  },
  'encodeMuLaw + decodeMuLaw, 20 ms at 8 kHz (160)': (lib) => {
    const x = lib.floatToPcm16(signal(160, 8));
    const codes = new Uint8Array(160);
    return () => lib.decodeMuLaw(lib.encodeMuLaw(x, codes), x);
  },
  'wasm base64 encode + decode, 20 ms of PCM16 at 24 kHz (960 bytes)': (lib) => {
    const bytes = new Uint8Array(lib.floatToPcm16(signal(480, 9)).buffer);
    return () => lib.wasmBase64.decode(lib.wasmBase64.encode(bytes));
  },
};

// the pipelines on 1 s of audio: capture in render quanta and 20 ms pieces, playback of 20 ms deltas
const second = signal(48000, 10);
/** @param {number} frames */
const piecesOf = (frames) => Array.from({ length: Math.ceil(48000 / frames) }, (_, k) => second.subarray(k * frames, (k + 1) * frames));
for (const [label, frames] of /** @type {Array<[string, number]>} */ ([
  ['128-frame quanta', 128],
  ['20 ms pieces', 960],
])) {
  cases[`CapturePipeline 48 kHz, 1 s in ${label}`] = (lib) => {
    const capture = new lib.CapturePipeline({ inputRate: 48000, chunkMs: 20 });
    const pieces = piecesOf(frames);
    return () => {
      for (const piece of pieces) capture.push(piece);
    };
  };
}
cases['PlaybackPipeline 24 -> 48 kHz, 1 s as 20 ms deltas, 128-frame reads'] = (lib) => {
  const playback = new lib.PlaybackPipeline({ outputRate: 48000 });
  const delta = lib.encodeBase64(new Uint8Array(lib.floatToPcm16(signal(480, 11)).buffer));
  const out = new Float32Array(128);
  let item = 0;
  return () => {
    const id = `item-${item++ % 8}`;
    for (let d = 0; d < 50; d++) playback.pushDelta(delta, id);
    for (let q = 0; q < 375; q++) playback.read(out);
  };
};

for (const samples of [480, 4096]) {
  cases[`floatToPcm16, ${samples} samples`] = (lib) => {
    const x = signal(samples, 5);
    const out = new Int16Array(samples);
    return () => lib.floatToPcm16(x, out);
  };
}

/**
 * Calls per second of `fn` over about `ms` milliseconds.
 * @param {() => unknown} fn
 * @param {number} ms
 */
function rate(fn, ms) {
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 64; i++) fn();
    calls += 64;
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}

const ROUNDS = Number(process.env.ROUNDS ?? 41);
/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`A: ${dirA}\nB: ${dirB}\n`);
console.log('| case | A, us per call | B, us per call | B / A time (median of rounds) |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, make] of Object.entries(cases)) {
  const fa = make(A);
  const fb = make(B);
  rate(fa, 200); // warm up both (JIT)
  rate(fb, 200);
  const ta = [];
  const tb = [];
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    const a = 1e6 / rate(fa, 20);
    const b = 1e6 / rate(fb, 20);
    ta.push(a);
    tb.push(b);
    ratios.push(b / a);
  }
  console.log(`| ${name} | ${median(ta).toFixed(2)} | ${median(tb).toFixed(2)} | ${median(ratios).toFixed(3)} |`);
}
