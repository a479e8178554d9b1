// The demo page (`npm start`) in every engine against the demo server's built-in session: a whole
// turn. The sentence is heard (client VAD and the session's VAD), sent as 24 kHz chunks, the
// session's reply plays in the pause, and the next loop's sentence barges in: playback is flushed
// and the truncate the session confirms carries the audio that was actually played. Chromium's
// fake microphone plays demo/assets/turn-48000.wav (0.3 s silence, a sentence, 2.7 s silence) in a
// loop; Firefox's fake microphone is a steady 1 kHz tone and WebKit's a hum with beeps, neither a
// sentence with pauses, so there the page's own "bundled speech fixture as the microphone" plays
// the same file. A screenshot per engine goes to test-artifacts/demo-<engine>.png (docs/ has
// copies). Chromium also runs the 'send only speech' switch, the relay (to a stand-in upstream on
// 127.0.0.1) and the fixture switch: those test the server and the page, not the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS_DIR, REALTIME_ENGINES, launchEngine, type EngineBrowser, type EnginePage } from '../helpers/browser.js';
import { startDemoServer, type DemoServer } from '../../src/server/demo-server.js';
import { LocalSession } from '../../src/server/local-session.js';
import { chime } from '../../src/server/reply-voice.js';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';

const root = fileURLToPath(new URL('../../', import.meta.url));
const TURN_WAV = `${root}demo/assets/turn-48000.wav`;

const click = (page: EnginePage, selector: string) => page.evaluate((s) => (document.querySelector(s) as HTMLElement).click(), selector);
const check = (page: EnginePage, selector: string) =>
  page.evaluate((s) => {
    (document.querySelector(s) as HTMLInputElement).checked = true;
  }, selector);
const text = (page: EnginePage, selector: string) => page.evaluate((s) => document.querySelector(s)?.textContent ?? '', selector);
const demoState = (page: EnginePage) => page.evaluate(() => JSON.parse(JSON.stringify((window as any).demo)));

async function openDemo(browser: EngineBrowser, url: string): Promise<EnginePage> {
  const page = await browser.newPage({ width: 1280, height: 900 });
  await page.goto(url);
  await page.waitFor(() => (window as any).demo?.ready === true, undefined, { timeoutMs: 15000, what: 'the demo page to be ready' });
  return page;
}

describe.each(REALTIME_ENGINES)('demo page in %s: a whole turn against the built-in session', (engine) => {
  let browser: EngineBrowser;
  let server: DemoServer;
  let page: EnginePage;
  const useFixture = engine !== 'chromium';

  beforeAll(async () => {
    server = await startDemoServer({ port: 0, root });
    browser = await launchEngine(engine, { microphoneFile: TURN_WAV });
    page = await openDemo(browser, server.url);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(`speech detected, chunks sent, the reply played, and the barge-in truncated at what was played (${useFixture ? 'the bundled fixture as microphone' : 'fake microphone'})`, async () => {
    if (useFixture) await check(page, '#fixture');
    await click(page, '#start');
    await page.waitFor(
      () => {
        const d = (window as any).demo;
        return (
          d.state === 'live' &&
          (d.serverTypes['conversation.item.truncated'] ?? 0) >= 1 &&
          // a barge-in into a reply that had played over 0.5 s: on a loaded machine (load 18) the
          // first reply starts ~2 s late and the next loop's sentence cuts it 20-60 ms in (WebKit
          // in 5 of 5 runs, Chromium 1 of 5; CI twice; unloaded 0 of 3); the fixture loops, so a
          // later turn is waited for rather than the first one judged
          d.interruptions.some((i: { audioEndMs: number | null; playedMs: number }) => i.audioEndMs !== null && i.playedMs > 500) &&
          d.stats !== null &&
          d.stats.playedSeconds > 0.5 &&
          d.stats.truncatesSent >= 1
        );
      },
      undefined,
      { timeoutMs: 45000, what: 'a whole turn with a barge-in into a reply played over 0.5 s' },
    );
    const d = await demoState(page);
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot(`${ARTIFACTS_DIR}/demo-${engine}.png`);

    const cut = d.interruptions.find((i: { audioEndMs: number | null; playedMs: number }) => i.audioEndMs !== null && i.playedMs > 500);
    const early = d.interruptions.filter((i: { audioEndMs: number | null; playedMs: number }) => i.audioEndMs !== null && i.playedMs <= 500).length;
    const truncate = d.events.find((e: any) => e.dir === 'out' && e.type === 'conversation.item.truncate' && e.item_id === cut.itemId);
    const truncated = d.events.find((e: any) => e.dir === 'in' && e.type === 'conversation.item.truncated' && e.item_id === cut.itemId);
    const started = d.events.filter((e: any) => e.dir === 'in' && e.type === 'input_audio_buffer.speech_started');
    console.log(
      `${engine}: context ${d.contextRate} Hz; ${d.chunks.count} chunks (${d.chunks.bytes} bytes) sent; ${d.serverTypes['response.output_audio.delta']} deltas received; ` +
        `barge-in (${cut.source}) after ${cut.playedMs.toFixed(1)} ms played, truncate audio_end_ms ${truncate.audio_end_ms}, flushed ${cut.flushedMs.toFixed(0)} ms; ` +
        `stats: sent ${d.stats.sentSeconds.toFixed(2)} s, received ${d.stats.receivedSeconds.toFixed(2)} s, played ${d.stats.playedSeconds.toFixed(2)} s; ` +
        `${early} earlier barge-in(s) under 0.5 s played`,
    );
    if (!useFixture) expect(d.contextRate).toBe(48000); // the fake microphone's rate
    expect(d.levels).toBeGreaterThan(20);
    // speech detected by the session's VAD (and by the client's)
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(d.events.some((e: any) => e.dir === 'local' && e.type === 'speech_start')).toBe(true);
    // chunks sent: 40 ms of 24 kHz PCM16 each (1920 bytes)
    expect(d.chunks.count).toBeGreaterThan(50);
    expect(d.chunks.bytes).toBe(d.chunks.count * 1920);
    // the reply arrived and played
    expect(d.serverTypes['response.created']).toBeGreaterThanOrEqual(1);
    expect(d.serverTypes['response.output_audio.delta']).toBeGreaterThan(10);
    expect(d.stats.playedSeconds).toBeGreaterThan(0.5);
    // the barge-in: playback flushed, and the truncate (confirmed by the session, so within the
    // item's audio) is the audio played of that item, in whole ms
    expect(cut.flushedMs).toBeGreaterThan(0);
    expect(truncate.item_id).toBe(cut.itemId);
    expect(truncate.audio_end_ms).toBe(cut.audioEndMs);
    expect(truncate.audio_end_ms).toBe(Math.floor(cut.playedMs));
    expect(truncate.audio_end_ms).toBeGreaterThan(500);
    expect(truncated).toMatchObject({ item_id: truncate.item_id, audio_end_ms: truncate.audio_end_ms });
    expect(d.stats.truncatesSent).toBeGreaterThanOrEqual(1);
    expect(d.stats.flushedSeconds).toBeGreaterThan(0);
    expect(d.errors).toEqual([]);
    expect(await page.errors()).toEqual([]);
    // what the page shows
    expect(await text(page, '#status')).toMatch(
      new RegExp(`live · local session · ${useFixture ? 'speech fixture' : 'microphone'} · context ${d.contextRate} Hz`),
    );
    expect(await text(page, '#chunk-summary')).toMatch(/input_audio_buffer\.append/);
    expect(await text(page, '#log')).toMatch(/conversation\.item\.truncate/);
    // the echo switch's default: our canceller, on what the browser's own echo cancellation leaves
    expect(await page.evaluate(() => (document.querySelector('#echo') as HTMLSelectElement).value)).toBe('canceller');
    // (the whole canceller's echoReductionDb since aec-stats4: "measuring" until it has judged echo-only blocks)
    expect(await text(page, '#gate-light')).toMatch(/^echo canceller: (-?\d+ dB removed|measuring)$/);
  });
});

describe.skipIf(!REALTIME_ENGINES.includes('chromium'))('demo page in chromium: switches, relay and fixture', () => {
  let browser: EngineBrowser;
  let server: DemoServer;

  beforeAll(async () => {
    server = await startDemoServer({ port: 0, root });
    browser = await launchEngine('chromium', { microphoneFile: TURN_WAV });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('sends only speech when asked: the client VAD ends the turn (commit + response.create), silence is not sent', async () => {
    const third = await openDemo(browser, server.url);
    try {
      await check(third, '#speech-only');
      await click(third, '#start');
      await third.waitFor(
        () => {
          const d = (window as any).demo;
          return (d.serverTypes['response.output_audio.delta'] ?? 0) > 5 && d.stats !== null && d.stats.silenceNotSentSeconds > 1;
        },
        undefined,
        { timeoutMs: 20000, what: 'a reply with silence not sent' },
      );
      const d = await demoState(third);
      const update = d.events.find((e: any) => e.dir === 'out' && e.type === 'session.update');
      expect(update.session.audio.input.turn_detection).toBeNull();
      expect(d.clientTypes['input_audio_buffer.commit']).toBeGreaterThanOrEqual(1);
      expect(d.clientTypes['response.create']).toBeGreaterThanOrEqual(1);
      expect(d.serverTypes['input_audio_buffer.speech_started']).toBeUndefined(); // the session's VAD is off
      // the first commit follows the client VAD's speech_stop
      const types = d.events.map((e: any) => `${e.dir}:${e.type}`);
      expect(types.indexOf('out:input_audio_buffer.commit')).toBeGreaterThan(types.indexOf('local:speech_stop'));
      // not sent: the silence after the sentence (the 300 ms before it goes out as prefix padding)
      expect(d.stats.silenceNotSentSeconds).toBeGreaterThan(1);
      expect(await text(third, '#s-silence')).not.toBe('0.00 s');
      expect(d.errors).toEqual([]);
    } finally {
      await third.close();
    }
  });

  it('talks through the relay when the server has a key: the page reaches the upstream session, the key stays on the server', async () => {
    // a stand-in for the OpenAI Realtime API on 127.0.0.1: the built-in session behind a plain ws server
    const KEY = 'sk-browser-relay-test-0123456789';
    const authorizations: (string | undefined)[] = [];
    const upstream = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => upstream.once('listening', resolve));
    upstream.on('connection', (socket, request) => {
      authorizations.push(request.headers.authorization);
      const session = new LocalSession((event) => socket.send(JSON.stringify(event)), { replyVoice: chime() });
      socket.on('message', (data) => session.handle(data.toString()));
      socket.on('close', () => session.close());
    });
    const relayServer = await startDemoServer({
      port: 0,
      root,
      apiKey: KEY,
      upstreamUrl: `ws://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1/realtime?model=gpt-realtime`,
    });
    const fourth = await openDemo(browser, relayServer.url);
    try {
      await check(fourth, 'input[value=relay]');
      await click(fourth, '#start');
      await fourth.waitFor(() => ((window as any).demo.serverTypes['response.output_audio.delta'] ?? 0) > 3, undefined, {
        timeoutMs: 20000,
        what: 'the relayed reply',
      });
      const d = await demoState(fourth);
      expect(authorizations).toEqual([`Bearer ${KEY}`]);
      expect(d.mode).toBe('relay');
      expect(await text(fourth, '#status')).toMatch(/OpenAI Realtime via relay/);
      const update = d.events.find((e: any) => e.dir === 'out' && e.type === 'session.update');
      expect(update.session).toMatchObject({ type: 'realtime', output_modalities: ['audio'], audio: { output: { voice: 'marin' } } });
      expect(d.serverTypes['input_audio_buffer.speech_started']).toBeGreaterThanOrEqual(1);
      expect(d.errors).toEqual([]);
      const seen = JSON.stringify(d) + (await fourth.evaluate(() => document.documentElement.outerHTML));
      expect(seen).not.toContain(KEY);
    } finally {
      await fourth.close();
      await relayServer.close();
      for (const c of upstream.clients) c.terminate();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });

  it('runs with the bundled speech fixture as the microphone (no microphone needed)', async () => {
    const second = await openDemo(browser, server.url);
    try {
      await check(second, '#fixture');
      await click(second, '#start');
      await second.waitFor(() => ((window as any).demo.serverTypes['response.output_audio.delta'] ?? 0) > 5, undefined, {
        timeoutMs: 15000,
        what: 'the reply',
      });
      const d = await demoState(second);
      expect(d.status === undefined && d.state).toBe('live');
      expect(await text(second, '#status')).toMatch(/speech fixture/);
      expect(d.serverTypes['input_audio_buffer.speech_started']).toBeGreaterThanOrEqual(1);
      await click(second, '#stop');
      await second.waitFor(() => (window as any).demo.state === 'idle', undefined, { what: 'the session to end' });
    } finally {
      await second.close();
    }
  });
});
