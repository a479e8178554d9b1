// Quick synthetic echo scenes for developing the echo canceller (not a test): speech from
// fixtures/speech and fixtures/echo through an exponentially decaying random impulse response
// (seeded) behind a delay, at an echo return loss; prints ERLE per second and the bound the
// filter span allows. Usage: node scripts/aec-quick.mjs [key=value ...] (after npm run build:wasm).
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const num = (k, d) => (args[k] === undefined ? d : Number(args[k]));

function readWav(path) {
  const buf = readFileSync(path);
  let o = 12;
  let rate = 0;
  while (o < buf.length) {
    const id = buf.toString('ascii', o, o + 4);
    const size = buf.readUInt32LE(o + 4);
    if (id === 'fmt ') rate = buf.readUInt32LE(o + 12);
    if (id === 'data') {
      const n = size / 2;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = buf.readInt16LE(o + 8 + 2 * i) / 32768;
      return { rate, x };
    }
    o += 8 + size;
  }
  throw new Error('no data');
}

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const gauss = (next) => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());

/** Room IR at `rate`: direct path (gain `directDb` re the reverberant energy) then a decaying noise tail. */
export function roomIr(rate, rt60, directDb, lengthS, seed) {
  const next = rng(seed);
  const n = Math.round(lengthS * rate);
  const h = new Float32Array(n);
  const decay = 6.9078 / (rt60 * rate);
  let rev = 0;
  for (let i = 1; i < n; i++) {
    const onset = Math.min(1, i / (0.004 * rate));
    h[i] = gauss(next) * Math.exp(-decay * i) * onset;
    rev += h[i] * h[i];
  }
  h[0] = Math.sqrt(rev) * 10 ** (directDb / 20);
  return h;
}

function convolve(x, h) {
  const y = new Float32Array(x.length);
  // sparse-safe direct form over the IR (fine for a few seconds)
  for (let j = 0; j < h.length; j++) {
    const g = h[j];
    if (g === 0) continue;
    for (let i = j; i < x.length; i++) y[i] += g * x[i - j];
  }
  return y;
}

export function loadKernel() {
  const mod = new WebAssembly.Module(readFileSync(new URL('../build/realtime-pcm.wasm', import.meta.url)));
  return new WebAssembly.Instance(mod, { env: { abort() { throw new Error('abort'); } } }).exports;
}

const ROOMS = {
  laptop: { rt60: 0.25, directDb: 6 },
  desk: { rt60: 0.4, directDb: 0 },
  kiosk: { rt60: 0.6, directDb: -6 },
};

function main() {
  const k = loadKernel();
  const rate = num('rate', 16000);
  const b = num('block', 128);
  const spanMs = num('spanMs', 500);
  const m = Math.ceil((spanMs * rate) / 1000 / b);
  const files = ['echo/far.wav', 'speech/speech-a.wav', 'speech/speech-b.wav', 'speech/speech-c.wav'];
  const parts = files.map((f) => readWav(new URL(`../fixtures/${f}`, import.meta.url)).x);
  let far = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) far.set(p, at), (at += p.length);
  const seconds = num('seconds', 12);
  far = far.subarray(0, seconds * 16000);
  // near end: fixtures/echo/near.wav (8 s) from `nearAt` seconds, looped if needed
  const nearSrc = readWav(new URL('../fixtures/echo/near.wav', import.meta.url)).x;
  const nearTrack = new Float32Array(far.length);
  const nearAt = Math.round(num('nearAt', 0) * rate);
  for (let i = nearAt; i < far.length; i++) nearTrack[i] = nearSrc[(i - nearAt) % nearSrc.length];
  if (rate !== 16000) throw new Error('rate 16000 only for now');
  const params = Object.entries(args).filter(([key]) => key.startsWith('p'));
  const rooms = (args.rooms ?? 'laptop,desk,kiosk').split(',');
  const delays = (args.delays ?? '0,120,250').split(',').map(Number);
  const erls = (args.erls ?? '6,30').split(',').map(Number);
  for (const room of rooms) {
    const r = ROOMS[room];
    const h0 = roomIr(rate, r.rt60, r.directDb, r.rt60 * 1.2, 7);
    for (const delayMs of delays) {
      const d = Math.round((delayMs * rate) / 1000);
      const h = new Float32Array(d + h0.length);
      h.set(h0, d);
      // bound: the IR energy outside the filter's window [offset B, offset B + m B) (offset: where
      // the canceller ended up; the ideal offset before it runs)
      const boundFor = (offsetBlocks) => {
        let outside = 0;
        let total = 0;
        for (let i = 0; i < h.length; i++) {
          total += h[i] * h[i];
          if (i < offsetBlocks * b || i >= (offsetBlocks + m) * b) outside += h[i] * h[i];
        }
        return -10 * Math.log10(outside / total + 1e-12);
      };
      let bound = boundFor(0);
      const echo0 = convolve(far, h);
      for (const erl of erls) {
        let ex = 0, ee = 0;
        for (let i = 0; i < far.length; i++) (ex += far[i] ** 2), (ee += echo0[i] ** 2);
        const g = Math.sqrt(ex / ee) * 10 ** (-erl / 20);
        const echo = echo0.map((v) => v * g);
        const nearGain = 10 ** (num('nearDb', 0) / 20);
        const near = args.near ? nearTrack.map((v) => v * nearGain) : new Float32Array(far.length);
        const mic = echo.map((v, i) => v + near[i]);
        let out, lag, info;
        if (args.peer === 'speex') {
          writeFileSync('/tmp/aecdev/far.f32', Buffer.from(far.buffer, far.byteOffset, far.byteLength));
          writeFileSync('/tmp/aecdev/mic.f32', Buffer.from(mic.buffer, mic.byteOffset, mic.byteLength));
          const t0 = performance.now();
          execFileSync('/tmp/aecdev/speex_run', ['/tmp/aecdev/far.f32', '/tmp/aecdev/mic.f32', '/tmp/aecdev/out.f32', String(b), String(m * b), String(rate), args.pp ?? '0'], { stdio: 'ignore' });
          const ms = performance.now() - t0;
          const o = readFileSync('/tmp/aecdev/out.f32');
          out = new Float32Array(mic.length);
          out.set(new Float32Array(o.buffer, o.byteOffset, o.length / 4));
          lag = 0;
          info = `speex ${((mic.length / rate) * 1000 / ms).toFixed(0)}x`;
        } else {
          const maxLag = Math.ceil((num('maxDelayMs', 250) * rate) / 1000 / b);
          const bytes = k.aec_state_bytes(rate, b, m, maxLag);
          const s = k.alloc(bytes);
          k.aec_init(s, rate, b, m, maxLag);
          for (const [key, v] of params) k.aec_set(s, Number(key.slice(1)), Number(v));
          k.aec_reset(s);
          if (args.prior) {
            // fixed exponential prior on the partition shares: decay 60 dB per `prior` seconds
            const g = new Float32Array(k.memory.buffer, k.aec_gains_ptr(s), m);
            let sum = 0;
            for (let p = 0; p < m; p++) sum += g[p] = Math.max(Number(args.floor ?? 0.01), 10 ** ((-6 * p * b) / rate / Number(args.prior)));
            for (let p = 0; p < m; p++) g[p] /= sum;
          }
          const io = k.alloc(4 * 3 * b);
          out = new Float32Array(mic.length);
          const t0 = performance.now();
          for (let i = 0; i + b <= mic.length; i += b) {
            const f = new Float32Array(k.memory.buffer);
            f.set(far.subarray(i, i + b), io / 4);
            k.aec_push_reference(s, io, b);
            f.set(mic.subarray(i, i + b), io / 4 + b);
            k.aec_process(s, io + 4 * b, io + 8 * b, b);
            out.set(new Float32Array(k.memory.buffer, io + 8 * b, b), i);
          }
          const ms = performance.now() - t0;
          lag = b;
          bound = boundFor(k.aec_stat(s, 11));
          info = `off ${k.aec_stat(s, 11)} moves ${k.aec_stat(s, 12)} onset ${k.aec_stat(s, 13)} copies ${k.aec_stat(s, 2)} resets ${k.aec_stat(s, 3)} step ${k.aec_stat(s, 1).toFixed(3)} ${((mic.length / rate) * 1000 / ms).toFixed(0)}x`;
          k.release(io);
          k.release(s);
        }
        // ERLE per second (output lags by one block)
        const perSec = [];
        for (let t = 0; t + rate <= mic.length - b; t += rate) {
          let sd = 0, se = 0;
          for (let i = t; i < t + rate; i++) (sd += echo[i] ** 2), (se += ((out[i + lag] ?? 0) - near[i]) ** 2);
          perSec.push(sd < 1e-7 ? '  -  ' : (10 * Math.log10(sd / (se + 1e-20))).toFixed(1).padStart(5));
        }
        console.log(
          `${room.padEnd(6)} ${String(delayMs).padStart(3)}ms erl${String(erl).padStart(2)} bound ${bound.toFixed(1).padStart(5)} | ${perSec.join(' ')} | ${info}`,
        );
      }
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
