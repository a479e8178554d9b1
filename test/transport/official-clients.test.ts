// The same flow driven through the official clients, as an application would wire them:
// `@openai/agents-realtime`'s OpenAIRealtimeWebSocket over plain ws://, and the `openai`
// package's OpenAIRealtimeWS, which only speaks wss: (so the server runs TLS with a certificate
// this test makes with openssl and hands to the client as `ca`).
import { afterEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { OpenAIRealtimeWebSocket } from '@openai/agents-realtime';
import { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { RealtimeTestServer } from '../helpers/realtime-server.js';
import { makeSelfSignedCertificate } from '../helpers/transport-tls.js';
import { EventLog, micSignal, patternPcm, referencePcm16, truncateAt, until } from '../helpers/transport-client.js';

let server: RealtimeTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Reads `quanta` 128-frame quanta; returns the audio frames. */
function play(adapter: RealtimeAudioAdapter, quanta: number): number {
  const out = new Float32Array(128);
  let frames = 0;
  for (let q = 0; q < quanta; q++) frames += adapter.readPlayback(out);
  return frames;
}

describe('openai: OpenAIRealtimeWS (wss, TLS)', () => {
  it('sends the microphone, plays a response and truncates on barge-in at the audio read', async () => {
    const tls = makeSelfSignedCertificate();
    server = await RealtimeTestServer.start({ protocol: 'openai', tls });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `https://127.0.0.1:${server.url.split(':')[2]}/v1` });
    const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { ca: tls.cert } }, client);
    const log = new EventLog();
    const adapter = new RealtimeAudioAdapter({
      protocol: 'openai',
      send: (event) => rt.send(event as never),
      inputRate: 24000,
      outputRate: 24000,
      onEvent: log.push,
    });
    let handled = 0;
    rt.on('event', (event) => {
      adapter.handleServerEvent(event);
      handled++;
    });
    rt.on('error', () => {}); // server `error` events also come through 'event'
    await new Promise((resolve, reject) => {
      rt.socket.once('open', resolve);
      rt.socket.once('error', reject);
    });
    const conn = await server.connection();
    expect(conn.url).toBe('/v1/realtime?model=gpt-realtime');
    expect(conn.headers.authorization).toBe('Bearer sk-test');
    const sync = () => until(() => handled === conn.sent, 'client to handle all server messages');
    await sync();

    adapter.sessionUpdate({ turnDetection: 'server_vad' }, { instructions: 'test' });
    const mic = micSignal(5760, 24000); // six 40 ms chunks
    for (let at = 0; at < mic.length; at += 128) adapter.pushMicrophone(mic.subarray(at, at + 128));
    await conn.waitFor(() => conn.eventsOf('input_audio_buffer.append').length === 6);
    expect(conn.inputAudio().equals(Buffer.from(referencePcm16(mic).buffer))).toBe(true);

    const { itemIds } = conn.respond([patternPcm(12000)], 1200, { end: false });
    await sync();
    const played = play(adapter, 41);
    conn.speechStarted();
    await conn.waitFor(() => conn.eventsOf('conversation.item.truncate').length === 1);
    expect(conn.eventsOf('conversation.item.truncate')[0]).toEqual(truncateAt(itemIds[0], played));
    await sync();
    expect(conn.violations).toEqual([]);
    expect(log.errorCodes()).toEqual([]);
    rt.close();
  });
});

describe('@openai/agents-realtime: OpenAIRealtimeWebSocket (ws)', () => {
  it('connects, sends audio through sendEvent, plays and truncates at the audio read', async () => {
    server = await RealtimeTestServer.start({ protocol: 'openai' });
    // The transport computes its own truncate from wall-clock time on speech_started; the adapter
    // knows what was played, so that behaviour is switched off (its documented extension point).
    class PlayedAudioTransport extends OpenAIRealtimeWebSocket {
      override _interrupt(): void {}
    }
    const transport = new PlayedAudioTransport();
    const log = new EventLog();
    const adapter = new RealtimeAudioAdapter({
      protocol: 'openai',
      send: (event) => transport.sendEvent(event as never),
      inputRate: 24000,
      outputRate: 24000,
      onEvent: log.push,
    });
    let handled = 0;
    transport.on('*', (event) => {
      adapter.handleServerEvent(event);
      handled++;
    });
    await transport.connect({ apiKey: 'sk-test', model: 'gpt-realtime', url: `${server.url}/v1/realtime?model=gpt-realtime` });
    const conn = await server.connection();
    const sync = () => until(() => handled === conn.sent, 'client to handle all server messages');
    await conn.waitFor(() => conn.eventsOf('session.update').length === 1, 5000, "the transport's own session.update");
    await sync();

    const mic = micSignal(9600, 24000, 3);
    for (let at = 0; at < mic.length; at += 480) adapter.pushMicrophone(mic.subarray(at, at + 480));
    await conn.waitFor(() => conn.eventsOf('input_audio_buffer.append').length === 10);
    expect(conn.inputAudio().equals(Buffer.from(referencePcm16(mic).buffer))).toBe(true);

    const { itemIds } = conn.respond([patternPcm(2400, 1), patternPcm(9600, 2)], 960, { end: false });
    await sync();
    const played = play(adapter, 33);
    conn.speechStarted();
    await conn.waitFor(() => conn.eventsOf('conversation.item.truncate').length === 1);
    await sync();
    expect(conn.eventsOf('conversation.item.truncate')).toEqual([
      { type: 'conversation.item.truncate', item_id: itemIds[1], content_index: 0, audio_end_ms: Math.floor(((played - 2400) * 1000) / 24000) },
    ]);
    expect(conn.violations).toEqual([]);
    expect(log.errorCodes()).toEqual([]);
    transport.close();
  });

  it('sendAudio (PCM16 bytes) works too: the adapter can hand it capture chunks as bytes', async () => {
    server = await RealtimeTestServer.start({ protocol: 'openai' });
    const transport = new OpenAIRealtimeWebSocket();
    await transport.connect({ apiKey: 'sk-test', model: 'gpt-realtime', url: `${server.url}/v1/realtime?model=gpt-realtime` });
    const conn = await server.connection();
    const adapter = new RealtimeAudioAdapter({
      protocol: 'openai',
      send: (event) => {
        if (event.type === 'input_audio_buffer.append') {
          const bytes = Buffer.from(event.audio as string, 'base64');
          transport.sendAudio(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
        } else transport.sendEvent(event as never);
      },
      inputRate: 24000,
      outputRate: 24000,
    });
    const mic = micSignal(5760, 24000, 5);
    adapter.pushMicrophone(mic);
    await conn.waitFor(() => conn.eventsOf('input_audio_buffer.append').length === 6);
    expect(conn.inputAudio().equals(Buffer.from(referencePcm16(mic).buffer))).toBe(true);
    expect(conn.violations).toEqual([]);
    transport.close();
  });
});
