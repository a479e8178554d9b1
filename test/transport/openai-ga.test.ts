// The adapter against the local OpenAI GA server over a raw `ws` socket: every event it sends is
// checked by the server (shape, strict base64, PCM16 byte counts, truncate bounds, commit size),
// and the interruption cases are asserted against the frames this test itself read from
// readPlayback().
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { RealtimeTestServer, type ServerConnection } from '../helpers/realtime-server.js';
import { EventLog, chunking, micSignal, openaiClient, patternPcm, referencePcm16, truncateAt, until } from '../helpers/transport-client.js';
import { EXACT_PLAYOUT } from '../helpers/playout.js';

const QUANTUM = 128;

interface Session {
  server: RealtimeTestServer;
  conn: ServerConnection;
  socket: WebSocket;
  adapter: RealtimeAudioAdapter;
  log: EventLog;
  handled: () => number;
  /** Waits until the client has handled every message the server sent. */
  sync: () => Promise<void>;
  /** Reads `quanta` render quanta; returns the audio frames read. */
  play: (quanta: number) => number;
}

async function session(
  options: { turnDetection?: Record<string, unknown> | null; adapter?: Partial<ConstructorParameters<typeof RealtimeAudioAdapter>[0]> } = {},
): Promise<Session> {
  const server = await RealtimeTestServer.start({ protocol: 'openai', turnDetection: options.turnDetection });
  const log = new EventLog();
  const { socket, adapter, conn, handled } = await openaiClient(server, { inputRate: 24000, outputRate: 24000, onEvent: log.push, ...options.adapter });
  const out = new Float32Array(QUANTUM);
  const s: Session = {
    server,
    conn,
    socket,
    adapter,
    log,
    handled,
    sync: () => until(() => handled() === conn.sent, 'client to handle all server messages'),
    play: (quanta) => {
      let frames = 0;
      for (let q = 0; q < quanta; q++) frames += adapter.readPlayback(out);
      return frames;
    },
  };
  await s.sync();
  return s;
}

let s: Session;
afterEach(async () => {
  s?.socket.close();
  await s?.server.close();
});

describe('OpenAI GA: microphone to input_audio_buffer.append', () => {
  beforeEach(async () => {
    s = await session();
  });

  it('sends valid append events whose PCM16 is the pushed audio, however it is chunked', async () => {
    const mic = micSignal(24000, 24000);
    let at = 0;
    for (const n of chunking(mic.length, 3)) {
      s.adapter.pushMicrophone(mic.subarray(at, at + n));
      at += n;
    }
    // the kernels take whole 128-frame blocks; 40 ms chunks at 24 kHz are 960 frames
    const chunks = Math.floor((Math.floor(24000 / 128) * 128) / 960);
    await s.conn.waitFor(() => s.conn.eventsOf('input_audio_buffer.append').length === chunks, 5000, 'append events');
    expect(s.conn.violations).toEqual([]);
    const appends = s.conn.eventsOf('input_audio_buffer.append');
    for (const e of appends) expect(Buffer.from(e.audio as string, 'base64').length).toBe(960 * 2);
    const got = s.conn.inputAudio();
    const expected = referencePcm16(mic.subarray(0, chunks * 960));
    expect(got.equals(Buffer.from(expected.buffer))).toBe(true);
    expect(s.adapter.stats.sentSeconds).toBe((chunks * 960) / 24000);
    expect(s.adapter.stats.chunksSent).toBe(chunks);
  });

  it('commits by hand only with >= 100 ms buffered (turn detection off)', async () => {
    s.adapter.sessionUpdate({ turnDetection: 'none' });
    await s.conn.waitFor(() => s.conn.eventsOf('session.update').length === 1);
    s.adapter.pushMicrophone(micSignal(1200, 24000)); // 50 ms: one 40 ms chunk + 10 ms pending
    expect(s.adapter.commit()).toBe(false);
    s.adapter.pushMicrophone(micSignal(1320, 24000, 9)); // 55 ms more
    expect(s.adapter.commit({ createResponse: true })).toBe(true);
    await s.conn.waitFor(() => s.conn.eventsOf('response.create').length === 1);
    expect(s.conn.violations).toEqual([]);
    expect(s.conn.eventsOf('input_audio_buffer.commit').length).toBe(1);
    // the pending partial chunks were sent before each commit attempt: 50 + 55 ms in all
    expect(s.conn.inputAudio().length).toBe((1200 + 1320) * 2);
    expect(s.adapter.stats.commitsSent).toBe(1);
    const update = s.conn.eventsOf('session.update')[0]!.session as { audio: { input: { turn_detection: unknown; format: unknown } } };
    expect(update.audio.input.turn_detection).toBeNull();
    expect(update.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
  });
});

/** The gain of a raised-cosine fade of `fadeFrames` at `level` (0..fadeFrames), from Math.sin: the reference for the library's own table. */
const fadeGain = (level: number, fadeFrames: number) => Math.sin((Math.PI / 2) * (level / fadeFrames)) ** 2;

describe('OpenAI GA: playback', () => {
  it('plays the deltas exactly (PCM16 / 32768), in order, across two items (no fades, no playout delay)', async () => {
    s = await session({ adapter: EXACT_PLAYOUT });
    const a = patternPcm(5000, 1);
    const b = patternPcm(7001, 2);
    s.conn.respond([a, b], 999);
    await s.sync();
    const out = new Float32Array(a.length + b.length + 300).fill(Number.NaN);
    const block = new Float32Array(QUANTUM);
    let frames = 0;
    for (let at = 0; at < out.length; at += QUANTUM) {
      frames += s.adapter.readPlayback(block);
      out.set(block.subarray(0, Math.min(QUANTUM, out.length - at)), at);
    }
    expect(frames).toBe(a.length + b.length);
    for (let i = 0; i < a.length; i++) if (out[i] !== a[i]! / 32768) throw new Error(`frame ${i}: ${out[i]} != ${a[i]! / 32768}`);
    for (let i = 0; i < b.length; i++) if (out[a.length + i] !== b[i]! / 32768) throw new Error(`frame ${a.length + i}`);
    for (let i = a.length + b.length; i < out.length; i++) expect(out[i]).toBe(0);
    const stats = s.adapter.stats;
    expect(stats.receivedSeconds).toBe((a.length + b.length) / 24000);
    expect(stats.playedSeconds).toBe((a.length + b.length) / 24000);
    expect(stats.underruns).toBe(0);
    expect(stats.errors).toBe(0);
  });

  it('with the default playout: items that have all their audio start at once, and each fades in and out over 5 ms', async () => {
    s = await session();
    const a = patternPcm(5000, 1);
    const b = patternPcm(7001, 2);
    s.conn.respond([a, b], 999);
    await s.sync();
    const out = new Float32Array(a.length + b.length + 300).fill(Number.NaN); // both items ended before the first read: no playout delay
    const block = new Float32Array(QUANTUM);
    let frames = 0;
    for (let at = 0; at < out.length; at += QUANTUM) {
      frames += s.adapter.readPlayback(block);
      out.set(block.subarray(0, Math.min(QUANTUM, out.length - at)), at);
    }
    expect(frames).toBe(a.length + b.length);
    const fade = 120; // 5 ms at 24 kHz
    let at = 0;
    let worst = 0;
    for (const pcm of [a, b]) {
      // each item on its own: the level rises one step per frame from its start, falls to its end
      for (let i = 0; i < pcm.length; i++, at++) {
        const level = Math.min(i + 1, fade, pcm.length - i);
        worst = Math.max(worst, Math.abs(out[at]! - (pcm[i]! / 32768) * fadeGain(level, fade)));
      }
    }
    expect(worst).toBeLessThan(1e-6); // float32 rounding of the product; the library's table is a Taylor series
    for (let i = at; i < out.length; i++) expect(out[i]).toBe(0);
    expect(s.adapter.stats.playedSeconds).toBe((a.length + b.length) / 24000);
    expect(s.adapter.stats.underruns).toBe(0);
    expect(s.adapter.stats.playoutDelayMs).toBe(20);
  });
});

describe('OpenAI GA: interruption (server VAD, interrupt_response true)', () => {
  beforeEach(async () => {
    s = await session();
  });

  it('barge-in before the first delta: no truncate, no cancel, late audio not played', async () => {
    const responseId = s.conn.startResponse();
    const itemId = s.conn.addItem(responseId);
    await s.sync();
    s.conn.speechStarted();
    await s.sync();
    s.conn.audio(itemId, patternPcm(4800), 2400); // arrives after the barge-in
    await s.sync();
    expect(s.play(10)).toBe(0);
    expect(s.conn.eventsOf('conversation.item.truncate')).toEqual([]);
    expect(s.conn.eventsOf('response.cancel')).toEqual([]);
    const [cut] = s.log.of('interrupted');
    expect(cut).toMatchObject({ source: 'server', itemId: null, audioEndMs: null, cancelled: false });
    expect(s.adapter.stats.lateSeconds).toBeCloseTo(4800 / 24000, 9);
    expect(s.conn.violations).toEqual([]);
  });

  it('barge-in mid-item: truncate at exactly the audio read, playback flushed at once', async () => {
    const { itemIds } = s.conn.respond([patternPcm(24000)], 2400, { end: false });
    await s.sync();
    const played = s.play(37) + s.adapter.readPlayback(new Float32Array(61));
    expect(played).toBe(37 * 128 + 61);
    s.conn.speechStarted();
    await s.sync();
    await s.conn.waitFor(() => s.conn.eventsOf('conversation.item.truncate').length === 1);
    const [truncate] = s.conn.eventsOf('conversation.item.truncate');
    expect(truncate).toEqual(truncateAt(itemIds[0], played));
    expect(s.play(4)).toBe(0);
    expect(s.adapter.playback.bufferedMs).toBe(0);
    await s.sync();
    expect(s.conn.violations).toEqual([]);
    expect(s.log.of('interrupted')[0]).toMatchObject({ itemId: itemIds[0], audioEndMs: truncate!.audio_end_ms, cancelled: false });
  });

  it('barge-in after the item finished playing: no truncate, nothing interrupted', async () => {
    s.conn.respond([patternPcm(4800)], 1000);
    await s.sync();
    const played = s.play(50);
    expect(played).toBe(4800);
    s.conn.speechStarted();
    await s.sync();
    expect(s.conn.eventsOf('conversation.item.truncate')).toEqual([]);
    expect(s.log.of('interrupted')).toEqual([]);
  });

  it('barge-in across two items: the first was heard whole, the second is truncated where it was', async () => {
    const a = 2400;
    const { itemIds } = s.conn.respond([patternPcm(a, 1), patternPcm(12000, 2)], 800, { end: false });
    await s.sync();
    const played = s.play(30); // 3840 frames: all of the first item, 1440 of the second
    expect(played).toBe(3840);
    s.conn.speechStarted();
    await s.conn.waitFor(() => s.conn.eventsOf('conversation.item.truncate').length === 1);
    const truncates = s.conn.eventsOf('conversation.item.truncate');
    expect(truncates).toEqual([truncateAt(itemIds[1], played - a)]);
    expect(s.conn.violations).toEqual([]);
  });

  it('barge-in while the second item is queued but the first is playing: truncates the first only', async () => {
    const { itemIds } = s.conn.respond([patternPcm(4800, 1), patternPcm(4800, 2)], 4800, { end: false });
    await s.sync();
    const played = s.play(20);
    s.conn.speechStarted();
    await s.conn.waitFor(() => s.conn.eventsOf('conversation.item.truncate').length === 1);
    expect(s.conn.eventsOf('conversation.item.truncate')).toEqual([truncateAt(itemIds[0], played)]);
  });

  it('never truncates past the audio received (playback ran dry before more arrived)', async () => {
    const responseId = s.conn.startResponse();
    const itemId = s.conn.addItem(responseId);
    s.conn.audio(itemId, patternPcm(1000), 1000);
    await s.sync();
    const played = s.play(20); // whole 128-frame blocks are resampled: 896 of the 1000 frames so far
    expect(played).toBe(896);
    expect(s.adapter.stats.underruns).toBe(1);
    s.conn.speechStarted();
    await s.conn.waitFor(() => s.conn.eventsOf('conversation.item.truncate').length === 1);
    expect(s.conn.eventsOf('conversation.item.truncate')[0]).toMatchObject({ item_id: itemId, audio_end_ms: Math.floor((played * 1000) / 24000) });
    expect(s.conn.violations).toEqual([]);
  });
});

describe('OpenAI GA: interruption where the session does not cancel by itself', () => {
  it('turn detection off: interrupt() truncates and sends response.cancel', async () => {
    s = await session({ turnDetection: null });
    expect(s.adapter.turnDetection).toBe('none');
    const { responseId, itemIds } = s.conn.respond([patternPcm(24000)], 4000, { end: false });
    await s.sync();
    const played = s.play(25);
    const cut = s.adapter.interrupt();
    expect(cut).toMatchObject({ source: 'app', itemId: itemIds[0], audioEndMs: Math.floor((played * 1000) / 24000), cancelled: true });
    await s.conn.waitFor(() => s.conn.eventsOf('response.cancel').length === 1);
    expect(s.conn.eventsOf('response.cancel')[0]).toEqual({ type: 'response.cancel', response_id: responseId });
    await s.sync(); // response.done (cancelled)
    expect(s.conn.violations).toEqual([]);
    expect(s.log.errorCodes()).toEqual([]);
    expect(s.adapter.stats).toMatchObject({ truncatesSent: 1, cancelsSent: 1, interruptions: 1 });
  });

  it('interrupt_response false: speech_started truncates and cancels', async () => {
    s = await session({ turnDetection: { type: 'server_vad', interrupt_response: false, create_response: true } });
    expect(s.adapter.interruptResponse).toBe(false);
    const { itemIds } = s.conn.respond([patternPcm(24000)], 4000, { end: false });
    await s.sync();
    const played = s.play(9);
    s.conn.speechStarted();
    await s.conn.waitFor(() => s.conn.eventsOf('response.cancel').length === 1);
    expect(s.conn.eventsOf('conversation.item.truncate')[0]).toMatchObject({ item_id: itemIds[0], audio_end_ms: Math.floor((played * 1000) / 24000) });
    await s.sync();
    expect(s.conn.violations).toEqual([]);
  });
});

describe('OpenAI GA: bad input from the network', () => {
  beforeEach(async () => {
    s = await session({ adapter: EXACT_PLAYOUT }); // samples compared with the deltas
  });

  it('reports each as a typed, counted error event, and the session keeps going', async () => {
    const responseId = s.conn.startResponse();
    const itemId = s.conn.addItem(responseId);
    s.conn.send('{"type": "response.output_audio.delta", '); // not JSON
    s.conn.send('[1, 2, 3]'); // not an object
    s.conn.send({ type: 'response.telepathy.delta', delta: 'AAAA' }); // unknown type
    s.conn.send({ type: 'response.output_audio.delta', response_id: responseId, item_id: itemId, delta: 'AA=A' }); // invalid base64
    s.conn.send({ type: 'response.output_audio.delta', response_id: responseId, item_id: itemId, delta: Buffer.from([1, 2, 3]).toString('base64') }); // odd bytes
    s.conn.send({ type: 'response.output_audio.delta', response_id: responseId, delta: 'AAAA' }); // no item_id
    s.conn.send({ type: 'response.audio.delta', response_id: responseId, item_id: itemId, delta: 'AAAA' }); // beta name on GA
    s.conn.send({ type: 'error', error: { type: 'invalid_request_error', code: 'bad', message: 'nope' } });
    await s.sync();
    expect(s.log.errorCodes()).toEqual([
      'malformed_event',
      'malformed_event',
      'unknown_event',
      'invalid_base64',
      'odd_byte_count',
      'malformed_event',
      'unexpected_event',
      'server_error',
    ]);
    for (const e of s.log.of('error')) expect(e.error.name).toBe('TransportError');
    expect(s.adapter.stats.errors).toBe(8);
    expect(s.adapter.stats.errorsByCode).toMatchObject({ malformed_event: 3, invalid_base64: 1, odd_byte_count: 1 });
    // the odd delta's whole sample (bytes 1, 2) was kept; a good delta still plays after all that
    const pcm = patternPcm(2400, 5);
    s.conn.audio(itemId, pcm, 2400);
    s.conn.audioDone(itemId);
    await s.sync();
    const out = new Float32Array(2401);
    expect(s.adapter.readPlayback(out)).toBe(2401);
    expect(out[0]).toBe(new Int16Array(Uint8Array.of(1, 2).buffer)[0]! / 32768);
    expect(out[1]).toBe(pcm[0]! / 32768);
    expect(out[2400]).toBe(pcm[2399]! / 32768);
  });
});

describe('OpenAI GA at device rates (48 kHz microphone and speaker)', () => {
  it('sends 24 kHz PCM16 of the resampled microphone and truncates at the played device frames / 2', async () => {
    s = await session({ adapter: { inputRate: 48000, outputRate: 48000 } });
    const mic = micSignal(48000, 48000);
    for (let at = 0; at < mic.length; at += 128) s.adapter.pushMicrophone(mic.subarray(at, at + 128));
    await s.conn.waitFor(() => s.conn.eventsOf('input_audio_buffer.append').length === 24);
    expect(s.conn.violations).toEqual([]);
    // 48 kHz -> 24 kHz: the appended audio is one second minus the resampler's look-ahead
    const frames = s.conn.inputAudio().length / 2;
    expect(frames).toBe(24 * 960);
    expect(s.adapter.stats.sentSeconds).toBe(0.96);

    const { itemIds } = s.conn.respond([patternPcm(24000)], 4800, { end: false });
    await s.sync();
    const played = s.play(77);
    expect(played).toBe(77 * 128);
    s.conn.speechStarted();
    await s.conn.waitFor(() => s.conn.eventsOf('conversation.item.truncate').length === 1);
    expect(s.conn.eventsOf('conversation.item.truncate')[0]).toMatchObject({
      item_id: itemIds[0],
      audio_end_ms: Math.floor((Math.floor(played / 2) * 1000) / 24000),
    });
    await s.sync();
    expect(s.conn.violations).toEqual([]);
  });
});
