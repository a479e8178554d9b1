// The duplex loop an adapter runs (issue 13, the session-rate reference): each second, the session's
// reply arrives as 50 deltas of 20 ms (24 kHz PCM16) into a PlaybackPipeline at 48 kHz, and every
// 128-frame quantum the speaker is read and then the mic pushed into a CapturePipeline with the echo
// canceller and the VAD (20 ms chunks of base64 PCM16). Two ways to feed the canceller:
// - device: the playback resamples each item as it arrives, plays, and its 48 kHz output is the
//   reference (`echoGate: capture`), which the capture resamples to 24 kHz like the mic;
// - tap: the playout runs at 24 kHz and resamples after it (`sessionReference: capture`), the
//   capture queues the tap as is (`referenceRate: 24000`).
// The same duplex loop at Gemini's rates (the capture at 16 kHz, the reply at 24 kHz): the device-rate
// reference through a 48 -> 16 kHz resampler, or the tap through one 24 -> 16 kHz resampler.
// Also the playback alone both ways (deltas in, quanta out). CPU time (process.cpuUsage) per second
// of audio, interleaved round by round (BENCH_ROUNDS, default 15), medians and the median of the
// per-round ratios. Run: `npm run build && node bench/playback-tap.bench.mjs`.
import { CapturePipeline, PlaybackPipeline } from 'realtime-pcm';

const DEVICE_RATE = 48000;
const SESSION_RATE = 24000;
const QUANTUM = 128;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const SECONDS_PER_ROUND = 2;

/** Seeded speech-like bursts, 1 s of 24 kHz PCM16 cut into 20 ms deltas. @param {number} seed */
function replySecond(seed) {
  let x = seed;
  const pcm = new Int16Array(SESSION_RATE);
  for (let i = 0; i < pcm.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    pcm[i] = Math.round((Math.floor(i / 4800) % 2 === 0 ? 6000 : 600) * ((x >>> 8) / 8388608 - 1));
  }
  return Array.from({ length: 50 }, (_, k) => pcm.subarray(k * 480, (k + 1) * 480));
}
const deltas = replySecond(7);
const mic = new Float32Array(DEVICE_RATE);
for (let i = 0; i < mic.length; i++) mic[i] = 0.05 * Math.sin((2 * Math.PI * 220 * i) / DEVICE_RATE);

/**
 * A duplex loop (with a capture) or the playback alone.
 * @param {'device' | 'tap'} mode @param {boolean} withCapture @param {number} captureRate the session's input rate
 */
function loop(mode, withCapture, captureRate = SESSION_RATE) {
  const capture = withCapture
    ? new CapturePipeline({
        inputRate: DEVICE_RATE,
        outputRate: captureRate,
        echoCancellation: true,
        vad: true,
        referenceRate: mode === 'tap' ? SESSION_RATE : DEVICE_RATE,
      })
    : undefined;
  const sink = capture ?? { pushReference() {} };
  const playback = new PlaybackPipeline({
    outputRate: DEVICE_RATE,
    ...(mode === 'tap' ? { sessionReference: sink } : withCapture ? { echoGate: sink } : {}),
  });
  const out = new Float32Array(QUANTUM);
  let item = 0;
  let sent = 0;
  return {
    name: `${withCapture ? `duplex (playback + capture with the canceller at ${captureRate / 1000} kHz)` : 'playback alone'}, ${mode === 'tap' ? 'session-rate tap' : 'device-rate reference'}`,
    run() {
      for (let s = 0; s < SECONDS_PER_ROUND; s++) {
        const id = `item_${item++}`;
        for (const d of deltas) playback.pushPcm16(d, id);
        playback.endItem(id);
        for (let at = 0; at < DEVICE_RATE; at += QUANTUM) {
          playback.read(out);
          if (capture !== undefined) sent += capture.push(mic.subarray(at, at + QUANTUM)).length;
        }
      }
      return sent;
    },
  };
}

const cases = [loop('device', true), loop('tap', true), loop('device', false), loop('tap', false), loop('device', true, 16000), loop('tap', true, 16000)];
for (const c of cases) c.run(); // warm up
/** @type {number[][]} */
const times = cases.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? [0, 1, 2, 3, 4, 5] : [5, 4, 3, 2, 1, 0];
  for (const i of order) {
    const before = process.cpuUsage();
    cases[i].run();
    const used = process.cpuUsage(before);
    times[i].push((used.user + used.system) / 1000 / SECONDS_PER_ROUND); // ms of CPU per second of audio
  }
}
/** @param {number[]} xs */
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [i, c] of cases.entries()) console.log(`${c.name}: ${median(times[i]).toFixed(3)} ms CPU per s of audio`);
/** @param {number} a @param {number} b */
const ratio = (a, b) => median(times[a].map((t, r) => t / times[b][r]));
console.log(`duplex, device / tap (per-round median): ${ratio(0, 1).toFixed(3)}x`);
console.log(`playback alone, device / tap (per-round median): ${ratio(2, 3).toFixed(3)}x`);
console.log(`duplex at Gemini's rates (16 kHz capture), device / tap (per-round median): ${ratio(4, 5).toFixed(3)}x`);
