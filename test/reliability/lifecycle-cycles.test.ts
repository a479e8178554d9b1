// Create, use, free, many times over, for each public class that owns kernel memory: after a
// warm-up, the kernel memory (the wasm memory's size, and the bytes and blocks allocated in it)
// does not move at all, and the V8 heap stays within a bound. The allocator (TLSF, from
// AssemblyScript's `--runtime minimal`) reuses every freed block.
//
// Cycles (CI cost about 7 s): 100,000 of the Resampler and the EnergyVad (7-10 us each); 30,000
// of the EchoGate and the capture pipeline (30-45 us); 10,000 of the playback pipeline, the
// telephony bridge and the adapter (70-100 us). The kernel figures do not move at all after the
// warm-up, so more cycles show the same: LONG=1 runs 100,000 of every class (about 40 s).
import { describe, expect, it } from 'vitest';
import { CapturePipeline, EchoGate, EnergyVad, PlaybackPipeline, RealtimeAudioAdapter, Resampler, TelephonyBridge } from '../../src/index.js';
import { kernelMemory } from '../../src/wasm/load.js';
import { heapUsed } from '../helpers/memory.js';

const LONG = process.env.LONG === '1';
const QUANTUM = new Float32Array(128).map((_, i) => 0.1 * Math.sin(i / 5));
const OUT = new Float32Array(128);
const CODES = new Uint8Array(160).fill(0x55);
const PCM = new Int16Array(480).fill(1000);
/** Heap growth allowed after warm-up (JIT code and feedback; a leak of 16 bytes a cycle would be 1.6 MB over 100,000). */
const HEAP_BOUND_BYTES = 512 * 1024;

/** Per class: how one cycle makes and uses an object (every method that touches its kernels), and how many cycles. */
const CASES: Array<[string, number, () => { free(): void }]> = [
  [
    'Resampler',
    100_000,
    () => {
      const r = new Resampler({ inputRate: 48000, outputRate: 24000 });
      r.process(QUANTUM);
      r.flush();
      return r;
    },
  ],
  [
    'EnergyVad',
    100_000,
    () => {
      const v = new EnergyVad({ sampleRate: 24000 });
      v.process(QUANTUM);
      v.reset();
      return v;
    },
  ],
  [
    'EchoGate',
    30_000,
    () => {
      const g = new EchoGate({ sampleRate: 48000 });
      g.pushReference(QUANTUM);
      g.processInto(QUANTUM, OUT);
      return g;
    },
  ],
  [
    'CapturePipeline',
    30_000,
    () => {
      const c = new CapturePipeline({ inputRate: 48000, vad: true, chunkMs: 10 });
      c.push(QUANTUM);
      c.push(QUANTUM);
      c.flush();
      return c;
    },
  ],
  [
    'PlaybackPipeline',
    10_000,
    () => {
      const p = new PlaybackPipeline({ outputRate: 48000, maxPlaybackMs: 100 });
      p.pushPcm16(PCM, 'item');
      p.flush();
      p.read(OUT);
      p.interrupt();
      return p;
    },
  ],
  [
    'TelephonyBridge',
    10_000,
    () => {
      const b = new TelephonyBridge({ law: 'mulaw' });
      b.toSession(CODES);
      b.fromSession(PCM);
      b.flush();
      return b;
    },
  ],
  [
    'RealtimeAudioAdapter',
    10_000,
    () => {
      const a = new RealtimeAudioAdapter({
        protocol: 'openai',
        send: () => {},
        inputRate: 48000,
        outputRate: 48000,
        vad: true,
        echoGate: true,
        maxPlaybackMs: 100,
      });
      a.readPlayback(OUT);
      a.pushMicrophone(QUANTUM);
      a.flush();
      return a;
    },
  ],
];

describe(`create, use, free ${LONG ? '(LONG: 100,000 of each)' : ''}`, () => {
  it.each(CASES)(
    '%s: kernel memory exactly flat and heap bounded after warm-up',
    (name, defaultCycles, cycle) => {
      const cycles = LONG ? 100_000 : defaultCycles;
      const warmUp = 1000;
      for (let i = 0; i < warmUp; i++) cycle().free();
      const kernelBefore = kernelMemory();
      const heapBefore = heapUsed();
      const started = performance.now();
      for (let i = 0; i < cycles; i++) cycle().free();
      const microseconds = ((performance.now() - started) * 1000) / cycles;
      const kernelAfter = kernelMemory();
      const heapGrowth = heapUsed() - heapBefore;
      console.log(
        `${name}: ${cycles} cycles (${microseconds.toFixed(1)} us each); kernel memory ${kernelBefore.memoryBytes / 1048576} -> ${kernelAfter.memoryBytes / 1048576} MiB, ` +
          `live ${kernelBefore.liveBytes} -> ${kernelAfter.liveBytes} bytes; heap ${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / 1024).toFixed(1)} KiB (bound ${HEAP_BOUND_BYTES / 1024} KiB)`,
      );
      expect(kernelAfter.memoryBytes).toBe(kernelBefore.memoryBytes);
      expect(kernelAfter.liveBytes).toBe(kernelBefore.liveBytes);
      expect(kernelAfter.liveBlocks).toBe(kernelBefore.liveBlocks);
      expect(heapGrowth).toBeLessThan(HEAP_BOUND_BYTES);
    },
    300_000,
  );
});
