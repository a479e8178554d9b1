// One call in a real page of every engine: openMicrophone() (the engine's fake microphone) and
// connectRealtimeAudio() in a realtime context at the microphone's rate, a WebSocket to the local
// realtime test server (OpenAI GA protocol, 127.0.0.1), the assistant's reply played by the
// worklet, and a barge-in from the server once the page reports 0.8 s played: the truncate the
// server receives carries the audio the worklet actually played, to the millisecond floor of the
// exact frame count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_ENGINES, openLibraryPage, type EnginePage, type LibraryPage } from '../helpers/browser.js';
import { RealtimeTestServer } from '../helpers/realtime-server.js';

describe.each(REALTIME_ENGINES)('connectRealtimeAudio in %s against a local OpenAI GA session', (engine) => {
  let opened: LibraryPage;
  let session: RealtimeTestServer;
  let page: EnginePage;

  beforeAll(async () => {
    session = await RealtimeTestServer.start({ protocol: 'openai' });
    opened = await openLibraryPage(engine);
    page = opened.page;
  }, 120_000);
  afterAll(async () => {
    await opened?.close();
    await session?.close();
  });

  it('streams the microphone as contiguous 24 kHz PCM16, plays the reply, and truncates at what was played on barge-in', async () => {
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
      await mic.context.resume();
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
      w.trackRate = mic.trackSampleRate ?? null;
    }, session.url);

    const connection = await session.connection();
    // one second of microphone audio arrives as valid 24 kHz PCM16 appends (the server checks each)
    await connection.waitFor(() => connection.inputAudio().length >= 48000, 15000, '1 s of microphone audio');
    const appends = connection.eventsOf('input_audio_buffer.append');
    expect(appends.length).toBeGreaterThan(20);

    // the assistant answers with 3 s of a 330 Hz tone in 100 ms deltas; the user barges in once 0.8 s has played
    const reply = new Int16Array(72000).map((_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 330 * i) / 24000)));
    const { itemIds } = connection.respond([reply], 2400, { end: false });
    await page.waitFor(async () => ((await (window as any).connection.getStats()).playedSeconds as number) >= 0.8, undefined, {
      timeoutMs: 15000,
      what: '0.8 s of the reply played',
    });
    connection.speechStarted(1500);
    await connection.waitFor(() => connection.eventsOf('conversation.item.truncate').length === 1, 5000, 'a truncate');

    const truncate = connection.eventsOf('conversation.item.truncate')[0] as { item_id: string; content_index: number; audio_end_ms: number };
    const state = await page.evaluate(async () => {
      const w = window as any;
      return { events: w.sessionEvents, stats: await w.connection.getStats(), levels: w.levels, contextRate: w.contextRate, trackRate: w.trackRate };
    });
    const interruption = state.events.find((e: { type: string }) => e.type === 'interrupted');
    // contiguous: with the microphone muted, every frame the adapter counted as sent reaches the
    // server, as whole 24 kHz PCM16 appends (the server checks each), and nothing else does
    const sentSeconds = await page.evaluate(async () => {
      const w = window as any;
      w.connection.mute(true);
      return (await w.connection.getStats()).sentSeconds as number;
    });
    await connection.waitFor(() => connection.inputAudio().length / 2 >= Math.round(sentSeconds * 24000), 5000, 'every chunk sent');
    const sentFrames = connection.inputAudio().length / 2; // PCM16 bytes
    console.log(
      `${engine}: context ${state.contextRate} Hz (microphone ${state.trackRate ?? 'rate not reported'}); truncate audio_end_ms ${truncate.audio_end_ms}; ` +
        `played ${(state.stats.playedSeconds * 1000).toFixed(3)} ms; sent ${state.stats.sentSeconds.toFixed(2)} s in ${state.stats.chunksSent} chunks`,
    );
    if (state.trackRate !== null) expect(state.contextRate).toBe(state.trackRate);
    expect(connection.violations).toEqual([]);
    expect(sentFrames).toBe(Math.round(sentSeconds * 24000));
    expect(truncate.item_id).toBe(itemIds[0]);
    expect(truncate.content_index).toBe(0);
    // what the worklet read out to the speaker, in whole milliseconds of the item
    expect(truncate.audio_end_ms).toBe(Math.floor(state.stats.playedSeconds * 1000 + 1e-9));
    // 0.8 s had been read out when the server's speech_started was sent; the barge-in takes back
    // the frames still held in the device-rate resampler stage (read, not yet out of the speaker:
    // the resampler's group delay, 1.8 ms at 24 -> 48 kHz, and its FIFO), so what was heard may
    // stand just under 800 (798 ms seen in CI)
    expect(truncate.audio_end_ms).toBeGreaterThanOrEqual(790);
    expect(truncate.audio_end_ms).toBeLessThan(3000);
    expect(interruption).toMatchObject({ source: 'server', itemId: itemIds[0], audioEndMs: truncate.audio_end_ms, cancelled: false });
    expect(connection.eventsOf('response.cancel')).toHaveLength(0); // the session cancels by itself (interrupt_response)
    expect(state.stats.receivedSeconds).toBe(3);
    expect(state.stats.flushedSeconds).toBeGreaterThan(0.5);
    expect(state.levels).toBeGreaterThan(10);
  });
});
