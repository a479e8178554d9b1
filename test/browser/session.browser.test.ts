// One call in a real page: `connectRealtimeAudio` with Chromium's fake microphone, a WebSocket to
// the local realtime test server (OpenAI GA protocol, 127.0.0.1), the assistant's reply played by
// the worklet, and a barge-in from the server: the truncate the server receives carries the audio
// the worklet actually played.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openLibraryPage, type LibraryPage } from '../helpers/browser.js';
import { RealtimeTestServer } from '../helpers/realtime-server.js';
import { SPEECH_48K_PATH } from '../helpers/speech-fixture.js';

describe('connectRealtimeAudio in headless Chromium against a local OpenAI GA session', () => {
  let opened: LibraryPage;
  let session: RealtimeTestServer;
  let page: Page;

  beforeAll(async () => {
    session = await RealtimeTestServer.start({ protocol: 'openai' });
    opened = await openLibraryPage({
      args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${SPEECH_48K_PATH}`],
    });
    page = opened.page;
  });
  afterAll(async () => {
    await opened?.close();
    await session?.close();
  });

  it('streams the microphone, plays the reply, and truncates at what was played on barge-in', async () => {
    await page.evaluate(async (url) => {
      const lib = (window as any).pcm;
      const w = window as any;
      w.sessionEvents = [];
      w.levels = 0;
      const socket = new WebSocket(url);
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      const mic = await lib.openMicrophone();
      w.connection = await lib.connectRealtimeAudio({
        context: mic.context,
        source: mic.source,
        protocol: 'openai',
        send: socket,
        vad: true,
        onEvent: (event: unknown) => w.sessionEvents.push(event),
        onLevel: () => w.levels++,
      });
      socket.onmessage = (event) => w.connection.handleServerEvent(event.data);
      w.contextRate = mic.context.sampleRate;
    }, session.url);

    const connection = await session.connection();
    // one second of microphone audio arrives as valid 24 kHz PCM16 appends
    await connection.waitFor(() => connection.inputAudio().length >= 48000, 10000, '1 s of microphone audio');
    const appends = connection.eventsOf('input_audio_buffer.append');
    expect(appends.length).toBeGreaterThan(20);

    // the assistant answers with 3 s of a 330 Hz tone, in 100 ms deltas; after ~1 s the user barges in
    const reply = new Int16Array(72000).map((_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 330 * i) / 24000)));
    const { itemIds } = connection.respond([reply], 2400, { end: false });
    await new Promise((r) => setTimeout(r, 1000));
    connection.speechStarted(1500);
    await connection.waitFor(() => connection.eventsOf('conversation.item.truncate').length === 1, 5000, 'a truncate');

    const truncate = connection.eventsOf('conversation.item.truncate')[0] as { item_id: string; content_index: number; audio_end_ms: number };
    const page_ = await page.evaluate(async () => {
      const w = window as any;
      return { events: w.sessionEvents, stats: await w.connection.getStats(), levels: w.levels, contextRate: w.contextRate };
    });
    const interruption = page_.events.find((e: { type: string }) => e.type === 'interrupted');
    console.log(
      `context ${page_.contextRate} Hz; truncate audio_end_ms ${truncate.audio_end_ms} after ~1000 ms of playback; ` +
        `played ${(page_.stats.playedSeconds * 1000).toFixed(1)} ms, sent ${page_.stats.sentSeconds.toFixed(2)} s in ${page_.stats.chunksSent} chunks`,
    );
    expect(page_.contextRate).toBe(48000);
    expect(truncate.item_id).toBe(itemIds[0]);
    expect(truncate.content_index).toBe(0);
    // what the worklet read out to the speaker, in whole milliseconds of the item
    expect(truncate.audio_end_ms).toBe(Math.floor(page_.stats.playedSeconds * 1000 + 1e-9));
    expect(truncate.audio_end_ms).toBeGreaterThan(500);
    expect(truncate.audio_end_ms).toBeLessThan(2000);
    expect(interruption).toMatchObject({ source: 'server', itemId: itemIds[0], audioEndMs: truncate.audio_end_ms, cancelled: false });
    expect(connection.eventsOf('response.cancel')).toHaveLength(0); // the session cancels by itself (interrupt_response)
    expect(page_.stats.receivedSeconds).toBe(3);
    expect(page_.stats.flushedSeconds).toBeGreaterThan(0.5);
    expect(page_.levels).toBeGreaterThan(10);
    expect(connection.violations).toEqual([]);
  });
});
