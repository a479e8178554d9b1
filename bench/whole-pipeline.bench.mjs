// Whole pipelines at 20 ms chunks, against the plain-JS path people write today, in the same run:
// - capture: 48 kHz float32 microphone in 20 ms pieces -> [echo gate] -> 48 -> 24 kHz -> [VAD] ->
//   PCM16 -> base64 in 20 ms chunks; plain JS: linear-interpolation resampling, clamp-free
//   float -> int16 (x 32767, no clamp, no rounding), btoa over String.fromCharCode of 32 KiB pieces.
// - playback: 20 ms base64 deltas of 24 kHz PCM16 -> float -> 24 -> 48 kHz -> 128-frame reads;
//   plain JS: atob, a char-code loop into bytes, an Int16Array view / 32768, linear interpolation.
// - a whole call in the adapter (JSON in and out, VAD + echo gate): microphone and speaker both.
// Each case processes 1 s of audio per call, so x realtime = calls per second; the CPU share of
// one core at 20 ms chunks is 1 / x realtime, and a call (capture + playback) costs the sum of
// the two. Each case keeps its best of 3 rounds (the machine is shared; ratios within one run are
// what count). Results: bench/results/whole-pipeline.json, with a `markdown` table for the README.
// Run alone: `node bench/whole-pipeline.bench.mjs` (after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { CapturePipeline, EchoGate, PlaybackPipeline, RealtimeAudioAdapter } from 'realtime-pcm';
import { runSuite } from './lib.mjs';
/** @typedef {import('./lib.mjs').BenchRow & { cpuSharePercent?: number }} Row */

const IN_RATE = 48000;
const SESSION_RATE = 24000;
const PIECE = 960; // 20 ms at 48 kHz
const DELTA = 480; // 20 ms at 24 kHz
const QUANTUM = 128;

/** @param {number} frames */
function mic(frames) {
  const out = new Float32Array(frames);
  let x = 1;
  for (let i = 0; i < frames; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / IN_RATE) + ((x >>> 8) / 16777216 - 0.5) * 0.05;
  }
  return out;
}
const second = mic(IN_RATE);
/** @type {Float32Array[]} */
const pieces = [];
for (let at = 0; at < IN_RATE; at += PIECE) pieces.push(second.subarray(at, at + PIECE));
const reference = pieces.map((p) => p.map((_, i) => 0.4 * Math.sin(i * 0.07))); // what the speaker plays
const deltaPcm = new Int16Array(DELTA).map((_, i) => Math.round(8000 * Math.sin(i * 0.05)));
const delta = Buffer.from(deltaPcm.buffer).toString('base64');

// ---- the plain-JS path --------------------------------------------------------------------------

/**
 * Linear interpolation, one chunk at a time (as commonly written: no state, no filter).
 * @param {Float32Array} input
 * @param {number} fromRate
 * @param {number} toRate
 */
function linearResample(input, fromRate, toRate) {
  const ratio = fromRate / toRate;
  const length = Math.floor(input.length / ratio);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const pos = i * ratio;
    const k = Math.floor(pos);
    const frac = pos - k;
    const a = input[k];
    const b = k + 1 < input.length ? input[k + 1] : a;
    out[i] = a + (b - a) * frac;
  }
  return out;
}
/** @param {Float32Array} input */
function floatToInt16NoClamp(input) {
  const out = new Int16Array(input.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] * 32767;
  return out;
}
/** @param {Uint8Array} bytes */
function chunkedBtoa(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode.apply(null, /** @type {number[]} */ (/** @type {unknown} */ (bytes.subarray(i, i + 0x8000))));
  return btoa(binary);
}
/** @param {Float32Array} piece */
function plainCapture(piece) {
  const pcm = floatToInt16NoClamp(linearResample(piece, IN_RATE, SESSION_RATE));
  return chunkedBtoa(new Uint8Array(pcm.buffer));
}
/** @param {string} text */
function plainPlayback(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const pcm = new Int16Array(bytes.buffer);
  const float = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) float[i] = pcm[i] / 32768;
  return linearResample(float, SESSION_RATE, IN_RATE);
}

// ---- what each path outputs (not timed): aliasing of a 15 kHz tone, clipping of a 1.01 peak ------

/**
 * Amplitude of `hz` in `x` (sampled at `rate`) by a single-bin DFT over whole cycles.
 * @param {Float32Array} x
 * @param {number} rate
 * @param {number} hz
 */
function amplitudeAt(x, rate, hz) {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i] * Math.cos((2 * Math.PI * hz * i) / rate);
    im -= x[i] * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}
/** @param {string[]} base64s */
function pcmOf(base64s) {
  const bytes = Buffer.concat(base64s.map((t) => Buffer.from(t, 'base64')));
  return Float32Array.from(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2), (v) => v / 32768);
}
function outputChecks() {
  // a 0.5 amplitude 15 kHz tone at 48 kHz must not come out at 24 - 15 = 9 kHz
  const tone = new Float32Array(IN_RATE).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 15000 * i) / IN_RATE));
  const capture = new CapturePipeline({ inputRate: IN_RATE, chunkMs: 20 });
  const audio = /** @type {import('realtime-pcm').CaptureAudioEvent[]} */ ([...capture.push(tone), ...capture.flush()].filter((e) => e.type === 'audio'));
  const ours = pcmOf(audio.map((e) => e.base64));
  const plain = pcmOf(Array.from({ length: 50 }, (_, k) => plainCapture(tone.subarray(k * PIECE, (k + 1) * PIECE))));
  /** @param {Float32Array} out */
  const aliasDb = (out) => 20 * Math.log10(Math.max(1e-9, amplitudeAt(out.subarray(2400, 21600), SESSION_RATE, 9000)) / 0.5);
  // a peak of 1.01 (a hot microphone): clamped to 32767, or wrapped to a negative full-scale click
  const hot = new Float32Array(PIECE).fill(1.01);
  /** @param {string} base64 */
  const int16Of = (base64) => new Int16Array(Uint8Array.from(Buffer.from(base64, 'base64')).buffer);
  const hotEvents = new CapturePipeline({ inputRate: IN_RATE, chunkMs: 20 }).push(new Float32Array(4 * PIECE).fill(1.01));
  const oursHot = int16Of(/** @type {import('realtime-pcm').CaptureAudioEvent} */ (hotEvents.at(-1)).base64);
  const plainHot = int16Of(plainCapture(hot));
  return {
    aliasOf15kHzDb: { realtimePcm: aliasDb(ours), plainJs: aliasDb(plain) },
    peakOf1_01: { realtimePcm: oursHot[100], plainJs: plainHot[100] },
  };
}

// ---- cases ----------------------------------------------------------------------------------------

const CAPTURE = 'capture: 1 s of 48 kHz mic in 20 ms pieces -> 24 kHz PCM16 base64, 20 ms chunks';
const PLAYBACK = 'playback: 1 s as 50 base64 deltas of 20 ms (24 kHz) -> 48 kHz speaker';
const CALL = 'a whole call in the adapter: 1 s of mic and of assistant audio, JSON in and out';

function cases() {
  /** @type {import('./lib.mjs').BenchCase[]} */
  const list = [];
  let sink = 0;
  {
    const gate = new EchoGate({ sampleRate: IN_RATE });
    const capture = new CapturePipeline({ inputRate: IN_RATE, chunkMs: 20, vad: true, echoGate: gate });
    list.push({
      group: CAPTURE,
      impl: 'realtime-pcm: VAD + echo gate',
      bytes: IN_RATE * 4,
      seconds: 1,
      fn: () => {
        for (let p = 0; p < pieces.length; p++) {
          gate.pushReference(reference[p]);
          sink += capture.push(pieces[p]).length;
        }
      },
    });
  }
  {
    const capture = new CapturePipeline({ inputRate: IN_RATE, chunkMs: 20 });
    list.push({
      group: CAPTURE,
      impl: 'realtime-pcm: resample + PCM16 + base64 only',
      bytes: IN_RATE * 4,
      seconds: 1,
      fn: () => {
        for (const p of pieces) sink += capture.push(p).length;
      },
    });
  }
  list.push({
    group: CAPTURE,
    impl: 'plain JS: linear interpolation, clamp-free, chunked btoa',
    baseline: true,
    bytes: IN_RATE * 4,
    seconds: 1,
    fn: () => {
      for (const p of pieces) sink += plainCapture(p).length;
    },
  });
  {
    const playback = new PlaybackPipeline({ outputRate: IN_RATE });
    const out = new Float32Array(QUANTUM);
    let n = 0;
    list.push({
      group: PLAYBACK,
      impl: 'realtime-pcm: PlaybackPipeline',
      bytes: IN_RATE * 4,
      seconds: 1,
      fn: () => {
        const id = `item_${n++ % 8}`;
        for (let d = 0; d < 50; d++) playback.pushDelta(delta, id);
        for (let q = 0; q < 375; q++) sink += playback.read(out);
      },
    });
  }
  {
    const out = new Float32Array(QUANTUM);
    list.push({
      group: PLAYBACK,
      impl: 'plain JS: atob, / 32768, linear interpolation',
      baseline: true,
      bytes: IN_RATE * 4,
      seconds: 1,
      fn: () => {
        for (let d = 0; d < 50; d++) {
          const speaker = plainPlayback(delta);
          // read out in quanta as a worklet would
          for (let at = 0; at < speaker.length; at += QUANTUM) {
            const n = Math.min(QUANTUM, speaker.length - at);
            for (let i = 0; i < n; i++) out[i] = speaker[at + i];
            sink += n;
          }
        }
      },
    });
  }
  {
    const adapter = new RealtimeAudioAdapter({
      protocol: 'openai',
      send: () => sink++,
      inputRate: IN_RATE,
      outputRate: IN_RATE,
      chunkMs: 20,
      vad: true,
      echoGate: true,
    });
    adapter.handleServerEvent(JSON.stringify({ type: 'response.output_item.added', item: { id: 'i' } }));
    const event = JSON.stringify({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta });
    const speaker = new Float32Array(PIECE);
    list.push({
      group: CALL,
      impl: 'RealtimeAudioAdapter openai, VAD + echo gate',
      baseline: true,
      bytes: IN_RATE * 8,
      seconds: 1,
      fn: () => {
        for (let p = 0; p < pieces.length; p++) {
          adapter.handleServerEvent(event);
          adapter.readPlayback(speaker);
          adapter.pushMicrophone(pieces[p]);
        }
      },
    });
  }
  return list;
}

// best of 3 rounds per case
/** @type {Row[]} */
let best = await runSuite('whole-pipeline', cases());
for (let round = 1; round < 3; round++) {
  const rows = await runSuite('whole-pipeline', cases());
  best = best.map((row, i) => (rows[i].opsPerSecond > row.opsPerSecond ? rows[i] : row));
}
for (const row of best) {
  const base = best.find((r) => r.group === row.group && r.baseline);
  row.ratioToBaseline = base ? row.opsPerSecond / base.opsPerSecond : null;
  row.cpuSharePercent = 100 / row.xRealtime; // of one core, per call, at 20 ms chunks
}
/**
 * @param {string} group
 * @param {string} impl
 */
const x = (group, impl) => {
  const row = best.find((r) => r.group === group && r.impl.startsWith(impl));
  if (row === undefined) throw new Error(`no case ${group} / ${impl}`);
  return row.xRealtime;
};
const ours = { capture: x(CAPTURE, 'realtime-pcm: VAD'), playback: x(PLAYBACK, 'realtime-pcm'), adapter: x(CALL, 'RealtimeAudioAdapter') };
const plain = { capture: x(CAPTURE, 'plain JS'), playback: x(PLAYBACK, 'plain JS') };
const callsPerCore = {
  pipelines: 1 / (1 / ours.capture + 1 / ours.playback),
  adapter: ours.adapter,
  plainJs: 1 / (1 / plain.capture + 1 / plain.playback),
};
/** @param {number} v */
const fmt = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
const lines = [
  '| case | implementation | x realtime (one core) | share of one core per call | vs plain JS |',
  '| --- | --- | ---: | ---: | ---: |',
  ...best.map(
    (r) =>
      `| ${r.group.split(':')[0]} | ${r.impl} | ${fmt(r.xRealtime)} | ${(r.cpuSharePercent ?? 0).toFixed(2)}% | ${r.group === CALL ? '' : `${(r.ratioToBaseline ?? 0).toFixed(2)}x`} |`,
  ),
  '',
  `Concurrent calls one core carries (capture with VAD + echo gate, and playback): **${Math.floor(callsPerCore.pipelines)}** with the pipelines, **${Math.floor(callsPerCore.adapter)}** through the adapter with JSON in and out; the plain-JS path (no VAD, no echo gate, aliasing, wrap-around on clipping) ${Math.floor(callsPerCore.plainJs)}.`,
];
const checks = outputChecks();
/** @param {number} db */
const dbText = (db) => (db < -120 ? 'nothing at PCM16 precision' : `${db.toFixed(1)} dB`);
lines.push(
  '',
  `What comes out (same run): a 15 kHz tone at 48 kHz (above the 12 kHz session Nyquist) comes out aliased at 9 kHz at ${dbText(checks.aliasOf15kHzDb.plainJs)} in the plain-JS path, ${dbText(checks.aliasOf15kHzDb.realtimePcm)} through realtime-pcm; a constant 1.01 (a hot microphone) becomes ${checks.peakOf1_01.plainJs} in the plain-JS path (wrapped: a full-scale click), ${checks.peakOf1_01.realtimePcm} through realtime-pcm (clamped).`,
);
const markdown = lines.join('\n');
console.log(`\n${markdown}`);
const file = new URL('./results/whole-pipeline.json', import.meta.url);
const saved = JSON.parse(readFileSync(file, 'utf8'));
writeFileSync(file, JSON.stringify({ ...saved, rounds: 3, rows: best, callsPerCore, checks, markdown }, null, 2));
