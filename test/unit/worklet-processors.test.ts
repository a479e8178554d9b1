// The AudioWorklet processors run in Node with stand-ins for the worklet globals: they must not
// allocate on the 128-frame render path (V8's heap-used counter does not move between quanta),
// and they answer their port messages.
import { describe, expect, it } from 'vitest';
import { createCaptureProcessorClass } from '../../src/browser/capture-processor.js';
import { createPlaybackProcessorClass } from '../../src/browser/playback-processor.js';
import { createSessionProcessorClass, type SessionAdapterSettings } from '../../src/browser/session-processor.js';
import { kernelModule, encodeBase64 } from '../../src/kernels/index.js';
import { allocatedBytes } from '../helpers/allocation.js';
import { type FakePort, FakeProcessorBase } from '../helpers/worklet-fakes.js';
import { speechPcm24k } from '../helpers/speech-fixture.js';
import type { EchoCanceller } from '../../src/kernels/echo-canceller.js';

const scope = { AudioWorkletProcessor: FakeProcessorBase, sampleRate: 48000 };

/** Seeded white noise at 24 kHz, uniform over [-half, half). */
function noisePcm(seconds: number, seed: number, half: number): Int16Array {
  let state = seed;
  return new Int16Array(24000 * seconds).map(() => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return ((state >>> 16) % (2 * half)) - half;
  });
}

/**
 * The mic hearing the speaker 1440 frames (30 ms at 48 kHz) later at 0.25, for one quantum: `t` is
 * the index of its first frame; returns the next. Out of the steps on purpose: a step that loops over
 * samples itself allocated 48 bytes a call whenever V8 had dropped its optimised code (it inlines
 * the processors, whose code dependencies a new pipeline at another rate invalidates) and re-entered
 * only the loop's on-stack-replacement code on every call, for thousands of quanta: the paused-capture
 * check's 12016 bytes at 44.1 kHz (docs/NOTES.md). This function depends on nothing of the
 * processors, and the steps compute no fractional number of their own.
 */
function echoQuantum(speaker: Float32Array, mic: Float32Array, history: Float32Array, t: number): number {
  let at = t;
  for (let i = 0; i < 128; i++, at++) {
    history[at & 4095] = speaker[i]!;
    mic[i] = 0.25 * history[(at - 1440) & 4095]!;
  }
  return at;
}

/** A session processor playing `pcm` as one reply, its mic hearing its speaker at 0.25 1440 frames later. */
function sessionLoop(at: typeof scope, adapter: SessionAdapterSettings, pcm: Int16Array) {
  const Session = createSessionProcessorClass(at);
  const processor = new Session({ processorOptions: { module: kernelModule(), adapter, levelIntervalMs: 0 } });
  const port = processor.port as unknown as FakePort;
  port.deliver({ type: 'server', message: { type: 'response.output_item.added', item: { id: 'it' } } });
  port.deliver({ type: 'server', message: { type: 'response.output_audio.delta', item_id: 'it', delta: encodeBase64(new Uint8Array(pcm.buffer)) } });
  const speaker = new Float32Array(128);
  const mic = new Float32Array(128);
  const history = new Float32Array(4096);
  let t = 0;
  const outputs = [[speaker]];
  const inputs = [[mic]];
  const step = () => {
    processor.process(inputs, outputs);
    t = echoQuantum(speaker, mic, history, t); // the next quantum's mic hears this one's speaker 30 ms later at 48 kHz
  };
  return { processor, port, mic, step };
}

describe('capture processor', () => {
  it('allocates nothing per render quantum between chunks (VAD on, 48 kHz in)', () => {
    const Capture = createCaptureProcessorClass(scope);
    const processor = new Capture({ processorOptions: { module: kernelModule(), pipeline: { chunkMs: 1000, vad: true }, levelIntervalMs: 0 } });
    const quantum = new Float32Array(128);
    const inputs = [[quantum]];
    const noOutputs: Float32Array[][] = []; // hoisted: a literal in the loop would be the test's own allocation
    let phase = 0;
    const step = () => {
      for (let i = 0; i < 128; i++) quantum[i] = 0.3 * Math.sin((phase++ * 2 * Math.PI * 440) / 48000);
      processor.process(inputs, noOutputs);
    };
    for (let i = 0; i < 5000; i++) step(); // warm up (JIT, caches), several chunks
    const quanta = 300; // 1000 ms chunks are 375 quanta of 128 frames at 48 -> 24 kHz
    let bytes = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 5; attempt++) {
      // run on to just after a chunk was emitted (the partial chunk shrinks), then measure
      for (let i = 0, before = processor.pipeline.pendingFrames; i < 1000; i++) {
        step();
        const now = processor.pipeline.pendingFrames;
        if (now < before) break;
        before = now;
      }
      bytes = Math.min(
        bytes,
        allocatedBytes(() => {
          for (let i = 0; i < quanta; i++) processor.process(inputs, noOutputs);
        }),
      );
    }
    console.log(`capture: ${bytes} bytes over ${quanta} quanta`);
    expect(bytes).toBeLessThan(1024); // one 16-byte object per quantum would be 4800
    const port = processor.port as unknown as FakePort;
    expect(port.posted.some((m) => m.type === 'events')).toBe(true);
  });

  it('downmixes stereo input, reports levels and stats, and flushes on request', () => {
    const Capture = createCaptureProcessorClass(scope);
    const processor = new Capture({ processorOptions: { module: kernelModule(), pipeline: { chunkMs: 20 }, levelIntervalMs: 10 } });
    const port = processor.port as unknown as FakePort;
    const left = new Float32Array(128).fill(0.5);
    const right = new Float32Array(128).fill(-0.5);
    for (let i = 0; i < 40; i++) processor.process([[left, right]], []);
    const levels = port.posted.filter((m) => m.type === 'level');
    expect(levels.length).toBeGreaterThan(3);
    expect(levels.at(-1).rmsDb).toBeLessThan(-100); // L + R cancel: the mono mix is silent
    // no echo canceller here: its figures are null, not 0 or -1 (test/browser/echo-beyond.browser.test.ts has one)
    expect(levels.at(-1)).toMatchObject({ echoGateOpen: null, echoCancellerErleDb: null, echoBeyondMaxDelayMs: null, echoReductionDb: null, echoOnlyMs: null });
    port.deliver({ type: 'stats', id: 7 });
    const stats = port.posted.find((m) => m.id === 7);
    expect(stats.result.quanta).toBe(40);
    expect(stats.result).toMatchObject({ echoCancellerErleDb: null, echoBeyondMaxDelayMs: null, echoReductionDb: null, echoOnlyMs: null });
    port.deliver({ type: 'flush', id: 8 });
    expect(Array.isArray(port.posted.find((m) => m.id === 8).result)).toBe(true);
    port.deliver({ type: 'nonsense' });
    expect(port.posted.at(-1)).toMatchObject({ type: 'error', code: 'unknown_message' });
    port.deliver({ type: 'nonsense', id: 9 }); // a request is answered, even one not understood
    expect(port.posted.at(-1)).toMatchObject({ id: 9, error: { code: 'unknown_message' } });
  });

  it('refuses to start without the kernels', () => {
    const Capture = createCaptureProcessorClass(scope);
    expect(() => new Capture({ processorOptions: {} })).toThrow(/processorOptions.module/);
  });
});

/**
 * A playback processor linked to a capture processor with the echo canceller, the reply in `pcm`
 * playing; the mic hears the speaker 30 ms later at -12 dB. `step(micOn)` renders one quantum
 * (playback first), the capture getting the mic only when `micOn`.
 */
function linkedCall(linkId: string, pcm: Int16Array, chunkMs: number, at = scope, outputRate?: number, referenceRate?: number) {
  const playback = new (createPlaybackProcessorClass(at))({ processorOptions: { module: kernelModule(), progressIntervalMs: 0, linkId } });
  const capture = new (createCaptureProcessorClass(at))({
    processorOptions: {
      module: kernelModule(),
      pipeline: { chunkMs, vad: true, outputRate },
      echoCancellation: true,
      referenceRate,
      linkId,
      levelIntervalMs: 0,
    },
  });
  (playback.port as unknown as FakePort).deliver({ type: 'delta', itemId: 'a', base64: encodeBase64(new Uint8Array(pcm.buffer)) });
  const played = new Float32Array(128);
  const mic = new Float32Array(128);
  const history = new Float32Array(4096);
  let t = 0;
  const outputs = [[played]];
  const inputs = [[mic]];
  const noInputs: Float32Array[][] = [];
  const noOutputs: Float32Array[][] = [];
  const step = (micOn = true) => {
    playback.process(noInputs, outputs);
    t = echoQuantum(played, mic, history, t);
    capture.process(micOn ? inputs : noInputs, noOutputs);
  };
  return { playback, capture, mic, step };
}

describe('linked playback and capture processors with echoCancellation', () => {
  // Retried: a rarer 16-byte-a-quantum state (1 in ~24 runs; 5056 bytes over 300 quanta here). One
  // cause is traced and fixed (alloc16: FloatRing.read running its first frame in baseline code before
  // entering OSR code made while the ring grew; bench/alloc-osr-probe.mjs forces it), but too few runs
  // of this file say it was the only one (docs/NOTES.md). A retry builds new processors; a lasting
  // allocation fails all three tries.
  it('allocate nothing per render quantum (playback first, its output the capture pipeline reference), and the echo is cancelled', { retry: 2 }, () => {
    // the reply: recorded speech, looped to 60 s (a continuous modulated tone has its own unit test
    // in echo-canceller.test.ts: narrowband replies are weaker, docs/echo-canceller.md)
    const speech = speechPcm24k();
    const pcm = new Int16Array(24000 * 60).map((_, i) => speech[i % speech.length]!);
    const { capture, step } = linkedCall('alloc', pcm, 1000);
    for (let i = 0; i < 5000; i++) step();
    const quanta = 300;
    let bytes = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 5; attempt++) {
      for (let i = 0, before = capture.pipeline.pendingFrames; i < 1000; i++) {
        step();
        const now = capture.pipeline.pendingFrames;
        if (now < before) break;
        before = now;
      }
      bytes = Math.min(
        bytes,
        allocatedBytes(() => {
          for (let i = 0; i < quanta; i++) step();
        }),
      );
    }
    console.log(`linked playback + capture with the echo canceller: ${bytes} bytes over ${quanta} quanta`);
    expect(bytes).toBeLessThan(1024);
    const erleDb = (capture.pipeline.echoCanceller as EchoCanceller).erleDb;
    console.log(`linked playback + capture: the canceller reports ${erleDb.toFixed(1)} dB ERLE`);
    expect(erleDb).toBeGreaterThan(10);
  });

  // Gemini through createCaptureNode: a 16 kHz capture beside a playback at its default 24 kHz session
  // rate takes its tap (through one 24 -> 16 kHz resampler) unless told the context's rate
  it.each([
    [undefined, 24000],
    [48000, 48000],
  ])('a 16 kHz capture linked with referenceRate %s takes the playback at %d Hz and cancels the echo (ERLE > 10 dB)', (referenceRate, taken) => {
    const { capture, step } = linkedCall(`gemini-${taken}`, noisePcm(4, 5, 8000), 20, scope, 16000, referenceRate);
    expect(capture.pipeline.referenceRate).toBe(taken);
    for (let q = 0; q < Math.round((4 * 48000) / 128); q++) step();
    const erleDb = (capture.pipeline.echoCanceller as EchoCanceller).erleDb;
    console.log(`a 16 kHz capture taking the playback at ${taken} Hz: ${erleDb.toFixed(1)} dB ERLE`);
    expect(erleDb).toBeGreaterThan(10);
  });

  // (when the reference kept queueing during the pause, the mic resumed 1 s behind it: 27.3 dB, the suppressor alone)
  // At 44.1 kHz the playback's tap comes in blocks of 70 session frames (0, 1 or 2 a quantum) while
  // a quantum is 69.66 session frames of mic: what a pause drops of each must still match
  // (skipMicrophone). When the reference was dropped while paused (referenceEnabled false), the
  // mic resumed out of step at 44.1 kHz: 44.4 dB after 345 quanta, 12.0 dB after one; 68.2 at 48 kHz.
  it.each([
    [48000, 375],
    [44100, 345],
    [44100, 1],
    [44100, 0],
  ])(
    'a capture paused while the reply plays resumes in step at %d Hz (paused %d quanta): the echo stays cancelled (>= 60 dB from 0.2 s after resuming; measured 68.2 at 48 kHz, 70.7-70.9 at 44.1, 75.5 not paused), nothing allocated per paused quantum',
    // Retried for the 16-byte state above (the 48-byte one is fixed: echoQuantum).
    { retry: 2 },
    (rate, pausedQuanta) => {
      const pcm = noisePcm(8, 3, 8000);
      const { capture, mic, step } = linkedCall(`pause-${rate}-${pausedQuanta}`, pcm, 20, { ...scope, sampleRate: rate });
      const port = capture.port as unknown as FakePort;
      const before = Math.round((2 * rate) / 128); // 2 s
      for (let q = 0; q < before; q++) step();
      port.deliver({ type: 'pause', paused: true });
      if (pausedQuanta >= 300) {
        for (let q = 0; q < 100; q++) step(false); // the reply plays, no mic is pushed (warm-up)
        const bytes = allocatedBytes(() => {
          for (let q = 0; q < pausedQuanta - 100; q++) step(false);
        });
        console.log(`paused capture: ${bytes} bytes over ${pausedQuanta - 100} quanta`);
        expect(bytes).toBeLessThan(1024);
      } else for (let q = 0; q < pausedQuanta; q++) step(false);
      port.deliver({ type: 'pause', paused: false });
      const resumedMs = (before * 128 * 1000) / rate; // stream time: only pushed mic counts
      let micEnergy = 0;
      for (let q = 0; q < Math.round(rate / 128); q++) {
        step();
        const ms = ((before + q) * 128 * 1000) / rate;
        if (ms >= resumedMs + 200) for (const v of mic) micEnergy += v * v;
      }
      let outEnergy = 0;
      for (const m of port.posted) {
        if (m.type !== 'events') continue;
        for (const e of m.events) {
          if (e.type !== 'audio' || e.startMs < resumedMs + 200) continue;
          for (const v of new Int16Array(Uint8Array.from(Buffer.from(e.base64, 'base64')).buffer)) outEnergy += 2 * (v / 32768) ** 2;
        }
      }
      const reductionDb = 10 * Math.log10(micEnergy / outEnergy);
      console.log(
        `capture paused ${pausedQuanta} quanta at ${rate} Hz while the reply played: ${reductionDb.toFixed(1)} dB less echo from 0.2 s after resuming`,
      );
      expect(reductionDb).toBeGreaterThan(60);
    },
  );
});

describe('session processor', () => {
  it('allocates nothing per render quantum between chunks with its echo canceller on (the default), playing a reply into the mic', () => {
    const { processor, port, step } = sessionLoop(scope, { protocol: 'openai', chunkMs: 1000, vad: true }, noisePcm(60, 9, 4000));
    for (let i = 0; i < 5000; i++) step();
    const quanta = 300;
    let bytes = Number.POSITIVE_INFINITY;
    const sends = () => port.posted.filter((m) => m.type === 'send').length;
    for (let attempt = 0; attempt < 5; attempt++) {
      for (let i = 0, before = sends(); i < 1000 && sends() === before; i++) step(); // just after a chunk went out
      bytes = Math.min(
        bytes,
        allocatedBytes(() => {
          for (let i = 0; i < quanta; i++) step();
        }),
      );
    }
    console.log(`session processor with the echo canceller: ${bytes} bytes over ${quanta} quanta`);
    expect(bytes).toBeLessThan(1024);
    expect((processor.adapter.echoCanceller as EchoCanceller).erleDb).toBeGreaterThan(10);
  });
});

describe('session processor paused while the reply plays', () => {
  // the browser session's default path (the adapter's tap at 24 kHz) at a device rate that does not divide it
  it.each([
    [44100, 345],
    [44100, 0],
  ])(
    "resumes in step at %d Hz (paused %d quanta): >= 60 dB less echo from 0.2 s after resuming (measured 68.9 paused, 75.0 not; 44.0 when the paused mic's reference was dropped as pushed)",
    (rate, pausedQuanta) => {
      const { port, mic, step } = sessionLoop({ ...scope, sampleRate: rate }, { protocol: 'openai', chunkMs: 20, vad: false }, noisePcm(8, 3, 8000));
      const before = Math.round((2 * rate) / 128);
      for (let q = 0; q < before; q++) step();
      port.deliver({ type: 'pause', paused: true });
      for (let q = 0; q < pausedQuanta; q++) step();
      port.deliver({ type: 'pause', paused: false });
      const mark = port.posted.length;
      let micEnergy = 0;
      for (let q = 0; q < Math.round(rate / 128); q++) {
        step();
        if (q * 128 >= 0.2 * rate) for (const v of mic) micEnergy += v * v;
      }
      // the session audio sent since the resume (24 kHz), from 0.2 s on (its energy scaled to the mic's rate)
      let outEnergy = 0;
      let frames = 0;
      for (const m of port.posted.slice(mark)) {
        if (m.type !== 'send' || m.event.type !== 'input_audio_buffer.append') continue;
        for (const v of new Int16Array(Uint8Array.from(Buffer.from(m.event.audio, 'base64')).buffer)) {
          if (frames++ >= 0.2 * 24000) outEnergy += (v / 32768) ** 2 * (rate / 24000);
        }
      }
      const reductionDb = 10 * Math.log10(micEnergy / outEnergy);
      console.log(
        `session processor paused ${pausedQuanta} quanta at ${rate} Hz while the reply played: ${reductionDb.toFixed(1)} dB less echo from 0.2 s after resuming`,
      );
      expect(reductionDb).toBeGreaterThan(60);
    },
  );
});

describe('playback processor', () => {
  it('allocates nothing per render quantum while playing, and answers an interruption', () => {
    const Playback = createPlaybackProcessorClass(scope);
    const processor = new Playback({ processorOptions: { module: kernelModule(), progressIntervalMs: 0 } });
    const port = processor.port as unknown as FakePort;
    const pcm = new Int16Array(24000 * 40).map((_, i) => Math.round(8000 * Math.sin(i / 10)));
    port.deliver({ type: 'delta', itemId: 'a', base64: encodeBase64(new Uint8Array(pcm.buffer)) });
    const out = new Float32Array(128);
    const outputs = [[out]];
    const noInputs: Float32Array[][] = [];
    for (let i = 0; i < 5000; i++) processor.process(noInputs, outputs);
    const quanta = 1000;
    const bytes = allocatedBytes(() => {
      for (let i = 0; i < quanta; i++) processor.process(noInputs, outputs);
    });
    console.log(`playback: ${bytes} bytes over ${quanta} quanta`);
    expect(bytes).toBeLessThan(1024);
    expect(out.some((v) => v !== 0)).toBe(true);
    port.deliver({ type: 'interrupt', id: 3 });
    const answer = port.posted.find((m) => m.id === 3);
    expect(answer.result.itemId).toBe('a');
    // 10,000 quanta of 128 frames at 48 kHz = 640,000 frames of the 24 kHz item (26.67 s of 40 s)
    expect(answer.result.playedMs).toBe(640000 / 24);
    expect(answer.result.receivedFrames).toBe(24000 * 40);
    // flushed at once: the next 5 ms fade out from the level at the cut (239 frames at 48 kHz), then silence
    processor.process(noInputs, outputs);
    expect(Math.abs(out[0]!)).toBeGreaterThan(0);
    processor.process(noInputs, outputs);
    expect(out.subarray(111).every((v) => v === 0)).toBe(true);
    processor.process(noInputs, outputs);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('reports bad deltas as errors and keeps playing', () => {
    const Playback = createPlaybackProcessorClass(scope);
    const processor = new Playback({ processorOptions: { module: kernelModule() } });
    const port = processor.port as unknown as FakePort;
    port.deliver({ type: 'delta', itemId: 'a', base64: 'not base64!' });
    expect(port.posted.at(-1)).toMatchObject({ type: 'error', code: 'invalid_base64' });
    port.deliver({ type: 'delta', itemId: 'a', base64: encodeBase64(new Uint8Array(4800)) });
    const out = new Float32Array(128);
    expect(() => processor.process([], [[out]])).not.toThrow();
  });
});
