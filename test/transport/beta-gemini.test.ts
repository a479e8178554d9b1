// The OpenAI beta and Gemini Live variants against the same local server, in their own formats:
// beta names (`response.audio.delta`, `input_audio_format: 'pcm16'`), Gemini's realtimeInput /
// serverContent messages with 16 kHz input and 24 kHz output, barge-in on serverContent.interrupted.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Resampler } from '../../src/kernels/resampler.js';
import { RealtimeAudioAdapter, type RealtimeAudioAdapterOptions } from '../../src/transport/adapter.js';
import { geminiSetupAudio } from '../../src/transport/session-config.js';
import { RealtimeTestServer, type ServerConnection, type ServerProtocol } from '../helpers/realtime-server.js';
import { EventLog, micSignal, patternPcm, referencePcm16, truncateAt, until } from '../helpers/transport-client.js';
import { EXACT_PLAYOUT } from '../helpers/playout.js';

let server: RealtimeTestServer | undefined;
let socket: WebSocket | undefined;
afterEach(async () => {
  socket?.close();
  await server?.close();
  server = undefined;
});

async function connect(protocol: ServerProtocol, options: Partial<RealtimeAudioAdapterOptions> = {}) {
  server = await RealtimeTestServer.start({ protocol });
  const ws = new WebSocket(`${server.url}/ws`);
  socket = ws;
  const log = new EventLog();
  const adapter = new RealtimeAudioAdapter({ protocol, send: ws, inputRate: 24000, outputRate: 24000, onEvent: log.push, ...options });
  let handled = 0;
  ws.on('message', (data: Buffer) => {
    adapter.handleServerEvent(data.toString());
    handled++;
  });
  await new Promise((resolve) => ws.once('open', resolve));
  const conn: ServerConnection = await server.connection();
  const sync = () => until(() => handled === conn.sent, 'client to handle all server messages');
  const play = (quanta: number) => {
    const out = new Float32Array(128);
    let frames = 0;
    for (let q = 0; q < quanta; q++) frames += adapter.readPlayback(out);
    return frames;
  };
  await sync();
  return { adapter, conn, log, sync, play, ws };
}

describe('openai-beta', () => {
  it('sends pcm16 session settings and appends, plays response.audio.delta, truncates on barge-in', async () => {
    const { adapter, conn, log, sync, play } = await connect('openai-beta');
    adapter.sessionUpdate({ turnDetection: 'server_vad', voice: 'alloy' });
    await conn.waitFor(() => conn.eventsOf('session.update').length === 1);
    expect(conn.eventsOf('session.update')[0]!.session).toMatchObject({ input_audio_format: 'pcm16', output_audio_format: 'pcm16', voice: 'alloy' });
    const mic = micSignal(3840, 24000);
    adapter.pushMicrophone(mic);
    await conn.waitFor(() => conn.eventsOf('input_audio_buffer.append').length === 4);
    expect(conn.inputAudio().equals(Buffer.from(referencePcm16(mic).buffer))).toBe(true);

    const { itemIds } = conn.respond([patternPcm(9600)], 1920, { end: false });
    await sync();
    const played = play(23);
    conn.speechStarted();
    await conn.waitFor(() => conn.eventsOf('conversation.item.truncate').length === 1);
    expect(conn.eventsOf('conversation.item.truncate')[0]).toEqual(truncateAt(itemIds[0], played));
    await sync();
    expect(conn.violations).toEqual([]);
    expect(log.errorCodes()).toEqual([]);
  });

  it('flags GA-only events as belonging to the other protocol', async () => {
    const { conn, log, sync } = await connect('openai-beta');
    conn.send({ type: 'response.output_audio.delta', item_id: 'x', delta: 'AAAA' });
    await sync();
    expect(log.errorCodes()).toEqual(['unexpected_event']);
    expect(log.of('error')[0]!.error.message).toMatch(/protocol: 'openai'/);
  });
});

describe('gemini', () => {
  it('sends 16 kHz realtimeInput.audio, plays 24 kHz modelTurn audio, and flushes on interrupted (no truncate)', async () => {
    const { adapter, conn, log, sync, play, ws } = await connect('gemini', EXACT_PLAYOUT); // samples compared with the deltas
    ws.send(JSON.stringify({ setup: { model: 'models/gemini-live', ...geminiSetupAudio() } }));
    await sync(); // setupComplete
    const mic = micSignal(24000, 24000); // 1 s at 24 kHz -> 16 kHz
    for (let at = 0; at < mic.length; at += 128) adapter.pushMicrophone(mic.subarray(at, at + 128));
    const r = new Resampler({ inputRate: 24000, outputRate: 16000 });
    const expected = referencePcm16(r.process(mic.subarray(0, Math.floor(24000 / 128) * 128)));
    const chunks = Math.floor(expected.length / 640); // 40 ms at 16 kHz
    await conn.waitFor(() => conn.eventsOf('realtimeInput').length === chunks, 2000, `${chunks} chunks, got ${conn.eventsOf('realtimeInput').length}`);
    expect(conn.violations).toEqual([]);
    expect(conn.inputAudio().equals(Buffer.from(expected.buffer, 0, chunks * 640 * 2))).toBe(true);

    const turn = patternPcm(12000, 4);
    conn.geminiAudio(turn, 2400);
    await sync();
    const out = new Float32Array(128 * 20);
    expect(adapter.readPlayback(out)).toBe(out.length);
    for (let i = 0; i < out.length; i++) if (out[i] !== turn[i]! / 32768) throw new Error(`frame ${i}`);
    conn.geminiInterrupted();
    await sync();
    expect(play(5)).toBe(0);
    expect(log.of('interrupted')).toMatchObject([{ source: 'server', itemId: 'gemini-turn-1', audioEndMs: null, cancelled: false }]);
    expect(log.of('interrupted')[0]!.playedMs).toBe((out.length * 1000) / 24000);
    // a new turn plays; turnComplete ends it
    conn.geminiAudio(patternPcm(480, 5), 480);
    conn.geminiTurnComplete();
    await sync();
    expect(play(5)).toBe(480);
    expect(log.errorCodes()).toEqual([]);
    expect(conn.received.filter((e) => !('realtimeInput' in e) && !('setup' in e))).toEqual([]);
  });

  it('marks manual turns with activityStart/activityEnd', async () => {
    const { adapter, conn, ws } = await connect('gemini', { turnDetection: 'none' });
    ws.send(JSON.stringify({ setup: { model: 'models/gemini-live', ...geminiSetupAudio({ turnDetection: 'none' }) } }));
    adapter.pushMicrophone(micSignal(4224, 24000)); // 176 ms
    expect(adapter.commit()).toBe(true);
    await conn.waitFor(() => conn.received.some((e) => 'realtimeInput' in e && 'activityEnd' in (e.realtimeInput as object)));
    const kinds = conn.received.slice(1).map((e) => Object.keys(e.realtimeInput as object)[0]);
    expect(kinds[0]).toBe('activityStart');
    expect(kinds.at(-1)).toBe('activityEnd');
    expect(kinds.slice(1, -1).every((k) => k === 'audio')).toBe(true);
    expect(conn.violations).toEqual([]);
  });

  it('reports Gemini audio at another rate, and unknown messages, as typed errors', async () => {
    const { conn, log, sync } = await connect('gemini');
    conn.send({ setupComplete: {} });
    conn.geminiAudio(patternPcm(160), 160, 16000);
    conn.send({ somethingElse: {} });
    conn.send({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'A' } }] } } });
    await sync();
    expect(log.errorCodes()).toEqual(['unsupported_format', 'unknown_event', 'invalid_base64']);
  });
});
