// The demo page in headless Chromium against the demo server's built-in session, with Chromium's
// fake microphone playing demo/assets/turn-48000.wav in a loop (0.3 s silence, a sentence, 2.7 s
// silence): the sentence is heard (client VAD and the session's VAD), sent as 24 kHz chunks, the
// session's reply plays in the pause, and the next loop's sentence barges in: playback is flushed
// and the truncate the session confirms carries the audio that was actually played. A screenshot
// goes to test-artifacts/demo.png (docs/demo.png is a copy of one). Also: the 'send only speech'
// switch, the relay (to a stand-in upstream on 127.0.0.1), and the bundled fixture as microphone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startDemoServer, type DemoServer } from '../../src/server/demo-server.js';
import { LocalSession } from '../../src/server/local-session.js';
import { chime } from '../../src/server/reply-voice.js';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('demo page: a whole turn in headless Chromium against the built-in session', () => {
  let browser: Browser;
  let server: DemoServer;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startDemoServer({ port: 0, root });
    browser = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${root}demo/assets/turn-48000.wav`,
    ]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('response', (r) => r.status() >= 400 && pageErrors.push(`${r.status()} ${r.url()}`));
    await page.goto(server.url);
    await page.waitForFunction(() => (window as any).demo?.ready === true, undefined, { timeout: 10000 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('speech detected, chunks sent, the reply played, and the barge-in truncated at what was played', async () => {
    await page.click('#start');
    await page.waitForFunction(
      () => {
        const d = (window as any).demo;
        return (
          d.state === 'live' &&
          (d.serverTypes['conversation.item.truncated'] ?? 0) >= 1 &&
          d.interruptions.some((i: { audioEndMs: number | null }) => i.audioEndMs !== null) &&
          d.stats !== null &&
          d.stats.playedSeconds > 0.5
        );
      },
      undefined,
      { timeout: 25000, polling: 100 },
    );
    await page.waitForTimeout(400); // one more stats poll and a few frames of the timeline
    const d = await page.evaluate(() => {
      const demo = (window as any).demo;
      return JSON.parse(JSON.stringify(demo));
    });
    mkdirSync(`${root}test-artifacts`, { recursive: true });
    await page.screenshot({ path: `${root}test-artifacts/demo.png`, fullPage: true });

    const cut = d.interruptions.find((i: { audioEndMs: number | null }) => i.audioEndMs !== null);
    const truncate = d.events.find((e: any) => e.dir === 'out' && e.type === 'conversation.item.truncate');
    const truncated = d.events.find((e: any) => e.dir === 'in' && e.type === 'conversation.item.truncated');
    const started = d.events.filter((e: any) => e.dir === 'in' && e.type === 'input_audio_buffer.speech_started');
    console.log(
      `context ${d.contextRate} Hz; ${d.chunks.count} chunks (${d.chunks.bytes} bytes) sent; ${d.serverTypes['response.output_audio.delta']} deltas received; ` +
        `barge-in (${cut.source}) after ${cut.playedMs.toFixed(1)} ms played, truncate audio_end_ms ${truncate.audio_end_ms}, flushed ${cut.flushedMs.toFixed(0)} ms; ` +
        `stats: sent ${d.stats.sentSeconds.toFixed(2)} s, received ${d.stats.receivedSeconds.toFixed(2)} s, played ${d.stats.playedSeconds.toFixed(2)} s`,
    );
    expect(d.contextRate).toBe(48000);
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
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
    // what the page shows
    expect(await page.textContent('#status')).toMatch(/live · local session · microphone · context 48000 Hz/);
    expect(await page.textContent('#chunk-summary')).toMatch(/input_audio_buffer\.append/);
    expect(await page.textContent('#log')).toMatch(/conversation\.item\.truncate/);
  });

  it('sends only speech when asked: the client VAD ends the turn (commit + response.create), silence is not sent', async () => {
    const third = await browser.newPage();
    try {
      await third.goto(server.url);
      await third.waitForFunction(() => (window as any).demo?.ready === true);
      await third.check('#speech-only');
      await third.click('#start');
      await third.waitForFunction(
        () => {
          const d = (window as any).demo;
          return (d.serverTypes['response.output_audio.delta'] ?? 0) > 5 && d.stats !== null && d.stats.silenceNotSentSeconds > 1;
        },
        undefined,
        { timeout: 20000, polling: 100 },
      );
      const d = await third.evaluate(() => JSON.parse(JSON.stringify((window as any).demo)));
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
      expect(await third.textContent('#s-silence')).not.toBe('0.00 s');
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
    const fourth = await browser.newPage();
    try {
      await fourth.goto(relayServer.url);
      await fourth.waitForFunction(() => (window as any).demo?.ready === true);
      await fourth.check('input[value=relay]');
      await fourth.click('#start');
      await fourth.waitForFunction(() => ((window as any).demo.serverTypes['response.output_audio.delta'] ?? 0) > 3, undefined, {
        timeout: 20000,
        polling: 100,
      });
      const d = await fourth.evaluate(() => JSON.parse(JSON.stringify((window as any).demo)));
      expect(authorizations).toEqual([`Bearer ${KEY}`]);
      expect(d.mode).toBe('relay');
      expect(await fourth.textContent('#status')).toMatch(/OpenAI Realtime via relay/);
      const update = d.events.find((e: any) => e.dir === 'out' && e.type === 'session.update');
      expect(update.session).toMatchObject({ type: 'realtime', output_modalities: ['audio'], audio: { output: { voice: 'marin' } } });
      expect(d.serverTypes['input_audio_buffer.speech_started']).toBeGreaterThanOrEqual(1);
      expect(d.errors).toEqual([]);
      const seen = JSON.stringify(d) + (await fourth.content()) + (await fourth.evaluate(() => document.documentElement.outerHTML));
      expect(seen).not.toContain(KEY);
    } finally {
      await fourth.close();
      await relayServer.close();
      for (const c of upstream.clients) c.terminate();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });

  it('runs with the bundled speech fixture as the microphone (no microphone needed)', async () => {
    const second = await browser.newPage();
    try {
      await second.goto(server.url);
      await second.waitForFunction(() => (window as any).demo?.ready === true);
      await second.check('#fixture');
      await second.click('#start');
      await second.waitForFunction(() => ((window as any).demo.serverTypes['response.output_audio.delta'] ?? 0) > 5, undefined, {
        timeout: 15000,
        polling: 100,
      });
      const d = await second.evaluate(() => JSON.parse(JSON.stringify((window as any).demo)));
      expect(d.status === undefined && d.state).toBe('live');
      expect(await second.textContent('#status')).toMatch(/speech fixture/);
      expect(d.serverTypes['input_audio_buffer.speech_started']).toBeGreaterThanOrEqual(1);
      await second.click('#stop');
      await second.waitForFunction(() => (window as any).demo.state === 'idle');
    } finally {
      await second.close();
    }
  });
});
