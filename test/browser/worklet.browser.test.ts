// The AudioWorklet runtime in real headless Chromium: an OfflineAudioContext renders fixture audio
// through the capture processor and the playback processor, and what comes out must equal the
// Node path (the same pipelines called directly) for the same input, bit for bit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openLibraryPage, type LibraryPage } from '../helpers/browser.js';
import { speech48k, speechPcm24k } from '../helpers/speech-fixture.js';
import { randomChunking } from '../helpers/random.js';
import { CapturePipeline, type CaptureEvent } from '../../src/pipeline/capture.js';
import { PlaybackPipeline } from '../../src/pipeline/playback.js';
import { EchoGate, decodeBase64, encodeBase64, pcm16ToFloat } from '../../src/index.js';

const QUANTUM = 128;

const toBase64 = (f: Float32Array) => Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');

/** The Node path: the capture pipeline fed the same samples in render quanta. */
function nodeCapture(samples: Float32Array, options: object): CaptureEvent[] {
  const pipeline = new CapturePipeline({ inputRate: 48000, ...options });
  const events: CaptureEvent[] = [];
  for (let i = 0; i < samples.length; i += QUANTUM) events.push(...pipeline.push(samples.subarray(i, i + QUANTUM)));
  return events;
}

describe('AudioWorklet runtime in headless Chromium', () => {
  let opened: LibraryPage;
  let page: Page;
  const speech = { samples: speech48k() };

  beforeAll(async () => {
    opened = await openLibraryPage();
    page = opened.page;
  });
  afterAll(() => opened?.close());

  it('capture: rendered chunks and VAD events equal the Node pipeline for the same 48 kHz input', async () => {
    // the input runs for whole quanta; the source covers all of them so the input stays active
    const frames = Math.ceil((speech.samples.length + 4800) / QUANTUM) * QUANTUM;
    const input = new Float32Array(frames);
    input.set(speech.samples);
    const options = { chunkMs: 40, vad: true };
    const expected = nodeCapture(input, options);
    const actual: CaptureEvent[] = await page.evaluate(
      async ({ samples, frames, options, expectedFrames }) => {
        const lib = (window as any).pcm;
        const context = new OfflineAudioContext(1, frames, 48000);
        const bytes = Uint8Array.from(atob(samples), (c) => c.charCodeAt(0));
        const buffer = context.createBuffer(1, frames, 48000);
        buffer.copyToChannel(new Float32Array(bytes.buffer), 0);
        const source = context.createBufferSource();
        source.buffer = buffer;
        const events: unknown[] = [];
        let framesSeen = 0;
        let errors = 0;
        let done: () => void;
        const allArrived = new Promise<void>((resolve) => (done = resolve));
        await lib.createCaptureNode(context, {
          ...options,
          source,
          onEvents: (batch: any[]) => {
            for (const e of batch) {
              events.push(e);
              if (e.type === 'audio') framesSeen += e.frames;
            }
            if (framesSeen >= expectedFrames) done();
          },
          onError: () => errors++,
        });
        source.start();
        await context.startRendering();
        await Promise.race([allArrived, new Promise((r) => setTimeout(r, 20000))]);
        return (errors ? [] : events) as any;
      },
      { samples: toBase64(input), frames, options, expectedFrames: expected.reduce((n, e) => n + (e.type === 'audio' ? e.frames : 0), 0) },
    );
    expect(expected.filter((e) => e.type === 'audio').length).toBeGreaterThan(100);
    expect(expected.some((e) => e.type === 'speech_start')).toBe(true);
    expect(actual.length).toBe(expected.length);
    expect(actual).toEqual(expected);
  });

  it('playback: rendered 48 kHz output equals the Node pipeline for the same deltas, and interrupt reports what played', async () => {
    // the session's audio: the fixture at 24 kHz (our resampler), as PCM16 deltas of random sizes
    const session = speechPcm24k();
    const deltas: string[] = [];
    let at = 0;
    for (const n of randomChunking(session.length, 5, 4000)) {
      const part = session.subarray(at, at + n);
      deltas.push(encodeBase64(new Uint8Array(part.buffer, part.byteOffset, part.byteLength)));
      at += n;
    }
    const frames = 256 * QUANTUM; // 0.68 s of the reply, then the interruption
    const node = new PlaybackPipeline({ outputRate: 48000 });
    for (const d of deltas) node.pushDelta(d, 'item_1');
    node.endItem('item_1');
    const expected = new Float32Array(frames);
    for (let i = 0; i < frames; i += QUANTUM) node.read(expected.subarray(i, i + QUANTUM));
    const expectedInterrupt = node.interrupt();

    const actual = await page.evaluate(
      async ({ deltas, frames }) => {
        const lib = (window as any).pcm;
        const context = new OfflineAudioContext(1, frames + 128 * 8, 48000);
        const playback = await lib.createPlaybackNode(context);
        for (const d of deltas) playback.pushDelta(d, 'item_1');
        playback.endItem('item_1');
        const before = await playback.getStats(); // answered after the deltas were taken in
        let interruption: unknown;
        context.suspend(frames / 48000).then(async () => {
          interruption = await playback.interrupt();
          await context.resume();
        });
        const rendered = await context.startRendering();
        const out = rendered.getChannelData(0);
        let silentAfter = true;
        for (let i = frames; i < out.length; i++) if (out[i] !== 0) silentAfter = false;
        const bytes = new Uint8Array(out.buffer, 0, frames * 4);
        let binary = '';
        for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode(...bytes.subarray(i, i + 8192));
        return { samples: btoa(binary), interruption, silentAfter, bufferedBefore: before.bufferedMs };
      },
      { deltas, frames },
    );
    const rendered = new Float32Array(Buffer.from(actual.samples, 'base64').buffer.slice(0));
    let mismatches = 0;
    for (let i = 0; i < frames; i++) if (rendered[i] !== expected[i]) mismatches++;
    expect(mismatches).toBe(0);
    expect(actual.bufferedBefore).toBeGreaterThan(4000);
    expect(actual.interruption).toEqual(expectedInterrupt);
    expect((actual.interruption as { playedMs: number }).playedMs).toBe((frames / 2 / 24000) * 1000);
    expect(actual.silentAfter).toBe(true);
  });

  it('echo gate: playback feeds the linked capture processor, which gates the echo exactly as the Node path does', async () => {
    const session = speechPcm24k();
    const delta = encodeBase64(new Uint8Array(session.buffer));
    const frames = 1000 * QUANTUM; // 2.67 s
    const delayFrames = 2400; // 50 ms echo path
    const echoGain = Math.fround(0.25); // 12 dB echo return loss

    // Node path: the same graph, quantum by quantum (playback is upstream of capture, so it runs first)
    const gate = new EchoGate({ sampleRate: 48000 });
    const capture = new CapturePipeline({ inputRate: 48000, chunkMs: 40, echoGate: gate });
    const playback = new PlaybackPipeline({ outputRate: 48000, echoGate: gate });
    playback.pushDelta(delta, 'item_1');
    playback.endItem('item_1');
    const played = new Float32Array(frames);
    const mic = new Float32Array(QUANTUM);
    const expected: CaptureEvent[] = [];
    for (let at = 0; at < frames; at += QUANTUM) {
      playback.read(played.subarray(at, at + QUANTUM));
      for (let i = 0; i < QUANTUM; i++) {
        const from = at + i - delayFrames;
        mic[i] = from >= 0 ? Math.fround(played[from]! * echoGain) : 0;
      }
      expected.push(...capture.push(mic));
    }

    const actual: CaptureEvent[] = await page.evaluate(
      async ({ delta, frames, delayFrames, echoGain, expectedChunks }) => {
        const lib = (window as any).pcm;
        const context = new OfflineAudioContext(1, frames, 48000);
        const events: any[] = [];
        let chunks = 0;
        let done: () => void;
        const arrived = new Promise<void>((resolve) => (done = resolve));
        const playback = await lib.createPlaybackNode(context, { linkId: 'call', destination: null });
        const delay = new DelayNode(context, { delayTime: delayFrames / 48000, maxDelayTime: 1 });
        const gain = new GainNode(context, { gain: echoGain });
        playback.node.connect(delay).connect(gain);
        await lib.createCaptureNode(context, {
          source: gain,
          linkId: 'call',
          echoGate: true,
          chunkMs: 40,
          onEvents: (batch: any[]) => {
            for (const e of batch) {
              events.push(e);
              if (e.type === 'audio' && ++chunks === expectedChunks) done();
            }
          },
        });
        playback.pushDelta(delta, 'item_1');
        playback.endItem('item_1');
        await playback.getStats();
        await context.startRendering();
        await Promise.race([arrived, new Promise((r) => setTimeout(r, 20000))]);
        return events as any;
      },
      { delta, frames, delayFrames, echoGain, expectedChunks: expected.filter((e) => e.type === 'audio').length },
    );
    expect(actual.length).toBe(expected.length);
    expect(actual).toEqual(expected);

    // and the gate did its job: after the first 300 ms, echo energy out is far below echo energy in
    let inEnergy = 0;
    for (let i = 24000 * 2 * 0.3; i < frames - delayFrames; i++) inEnergy += (played[i]! * echoGain) ** 2;
    let outEnergy = 0;
    for (const e of actual) {
      if (e.type !== 'audio' || e.startMs < 300) continue;
      for (const v of pcm16ToFloat(new Int16Array(decodeBase64(e.base64).buffer))) outEnergy += v * v * 2; // 24 kHz: each sample stands for two
    }
    const reductionDb = 10 * Math.log10(inEnergy / Math.max(outEnergy, 1e-20));
    console.log(`echo gate in the worklet: ${reductionDb.toFixed(1)} dB less echo energy out than in after 300 ms`);
    expect(reductionDb).toBeGreaterThan(40);
  });
});
