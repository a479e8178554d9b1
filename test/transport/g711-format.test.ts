// The adapter with an 8 kHz G.711 session (`audioFormat` 'pcmu' / 'pcma', as phone bridges and
// bandwidth-minded apps use it): the microphone goes out as G.711 of the resampled audio, deltas
// are decoded for the speaker, and the session's announcements are checked against the format.
// References: sox's G.711 tables (fixtures/g711: the code of every int16 value, the value of
// every code), applied here by lookup, and the PCM16 pipelines.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CapturePipeline } from '../../src/pipeline/capture.js';
import { PlaybackPipeline } from '../../src/pipeline/playback.js';
import { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { createProtocol, maxSendBufferBytes } from '../../src/transport/protocols.js';
import { OptionsError } from '../../src/errors.js';
import { EventLog, micSignal } from '../helpers/transport-client.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/g711/${name}`, import.meta.url)));
const int16s = (bytes: Uint8Array) => new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
const LAWS = [
  { format: 'pcmu', law: 'mulaw', codeOf: fixture('ramp.ul'), valueOfCode: int16s(fixture('codes-ulaw.s16')), ga: 'audio/pcmu', beta: 'g711_ulaw' },
  { format: 'pcma', law: 'alaw', codeOf: fixture('ramp.al'), valueOfCode: int16s(fixture('codes-alaw.s16')), ga: 'audio/pcma', beta: 'g711_alaw' },
] as const;

describe.each(LAWS)('adapter with audioFormat $format', ({ format, codeOf, valueOfCode, ga, beta }) => {
  it('sends the microphone as 8 kHz G.711: sox codes of what an 8 kHz PCM16 capture makes', () => {
    const sent: Record<string, unknown>[] = [];
    const adapter = new RealtimeAudioAdapter({
      protocol: 'openai',
      audioFormat: format,
      send: (e) => sent.push(e),
      inputRate: 48000,
      outputRate: 48000,
      chunkMs: 20,
    });
    const reference = new CapturePipeline({ inputRate: 48000, outputRate: 8000, chunkMs: 20 });
    const mic = micSignal(48000, 48000);
    adapter.pushMicrophone(mic);
    const expected: number[] = [];
    for (const event of reference.push(mic)) {
      if (event.type !== 'audio') continue;
      for (const x of int16s(new Uint8Array(Buffer.from(event.base64, 'base64')))) expected.push(codeOf[x + 32768]!);
    }
    const got = Buffer.concat(sent.filter((e) => e.type === 'input_audio_buffer.append').map((e) => Buffer.from(e.audio as string, 'base64')));
    expect(got.length).toBe(expected.length);
    expect([...got]).toEqual(expected);
    expect(adapter.stats.sentSeconds).toBeCloseTo(got.length / 8000, 9);
    adapter.free();
    reference.free();
  });

  it('plays G.711 deltas: the same samples as their sox values through a PCM16 pipeline', () => {
    const codes = Uint8Array.from({ length: 4000 }, (_, i) => (i * 37) & 0xff);
    const adapter = new RealtimeAudioAdapter({ protocol: 'openai', audioFormat: format, send: () => {}, inputRate: 48000, outputRate: 48000 });
    adapter.handleServerEvent({ type: 'conversation.item.added', item: { id: 'a' } });
    adapter.handleServerEvent({ type: 'response.output_audio.delta', item_id: 'a', delta: Buffer.from(codes).toString('base64') });
    adapter.handleServerEvent({ type: 'response.output_audio.done', item_id: 'a' });
    const reference = new PlaybackPipeline({ outputRate: 48000, inputRate: 8000 });
    reference.pushPcm16(
      Int16Array.from(codes, (c) => valueOfCode[c]!),
      'a',
    );
    reference.endItem('a');
    const out = new Float32Array(24000);
    const want = new Float32Array(24000);
    expect(adapter.readPlayback(out)).toBe(reference.read(want));
    expect(out).toEqual(want);
    expect(adapter.stats.receivedSeconds).toBeCloseTo(0.5, 9);
    adapter.free();
    reference.free();
  });

  it('takes the session format of its own, and says when the session announces another', () => {
    const log = new EventLog();
    const sent: Record<string, unknown>[] = [];
    const adapter = new RealtimeAudioAdapter({
      protocol: 'openai',
      audioFormat: format,
      send: (e) => sent.push(e),
      inputRate: 8000,
      outputRate: 8000,
      onEvent: log.push,
    });
    // session.created announces the default before our update applies: not an error once we configured
    adapter.sessionUpdate();
    adapter.handleServerEvent({ type: 'session.created', session: { audio: { output: { format: { type: 'audio/pcm', rate: 24000 } } } } });
    adapter.handleServerEvent({ type: 'session.updated', session: { audio: { output: { format: { type: ga } } } } });
    expect(log.errorCodes()).toEqual([]);
    adapter.handleServerEvent({ type: 'session.updated', session: { audio: { output: { format: { type: 'audio/pcm', rate: 24000 } } } } });
    expect(log.errorCodes()).toEqual(['unsupported_format']);
    expect(() => adapter.sessionUpdate({ audioFormat: 'pcm' })).toThrow(OptionsError);
    adapter.free();
    const betaSent: Record<string, unknown>[] = [];
    const betaAdapter = new RealtimeAudioAdapter({
      protocol: 'openai-beta',
      audioFormat: format,
      send: (e) => betaSent.push(e),
      inputRate: 8000,
      outputRate: 8000,
    });
    betaAdapter.sessionUpdate();
    expect(betaSent[0]!.session).toMatchObject({ input_audio_format: beta, output_audio_format: beta });
    betaAdapter.free();
    // the send-buffer bound counts one byte a frame
    expect(maxSendBufferBytes(createProtocol('openai', format), 1000)).toBe(Math.ceil((8000 * 4) / 3));
  });
});

describe('audioFormat checks', () => {
  it('G.711 is OpenAI only; the pipelines take it at 8 kHz only', () => {
    expect(() => new RealtimeAudioAdapter({ protocol: 'gemini', audioFormat: 'pcmu', send: () => {}, inputRate: 16000, outputRate: 16000 })).toThrow(
      /Gemini Live/,
    );
    expect(() => new RealtimeAudioAdapter({ protocol: 'openai', audioFormat: 'opus' as never, send: () => {}, inputRate: 16000, outputRate: 16000 })).toThrow(
      /audioFormat/,
    );
    expect(() => new CapturePipeline({ inputRate: 48000, outputRate: 24000, encoding: 'mulaw' })).toThrow(/8000/);
    expect(() => new PlaybackPipeline({ outputRate: 48000, encoding: 'alaw' })).toThrow(/8000/);
  });
});
