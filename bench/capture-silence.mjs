// The capture chain of bench/capture-chain.bench.mjs (48 kHz mic in 128-frame quanta -> the canceller
// at 24 kHz + VAD -> PCM16 base64) while the assistant stays silent for minutes (a kiosk waiting, a
// long user turn): one reply of the bench's call (./aec-playing-signal.mjs callSignals), then the
// reference exact zeros from SILENT_FROM s on while the user (the call's mic: the tone half of each
// second, the noise) goes on. Two builds, each second of audio run by one then the other (order
// alternating), CPU time; medians per stretch of the silence. Until aec-speed11 the canceller's decaying
// state reached f32's subnormal range there (the delay statistics' silent lags, the suppressor's
// residuals), where every operation takes a microcode assist on x86.
//   node bench/capture-silence.mjs <dist dir A> [dist dir B, default ./dist] [tap | aec16 | aec24]
//   (tap: the reference at the session rate; aec16 / aec24: the EchoCanceller alone at 16 / 24 kHz, 10 ms
//   calls, on the same call made at that rate)
//   SILENCE_SECONDS=150 (the whole signal)
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { callMic, callSignals } from './aec-playing-signal.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const [dirA, dirB = path.join(ROOT, 'dist'), mode] = process.argv.slice(2);
if (dirA === undefined) {
  console.error('usage: node bench/capture-silence.mjs <dist dir A> [dist dir B] [tap]');
  process.exit(2);
}
/** @param {string} dir */
const load = async (dir) => /** @type {any} */ (await import(pathToFileURL(path.resolve(dir, 'index.js')).href));
const [A, B] = await Promise.all([load(dirA), load(dirB)]);
const tap = mode === 'tap';
/** The canceller alone at this rate (aec16, aec24), or 0: the capture chain. */
const aloneRate = mode === 'aec16' ? 16000 : mode === 'aec24' ? 24000 : 0;
const IN_RATE = 48000;
const SESSION_RATE = 24000;
const SECONDS = Number(process.env.SILENCE_SECONDS ?? 150);
const SILENT_FROM = 10;

const call = callSignals(SESSION_RATE, SECONDS);
call.reference.fill(0, SILENT_FROM * SESSION_RATE);
call.playing.fill(0, SILENT_FROM * SESSION_RATE);
const up = new A.Resampler({ inputRate: SESSION_RATE, outputRate: IN_RATE });
const played = new Float32Array(IN_RATE * SECONDS);
up.processInto(call.reference, played);
up.free();
const playing = new Uint8Array(played.length);
for (let i = 0; i < playing.length; i++) playing[i] = call.playing[i >> 1];
const mic = callMic(IN_RATE, played, playing);

/** @param {any} lib */
const pipeline = (lib) =>
  new lib.CapturePipeline({ inputRate: IN_RATE, chunkMs: 20, vad: true, echoCancellation: true, ...(tap ? { referenceRate: SESSION_RATE } : {}) });
const alone = aloneRate === 0 ? undefined : callSignals(aloneRate, SECONDS);
if (alone !== undefined) {
  alone.reference.fill(0, SILENT_FROM * aloneRate);
  alone.playing.fill(0, SILENT_FROM * aloneRate);
}
const aloneMic = alone === undefined ? undefined : callMic(aloneRate, alone.reference, alone.playing);
const aloneOut = new Float32Array(aloneRate / 100);
const captures =
  alone === undefined ? [pipeline(A), pipeline(B)] : [new A.EchoCanceller({ sampleRate: aloneRate }), new B.EchoCanceller({ sampleRate: aloneRate })];
/** CPU ms for second `s` of the signal through capture (or canceller) `i`. @param {number} i @param {number} s */
const second = (i, s) => {
  const capture = captures[i];
  const before = process.cpuUsage();
  if (alone !== undefined && aloneMic !== undefined) {
    const piece = aloneRate / 100;
    for (let at = s * aloneRate; at < (s + 1) * aloneRate; at += piece) {
      capture.pushReference(alone.reference.subarray(at, at + piece));
      capture.processInto(aloneMic.subarray(at, at + piece), aloneOut);
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  }
  for (let q = 0; q < IN_RATE / 128; q++) {
    const k = (s * IN_RATE) / 128 + q;
    capture.pushReference(tap ? call.reference.subarray(k * 64, k * 64 + 64) : played.subarray(k * 128, k * 128 + 128));
    capture.push(mic.subarray(k * 128, k * 128 + 128));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
};
/** @type {[number, number][]} */
const times = [];
for (let s = 0; s < SECONDS; s++) {
  /** @type {[number, number]} */
  const t = [0, 0];
  for (const i of s % 2 === 0 ? [0, 1] : [1, 0]) t[i] = second(i, s);
  times.push(t);
}
/** @param {number[]} xs */
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1] ?? Number.NaN;
for (const [from, to] of [
  [SILENT_FROM + 2, 30],
  [30, 60],
  [60, SECONDS],
]) {
  const part = times.slice(from, to);
  if (part.length === 0) continue;
  const a = median(part.map((t) => t[0]));
  const b = median(part.map((t) => t[1]));
  console.log(
    `${aloneRate > 0 ? `the canceller alone at ${aloneRate / 1000} kHz` : tap ? 'the chain, session-rate tap' : 'the chain, device-rate reference'}, silent ${from}-${to} s: A ${a.toFixed(2)}, B ${b.toFixed(2)} ms CPU per s of audio; B / A ${median(part.map((t) => t[1] / t[0])).toFixed(3)} (median per second)`,
  );
}
