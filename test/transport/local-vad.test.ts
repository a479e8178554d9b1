// The client VAD in the pipelines: silence gating with prefix padding on recorded speech, and a
// local barge-in that truncates at the audio read before the session says anything. Speech: the
// Asterisk "hello world" prompt (fixtures/g711/hello-world.s16, 8 kHz, CC BY-SA 3.0) upsampled to
// 24 kHz and placed at a known time in quiet noise.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { Resampler } from '../../src/kernels/resampler.js';
import { CapturePipeline, type CaptureAudioEvent, type CaptureEvent, type CaptureVadEvent } from '../../src/pipeline/capture.js';
import { RealtimeTestServer } from '../helpers/realtime-server.js';
import { EventLog, openaiClient, patternPcm, until } from '../helpers/transport-client.js';

const SPEECH_AT = 24000; // 1 s into the stream
const bytes = readFileSync(new URL('../../fixtures/g711/hello-world.s16', import.meta.url));
const speech8k = Float32Array.from(new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), (x) => x / 32768);
const up = new Resampler({ inputRate: 8000, outputRate: 24000 });
const speech = Float32Array.from([...up.process(speech8k), ...up.flush()]);

/** 3.5 s at 24 kHz: noise at about -66 dBFS, the speech from 1 s. */
function scene(): Float32Array {
  const out = new Float32Array(84000);
  let x = 5;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = ((x >>> 8) / 16777216 - 0.5) * 0.002;
  }
  for (let i = 0; i < speech.length; i++) out[SPEECH_AT + i]! += speech[i]!;
  return out;
}

/** First and last frame where the speech itself is louder than -40 dBFS. */
function speechSpan(): [number, number] {
  let first = -1;
  let last = -1;
  for (let i = 0; i < speech.length; i++) {
    if (Math.abs(speech[i]!) > 0.01) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return [SPEECH_AT + first, SPEECH_AT + last];
}

describe('CapturePipeline with EnergyVad and silence gating', () => {
  it('sends the speech with its prefix padding and holds back the silence', () => {
    const p = new CapturePipeline({ inputRate: 24000, vad: true, silenceGating: true, prefixPaddingMs: 300 });
    const input = scene();
    const events: CaptureEvent[] = [];
    for (let at = 0; at < input.length; at += 128) events.push(...p.push(input.subarray(at, at + 128)));
    events.push(...p.flush());
    const [first, last] = speechSpan();
    const starts = events.filter((e): e is CaptureVadEvent => e.type === 'speech_start');
    expect(starts.length).toBeGreaterThanOrEqual(1);
    // the first start is at or after the scene's speech, and within 100 ms of its loud part
    expect(starts[0]!.timeMs).toBeGreaterThanOrEqual((SPEECH_AT * 1000) / 24000 - 10);
    expect(starts[0]!.timeMs).toBeLessThanOrEqual((first * 1000) / 24000 + 100);
    const chunks = events.filter((e): e is CaptureAudioEvent => e.type === 'audio');
    const sent = (frame: number) => chunks.some((c) => frame >= c.startFrame && frame < c.startFrame + c.frames);
    // every loud frame of the speech was sent, and the 300 ms before the VAD's start too
    for (let f = first; f <= last; f += 24) expect(sent(f)).toBe(true);
    const padFrom = Math.round((starts[0]!.timeMs * 24000) / 1000) - 7200;
    for (let f = padFrom; f < first; f += 24) expect(sent(f)).toBe(true);
    // the first half second (silence) was not sent, and counted
    expect(sent(0)).toBe(false);
    expect(sent(12000)).toBe(false);
    expect(p.stats.silenceFrames).toBeGreaterThanOrEqual(12000);
    expect(p.stats.sentFrames + p.stats.silenceFrames).toBe(input.length); // every frame either sent or counted
  });
});

describe('RealtimeAudioAdapter local barge-in', () => {
  let server: RealtimeTestServer | undefined;
  let socket: WebSocket | undefined;
  afterEach(async () => {
    socket?.close();
    await server?.close();
  });

  it('interrupts on the local VAD: flushes playback and truncates at the audio read', async () => {
    server = await RealtimeTestServer.start({ protocol: 'openai' });
    const log = new EventLog();
    const client = await openaiClient(server, { inputRate: 24000, outputRate: 24000, vad: true, localBargeIn: true, onEvent: log.push });
    const { adapter, conn, handled } = client;
    socket = client.socket;
    const sync = () => until(() => handled() === conn.sent, 'client to handle all server messages');
    await sync();
    const { itemIds } = conn.respond([patternPcm(24000 * 5)], 4800, { end: false });
    await sync();
    // the assistant plays while the microphone hears quiet noise, then the user speaks
    const input = scene();
    const out = new Float32Array(128);
    let played = 0;
    let at = 0;
    while (log.of('interrupted').length === 0 && at < input.length) {
      adapter.pushMicrophone(input.subarray(at, at + 128));
      at += 128;
      played += adapter.readPlayback(out);
    }
    const [cut] = log.of('interrupted');
    expect(cut).toMatchObject({ source: 'local', itemId: itemIds[0], cancelled: false });
    expect(log.of('speech_start').length).toBe(1);
    // the barge-in came with the VAD's start: after the speech began, within 200 ms of its loud part
    expect(at).toBeGreaterThan(SPEECH_AT);
    expect(at).toBeLessThan(speechSpan()[0] + 4800);
    await conn.waitFor(() => conn.eventsOf('conversation.item.truncate').length === 1);
    expect(conn.eventsOf('conversation.item.truncate')[0]).toMatchObject({ item_id: itemIds[0], audio_end_ms: Math.floor((played * 1000) / 24000) });
    expect(cut!.audioEndMs).toBe(Math.floor((played * 1000) / 24000));
    expect(adapter.readPlayback(out)).toBe(0);
    await sync();
    expect(conn.violations).toEqual([]);
  });
});

describe('RealtimeAudioAdapter with the echo gate', () => {
  let server: RealtimeTestServer | undefined;
  let socket: WebSocket | undefined;
  afterEach(async () => {
    socket?.close();
    await server?.close();
  });

  /**
   * The assistant speaks (the prompt three times); the microphone hears its echo (40 ms later,
   * -10 dB) plus quiet noise, and from USER_AT the user's own voice. Returns the frame at which
   * the adapter interrupted, or -1.
   */
  async function run(echoGate: boolean): Promise<{ at: number; log: EventLog }> {
    server = await RealtimeTestServer.start({ protocol: 'openai' });
    const log = new EventLog();
    const client = await openaiClient(server, { inputRate: 24000, outputRate: 24000, vad: true, localBargeIn: true, echoGate, onEvent: log.push });
    const { adapter, conn, handled } = client;
    socket = client.socket;
    const assistant = new Int16Array(24000 * 6);
    for (const start of [0, 48000, 96000]) for (let i = 0; i < speech.length; i++) assistant[start + i] = Math.round(speech[i]! * 20000);
    conn.respond([assistant], 4800, { end: false });
    await until(() => handled() === conn.sent, 'client to handle all server messages');
    const USER_AT = 24000 * 4 + 6000;
    const DELAY = 960;
    const noise = scene(); // quiet noise from its first second
    const history = new Float32Array(24000 * 7);
    const out = new Float32Array(128);
    const mic = new Float32Array(128);
    for (let t = 0; t < 24000 * 6; t += 128) {
      adapter.readPlayback(out);
      history.set(out, t);
      for (let i = 0; i < 128; i++) {
        const n = t + i;
        const echo = n >= DELAY ? 0.3 * history[n - DELAY]! : 0;
        const user = n >= USER_AT && n - USER_AT < speech.length ? speech[n - USER_AT]! : 0;
        mic[i] = echo + noise[n % 24000]! + user;
      }
      adapter.pushMicrophone(mic);
      if (log.of('interrupted').length > 0) return { at: t, log };
    }
    return { at: -1, log };
  }

  it('without it, the echo of the assistant triggers a local barge-in (the control)', async () => {
    const { at } = await run(false);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(at).toBeLessThan(24000 * 4);
  });

  it('with it, only the user does: the barge-in comes after the user starts, within 300 ms', async () => {
    const { at, log } = await run(true);
    const userLoud = 24000 * 4 + 6000 + (speechSpan()[0] - SPEECH_AT);
    expect(at).toBeGreaterThanOrEqual(24000 * 4 + 6000);
    expect(at).toBeLessThan(userLoud + 7200);
    expect(log.of('interrupted')[0]).toMatchObject({ source: 'local' });
  });
});
