// The demo server's built-in session, over its WebSocket as the page uses it: turns detected by
// EnergyVad on real speech, the reply streamed as GA audio deltas (the synthesized sentence, then
// the user's own turn), cancellation when the user speaks over it, truncation checked against the
// audio the item has, manual turns; and the HTTP side: only the listed files, own origin only,
// messages of at most 1 MiB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDemoServer, MAX_PAGE_MESSAGE_BYTES, type DemoServer } from '../../src/server/demo-server.js';
import { decodeWav } from '../../src/wav/wav.js';
import { Resampler } from '../../src/kernels/resampler.js';
import { PageClient } from './ws-client.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let server: DemoServer;
let origin: string;
let wsUrl: string;

/** The demo's turn fixture (0.3 s silence, a sentence, 2.7 s silence) at 24 kHz PCM16, in 40 ms appends. */
function turnAppends(): string[] {
  const { samples } = decodeWav(readFileSync(`${root}demo/assets/turn-48000.wav`));
  const r = new Resampler({ inputRate: 48000, outputRate: 24000 });
  const at24 = new Float32Array([...r.process(samples), ...r.flush()]);
  const pcm = Int16Array.from(at24, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))));
  const out: string[] = [];
  for (let at = 0; at < pcm.length; at += 960) {
    const piece = pcm.subarray(at, Math.min(pcm.length, at + 960));
    out.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString('base64'));
  }
  return out;
}
const appends = turnAppends();
const replyFrames = decodeWav(readFileSync(`${root}demo/assets/reply-24000.wav`)).samples.length;

beforeAll(async () => {
  server = await startDemoServer({ port: 0, root, session: { paceFactor: 50 } });
  origin = `http://127.0.0.1:${server.port}`;
  wsUrl = `ws://127.0.0.1:${server.port}`;
});
afterAll(async () => server?.close());

describe('demo server: HTTP', () => {
  it('prints a 127.0.0.1 URL and serves the page, the browser runtime and its config, nothing else', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/dist\/browser\.js|demo\/app\.js/);
    expect((await fetch(`${origin}/dist/browser.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect(await (await fetch(`${origin}/config.json`)).json()).toEqual({
      relay: false,
      model: null,
      localSession: true,
      maxMessageBytes: MAX_PAGE_MESSAGE_BYTES,
    });
    for (const path of ['/package.json', '/src/server/relay.ts', '/dist/../package.json', '/%2e%2e/package.json', '/demo/assets/reply-24000.wav']) {
      expect((await fetch(`${origin}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('accepts WebSockets from its own origin only', async () => {
    for (const bad of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', undefined]) {
      await expect(PageClient.open(`${wsUrl}/session`, bad), String(bad)).rejects.toThrow('HTTP 403');
    }
    await expect(PageClient.open(`${wsUrl}/elsewhere`, origin)).rejects.toThrow('HTTP 404');
    await expect(PageClient.open(`${wsUrl}/relay`, origin)).rejects.toThrow('HTTP 503'); // no API key configured
    const viaLocalhost = await PageClient.open(`${wsUrl}/session`, `http://localhost:${server.port}`);
    viaLocalhost.close();
  });

  it('closes a page socket that sends a message over 1 MiB (1009)', async () => {
    const page = await PageClient.open(`${wsUrl}/session`, origin);
    page.send({ type: 'input_audio_buffer.append', audio: 'A'.repeat(MAX_PAGE_MESSAGE_BYTES) });
    await page.waitFor(() => page.closed !== undefined, 5000, 'close');
    expect(page.closed!.code).toBe(1009);
  });
});

describe('demo server: the built-in local session', () => {
  it('detects the turn with the VAD, commits it, and answers with the sentence then the user played back', async () => {
    const page = await PageClient.open(`${wsUrl}/session`, origin);
    await page.waitFor(() => page.of('session.created').length === 1, 2000, 'session.created');
    expect(page.of('session.created')[0]!.session.audio.input.turn_detection).toMatchObject({
      type: 'server_vad',
      interrupt_response: true,
      create_response: true,
    });
    for (const audio of appends) page.send({ type: 'input_audio_buffer.append', audio });
    await page.waitFor(() => page.of('response.done').length === 1, 10000, 'response.done');
    const started = page.of('input_audio_buffer.speech_started');
    const stopped = page.of('input_audio_buffer.speech_stopped');
    expect(started).toHaveLength(1);
    expect(stopped).toHaveLength(1);
    // the sentence spans 0.313..1.848 s of the file (samples above -60 dBFS; scripts/demo-assets.sh)
    expect(started[0]!.audio_start_ms).toBeGreaterThan(250);
    expect(started[0]!.audio_start_ms).toBeLessThan(400);
    expect(stopped[0]!.audio_end_ms).toBeGreaterThan(1800);
    expect(stopped[0]!.audio_end_ms).toBeLessThan(2400);
    expect(page.of('input_audio_buffer.committed')[0]!.item_id).toBe(started[0]!.item_id);
    const types = page.received.map((e) => e.type);
    expect(types.indexOf('response.created')).toBeGreaterThan(types.indexOf('input_audio_buffer.committed'));
    const itemId = page.of('response.output_item.added')[0]!.item.id;
    const deltas = page.of('response.output_audio.delta');
    expect(deltas.every((d) => d.item_id === itemId)).toBe(true);
    const bytes = Buffer.concat(deltas.map((d) => Buffer.from(d.delta, 'base64')));
    const turnMs = stopped[0]!.audio_end_ms - started[0]!.audio_start_ms + 300; // with the 300 ms prefix padding
    const echoFrames = bytes.length / 2 - replyFrames - 4800; // sentence, 200 ms gap, the turn
    expect(Math.abs((echoFrames / 24000) * 1000 - turnMs)).toBeLessThan(25);
    expect(page.of('response.done')[0]!.response.status).toBe('completed');
    expect(page.of('error')).toEqual([]);

    // truncation: within the item's audio it is confirmed; beyond it, refused as the API refuses it
    const itemMs = Math.floor((bytes.length / 2 / 24000) * 1000);
    page.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: itemMs + 1 });
    page.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 1234 });
    await page.waitFor(() => page.of('conversation.item.truncated').length === 1 && page.of('error').length === 1, 2000, 'truncate answers');
    expect(page.of('error')[0]!.error.message).toBe(`Audio content of ${itemMs}ms is already shorter than ${itemMs + 1}ms`);
    expect(page.of('conversation.item.truncated')[0]).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: 1234 });
    page.close();
  });

  it('cancels the reply by itself when the user speaks over it', async () => {
    const slow = await startDemoServer({ port: 0, root, session: { paceFactor: 1 } });
    try {
      const page = await PageClient.open(`ws://127.0.0.1:${slow.port}/session`, `http://127.0.0.1:${slow.port}`);
      for (const audio of appends) page.send({ type: 'input_audio_buffer.append', audio });
      await page.waitFor(() => page.of('response.created').length === 1, 5000, 'response.created');
      // the same turn again: its speech barges in while the reply (about 4.6 s at 1x) is still streaming
      for (const audio of appends) page.send({ type: 'input_audio_buffer.append', audio });
      await page.waitFor(() => page.of('response.done').length >= 1, 5000, 'response.done');
      const done = page.of('response.done')[0]!;
      expect(done.response.status).toBe('cancelled');
      const types = page.received.map((e) => e.type);
      expect(types.lastIndexOf('input_audio_buffer.speech_started')).toBeLessThan(types.indexOf('response.done'));
      const sent = page.of('response.output_audio.delta').filter((d) => d.response_id === done.response.id);
      expect(sent.length).toBeLessThan(46);
      page.close();
    } finally {
      await slow.close();
    }
  });

  it('takes manual turns (turn_detection null, commit, response.create), refuses short commits, and reports bad events', async () => {
    const page = await PageClient.open(`${wsUrl}/session`, origin);
    page.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: null } } },
    });
    await page.waitFor(() => page.of('session.updated').length === 1, 2000, 'session.updated');
    expect(page.of('session.updated')[0]!.session.audio.input.turn_detection).toBeNull();
    page.send({ type: 'input_audio_buffer.append', audio: appends[0]! }); // 40 ms
    page.send({ type: 'input_audio_buffer.commit' });
    for (const audio of appends.slice(1, 30)) page.send({ type: 'input_audio_buffer.append', audio });
    page.send({ type: 'input_audio_buffer.commit' });
    page.send({ type: 'response.create' });
    page.send({ type: 'input_audio_buffer.append', audio: 'AA=A' });
    page.send({ type: 'input_audio_buffer.append', audio: 'AAAA' });
    page.send('not json');
    page.send({ type: 'no.such.event' });
    page.send({ type: 'response.cancel' });
    await page.waitFor(() => page.of('response.done').length === 1 && page.of('error').length >= 5, 5000, 'manual turn');
    expect(page.of('input_audio_buffer.speech_started')).toEqual([]);
    expect(page.of('input_audio_buffer.committed')).toHaveLength(1);
    const codes = page.of('error').map((e) => e.error.code);
    expect(codes).toEqual(['input_audio_buffer_commit_empty', 'invalid_value', 'invalid_value', 'invalid_json', 'invalid_value']);
    // the response was cancelled by the client, or had finished: either way it was answered
    expect(['cancelled', 'completed']).toContain(page.of('response.done')[0]!.response.status);
    page.close();
  });
});
