// The capture, playback and session processors in every engine, rendered through an
// OfflineAudioContext: the events they post and the samples they render must equal the golden of
// each scene, which is the Node pipelines' output for the same input (goldens.test.ts checks Node
// against the same files; the scenes are in test/helpers/browser-scenes.ts). Nothing is sent to a
// processor while it renders (Firefox has no OfflineAudioContext.suspend): messages go before the
// render, each batch followed by a request the processor answers (the port keeps order), and
// requests after it.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, pcm16ToFloat } from '../../src/index.js';
import { ENGINES, openLibraryPage, type EnginePage, type LibraryPage } from '../helpers/browser.js';
import { SCENES, digest, goldenOf, type Scene, type SceneRun } from '../helpers/browser-scenes.js';
import { PROCESSOR_PAGE } from '../helpers/processor-page.js';
import { audioDifference, sentPcm } from '../helpers/sent-audio.js';

type Args = { frames: number; sampleRate: number; expected: number } & Record<string, any>;

/** capture-*: a buffer source through the capture processor; events until the golden's chunk count arrived. */
async function renderCapture(a: Args) {
  const w = window as any;
  const context = new OfflineAudioContext(1, a.frames, a.sampleRate);
  const source = w.bufferSource(context, a.samples, a.frames);
  const events: any[] = [];
  const errors: unknown[] = [];
  const capture = await w.pcm.createCaptureNode(context, {
    ...a.options,
    source,
    onEvents: (batch: any[]) => events.push(...batch),
    onError: (e: unknown) => errors.push(e),
  });
  source.start();
  await context.startRendering();
  await w.until(() => events.length >= a.expected || errors.length > 0, 20000, 'the capture events');
  const { quanta } = await capture.getStats();
  return { events: errors.length ? [{ type: 'errors', errors: JSON.stringify(errors) }] : events, output: '', seen: { quanta } };
}

/** playback-*: deltas in, rendered out, then interrupted (the processor answers after the render). */
async function renderPlayback(a: Args) {
  const w = window as any;
  const context = new OfflineAudioContext(1, a.frames, a.sampleRate);
  const playback = await w.pcm.createPlaybackNode(context);
  for (const d of a.deltas) playback.pushDelta(d, 'item_1');
  playback.endItem('item_1');
  await playback.getStats(); // answered after the deltas were taken in
  const rendered = await context.startRendering();
  const interruption = await playback.interrupt();
  return { events: [{ type: 'interruption', ...interruption }], output: w.f32ToBase64(rendered.getChannelData(0)) };
}

/** echo-gate-48000, echo-canceller-48000: the mic (a buffer) into the capture processor, its echo handled against the linked playback. */
async function renderEchoGate(a: Args) {
  const w = window as any;
  const context = new OfflineAudioContext(1, a.frames, a.sampleRate);
  const events: any[] = [];
  const echo = w.bufferSource(context, a.mic, a.frames);
  const micIn = new GainNode(context, { gain: 1 });
  echo.connect(micIn);
  const playback = await w.pcm.createPlaybackNode(context, { linkId: 'call', destination: null });
  playback.node.connect(new GainNode(context, { gain: 0 })).connect(micIn); // orders playback before capture
  const capture = await w.pcm.createCaptureNode(context, {
    source: micIn,
    linkId: 'call',
    ...a.captureOptions,
    onEvents: (batch: any[]) => events.push(...batch),
  });
  for (const d of a.deltas) playback.pushDelta(d, 'item_1');
  playback.endItem('item_1');
  await playback.getStats();
  echo.start();
  await context.startRendering();
  await w.until(() => events.length >= a.expected, 20000, `the capture events (${events.length} of ${a.expected} arrived)`);
  const { quanta } = await capture.getStats();
  return { events, output: '', seen: { quanta } };
}

/** session-48000: connectRealtimeAudio with the fixture as microphone; the server's response in before rendering. */
async function renderSession(a: Args) {
  const w = window as any;
  const context = new OfflineAudioContext(1, a.frames, a.sampleRate);
  const source = w.bufferSource(context, a.samples, a.frames);
  const events: any[] = [];
  const connection = await w.pcm.connectRealtimeAudio({
    ...a.adapterOptions,
    context,
    source,
    send: (event: any) => events.push({ dir: 'sent', ...event }),
    onEvent: (event: any) => events.push({ dir: 'local', ...event }),
    levelIntervalMs: 0,
  });
  for (const e of a.script) connection.handleServerEvent(e);
  await connection.getStats(); // the port is in order: the events were handled before this answer
  source.start();
  const rendered = await context.startRendering();
  await w.until(() => events.length >= a.expected, 20000, 'the session events');
  const stats = await connection.getStats();
  return { events, output: w.f32ToBase64(rendered.getChannelData(0)), extra: { playedSeconds: stats.playedSeconds, sentSeconds: stats.sentSeconds } };
}

const RENDER: Record<string, (a: Args) => Promise<SceneRun>> = {
  capture: renderCapture,
  playback: renderPlayback,
  'echo-gate': renderEchoGate,
  'echo-canceller': renderEchoGate,
  session: renderSession,
  'session-echo': renderSession,
};

/**
 * Energy of the session audio a run sent over `[fromMs, toMs)` of stream time: capture events
 * carry their start; a session's appends follow each other from 0. Each 24 kHz sample stands for
 * two at 48 kHz.
 */
function sentEnergy(events: Record<string, unknown>[], fromMs: number, toMs: number): number {
  let energy = 0;
  let atMs = 0;
  for (const e of events) {
    const text = e.type === 'audio' ? (e.base64 as string) : e.type === 'input_audio_buffer.append' ? (e.audio as string) : undefined;
    if (text === undefined) continue;
    if (e.type === 'audio') atMs = e.startMs as number;
    const samples = pcm16ToFloat(new Int16Array(decodeBase64(text).buffer));
    samples.forEach((v, i) => {
      const t = atMs + i / 24;
      if (t >= fromMs && t < toMs) energy += v * v * 2;
    });
    atMs += samples.length / 24;
  }
  return energy;
}

describe.each(ENGINES)('processors in %s, rendered offline, equal the Node pipelines', (engine) => {
  let opened: LibraryPage;
  let page: EnginePage;

  beforeAll(async () => {
    opened = await openLibraryPage(engine, { html: PROCESSOR_PAGE });
    page = opened.page;
  }, 120_000);
  afterAll(() => opened?.close());

  const render = async (scene: Scene) => {
    const golden = goldenOf(scene);
    const kind = scene.name.replace(/-\d+$/, '');
    const run = await page.evaluate(RENDER[kind]!, {
      ...scene.input(),
      frames: scene.frames,
      sampleRate: scene.sampleRate,
      expected: (golden.events as unknown[]).length,
    } as Args);
    return { run, golden, actual: digest(run, scene.sampleRate) };
  };

  for (const scene of SCENES) {
    it(`${scene.name}: events and samples equal fixtures/browser/golden/${scene.name}.json`, async () => {
      const { run, golden, actual } = await render(scene);
      if (!isDeepStrictEqual(actual.events, golden.events)) {
        // a flake seen once in WebKit (docs/NOTES.md, aec-stats3): say how the run differs before failing
        console.log(
          `${engine}: ${scene.name} differs from its golden: ${JSON.stringify(run.seen ?? {})}; ${audioDifference(sentPcm(run.events), sentPcm(scene.node().events))}`,
        );
      }
      expect(actual.events).toEqual(golden.events);
      const { echoInEnergy: _nodeOnly, echoWindowMs: _window, ...rest } = golden; // the echo at the mic, computed in Node
      expect(actual).toEqual(rest);
      if (golden.echoInEnergy !== undefined) {
        // and the echo stage did its job: over the window (echo only), far less echo out than in
        const [fromMs, toMs] = (golden.echoWindowMs as number[] | undefined) ?? [300, Number.POSITIVE_INFINITY];
        const reductionDb = 10 * Math.log10((golden.echoInEnergy as number) / Math.max(sentEnergy(run.events, fromMs!, toMs!), 1e-20));
        console.log(`${engine}: ${scene.name} in the worklet, ${reductionDb.toFixed(1)} dB less echo out than in over ${fromMs}-${toMs} ms`);
        expect(reductionDb).toBeGreaterThan(scene.name === 'echo-gate-48000' ? 40 : 20);
      }
    });
  }
});
