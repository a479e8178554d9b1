// The protocol objects are the one place that knows event names and shapes: each reads back the
// client events it builds (session logs, the browser's send-buffer check), names the protocol of a
// logged event, and gives the send-buffer bound in bytes. The adapter's flush sends the end of the
// microphone stream without committing.
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { createProtocol, maxSendBufferBytes, protocolOfEvent, SESSION_PROTOCOLS } from '../../src/transport/protocols.js';
import { micSignal } from '../helpers/transport-client.js';

describe('session protocols', () => {
  it('read back the append and truncate events they build, at their own input rate', () => {
    const rates: Record<string, number> = { openai: 24000, 'openai-beta': 24000, gemini: 16000 };
    for (const name of SESSION_PROTOCOLS) {
      const protocol = createProtocol(name);
      expect(protocol.name).toBe(name);
      expect(protocol.readClient(protocol.append('AAAA'))).toEqual({ kind: 'append', base64: 'AAAA', rate: rates[name] });
      expect(protocol.readClient(protocol.commit())).toEqual({ kind: 'other' });
      const truncate = protocol.truncate('item-1', 1234);
      if (truncate !== undefined) expect(protocol.readClient(truncate)).toEqual({ kind: 'truncate', itemId: 'item-1', audioEndMs: 1234 });
    }
    const gemini = createProtocol('gemini');
    expect(gemini.readClient({ realtimeInput: { audio: { data: 'AAAA', mimeType: 'audio/pcm;rate=24000' } } })).toMatchObject({ rate: 24000 });
    const broken = gemini.readClient({ realtimeInput: { audio: { mimeType: 'audio/pcm;rate=16000' } } });
    expect(broken.kind === 'error' && broken.error.code).toBe('malformed_event');
    const openai = createProtocol('openai').readClient({ type: 'input_audio_buffer.append', audio: 42 });
    expect(openai.kind === 'error' && openai.error.message).toMatch(/no base64 audio string/);
  });

  it('name the protocol of a logged event, and refuse an unknown name with an OptionsError', () => {
    expect(protocolOfEvent({ type: 'response.output_audio.delta' })).toBe('openai');
    expect(protocolOfEvent({ type: 'input_audio_buffer.append' })).toBe('openai'); // in both: read as GA
    expect(protocolOfEvent({ type: 'response.audio.delta' })).toBe('openai-beta');
    expect(protocolOfEvent({ type: 'conversation.item.created' })).toBe('openai'); // in both (GA's server event union has it)
    expect(protocolOfEvent({ serverContent: { turnComplete: true } })).toBe('gemini');
    expect(() => createProtocol('openai-ga')).toThrow(OptionsError);
    expect(() => createProtocol(undefined)).toThrow(/protocol is required/);
  });

  it('bound the send buffer at maxSendBufferMs of base64 input audio (default 2 s)', () => {
    // 2 s of 24 kHz PCM16 = 96,000 bytes = 128,000 base64 characters; of 16 kHz: 85,333.3
    expect(maxSendBufferBytes(createProtocol('openai'), undefined)).toBe(128_000);
    expect(maxSendBufferBytes(createProtocol('gemini'), undefined)).toBe(85_334);
    expect(maxSendBufferBytes(createProtocol('openai'), 100)).toBe(6400);
    expect(() => maxSendBufferBytes(createProtocol('openai'), -1)).toThrow(OptionsError);
  });
});

describe('RealtimeAudioAdapter.flush', () => {
  it('sends the partial chunk and the resampler tail after the last push, without a commit', () => {
    const sent: Record<string, unknown>[] = [];
    const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: (e) => sent.push(e), inputRate: 48000, outputRate: 48000 });
    adapter.pushMicrophone(micSignal(1440, 48000)); // 30 ms: less than one 40 ms chunk
    expect(sent).toEqual([]);
    const events = adapter.flush();
    expect(sent.map((e) => e.type)).toEqual(['input_audio_buffer.append']);
    // the whole stream comes out: 1440 frames at 48 kHz are 720 at 24 kHz (2 bytes each)
    expect(Buffer.from(sent[0]!.audio as string, 'base64').length).toBe(1440);
    expect(events).toHaveLength(1);
    expect(adapter.stats).toMatchObject({ chunksSent: 1, commitsSent: 0, sentSeconds: 0.03 });
  });
});
