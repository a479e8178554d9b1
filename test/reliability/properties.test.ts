// Property tests with seeded randomness over the whole adapter:
// - any chunking of the microphone gives the same append events (VAD and silence gating on), and
//   any cutting of the session's audio into deltas gives the same speaker output, for each protocol;
// - random orders of server events (deltas after an interruption, duplicate speech_started,
//   truncated and done events for finished items, unknown events, errors, out-of-order done
//   events, app interruptions, reads of any length) never throw out of the adapter and never
//   corrupt playback: every item's audio comes out in order, as a prefix of what was sent, nothing
//   of an interrupted item plays after the interruption, every truncate says exactly what was
//   played, and every received frame is played, flushed, dropped by a bound, or still buffered.
// Items are tagged in their sample values (tag x 4096 + index), so the output itself tells which
// item and which frame each sample is.
import { describe, expect, it } from 'vitest';
import { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { PlaybackPipeline } from '../../src/pipeline/playback.js';
import type { ClientEvent } from '../../src/transport/protocol.js';
import { EventLog, chunking, micSignal, patternPcm } from '../helpers/transport-client.js';
import { rng } from '../helpers/random.js';
import { EXACT_PLAYOUT } from '../helpers/playout.js';

const RATE = 24000;
const b64 = (pcm: Int16Array) => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
const deltaType = (protocol: string) => (protocol === 'openai' ? 'response.output_audio.delta' : 'response.audio.delta');
const doneType = (protocol: string) => (protocol === 'openai' ? 'response.output_audio.done' : 'response.audio.done');

describe('chunking invariance through the adapter', () => {
  it('any microphone chunking gives identical append events (48 kHz in, VAD, silence gating), 12 seeded chunkings', () => {
    // quiet noise with tone bursts (speech-like on/off), 6 s
    const mic = micSignal(48000 * 6, 48000, 21).map((x, i) => x * 0.003 + (Math.floor(i / 36000) % 2 === 1 ? 0.3 * Math.sin(i * 0.037) : 0));
    const run = (sizes: number[]) => {
      const sent: string[] = [];
      const log = new EventLog();
      const adapter = new RealtimeAudioAdapter({
        protocol: 'openai',
        send: (e) => sent.push(JSON.stringify(e)),
        inputRate: 48000,
        outputRate: 48000,
        vad: true,
        silenceGating: true,
        onEvent: log.push,
      });
      let at = 0;
      for (const n of sizes) {
        adapter.pushMicrophone(mic.subarray(at, at + n));
        at += n;
      }
      return { sent, vad: log.events.map((e) => `${e.type}@${'timeMs' in e ? e.timeMs : ''}`) };
    };
    const reference = run([mic.length]);
    expect(reference.vad.filter((e) => e.startsWith('speech_start')).length).toBeGreaterThanOrEqual(2);
    expect(reference.sent.length).toBeGreaterThan(30);
    for (let seed = 1; seed <= 12; seed++) {
      const sizes = seed === 1 ? new Array(mic.length / 128).fill(128) : seed === 2 ? new Array(mic.length).fill(1) : chunking(mic.length, seed * 7919);
      expect(run(sizes), `seed ${seed}`).toEqual(reference);
    }
  });

  for (const protocol of ['openai', 'openai-beta', 'gemini'] as const) {
    it(`${protocol}: any cutting of the session audio into deltas, and any read size, gives the same speaker output (48 kHz)`, () => {
      const items = [patternPcm(9001, 1).map((x) => x >> 2), patternPcm(4410, 2).map((x) => x >> 2)];
      const run = (seed: number) => {
        const next = rng(seed);
        const adapter = new RealtimeAudioAdapter({ protocol, send: () => {}, inputRate: 48000, outputRate: 48000 });
        items.forEach((pcm, k) => {
          const id = `item_${k}`;
          if (protocol !== 'gemini') {
            adapter.handleServerEvent({ type: 'response.created', response: { id: `resp_${k}` } });
            adapter.handleServerEvent({ type: 'response.output_item.added', response_id: `resp_${k}`, item: { id } });
          }
          for (let at = 0; at < pcm.length; ) {
            const n = seed === 0 ? pcm.length : Math.min(pcm.length - at, 1 + Math.floor(next() * next() * 3000));
            const data = b64(pcm.subarray(at, at + n));
            if (protocol === 'gemini')
              adapter.handleServerEvent({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] } } });
            else adapter.handleServerEvent(JSON.stringify({ type: deltaType(protocol), response_id: `resp_${k}`, item_id: id, delta: data }));
            at += n;
          }
          if (protocol === 'gemini') adapter.handleServerEvent({ serverContent: { turnComplete: true } });
          else adapter.handleServerEvent({ type: doneType(protocol), item_id: id });
        });
        const out = new Float32Array(2 * (9001 + 4410) + 4000);
        for (let at = 0; at < out.length; ) {
          const n = seed === 0 ? 128 : Math.min(out.length - at, 1 + Math.floor(next() * 700));
          adapter.readPlayback(out.subarray(at, at + n));
          at += n;
        }
        return out;
      };
      const reference = run(0);
      expect(reference.filter((x) => x !== 0).length).toBeGreaterThan(2 * (9001 + 4410) - 100);
      for (let seed = 1; seed <= 8; seed++) expect(run(seed), `seed ${seed}`).toEqual(reference);
    });
  }
});

/** An item of the random conversation: its tag, the frames the server sent, what came out. */
interface Item {
  id: string;
  responseId: string;
  tag: number;
  sentFrames: number;
  playedFrames: number;
  dead: boolean;
  done: boolean;
}

const TAGS = 15; // tags 1..15: sample = tag * 2048 + index % 2048, all nonzero and in range

function itemAudio(item: Item, frames: number): Int16Array {
  const pcm = new Int16Array(frames);
  for (let i = 0; i < frames; i++) pcm[i] = item.tag * 2048 + ((item.sentFrames + i) % 2048);
  item.sentFrames += frames;
  return pcm;
}

/**
 * A random conversation. `exact`: played samples are decoded back to items and frames (fades and
 * playout delay off, so samples are the deltas); otherwise the default playout (fades, adaptive
 * delay) runs and only what does not need the samples is checked: no throw, every frame
 * accounted, every truncate within the audio sent.
 */
function conversation(protocol: 'openai' | 'openai-beta' | 'gemini', seed: number, steps: number, exact = true): void {
  const next = rng(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const sent: ClientEvent[] = [];
  const log = new EventLog();
  const adapter = new RealtimeAudioAdapter({
    ...(exact ? EXACT_PLAYOUT : {}),
    protocol,
    send: (e) => sent.push(e),
    inputRate: RATE,
    outputRate: RATE,
    turnDetection: pick(2) === 0 ? 'server' : 'none',
    onEvent: (e) => {
      log.push(e);
      if (e.type === 'interrupted') {
        trace.push(`interrupted ${JSON.stringify(e)}`);
        // what was playing, and every item with audio not yet played (buffered, or on its way)
        for (const item of items) if (item.sentFrames > item.playedFrames || item.id === e.itemId) item.dead = true;
      }
    },
  });
  const items: Item[] = [];
  let current: Item | undefined;
  let responses = 0;
  let playing: Item | undefined; // the item whose frames came out last
  let truncatesChecked = 0;
  const out = new Float32Array(1024);
  const trace: string[] = []; // the last steps, for the failure message
  const send = (message: unknown) => {
    trace.push(`server ${typeof message === 'string' ? message.slice(0, 90) : JSON.stringify(message).slice(0, 90)}`);
    expect(() => adapter.handleServerEvent(message)).not.toThrow();
  };
  const fail = (text: string) => {
    const state = items.slice(-8).map((it) => `${it.id}(tag ${it.tag}) sent ${it.sentFrames} played ${it.playedFrames}${it.dead ? ' dead' : ''}`);
    throw new Error(`seed ${seed}: ${text}\n  ${trace.slice(-25).join('\n  ')}\n  ${state.join('\n  ')}`);
  };
  const newItem = () => {
    const responseId = `resp_${++responses}`;
    current = { id: `item_${items.length + 1}`, responseId, tag: 1 + (items.length % TAGS), sentFrames: 0, playedFrames: 0, dead: false, done: false };
    items.push(current);
    if (protocol !== 'gemini') {
      send({ type: 'response.created', response: { id: responseId } });
      send(JSON.stringify({ type: 'response.output_item.added', response_id: responseId, item: { id: current.id } }));
    }
  };
  const delta = (item: Item) => {
    const data = b64(itemAudio(item, 1 + pick(2400)));
    if (protocol === 'gemini') send({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }] } } });
    else send(JSON.stringify({ type: deltaType(protocol), response_id: item.responseId, item_id: item.id, delta: data }));
  };
  const read = (frames: number) => {
    const view = out.subarray(0, frames);
    expect(() => adapter.readPlayback(view)).not.toThrow();
    trace.push(`read ${frames}`);
    if (!exact) return;
    for (let i = 0; i < frames; i++) {
      if (view[i] === 0) continue;
      const v = Math.round(view[i]! * 32768);
      const tag = v >> 11;
      const index = v & 2047;
      if (playing === undefined || playing.tag !== tag || (playing.playedFrames & 2047) !== index) {
        // a new item starts: the first later item with this tag, from its first frame
        const from = playing === undefined ? 0 : items.indexOf(playing) + 1;
        const later = items.slice(from).filter((it) => it.tag === tag && it.playedFrames === 0 && it.sentFrames > 0);
        const candidate = later.find((it) => !it.dead) ?? later[0];
        if (candidate === undefined || index !== 0) {
          fail(`frame (tag ${tag}, index ${index}) out of order after ${playing?.id ?? 'nothing'}@${playing?.playedFrames}`);
          return;
        }
        playing = candidate;
      }
      if (playing.dead) fail(`${playing.id} plays after its interruption`);
      playing.playedFrames++;
      if (playing.playedFrames > playing.sentFrames) fail(`${playing.id} played more than it was sent`);
    }
  };
  const checkTruncates = () => {
    for (; truncatesChecked < sent.length; truncatesChecked++) {
      const event = sent[truncatesChecked] as { type?: string; item_id?: string; audio_end_ms?: number };
      if (event.type !== 'conversation.item.truncate') continue;
      const item = items.find((it) => it.id === event.item_id);
      expect(item, `truncate of ${event.item_id}`).toBeDefined();
      // exactly the audio this test saw come out of the speaker, never more than was sent
      if (exact) expect(event.audio_end_ms).toBe(Math.floor((item!.playedFrames * 1000) / RATE));
      expect(event.audio_end_ms!).toBeLessThanOrEqual((item!.sentFrames * 1000) / RATE);
    }
  };

  for (let step = 0; step < steps; step++) {
    const action = pick(20);
    if (action < 2) newItem();
    else if (action < 8) {
      if (current !== undefined && !current.done) delta(current);
    } else if (action === 8) {
      // a late delta for a recently interrupted item (OpenAI: the item id says whose it is; the
      // adapter remembers the last 16 interrupted items and responses, a bound by design)
      const dead = items.slice(-4).filter((it) => it.dead);
      if (protocol !== 'gemini' && dead.length > 0) delta(dead[pick(dead.length)]!);
    } else if (action === 9) {
      // speech_started / interrupted, sometimes twice in a row
      const count = 1 + pick(2);
      for (let k = 0; k < count; k++)
        send(protocol === 'gemini' ? { serverContent: { interrupted: true } } : { type: 'input_audio_buffer.speech_started', audio_start_ms: step });
      if (protocol === 'gemini') current = undefined; // the turn is over; its audio would be a new turn
    } else if (action === 10) {
      // done for the current item, or for a random (finished, interrupted) one
      const item = pick(2) === 0 ? current : items[pick(items.length)];
      if (item !== undefined) {
        if (protocol === 'gemini') {
          // ends the current turn whatever item was picked (Gemini names no item)
          send({ serverContent: pick(2) === 0 ? { generationComplete: true } : { turnComplete: true } });
          current = undefined;
        } else {
          send({ type: doneType(protocol), item_id: item.id });
          if (item === current) item.done = true;
        }
      }
    } else if (action === 11) {
      const item = items[pick(items.length)];
      if (protocol === 'gemini') {
        send({ serverContent: { turnComplete: true } });
        current = undefined;
      } else if (item !== undefined) send({ type: 'response.done', response: { id: item.responseId, status: pick(2) === 0 ? 'completed' : 'cancelled' } });
    } else if (action === 12) {
      // a truncated event for a finished item, unknown events, errors
      const item = items[pick(items.length)];
      const noise =
        protocol === 'gemini'
          ? [{ usageMetadata: {} }, { toolCall: { functionCalls: [] } }, { goAway: { timeLeft: '1s' } }, { error: { message: 'quota' } }, { surprise: 1 }]
          : [
              { type: 'conversation.item.truncated', item_id: item?.id ?? 'x', content_index: 0, audio_end_ms: 5 },
              { type: 'response.teleport' },
              { type: 'error', error: { type: 'invalid_request_error', message: 'no' } },
              { type: 'rate_limits.updated', rate_limits: [] },
              { type: 'session.updated', session: { type: 'realtime', audio: { input: { turn_detection: pick(2) === 0 ? null : { type: 'server_vad' } } } } },
            ];
      send(JSON.stringify(noise[pick(noise.length)]));
    } else if (action === 13) {
      trace.push('app interrupt()');
      expect(() => adapter.interrupt()).not.toThrow();
    } else if (action === 14) {
      expect(() => adapter.pushMicrophone(micSignal(1 + pick(2000), RATE, step))).not.toThrow();
    } else {
      read(1 + pick(1024));
    }
    checkTruncates();
    // every frame received is played, flushed, dropped by a bound, buffered, or (< 128) on its way
    const p = adapter.playback;
    const accounted = p.stats.playedFrames + p.stats.flushedFrames + p.stats.overflowFrames + p.bufferedFrames;
    const gap = p.stats.receivedFrames - accounted;
    if (gap < 0 || gap >= 128) fail(`step ${step}: received ${p.stats.receivedFrames}, accounted ${accounted}`);
  }
  // every error was reported as a typed error event, none thrown
  expect(log.of('error').every((e) => e.error.name === 'TransportError')).toBe(true);
  // and the adapter still plays a fresh item exactly
  for (const item of items) item.dead = true;
  adapter.interrupt();
  read(1024);
  newItem();
  const fresh = current!;
  fresh.dead = false;
  for (let k = 0; k < 3; k++) delta(fresh);
  if (protocol === 'gemini') send({ serverContent: { turnComplete: true } });
  else send({ type: doneType(protocol), item_id: fresh.id });
  const playedBefore = adapter.playback.stats.playedFrames;
  for (let q = 0; q < Math.ceil(fresh.sentFrames / 1024) + 2; q++) read(1024);
  expect(adapter.playback.stats.playedFrames - playedBefore).toBe(fresh.sentFrames);
  if (exact) expect(fresh.playedFrames).toBe(fresh.sentFrames);
  if (exact) expect(items.filter((it) => it.playedFrames > 0).length).toBeGreaterThan(5);
  else expect(adapter.playback.stats.fadedFrames).toBeGreaterThan(0);
}

describe('random server event orders', () => {
  for (const protocol of ['openai', 'openai-beta', 'gemini'] as const) {
    it(`${protocol}: 3 seeds x 4,000 random steps never throw and never corrupt playback`, () => {
      for (const seed of [1, 2, 3]) conversation(protocol, seed * 1000 + protocol.length, 4000);
    });
    it(`${protocol}: the same with the default playout (fades, adaptive delay): no throw, every frame accounted`, () => {
      for (const seed of [1, 2, 3]) conversation(protocol, seed * 1000 + protocol.length, 4000, false);
    });
  }
});

describe('PlaybackPipeline cases the random orders found', () => {
  it('interrupt() counts the frames still waiting for a whole resampler block as flushed', () => {
    const p = new PlaybackPipeline({ outputRate: RATE });
    p.pushDelta(b64(patternPcm(300, 4)), 'a'); // two 128-frame blocks buffered, 44 frames waiting
    const cut = p.interrupt();
    expect(p.stats.flushedFrames).toBe(300);
    expect(cut.flushedMs).toBe(300 / 24);
  });

  it('a late delta of the item that had played to its end when the user barged in is not played', () => {
    const p = new PlaybackPipeline({ outputRate: RATE });
    p.pushDelta(b64(patternPcm(256, 4)), 'a');
    p.endItem('a');
    p.pushDelta(b64(patternPcm(256, 5)), 'b');
    const out = new Float32Array(256);
    p.read(out); // all of a
    const cut = p.interrupt();
    expect(cut.itemId).toBe('a');
    expect(p.pushDelta(b64(patternPcm(128, 6)), 'a')).toBe(0);
    expect(p.pushDelta(b64(patternPcm(128, 6)), 'b')).toBe(0);
    expect(p.read(out)).toBe(0);
    expect(p.stats.lateFrames).toBe(256);
  });
});
