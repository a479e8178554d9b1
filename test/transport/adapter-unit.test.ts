// RealtimeAudioAdapter without a network: bounded sending (chunks dropped and counted when the
// socket is not open, its send buffer is over maxSendBufferMs, or send throws), options
// validation, and the session.update builders.
import { describe, expect, it } from 'vitest';
import { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { openAISessionAudio, openAIBetaSessionAudio, geminiSetupAudio } from '../../src/transport/session-config.js';
import { OptionsError } from '../../src/errors.js';
import { EventLog, micSignal, patternPcm } from '../helpers/transport-client.js';
import { EXACT_PLAYOUT } from '../helpers/playout.js';

/** A fake socket whose state the test sets. */
class FakeSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  send(text: string): void {
    this.sent.push(text);
    this.bufferedAmount += text.length;
  }
}

describe('RealtimeAudioAdapter sending', () => {
  it('drops and counts chunks while the socket is not open or its buffer is over maxSendBufferMs', () => {
    const socket = new FakeSocket();
    const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: socket, inputRate: 24000, outputRate: 24000, maxSendBufferMs: 100 });
    socket.readyState = 0; // CONNECTING
    adapter.pushMicrophone(micSignal(1920, 24000)); // two 40 ms chunks (fifteen 128-frame blocks)
    expect(socket.sent.length).toBe(0);
    expect(adapter.stats).toMatchObject({ chunksDropped: 2, droppedSeconds: 0.08, chunksSent: 0, sentSeconds: 0 });
    socket.readyState = 1;
    // 100 ms of 24 kHz PCM16 is 6400 base64 characters; a 40 ms chunk is 2560 (plus its JSON):
    // the third send takes the buffer over the bound, so the fourth chunk is dropped
    adapter.pushMicrophone(micSignal(3840, 24000)); // four chunks
    expect(socket.sent.length).toBe(3);
    expect(adapter.stats).toMatchObject({ chunksSent: 3, chunksDropped: 3 });
    adapter.pushMicrophone(micSignal(3840, 24000)); // still full: all four dropped
    expect(socket.sent.length).toBe(3);
    expect(adapter.stats.chunksDropped).toBe(7);
    socket.bufferedAmount = 0; // drained
    adapter.pushMicrophone(micSignal(1920, 24000));
    expect(adapter.stats).toMatchObject({ chunksSent: 5, chunksDropped: 7, sentSeconds: 0.2, droppedSeconds: 0.28 });
    for (const text of socket.sent) expect(JSON.parse(text).type).toBe('input_audio_buffer.append');
  });

  it('reports a throwing send as send_failed and counts the chunk as dropped', () => {
    const log = new EventLog();
    const adapter = new RealtimeAudioAdapter({
      protocol: 'openai',
      send: () => {
        throw new Error('socket closed');
      },
      inputRate: 24000,
      outputRate: 24000,
      onEvent: log.push,
    });
    adapter.pushMicrophone(micSignal(1024, 24000)); // eight 128-frame blocks: one 960-frame chunk
    expect(log.errorCodes()).toEqual(['send_failed']);
    expect(adapter.stats).toMatchObject({ chunksDropped: 1, chunksSent: 0, errors: 1 });
  });
});

describe('RealtimeAudioAdapter options', () => {
  it('validates with clear typed errors', () => {
    const base = { send: () => {}, inputRate: 48000, outputRate: 48000 };
    expect(() => new RealtimeAudioAdapter({ ...base, protocol: 'openai-ga' as never })).toThrow(/protocol must be one of 'openai', 'openai-beta', 'gemini'/);
    expect(() => new RealtimeAudioAdapter({ ...base, protocol: undefined as never })).toThrow(OptionsError);
    expect(() => new RealtimeAudioAdapter({ ...base, protocol: 'openai', send: 42 as never })).toThrow(/send must be a function/);
    expect(() => new RealtimeAudioAdapter({ ...base, protocol: 'openai', localBargeIn: true })).toThrow(/localBargeIn needs a client VAD/);
    expect(() => new RealtimeAudioAdapter({ ...base, protocol: 'openai', outputRate: 44100, echoGate: true })).toThrow(
      /echoGate needs the microphone and speaker at one rate/,
    );
    expect(() => new RealtimeAudioAdapter({ ...base, protocol: 'openai', inputRate: 12345 })).toThrow(OptionsError);
    expect(() => new RealtimeAudioAdapter({ ...base, protocol: 'gemini' }).sessionUpdate()).toThrow(/setup/);
  });
});

describe('session configuration builders', () => {
  it('build the GA, beta and Gemini audio sections', () => {
    expect(openAISessionAudio()).toEqual({
      input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad', interrupt_response: true, create_response: true } },
      output: { format: { type: 'audio/pcm', rate: 24000 } },
    });
    expect(openAISessionAudio({ turnDetection: 'none', voice: 'marin' })).toEqual({
      input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: null },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
    });
    expect(openAIBetaSessionAudio({ turnDetection: 'semantic_vad', interruptResponse: false })).toEqual({
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16',
      turn_detection: { type: 'semantic_vad', interrupt_response: false, create_response: true },
    });
    expect(geminiSetupAudio({ turnDetection: 'none' })).toEqual({
      generationConfig: { responseModalities: ['AUDIO'] },
      realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
    });
    expect(() => openAISessionAudio({ turnDetection: 'vad' as never })).toThrow(OptionsError);
  });
});

describe('RealtimeAudioAdapter on hostile input', () => {
  it('never throws on 5,000 random server messages (any protocol), and keeps playing afterwards', () => {
    const types = [
      'response.output_audio.delta',
      'response.audio.delta',
      'response.output_item.added',
      'response.created',
      'response.done',
      'input_audio_buffer.speech_started',
      'session.updated',
      'error',
      'conversation.item.added',
      'response.output_audio.done',
      'nonsense',
    ];
    const values = [null, 0, -1, 1.5, '', 'AAAA', 'AA=A', '!!!!', 'item_1', [], {}, { id: 'item_1' }, { audio: { input: { turn_detection: null } } }, true];
    let x = 12345;
    const rnd = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    for (const protocol of ['openai', 'openai-beta', 'gemini'] as const) {
      const log = new EventLog();
      const adapter = new RealtimeAudioAdapter({ protocol, send: () => {}, inputRate: 24000, outputRate: 24000, onEvent: log.push });
      const out = new Float32Array(128);
      for (let i = 0; i < 5000; i++) {
        const kind = rnd(4);
        let message: unknown;
        if (kind === 0)
          message = JSON.stringify({
            type: types[rnd(types.length)],
            item_id: values[rnd(values.length)],
            delta: values[rnd(values.length)],
            item: values[rnd(values.length)],
            response: values[rnd(values.length)],
            session: values[rnd(values.length)],
          });
        else if (kind === 1)
          message = {
            serverContent: {
              modelTurn: { parts: [{ inlineData: { mimeType: values[rnd(values.length)], data: values[rnd(values.length)] } }] },
              interrupted: values[rnd(values.length)],
              turnComplete: values[rnd(values.length)],
            },
          };
        else if (kind === 2) message = String.fromCharCode(...Array.from({ length: rnd(20) }, () => rnd(128)));
        else message = values[rnd(values.length)];
        expect(() => adapter.handleServerEvent(message)).not.toThrow();
        adapter.readPlayback(out);
      }
      expect(adapter.stats.errors).toBeGreaterThan(1000);
      expect(log.of('error').every((e) => e.error.name === 'TransportError')).toBe(true);
      // still works: a well-formed item plays
      const id = 'item_ok';
      if (protocol === 'gemini') {
        adapter.handleServerEvent({ serverContent: { turnComplete: true } });
        adapter.handleServerEvent({
          serverContent: {
            modelTurn: {
              parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: Buffer.from(new Int16Array(256).fill(1000).buffer).toString('base64') } }],
            },
            turnComplete: true,
          },
        });
      } else {
        const delta = protocol === 'openai' ? 'response.output_audio.delta' : 'response.audio.delta';
        adapter.playback.reset();
        adapter.handleServerEvent({ type: 'response.output_item.added', item: { id } });
        adapter.handleServerEvent({ type: delta, item_id: id, delta: Buffer.from(new Int16Array(256).fill(1000).buffer).toString('base64') });
        adapter.handleServerEvent({ type: protocol === 'openai' ? 'response.output_audio.done' : 'response.audio.done', item_id: id });
      }
      let frames = 0;
      for (let q = 0; q < 10; q++) frames += adapter.readPlayback(out);
      expect(frames).toBe(256);
    }
  });
});

describe('audio of an item the adapter was not told about (issue 14.2)', () => {
  const b64 = (pcm: Int16Array) => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
  const delta = (itemId: string, pcm: Int16Array, responseId = 'resp_1') => ({
    type: 'response.output_audio.delta',
    event_id: 'ev',
    response_id: responseId,
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    delta: b64(pcm),
  });

  it('an app that forwards only audio deltas hears them, and an interrupt truncates at the audio played', () => {
    const sent: Array<Record<string, unknown>> = [];
    const log = new EventLog();
    // playback from the first read (no playout delay, no fades): the figures are the frames read
    const adapter = new RealtimeAudioAdapter({
      protocol: 'openai',
      send: (e) => sent.push(e),
      inputRate: 24000,
      outputRate: 24000,
      onEvent: log.push,
      ...EXACT_PLAYOUT,
    });
    const pcm = patternPcm(4800, 3);
    adapter.handleServerEvent(delta('item_a', pcm.subarray(0, 2400)));
    adapter.handleServerEvent(delta('item_a', pcm.subarray(2400)));
    const out = new Float32Array(1200);
    expect(adapter.readPlayback(out)).toBe(1200);
    expect(log.errorCodes()).toEqual([]);
    expect(adapter.stats.unannouncedItems).toBe(1);
    expect(adapter.stats.receivedSeconds).toBe(0.2);
    const cut = adapter.interrupt();
    expect(cut).toMatchObject({ itemId: 'item_a', audioEndMs: 50 });
    expect(sent).toEqual([{ type: 'conversation.item.truncate', item_id: 'item_a', content_index: 0, audio_end_ms: 50 }]);
    adapter.handleServerEvent(delta('item_a', pcm.subarray(0, 240))); // late audio of the cut item: not played
    expect(adapter.readPlayback(out)).toBe(0);
    expect(log.errorCodes()).toEqual([]);
  });

  it('an app that attached after response.output_item.added went by plays the audio and truncates on the session’s barge-in', () => {
    const sent: Array<Record<string, unknown>> = [];
    const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: (e) => sent.push(e), inputRate: 24000, outputRate: 24000, ...EXACT_PLAYOUT });
    adapter.handleServerEvent(delta('item_b', patternPcm(2400, 4)));
    adapter.readPlayback(new Float32Array(480));
    adapter.handleServerEvent({ type: 'input_audio_buffer.speech_started', event_id: 'ev', audio_start_ms: 100, item_id: 'item_user' });
    expect(sent).toEqual([{ type: 'conversation.item.truncate', item_id: 'item_b', content_index: 0, audio_end_ms: 20 }]);
    expect(adapter.stats.unannouncedItems).toBe(1);
    expect(adapter.stats.errors).toBe(0);
  });

  it('the strict checks stay: invalid base64 and odd byte counts are errors, audio of an interrupted response is dropped', () => {
    const log = new EventLog();
    const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: () => {}, inputRate: 24000, outputRate: 24000, onEvent: log.push });
    adapter.handleServerEvent({ ...delta('item_c', patternPcm(10)), delta: 'AA=A' });
    adapter.handleServerEvent({ ...delta('item_d', patternPcm(10)), delta: Buffer.from([1, 2, 3]).toString('base64') });
    expect(log.errorCodes()).toEqual(['invalid_base64', 'odd_byte_count']);
    adapter.handleServerEvent({ type: 'response.created', event_id: 'ev', response: { id: 'resp_2' } });
    adapter.handleServerEvent(delta('item_e', patternPcm(2400), 'resp_2'));
    adapter.readPlayback(new Float32Array(480));
    adapter.interrupt();
    adapter.handleServerEvent(delta('item_f', patternPcm(2400), 'resp_2')); // a new item of the interrupted response
    expect(adapter.readPlayback(new Float32Array(480))).toBe(0);
    expect(adapter.stats.lateSeconds).toBeGreaterThan(0);
    expect(log.errorCodes()).toEqual(['invalid_base64', 'odd_byte_count']);
  });
});
