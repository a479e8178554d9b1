// RealtimeAudioAdapter without a network: bounded sending (chunks dropped and counted when the
// socket is not open, its send buffer is over maxSendBufferMs, or send throws), options
// validation, and the session.update builders.
import { describe, expect, it } from 'vitest';
import { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { openAISessionAudio, openAIBetaSessionAudio, geminiSetupAudio } from '../../src/transport/session-config.js';
import { OptionsError } from '../../src/errors.js';
import { EventLog, micSignal } from '../helpers/transport-client.js';

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
    expect(() => new RealtimeAudioAdapter({ ...base, protocol: 'openai', outputRate: 44100, echoGate: true })).toThrow(/echoGate needs the microphone and speaker at one rate/);
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
