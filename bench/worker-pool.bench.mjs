// 100 concurrent calls in one PcmWorkerPool (one worker per core): each call a capture pipeline
// (48 kHz microphone -> 24 kHz, VAD, 40 ms base64 chunks) and a playback pipeline (24 kHz deltas
// -> 48 kHz speaker), fed in 20 ms blocks as fast as the pool takes them. Reports x realtime per
// core, and the same 100 calls run in the main thread for comparison. Timed directly (not benny):
// one run of a fixed amount of audio.
import { availableParallelism } from 'node:os';
import { writeFileSync, mkdirSync } from 'node:fs';
import { PcmWorkerPool, CapturePipeline, PlaybackPipeline, encodeBase64 } from 'realtime-pcm/node';

const calls = Number(process.env.BENCH_CALLS ?? 100);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const cores = availableParallelism();
const blockFrames = 960; // 20 ms at 48 kHz
const blocks = (seconds * 1000) / 20;
const mic = new Float32Array(blockFrames).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / 48000) + 0.01 * Math.sin(i * 7.1));
const delta = encodeBase64(new Uint8Array(new Int16Array(480).map((_, i) => Math.round(5000 * Math.sin(i / 7))).buffer)); // 20 ms at 24 kHz
const captureOptions = { inputRate: 48000, outputRate: 24000, chunkMs: 40, vad: true };

async function inPool() {
  const pool = new PcmWorkerPool({ workers: cores });
  const captures = [];
  const playbacks = [];
  for (let c = 0; c < calls; c++) {
    captures.push(await pool.createCapture({ ...captureOptions, maxQueueMs: 2000 }));
    playbacks.push(await pool.createPlayback({ outputRate: 48000 }));
  }
  const started = performance.now();
  /** @type {Float32Array[]} */
  let readBuffers = playbacks.map(() => new Float32Array(blockFrames));
  for (let b = 0; b < blocks; b++) {
    const reads = [];
    for (let c = 0; c < calls; c++) {
      if (!captures[c].push(mic.slice())) throw new Error('queue bound hit: pool too slow for this pace');
      playbacks[c].pushDelta(delta, `item_${b >> 8}`);
      reads.push(playbacks[c].read(readBuffers[c]));
    }
    readBuffers = (await Promise.all(reads)).map((r) => r.output);
    if (b % 25 === 24) await Promise.all(captures.map((s) => s.drain()));
  }
  await Promise.all(captures.map((s) => s.drain()));
  const elapsed = (performance.now() - started) / 1000;
  const dropped = captures.reduce((n, s) => n + s.stats.droppedPushes, 0);
  await pool.close();
  return { elapsed, dropped };
}

function inThread() {
  const captures = [];
  const playbacks = [];
  for (let c = 0; c < calls; c++) {
    captures.push(new CapturePipeline(captureOptions));
    playbacks.push(new PlaybackPipeline({ outputRate: 48000 }));
  }
  const out = new Float32Array(blockFrames);
  const started = performance.now();
  for (let b = 0; b < blocks; b++) {
    for (let c = 0; c < calls; c++) {
      captures[c].push(mic);
      playbacks[c].pushDelta(delta, `item_${b >> 8}`);
      playbacks[c].read(out);
    }
  }
  return { elapsed: (performance.now() - started) / 1000 };
}

const audioSeconds = calls * seconds; // per direction
const pool = await inPool();
const thread = inThread();
const rows = [
  {
    case: `${calls} calls, worker pool (${cores} workers)`,
    wallSeconds: pool.elapsed,
    xRealtimePerCall: seconds / pool.elapsed,
    xRealtimePerCore: audioSeconds / pool.elapsed / cores,
    dropped: pool.dropped,
  },
  {
    case: `${calls} calls, main thread`,
    wallSeconds: thread.elapsed,
    xRealtimePerCall: seconds / thread.elapsed,
    xRealtimePerCore: audioSeconds / thread.elapsed,
    dropped: 0,
  },
];
const markdown = [
  `${calls} calls x ${seconds} s each (capture 48 -> 24 kHz with VAD and 40 ms chunks, plus playback 24 -> 48 kHz), 20 ms blocks, ${cores} cores:`,
  '',
  '| case | wall s | x realtime per call | call-seconds per second per core |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.case} | ${r.wallSeconds.toFixed(2)} | ${r.xRealtimePerCall.toFixed(1)} | ${r.xRealtimePerCore.toFixed(0)} |`),
].join('\n');
console.log(`\nworker-pool\n${markdown}`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/worker-pool.json', import.meta.url),
  JSON.stringify({ name: 'worker-pool', date: new Date().toISOString(), node: process.version, cores, calls, seconds, rows, markdown }, null, 2),
);
