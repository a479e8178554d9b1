// Pipelines and adapter: speed (x realtime) of the capture pipeline (48 kHz in, 128-frame
// quanta) at several chunk sizes and with VAD + echo gate, G.711 and the telephony bridge, of playback (deltas in, 128-frame reads at 48 kHz) and of the
// whole adapter loop; then allocation per quantum and heap growth over a 60-minute simulated
// session, measured in a child process with a large young generation and gc exposed.
// Run alone: `node bench/pipeline.bench.mjs` (after `npm run build`).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { CapturePipeline, EchoGate, PlaybackPipeline, RealtimeAudioAdapter, TelephonyBridge } from 'realtime-pcm';
import { decodeMuLaw, encodeMuLaw } from 'realtime-pcm/kernels';
import { runSuite } from './lib.mjs';

const RATE = 48000;
const QUANTUM = 128;

/**
 * @param {number} frames
 * @param {number} [rate]
 */
function mic(frames, rate = RATE) {
  const out = new Float32Array(frames);
  let x = 1;
  for (let i = 0; i < frames; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate) + ((x >>> 8) / 16777216 - 0.5) * 0.05;
  }
  return out;
}

/** One second of microphone audio in 128-frame quanta (the last one short). */
const second = mic(RATE);
/** @type {Float32Array[]} */
const quanta = [];
for (let at = 0; at < RATE; at += QUANTUM) quanta.push(second.subarray(at, Math.min(RATE, at + QUANTUM)));

const deltaPcm = new Int16Array(2400).map((_, i) => Math.round(8000 * Math.sin(i * 0.05)));
const delta = Buffer.from(deltaPcm.buffer).toString('base64'); // 100 ms at 24 kHz
/** @param {string} itemId */
const deltaEvent = (itemId) =>
  JSON.stringify({ type: 'response.output_audio.delta', response_id: 'r', item_id: itemId, output_index: 0, content_index: 0, delta });

function memoryChild() {
  const gc = /** @type {() => void} */ (globalThis.gc); // run with --expose-gc
  const used = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  /** @type {Record<string, unknown>} */
  const results = {};

  /** @param {number[]} xs */
  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  // playback read(): 128-frame quanta at 48 kHz with audio buffered (warm code first: the JIT's
  // own allocations would otherwise be counted), median of 5 runs of 20000 reads
  {
    const p = new PlaybackPipeline({ outputRate: RATE, maxPlaybackMs: 600000 });
    for (let i = 0; i < 3000; i++) p.pushDelta(delta, 'x');
    const out = new Float32Array(QUANTUM);
    for (let i = 0; i < 20000; i++) p.read(out);
    const runs = [];
    for (let k = 0; k < 5; k++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 20000; i++) p.read(out);
      runs.push((process.memoryUsage().heapUsed - before) / 20000);
    }
    results.playbackReadBytesPerQuantum = median(runs);
  }
  // capture push(): 128-frame quanta at 48 kHz between chunk completions (1000 ms chunks: 375
  // quanta each), after 5000 warm-up pushes; median of 5 runs of 370 pushes that emit nothing
  {
    const c = new CapturePipeline({ inputRate: RATE, chunkMs: 1000 });
    const block = second.subarray(0, QUANTUM);
    for (let i = 0; i < 5000; i++) c.push(block);
    const runs = [];
    let events = 0;
    for (let k = 0; k < 5; k++) {
      c.reset();
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 370; i++) events += c.push(block).length;
      runs.push((process.memoryUsage().heapUsed - before) / 370);
    }
    results.capturePushBytesPerQuantum = median(runs);
    results.capturePushEventsDuringMeasure = events;
  }
  // the same with the VAD and the echo gate (fed a reference each quantum)
  {
    const gate = new EchoGate({ sampleRate: RATE });
    const c = new CapturePipeline({ inputRate: RATE, chunkMs: 1000, vad: true, echoGate: gate });
    const block = second.subarray(0, QUANTUM);
    const reference = new Float32Array(QUANTUM).map((_, i) => 0.5 * Math.sin(i * 0.07));
    for (let i = 0; i < 5000; i++) {
      gate.pushReference(reference);
      c.push(block);
    }
    const runs = [];
    let events = 0;
    for (let k = 0; k < 5; k++) {
      c.reset();
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 370; i++) {
        gate.pushReference(reference);
        events += c.push(block).length;
      }
      runs.push((process.memoryUsage().heapUsed - before) / 370);
    }
    results.captureVadGatePushBytesPerQuantum = median(runs);
    results.captureVadGateEventsDuringMeasure = events;
  }
  // 60 simulated minutes through the adapter: microphone all the time, the assistant talking
  // half of it (100 ms deltas), playback read in quanta; heap after GC, after 1 minute vs at the end
  {
    let sent = 0;
    const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: () => sent++, inputRate: RATE, outputRate: RATE, vad: true, echoGate: true });
    const out = new Float32Array(QUANTUM);
    let item = 0;
    let warm = 0;
    const minutes = 60;
    for (let s = 0; s < minutes * 60; s++) {
      if (s % 20 === 0) {
        item++;
        adapter.handleServerEvent(JSON.stringify({ type: 'response.created', response: { id: `r${item}` } }));
        adapter.handleServerEvent(JSON.stringify({ type: 'response.output_item.added', response_id: `r${item}`, item: { id: `i${item}` } }));
      }
      const talking = s % 20 < 10;
      if (talking) for (let d = 0; d < 10; d++) adapter.handleServerEvent(deltaEvent(`i${item}`));
      if (s % 20 === 10) {
        adapter.handleServerEvent(JSON.stringify({ type: 'response.output_audio.done', item_id: `i${item}` }));
        adapter.handleServerEvent(JSON.stringify({ type: 'response.done', response: { id: `r${item}` } }));
      }
      if (s % 97 === 50) adapter.handleServerEvent(JSON.stringify({ type: 'input_audio_buffer.speech_started' }));
      for (const q of quanta) {
        adapter.pushMicrophone(q);
        adapter.readPlayback(out);
      }
      if (s === 60) warm = used();
    }
    const end = used();
    const stats = adapter.stats;
    results.longSession = {
      simulatedMinutes: minutes,
      heapAfterWarmupBytes: warm,
      heapAtEndBytes: end,
      growthBytes: end - warm,
      sentSeconds: stats.sentSeconds,
      receivedSeconds: stats.receivedSeconds,
      playedSeconds: stats.playedSeconds,
      chunksSent: sent,
      interruptions: stats.interruptions,
      errors: stats.errors,
    };
  }
  process.stdout.write(JSON.stringify(results));
}

if (process.argv[2] === '--memory') {
  memoryChild();
} else {
  /** @type {import('./lib.mjs').BenchCase[]} */
  const cases = [];
  for (const chunkMs of [20, 40, 100]) {
    const capture = new CapturePipeline({ inputRate: RATE, chunkMs });
    cases.push({
      group: 'capture 48 kHz -> 24 kHz base64, 1 s in 128-frame quanta',
      impl: `chunkMs ${chunkMs}`,
      baseline: chunkMs === 20,
      bytes: RATE * 4,
      seconds: 1,
      fn: () => {
        for (const q of quanta) capture.push(q);
      },
    });
  }
  {
    // the DESIGN target case: VAD and echo gate on, the gate fed a playing reference
    const gate = new EchoGate({ sampleRate: RATE });
    const capture = new CapturePipeline({ inputRate: RATE, vad: true, echoGate: gate });
    const reference = quanta.map((q) => q.map((_x, i) => 0.5 * Math.sin(i * 0.07)));
    cases.push({
      group: 'capture 48 kHz -> 24 kHz base64, 1 s in 128-frame quanta',
      impl: 'chunkMs 40, VAD + echo gate',
      bytes: RATE * 4,
      seconds: 1,
      fn: () => {
        for (let q = 0; q < quanta.length; q++) {
          gate.pushReference(reference[q]);
          capture.push(quanta[q]);
        }
      },
    });
  }
  {
    const playback = new PlaybackPipeline({ outputRate: RATE });
    const out = new Float32Array(QUANTUM);
    let n = 0;
    cases.push({
      group: 'playback 24 kHz deltas -> 48 kHz, 1 s (10 deltas, 375 reads)',
      impl: 'PlaybackPipeline',
      baseline: true,
      bytes: 48000,
      seconds: 1,
      fn: () => {
        const id = `i${n++ % 4}`;
        for (let d = 0; d < 10; d++) playback.pushDelta(delta, id);
        for (let q = 0; q < 375; q++) playback.read(out);
      },
    });
  }
  {
    const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: () => {}, inputRate: RATE, outputRate: RATE });
    adapter.handleServerEvent(JSON.stringify({ type: 'response.output_item.added', item: { id: 'i' } }));
    const out = new Float32Array(QUANTUM);
    const event = deltaEvent('i');
    cases.push({
      group: 'adapter: 1 s of microphone and of assistant audio (JSON in, JSON out)',
      impl: 'RealtimeAudioAdapter openai',
      baseline: true,
      bytes: RATE * 4,
      seconds: 1,
      fn: () => {
        for (let d = 0; d < 10; d++) adapter.handleServerEvent(event);
        for (const q of quanta) {
          adapter.pushMicrophone(q);
          adapter.readPlayback(out);
        }
      },
    });
  }
  {
    // G.711 at 8 kHz: the wasm kernel (through its copies) against a plain-JS 256-entry table
    // decode and the segment-rule encode, 20 ms (160 samples) and 1 s (8000 samples)
    const table = decodeMuLaw(new Uint8Array(256).map((_, i) => i));
    /** @param {number} x */
    const jsEncode = (x) => {
      let v = (x + 2) >> 2;
      if (v > 8191) v = 8191;
      let mask = 0xff;
      if (v < 0) {
        v = -v;
        mask = 0x7f;
      }
      if (v > 8158) v = 8158;
      const y = v + 33;
      const seg = 26 - Math.clz32(y);
      return (((seg << 4) | ((y >> (seg + 1)) & 15)) ^ mask) & 0xff;
    };
    /** @type {Array<[string, number]>} */
    const lengths = [
      ['20 ms', 160],
      ['1 s', 8000],
    ];
    for (const [label, n] of lengths) {
      const pcm = new Int16Array(n).map((_, i) => Math.round(12000 * Math.sin(i * 0.2)));
      const codes = encodeMuLaw(pcm);
      const outCodes = new Uint8Array(n);
      const outPcm = new Int16Array(n);
      const common = { bytes: n * 2, seconds: n / 8000 };
      cases.push(
        { group: `G.711 mu-law encode ${label}`, impl: 'encodeMuLaw (wasm)', fn: () => encodeMuLaw(pcm, outCodes), ...common },
        {
          group: `G.711 mu-law encode ${label}`,
          impl: 'plain JS segment rule',
          baseline: true,
          fn: () => {
            for (let i = 0; i < n; i++) outCodes[i] = jsEncode(pcm[i]);
          },
          ...common,
        },
        { group: `G.711 mu-law decode ${label}`, impl: 'decodeMuLaw (wasm)', fn: () => decodeMuLaw(codes, outPcm), ...common },
        {
          group: `G.711 mu-law decode ${label}`,
          impl: 'plain JS table',
          baseline: true,
          fn: () => {
            for (let i = 0; i < n; i++) outPcm[i] = table[codes[i]];
          },
          ...common,
        },
      );
    }
    const bridge = new TelephonyBridge({ law: 'mulaw' });
    const phone = encodeMuLaw(new Int16Array(160).map((_, i) => Math.round(12000 * Math.sin(i * 0.2))));
    cases.push({
      group: 'TelephonyBridge 20 ms mu-law -> 24 kHz PCM16 base64',
      impl: 'toSessionBase64',
      baseline: true,
      bytes: 320,
      seconds: 0.02,
      fn: () => bridge.toSessionBase64(phone),
    });
  }
  await runSuite('pipeline', cases);
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=64', new URL(import.meta.url).pathname, '--memory'], { encoding: 'utf8' });
  if (child.status !== 0) {
    console.error(child.stderr);
    process.exit(1);
  }
  const memory = JSON.parse(child.stdout);
  console.log('\nmemory', JSON.stringify(memory, null, 2));
  const file = new URL('./results/pipeline.json', import.meta.url);
  const results = JSON.parse(readFileSync(file, 'utf8'));
  results.memory = memory;
  writeFileSync(file, JSON.stringify(results, null, 2));
}
