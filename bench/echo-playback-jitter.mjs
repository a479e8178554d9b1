// The session-rate reference (PlaybackPipeline's `sessionReference` tap) under a jittery network:
// a 24 kHz reply delivered in 40 ms deltas, each 0-80 ms late, with 400-700 ms stalls (STALL: the
// chance per delta, default 0.015) that underrun the playout, and a barge-in at 9 s; played at a
// 16 kHz device rate (so the room's convolution stays cheap), echoed through a lab room's impulse
// response (fixtures/echo-rooms, `room` argument) at `erlDb` with -70 dBFS noise, and cancelled by
// CapturePipeline with the tap (24 kHz) and with the device-rate reference, side by side. Prints
// the echo reduction over 10 ms frames where the speaker played (from 2 s) and the share of them
// over -50 dBFS. Quality only, no timing; a probe, not a test:
//   npm run build && STALL=0.06 node bench/echo-playback-jitter.mjs kiosk 6 jitter   (or steady)
import { readFileSync } from 'node:fs';
import { CapturePipeline, PlaybackPipeline, decodeBase64, pcm16ToFloat } from '../dist/index.js';
const DEV = 16000,
  SES = 24000,
  Q = 128;
const wav = readFileSync(new URL('../fixtures/echo-speech/assistant-forecast.wav', import.meta.url));
const pcm = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length - ((wav.length - 44) % 2)));
const room = process.argv[2] ?? 'kiosk',
  erlDb = Number(process.argv[3] ?? 6),
  jitter = process.argv[4] !== 'steady';
const ir = new Float32Array(readFileSync(new URL(`../fixtures/echo-rooms/${room}-echo-a-${DEV}.f32`, import.meta.url)).buffer.slice(0));
let seed = 7;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
const seconds = 16,
  quanta = Math.ceil((seconds * DEV) / Q);
/** @param {boolean} withTap @returns {{ speaker: Float32Array, tap: Float32Array[][], stats: any }} */
function play(withTap) {
  /** @type {Float32Array[][]} */
  const tap = [];
  /** @type {Float32Array[]} */
  let cur = [];
  const p = new PlaybackPipeline({ outputRate: DEV, inputRate: SES, ...(withTap ? { sessionReference: { pushReference: (x) => cur.push(x.slice()) } } : {}) });
  const speaker = new Float32Array(quanta * Q),
    out = new Float32Array(Q);
  // network: 40 ms deltas; steady = on time (first at 0.5 s); jitter = random 0-80 ms late, stalls of 400-700 ms every ~3 s
  const deltaFrames = 960;
  let sent = 0,
    t = 0.5;
  const arrivals = [];
  let item = 0;
  while (sent < pcm.length) {
    let at = t;
    if (jitter) {
      at += rnd() * 0.08;
      if (rnd() < Number(process.env.STALL ?? 0.015)) t += 0.4 + rnd() * 0.3;
    }
    arrivals.push({ at, from: sent, to: Math.min(pcm.length, sent + deltaFrames) });
    sent += deltaFrames;
    t += deltaFrames / SES;
  }
  arrivals.sort((a, b) => a.at - b.at);
  let next = 0,
    interrupted = false;
  for (let q = 0; q < quanta; q++) {
    const now = (q * Q) / DEV;
    if (!interrupted && now >= 9) {
      p.interrupt();
      interrupted = true;
      item = 1;
    }
    while (next < arrivals.length && arrivals[next].at <= now) {
      const a = arrivals[next++];
      if (interrupted && a.from < 9 * SES * 0.9) continue; // the old item's rest is dropped after the barge-in
      p.pushPcm16(pcm.subarray(a.from, a.to), `item${item}`);
    }
    cur = [];
    out.fill(0);
    p.read(out);
    speaker.set(out, q * Q);
    tap.push(cur);
  }
  const stats = { ...p.stats };
  p.free();
  return { speaker, tap, stats };
}
/** @param {Float32Array} x */
function convolve(x) {
  let e = 0,
    s = 0;
  const y = new Float32Array(x.length);
  for (let n = 0; n < x.length; n++) {
    let acc = 0;
    const m = Math.min(n + 1, ir.length);
    for (let k = 0; k < m; k++) acc += ir[k] * x[n - k];
    y[n] = acc;
  }
  for (let n = 0; n < x.length; n++) {
    e += y[n] ** 2;
    s += x[n] ** 2;
  }
  const g = Math.sqrt((s / e) * 10 ** (-erlDb / 10));
  for (let n = 0; n < y.length; n++) y[n] *= g;
  for (let n = 0; n < y.length; n++) y[n] += (rnd() - 0.5) * 2 * 10 ** (-70 / 20) * Math.sqrt(3);
  return y;
}
/** @param {{ speaker: Float32Array, tap: Float32Array[][] }} run @param {Float32Array} mic @param {boolean} withTap */
function cancel(run, mic, withTap) {
  const c = new CapturePipeline({ inputRate: DEV, outputRate: SES, echoCancellation: true, referenceRate: withTap ? SES : DEV });
  const audio = [];
  for (let q = 0; q < quanta; q++) {
    if (withTap) for (const b of run.tap[q]) c.pushReference(b);
    else c.pushReference(run.speaker.subarray(q * Q, q * Q + Q));
    for (const e of c.push(mic.subarray(q * Q, q * Q + Q))) if (e.type === 'audio') audio.push(pcm16ToFloat(new Int16Array(decodeBase64(e.base64).buffer)));
  }
  for (const e of c.flush()) if (e.type === 'audio') audio.push(pcm16ToFloat(new Int16Array(decodeBase64(e.base64).buffer)));
  c.free();
  const n = audio.reduce((s, a) => s + a.length, 0),
    o = new Float32Array(n);
  let at = 0;
  for (const a of audio) {
    o.set(a, at);
    at += a.length;
  }
  return o;
}
/** @param {Float32Array} out @param {Float32Array} mic @param {Float32Array} speaker */
function measure(out, mic, speaker) {
  // 10 ms frames from 2 s: mic energy (16 kHz) vs output energy (24 kHz) where the speaker played; leaks > -50 dBFS
  let em = 0,
    eo = 0,
    frames = 0,
    leaks = 0;
  const fm = DEV / 100,
    fo = SES / 100,
    lag = 3; // output frames run ~21 ms late: compare frame i of the mic with i+lag.. of the output
  for (let i = 200; i < Math.floor(mic.length / fm) - 5; i++) {
    let sp = 0;
    for (let j = 0; j < fm; j++) sp += speaker[i * fm + j] ** 2;
    if (sp / fm < 1e-6) continue;
    let m = 0;
    for (let j = 0; j < fm; j++) m += mic[i * fm + j] ** 2;
    let o = 0;
    for (let j = 0; j < fo; j++) o += (out[(i + lag) * fo + j] ?? 0) ** 2;
    em += m / fm;
    eo += o / fo;
    frames++;
    if (10 * Math.log10(o / fo + 1e-30) > -50) leaks++;
  }
  return { reductionDb: +(10 * Math.log10(em / eo)).toFixed(1), leaks: +((100 * leaks) / frames).toFixed(1), frames };
}
for (const withTap of [false, true]) {
  const run = play(withTap);
  const mic = convolve(run.speaker);
  const out = cancel(run, mic, withTap);
  console.log(
    room,
    `${erlDb}dB`,
    jitter ? 'jitter' : 'steady',
    withTap ? 'tap 24k' : 'device 16k',
    JSON.stringify(measure(out, mic, run.speaker)),
    'underruns',
    run.stats.underruns ?? JSON.stringify(run.stats).slice(0, 200),
  );
}
