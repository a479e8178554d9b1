// The microphone watch (ended21): a microphone that ends or goes silent gets a clear, typed event.
// (1) The processors' dead-mic watch (src/browser/mic-silence.ts) in Node with stand-ins for the
// worklet globals: exact zeros or no channel (what Chromium, WebKit and Firefox deliver after the
// page's own track.stop(), docs/NOTES.md muted20) for microphoneSilentMs while not paused ->
// `microphone_silent` once, the first sample back -> `microphone_resumed`; the app's pause -> nothing;
// nothing allocated per quantum. (2) The factories (connectRealtimeAudio, createCaptureNode) against
// the real processors over a MessageChannel (test/helpers/worklet-stub.ts), their source's track a
// stand-in EventTarget that counts its listeners: a dispatched `ended` -> the error
// `microphone_ended` once, with the track's label and id; `mute` / `unmute` -> events; close removes
// every listener, over many short calls.
import { describe, expect, it } from 'vitest';
import { createCaptureProcessorClass } from '../../src/browser/capture-processor.js';
import { createSessionProcessorClass } from '../../src/browser/session-processor.js';
import { createCaptureNode } from '../../src/browser/capture-node.js';
import { connectRealtimeAudio } from '../../src/browser/session-node.js';
import type { MicrophoneEvent } from '../../src/browser/microphone-watch.js';
import type { SessionEventMessage } from '../../src/browser/protocol.js';
import { kernelModule } from '../../src/kernels/index.js';
import { OptionsError } from '../../src/index.js';
import { allocatedBytes } from '../helpers/allocation.js';
import { type FakePort, FakeProcessorBase } from '../helpers/worklet-fakes.js';
import { stubContext, useStubWorklet } from '../helpers/worklet-stub.js';

const RATE = 48000;
const scope = { AudioWorkletProcessor: FakeProcessorBase, sampleRate: RATE };

/** Seeded quiet noise (a live mic's floor, about -70 dBFS), one quantum. */
function noiseQuantum(seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: 128 }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32 - 0.5) * 0.001;
  });
}

function micEvents(port: FakePort, kind: 'session' | 'capture'): MicrophoneEvent[] {
  return port.posted
    .filter((m) => (kind === 'session' ? m.type === 'event' && String(m.event.type).startsWith('microphone_') : m.type === 'microphone'))
    .map((m) => m.event);
}

describe.each(['session', 'capture'] as const)('the %s processor’s dead-mic watch', (kind) => {
  function make(microphoneSilentMs: number | undefined, chunkMs = 20) {
    const processorOptions =
      kind === 'session'
        ? { module: kernelModule(), adapter: { protocol: 'openai' as const, chunkMs }, levelIntervalMs: 0, microphoneSilentMs }
        : { module: kernelModule(), pipeline: { chunkMs }, levelIntervalMs: 0, microphoneSilentMs };
    const Processor = kind === 'session' ? createSessionProcessorClass(scope) : createCaptureProcessorClass(scope);
    const processor = new (Processor as new (o: unknown) => { process(i: Float32Array[][], o: Float32Array[][]): boolean; port: MessagePort })({
      processorOptions,
    });
    const port = processor.port as unknown as FakePort;
    const outputs = [[new Float32Array(128)]];
    const live = [[noiseQuantum(7)]];
    const zeros1 = [[new Float32Array(128)]];
    const zeros2 = [[new Float32Array(128), new Float32Array(128)]]; // Chromium's two channels of zeros
    const none: Float32Array[][] = [[]]; // Firefox: no channel
    const run = (inputs: Float32Array[][], quanta: number) => {
      for (let q = 0; q < quanta; q++) processor.process(inputs, outputs);
    };
    /** Runs `inputs` until a chunk is posted (the allocation checks measure between chunks). */
    const afterChunk = (inputs: Float32Array[][]) => {
      const chunks = () => port.posted.filter((m) => m.type === 'send' || m.type === 'events').length;
      for (let i = 0, before = chunks(); i < 1000 && chunks() === before; i++) processor.process(inputs, outputs);
    };
    return { processor, port, run, afterChunk, live, zeros1, zeros2, none, events: () => micEvents(port, kind) };
  }

  it('exact zeros or no channel for microphoneSilentMs -> microphone_silent once, exactly at the threshold; a sample back -> microphone_resumed with how long it lasted', () => {
    const m = make(1000); // 48000 frames: 375 quanta
    m.run(m.live, 200);
    m.run(m.zeros2, 100);
    m.run(m.none, 100);
    m.run(m.zeros1, 174);
    expect(m.events()).toEqual([]);
    m.run(m.zeros1, 1);
    expect(m.events()).toEqual([{ type: 'microphone_silent', silentMs: 1000 }]);
    m.run(m.none, 1000);
    expect(m.events()).toHaveLength(1);
    m.run(m.live, 1);
    expect(m.events()).toEqual([
      { type: 'microphone_silent', silentMs: 1000 },
      { type: 'microphone_resumed', silentMs: Math.round(((375 + 1000) * 128 * 1000) / RATE) },
    ]);
    // a live mic between zero runs restarts the count
    m.run(m.zeros1, 374);
    m.run(m.live, 1);
    m.run(m.zeros1, 374);
    expect(m.events()).toHaveLength(2);
    m.run(m.zeros1, 1);
    expect(m.events()).toHaveLength(3);
  });

  it('the app’s pause (mute) reports nothing however long, and the count restarts after it', () => {
    const m = make(1000);
    m.run(m.live, 10);
    m.run(m.zeros1, 300);
    m.port.deliver({ type: 'pause', paused: true });
    m.run(m.zeros1, 2000);
    m.run(m.none, 2000);
    m.port.deliver({ type: 'pause', paused: false });
    m.run(m.zeros1, 374);
    expect(m.events()).toEqual([]);
    m.run(m.zeros1, 1);
    expect(m.events()).toEqual([{ type: 'microphone_silent', silentMs: 1000 }]);
  });

  it('off without microphoneSilentMs (a source that is not a microphone) and with 0', () => {
    for (const ms of [undefined, 0]) {
      const m = make(ms);
      m.run(m.none, 3000);
      m.run(m.zeros1, 3000);
      m.run(m.live, 10);
      expect(m.events()).toEqual([]);
    }
  });

  it('allocates nothing per render quantum while counting, while silent, and while live (between chunks)', () => {
    const m = make(60_000, 1000);
    m.run(m.live, 3000);
    let counting = Number.POSITIVE_INFINITY;
    let live = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 3; attempt++) {
      m.afterChunk(m.zeros1);
      counting = Math.min(
        counting,
        allocatedBytes(() => m.run(m.zeros1, 300)),
      );
      m.afterChunk(m.live);
      live = Math.min(
        live,
        allocatedBytes(() => m.run(m.live, 300)),
      );
    }
    const m2 = make(100, 1000);
    m2.run(m2.none, 100);
    expect(m2.events()).toHaveLength(1);
    const silent = allocatedBytes(() => m2.run(m2.none, 300));
    console.log(`${kind} processor's dead-mic watch: ${counting} / ${silent} / ${live} bytes over 300 quanta counting / silent / live`);
    expect(m.events()).toEqual([]);
    expect(counting).toBeLessThan(1024);
    expect(silent).toBeLessThan(1024);
    expect(live).toBeLessThan(1024);
  });
});

/** A MediaStreamTrack stand-in that counts the listeners it holds. */
class FakeTrack extends EventTarget {
  listeners = 0;
  readyState = 'live';
  constructor(
    readonly id: string,
    readonly label: string,
  ) {
    super();
  }
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: AddEventListenerOptions | boolean): void {
    this.listeners++;
    super.addEventListener(type, listener, options);
  }
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: EventListenerOptions | boolean): void {
    this.listeners--;
    super.removeEventListener(type, listener, options);
  }
}

/** Firefox 153's track: addEventListener's listeners never called, the handler properties are (measured, ended21). */
class HandlerOnlyTrack extends FakeTrack {
  onended: ((event: Event) => unknown) | null = null;
  onmute: ((event: Event) => unknown) | null = null;
  onunmute: ((event: Event) => unknown) | null = null;
  override addEventListener(type: string, _listener: EventListenerOrEventListenerObject | null): void {
    if (type !== 'realtime-pcm-listener-probe') this.listeners++;
  }
  override removeEventListener(type: string, _listener: EventListenerOrEventListenerObject | null): void {
    if (type !== 'realtime-pcm-listener-probe') this.listeners--;
  }
  fire(type: 'ended' | 'mute' | 'unmute'): void {
    const event = new Event(type);
    this.dispatchEvent(event);
    this[`on${type}`]?.call(this, event);
  }
}

/** A MediaStreamAudioSourceNode stand-in: its `mediaStream` holds `tracks`. */
function fakeSource(...tracks: FakeTrack[]): AudioNode {
  return { mediaStream: { getAudioTracks: () => tracks }, connect: () => {}, disconnect: () => {} } as unknown as AudioNode;
}

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits (up to 5 s) for messages in flight over the MessageChannel, until `done`; then 50 ms more for any that should not come. */
async function settle(done: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5000 && !done(); waited += 10) await tick();
  await tick(50);
}

describe('the factories watch their source’s tracks', () => {
  const nodes = useStubWorklet();

  it('connectRealtimeAudio: ended -> the error microphone_ended once (label and id in the message); mute / unmute -> events; close removes the listeners', async () => {
    const track = new FakeTrack('track-1', 'Built-in Microphone');
    const events: SessionEventMessage[] = [];
    const session = await connectRealtimeAudio({
      context: stubContext(),
      source: fakeSource(track),
      protocol: 'openai',
      send: () => {},
      onEvent: (e) => events.push(e),
    });
    expect(track.listeners).toBe(3);
    track.dispatchEvent(new Event('mute'));
    track.dispatchEvent(new Event('unmute'));
    track.dispatchEvent(new Event('ended'));
    track.dispatchEvent(new Event('ended'));
    track.dispatchEvent(new Event('mute')); // after ended: nothing more from this track
    expect(events).toEqual([
      { type: 'microphone_muted', trackId: 'track-1', label: 'Built-in Microphone' },
      { type: 'microphone_unmuted', trackId: 'track-1', label: 'Built-in Microphone' },
      { type: 'error', code: 'microphone_ended', message: expect.stringMatching(/"Built-in Microphone" \(track track-1\) ended.*openMicrophone/) },
    ]);
    session.close();
    expect(track.listeners).toBe(0);
    track.dispatchEvent(new Event('ended'));
    expect(events).toHaveLength(3);
  });

  it('connectRealtimeAudio on a microphone watches for silence by default (1000 ms), on another source not; microphoneSilentMs is checked', async () => {
    const events: SessionEventMessage[] = [];
    const mic = await connectRealtimeAudio({
      context: stubContext(),
      source: fakeSource(new FakeTrack('a', '')),
      protocol: 'openai',
      send: () => {},
      onEvent: (e) => events.push(e),
    });
    const other = await connectRealtimeAudio({
      context: stubContext(),
      source: { connect: () => {}, disconnect: () => {} } as unknown as AudioNode,
      protocol: 'openai',
      send: () => {},
      onEvent: (e) => events.push({ ...e, other: true } as unknown as SessionEventMessage),
    });
    const out = [[new Float32Array(128)]];
    for (let q = 0; q < 375; q++) {
      nodes[0]!.processor.process([[]], out);
      nodes[1]!.processor.process([[]], out);
    }
    await settle(() => events.length >= 1);
    expect(events).toEqual([{ type: 'microphone_silent', silentMs: 1000 }]);
    mic.close();
    other.close();
    await expect(connectRealtimeAudio({ context: stubContext(), protocol: 'openai', send: () => {}, microphoneSilentMs: -1 })).rejects.toThrow(OptionsError);
  });

  it('a track already ended when connected is reported at once; the stream given as microphoneStream is watched', async () => {
    const track = new FakeTrack('t2', 'USB Mic');
    track.readyState = 'ended';
    const events: SessionEventMessage[] = [];
    const session = await connectRealtimeAudio({
      context: stubContext(),
      source: { connect: () => {}, disconnect: () => {} } as unknown as AudioNode, // e.g. a gain node after the mic's source
      microphoneStream: { getAudioTracks: () => [track] } as unknown as MediaStream,
      protocol: 'openai',
      send: () => {},
      onEvent: (e) => events.push(e),
    });
    await tick(1);
    expect(events).toEqual([{ type: 'error', code: 'microphone_ended', message: expect.stringContaining('"USB Mic" (track t2) ended') }]);
    session.close();
    expect(track.listeners).toBe(0);
  });

  it('createCaptureNode: ended -> onError microphone_ended; mute and silence -> onMicrophone; close removes the listeners', async () => {
    const track = new FakeTrack('c1', 'Headset');
    const errors: { code: string; message: string }[] = [];
    const mic: MicrophoneEvent[] = [];
    const capture = await createCaptureNode(stubContext(), { source: fakeSource(track), onError: (e) => errors.push(e), onMicrophone: (e) => mic.push(e) });
    track.dispatchEvent(new Event('mute'));
    for (let q = 0; q < 375; q++) nodes[0]!.processor.process([[new Float32Array(128)]]);
    nodes[0]!.processor.process([[noiseQuantum(3)]]);
    await settle(() => mic.length >= 3);
    track.dispatchEvent(new Event('ended'));
    expect(mic).toEqual([
      { type: 'microphone_muted', trackId: 'c1', label: 'Headset' },
      { type: 'microphone_silent', silentMs: 1000 },
      { type: 'microphone_resumed', silentMs: 1000 },
    ]);
    expect(errors).toEqual([{ code: 'microphone_ended', message: expect.stringContaining('"Headset" (track c1) ended') }]);
    capture.close();
    expect(track.listeners).toBe(0);
  });

  it('a track that calls only its handler properties (Firefox): reported through them, the app’s own handler still called, and put back on close', async () => {
    const track = new HandlerOnlyTrack('f1', 'Firefox mic');
    const app: string[] = [];
    track.onmute = () => app.push('app mute');
    const events: SessionEventMessage[] = [];
    const first = await connectRealtimeAudio({
      context: stubContext(),
      source: fakeSource(track),
      protocol: 'openai',
      send: () => {},
      onEvent: (e) => events.push(e),
    });
    const second = await connectRealtimeAudio({
      context: stubContext(),
      source: fakeSource(track),
      protocol: 'openai',
      send: () => {},
      onEvent: (e) => events.push({ ...e, second: true } as unknown as SessionEventMessage),
    });
    track.fire('mute');
    track.fire('ended');
    track.fire('ended');
    expect(app).toEqual(['app mute']);
    expect(events.map((e) => `${(e as { second?: boolean }).second ? 2 : 1} ${e.type === 'error' ? e.code : e.type}`)).toEqual([
      '2 microphone_muted',
      '1 microphone_muted',
      '2 microphone_ended',
      '1 microphone_ended',
    ]);
    second.close();
    first.close();
    expect(track.listeners).toBe(0);
    expect(track.onended).toBeNull();
    track.onmute?.(new Event('mute'));
    expect(app).toEqual(['app mute', 'app mute']);
    expect(events).toHaveLength(4);
  });

  it('many short calls on one microphone leave no listener on its track (1,000 connect / close cycles)', async () => {
    const track = new FakeTrack('long-lived', 'Mic');
    const source = fakeSource(track);
    let reported = 0;
    for (let i = 0; i < 1000; i++) {
      const session = await connectRealtimeAudio({ context: stubContext(), source, protocol: 'openai', send: () => {}, onEvent: () => reported++ });
      expect(track.listeners).toBe(3);
      session.close();
      for (const node of nodes.splice(0)) node.shutdown();
    }
    expect(track.listeners).toBe(0);
    track.dispatchEvent(new Event('ended'));
    expect(reported).toBe(0);
  }, 120_000);
});
