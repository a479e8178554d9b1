// The lifecycle of every public class that owns kernel memory (issue 14.1 and 14.3): construct,
// use, flush, reset, free. free() returns the kernel memory at once (the reproduction:
// 1,000 adapters with VAD and echo gate grew the kernel memory from 2 to 256 MiB, for good), is
// idempotent, and any use afterwards is a typed RealtimePcmError('freed'); what the app passed in
// (an EchoGate, a VAD) stays the app's. The garbage-collection backstop for objects dropped
// without free() is measured here too. The many-cycles figures are in lifecycle-cycles.test.ts.
import { describe, expect, it } from 'vitest';
import {
  CapturePipeline,
  EchoCanceller,
  EchoGate,
  EnergyVad,
  PlaybackPipeline,
  RealtimeAudioAdapter,
  RealtimePcmError,
  Resampler,
  TelephonyBridge,
  encodeBase64,
} from '../../src/index.js';
import { kernelMemory } from '../../src/wasm/load.js';
import { collect, kernelKiB } from '../helpers/memory.js';

const QUANTUM = new Float32Array(128).map((_, i) => 0.1 * Math.sin(i / 5));

function adapter(options: Partial<ConstructorParameters<typeof RealtimeAudioAdapter>[0]> = {}): RealtimeAudioAdapter {
  return new RealtimeAudioAdapter({
    protocol: 'openai',
    send: () => {},
    inputRate: 48000,
    outputRate: 48000,
    vad: true,
    echoGate: true,
    maxPlaybackMs: 1000,
    ...options,
  });
}

function pcmDelta(frames: number): string {
  const pcm = new Int16Array(frames).map((_, i) => Math.round(8000 * Math.sin(i / 7)));
  return encodeBase64(new Uint8Array(pcm.buffer));
}

/** Each public class: how to make it, and one use of every kind (allocating its kernel memory first). */
const CLASSES: Array<[string, () => { free(): void }, (o: any) => unknown]> = [
  ['Resampler', () => new Resampler({ inputRate: 48000, outputRate: 24000 }), (o) => o.process(QUANTUM)],
  ['EnergyVad', () => new EnergyVad({ sampleRate: 24000 }), (o) => o.process(QUANTUM)],
  ['EchoGate', () => new EchoGate({ sampleRate: 48000 }), (o) => o.process(QUANTUM)],
  ['EchoCanceller', () => new EchoCanceller({ sampleRate: 24000 }), (o) => o.process(QUANTUM)],
  ['CapturePipeline', () => new CapturePipeline({ inputRate: 48000, vad: true }), (o) => o.push(QUANTUM)],
  ['PlaybackPipeline', () => new PlaybackPipeline({ outputRate: 48000, maxPlaybackMs: 1000 }), (o) => o.read(new Float32Array(128))],
  ['TelephonyBridge', () => new TelephonyBridge({ law: 'mulaw' }), (o) => o.toSession(new Uint8Array(160))],
  ['RealtimeAudioAdapter', () => adapter(), (o) => o.pushMicrophone(QUANTUM)],
];

function freedCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RealtimePcmError);
    return (error as RealtimePcmError).code;
  }
  return undefined;
}

describe('free() returns kernel memory', () => {
  it('1,000 adapters with VAD and echo gate, each used and freed: the kernel memory stays where it started (issue 14.1)', () => {
    adapter().free(); // the shared windows and coefficient tables of this configuration, made once
    const before = kernelMemory();
    for (let i = 0; i < 1000; i++) {
      const a = adapter();
      a.pushMicrophone(QUANTUM);
      a.readPlayback(new Float32Array(128));
      a.free();
    }
    const after = kernelMemory();
    console.log(`1,000 adapters: ${before.memoryBytes / 1048576} -> ${after.memoryBytes / 1048576} MiB, live ${before.liveBytes} -> ${after.liveBytes} bytes`);
    expect(after.memoryBytes).toBe(before.memoryBytes); // main: 2 -> 256 MiB
    expect(after.liveBytes).toBe(before.liveBytes);
    expect(after.liveBlocks).toBe(before.liveBlocks);
  });

  it.each(CLASSES)('%s: free() returns what it allocated, is idempotent, and any use afterwards is RealtimePcmError("freed")', (_name, make, use) => {
    const first = make();
    use(first); // the shared windows and tables its use needs, made once per scope
    first.free();
    const base = kernelMemory().liveBytes;
    const object = make();
    use(object);
    expect(kernelMemory().liveBytes).toBeGreaterThan(base);
    object.free();
    expect(kernelMemory().liveBytes).toBe(base);
    expect(() => object.free()).not.toThrow();
    expect(freedCode(() => use(object))).toBe('freed');
  });

  it('every call of the pipelines and the adapter after free() is RealtimePcmError("freed"); late server messages are ignored', () => {
    const capture = new CapturePipeline({ inputRate: 48000 });
    capture.free();
    for (const call of [() => capture.push(QUANTUM), () => capture.flush(), () => capture.emitPending(), () => capture.reset()])
      expect(freedCode(call)).toBe('freed');
    const playback = new PlaybackPipeline({ outputRate: 48000, maxPlaybackMs: 1000 });
    playback.free();
    for (const call of [
      () => playback.pushDelta(pcmDelta(10), 'a'),
      () => playback.pushPcm16(new Int16Array(4), 'a'),
      () => playback.read(new Float32Array(128)),
      () => playback.interrupt(),
      () => playback.flush(),
      () => playback.reset(),
    ])
      expect(freedCode(call)).toBe('freed');
    const bridge = new TelephonyBridge({ law: 'alaw' });
    bridge.free();
    for (const call of [() => bridge.toSession(new Uint8Array(8)), () => bridge.fromSession(new Int16Array(8)), () => bridge.flush(), () => bridge.reset()])
      expect(freedCode(call)).toBe('freed');
    const events: unknown[] = [];
    const a = adapter({ onEvent: (e) => events.push(e) });
    a.free();
    for (const call of [
      () => a.pushMicrophone(QUANTUM),
      () => a.readPlayback(new Float32Array(128)),
      () => a.flush(),
      () => a.reset(),
      () => a.commit(),
      () => a.clearInput(),
      () => a.interrupt(),
      () => a.sessionUpdate(),
    ])
      expect(freedCode(call)).toBe('freed');
    expect(() => a.handleServerEvent({ type: 'response.output_audio.delta', item_id: 'x', delta: pcmDelta(10) })).not.toThrow();
    expect(events).toEqual([]);
    expect(a.stats.chunksSent).toBe(0); // still readable
  });

  it('what the app passed in stays the app’s: an EchoGate or EnergyVad given to a pipeline or adapter is not freed with it', () => {
    const gate = new EchoGate({ sampleRate: 48000 });
    const vad = new EnergyVad({ sampleRate: 24000 });
    const a = new RealtimeAudioAdapter({ protocol: 'openai', send: () => {}, inputRate: 48000, outputRate: 48000, echoGate: gate, vad });
    a.pushMicrophone(QUANTUM);
    a.free();
    expect(gate.process(QUANTUM).length).toBe(128);
    expect(vad.process(new Float32Array(240))).toEqual([]);
    const capture = new CapturePipeline({ inputRate: 48000, vad, echoGate: gate });
    capture.free();
    expect(() => vad.reset()).not.toThrow();
    expect(gate.open).toBe(true);
    gate.free();
    vad.free();
  });
});

describe('flush and reset', () => {
  it('RealtimeAudioAdapter.flush() sends the partial chunk and the resampler tail, without a commit; reset() starts a new call', () => {
    const sent: Array<Record<string, unknown>> = [];
    const a = new RealtimeAudioAdapter({ protocol: 'openai', send: (e) => sent.push(e), inputRate: 48000, outputRate: 48000, chunkMs: 40 });
    for (let i = 0; i < 10; i++) a.pushMicrophone(QUANTUM); // 1280 frames in: 640 out, short of one 960-frame chunk
    expect(sent).toEqual([]);
    a.flush();
    expect(sent.map((e) => e.type)).toEqual(['input_audio_buffer.append']);
    expect(Math.round(a.stats.sentSeconds * 24000)).toBe(640); // ceil(1280 / 2): the whole input, tail included
    a.handleServerEvent({ type: 'response.output_item.added', item: { id: 'it' } });
    a.handleServerEvent({ type: 'response.output_audio.delta', item_id: 'it', delta: pcmDelta(2400) });
    expect(a.playback.bufferedMs).toBeGreaterThan(0);
    a.reset();
    expect(a.playback.bufferedMs).toBe(0);
    expect(a.interrupt()).toBeUndefined(); // nothing playing, nothing responding
    expect(a.stats.chunksSent).toBe(1); // counters are kept
    a.free();
  });

  it('PlaybackPipeline.flush() plays out the receiving item to its end (the resampler tail included)', () => {
    const p = new PlaybackPipeline({ outputRate: 48000, maxPlaybackMs: 1000 });
    p.pushDelta(pcmDelta(1000), 'a');
    const out = new Float32Array(4096);
    const before = p.read(out); // whole 128-frame blocks of input, less the filter's delay
    p.flush();
    const after = p.read(out);
    console.log(`playback flush: ${before} frames before, ${after} after`);
    expect(after).toBeGreaterThan(104); // the last 104 input frames (1000 - 7 x 128), at 2x, and the filter's tail
    expect(before + after).toBe(2000); // every input frame, at 2x
    expect(p.active).toBe(false); // the item ended and was played to its end
    expect(p.interrupt().playedToEnd).toBe(true);
    p.free();
  });

  it('TelephonyBridge.flush() gives what a last call with `end` would', () => {
    const codes = new Uint8Array(333).map((_, i) => (i * 37) & 0xff);
    const session = new Int16Array(999).map((_, i) => Math.round(5000 * Math.sin(i / 9)));
    const a = new TelephonyBridge({ law: 'mulaw' });
    const b = new TelephonyBridge({ law: 'mulaw' });
    const upA = [...a.toSession(codes), ...a.toSession(new Uint8Array(0), true)];
    const downA = [...a.fromSession(session), ...a.fromSession(new Int16Array(0), true)];
    const upB = [...b.toSession(codes)];
    const downB = [...b.fromSession(session)];
    const tail = b.flush();
    expect([...upB, ...tail.toSession]).toEqual(upA);
    expect([...downB, ...tail.toPhone]).toEqual(downA);
    expect(upA.length).toBe(999); // 333 x 3, tail included
    a.free();
    b.free();
  });
});

describe('the garbage-collection backstop (FinalizationRegistry)', () => {
  it('adapters dropped without free() give their kernel memory back once collected, when the app yields between calls', async () => {
    const one = adapter();
    const blocksPerAdapter = kernelMemory().liveBlocks;
    one.free();
    await collect();
    const before = kernelMemory();
    for (let batch = 0; batch < 10; batch++) {
      for (let i = 0; i < 100; i++) adapter().pushMicrophone(QUANTUM); // forgotten: never freed
      await collect();
    }
    const after = kernelMemory();
    console.log(
      `1,000 adapters dropped without free(), collected after every 100: ${kernelKiB()}; ${after.reclaimedBlocks - before.reclaimedBlocks} blocks reclaimed, memory ${before.memoryBytes / 1048576} -> ${after.memoryBytes / 1048576} MiB`,
    );
    expect(after.reclaimedBlocks - before.reclaimedBlocks).toBe(1000 * (blocksPerAdapter - before.liveBlocks));
    expect(after.liveBytes).toBe(before.liveBytes);
    // bounded by one batch of 100 live adapters (about 250 KiB each), not by the 1,000 made
    expect(after.memoryBytes - before.memoryBytes).toBeLessThanOrEqual(100 * 320 * 1024);
  });
});
