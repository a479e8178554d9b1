// The bad-input battery: every kind of bad input named in the reliability issue, each with the
// typed error or the documented recovery it must get, checked at the level an application meets
// it (pipelines, adapter, WAV reader, worklet processors) rather than kernel by kernel (the unit
// tests do that). After each bad input the stream must go on: good input that follows is
// handled exactly as if the bad input had never come.
import { describe, expect, it } from 'vitest';
import { CapturePipeline, type CaptureEvent } from '../../src/pipeline/capture.js';
import { PlaybackPipeline } from '../../src/pipeline/playback.js';
import { AudioInputError } from '../../src/pipeline/errors.js';
import { RealtimeAudioAdapter } from '../../src/transport/adapter.js';
import { EchoGate } from '../../src/kernels/echo-gate.js';
import { Resampler } from '../../src/kernels/resampler.js';
import { base64Codecs, decodeBase64, encodeBase64 } from '../../src/kernels/base64.js';
import { Base64Error, OptionsError } from '../../src/errors.js';
import { parseWav, decodeWav, WavError } from '../../src/wav/wav.js';
import { createCaptureProcessorClass } from '../../src/browser/capture-processor.js';
import { createSessionProcessorClass } from '../../src/browser/session-processor.js';
import { kernelModule } from '../../src/kernels/index.js';
import { EventLog, micSignal, patternPcm } from '../helpers/transport-client.js';
import { buildWav, int16Bytes } from '../cli/wav-builder.js';
import { strictBase64 } from '../helpers/realtime-server.js';
import { EXACT_PLAYOUT } from '../helpers/playout.js';

const b64 = (pcm: Int16Array) => Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
const audioOf = (events: CaptureEvent[]) => events.map((e) => (e.type === 'audio' ? `${e.startFrame}:${e.base64}` : `${e.type}@${e.timeMs}`));

function captureRun(input: Float32Array): string[] {
  const p = new CapturePipeline({ inputRate: 48000, vad: true, echoGate: new EchoGate({ sampleRate: 48000 }) });
  return audioOf([...p.push(input), ...p.flush()]);
}

/** Plays `quanta` 128-frame reads; returns the concatenated output. */
function drain(p: { read(out: Float32Array): number } | { readPlayback(out: Float32Array): number }, quanta: number): Float32Array {
  const all = new Float32Array(quanta * 128);
  const out = new Float32Array(128);
  for (let q = 0; q < quanta; q++) {
    if ('read' in p) p.read(out);
    else p.readPlayback(out);
    all.set(out, q * 128);
  }
  return all;
}

describe('non-finite and denormal samples', () => {
  const speechLike = () => micSignal(48000, 48000).map((x, i) => (i > 20000 ? x : x * 0.01));

  it('NaN, +Inf and -Inf in the microphone are zeros: same chunks and VAD events as zeros there (VAD + echo gate on)', () => {
    const positions = [5, 127, 128, 4000, 4001, 30000, 47999];
    const poisoned = speechLike();
    const zeroed = speechLike();
    positions.forEach((at, k) => {
      poisoned[at] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][k % 3]!;
      zeroed[at] = 0;
    });
    // a whole block of NaN too (a broken driver)
    poisoned.fill(Number.NaN, 10240, 10240 + 1280);
    zeroed.fill(0, 10240, 10240 + 1280);
    const got = captureRun(poisoned);
    expect(got).toEqual(captureRun(zeroed));
    expect(got.some((e) => e.startsWith('speech_start'))).toBe(true); // the VAD still works after them
  });

  it('denormal samples come out as the zeros they round to, VAD stays silent', () => {
    const tiny = new Float32Array(48000);
    for (let i = 0; i < tiny.length; i++) tiny[i] = (i % 3 === 0 ? 1 : -1) * 1.4e-45 * (1 + (i % 1000)); // subnormal float32 values
    expect(tiny.every((x) => x === 0 || Math.abs(x) < 1.18e-38)).toBe(true);
    expect(captureRun(tiny)).toEqual(captureRun(new Float32Array(48000)));
  });

  it('a NaN echo reference is a silent reference: the gate is not poisoned', () => {
    const run = (reference: Float32Array) => {
      const gate = new EchoGate({ sampleRate: 48000 });
      const p = new CapturePipeline({ inputRate: 48000, echoGate: gate });
      const mic = micSignal(24000, 48000);
      const events: CaptureEvent[] = [];
      for (let at = 0; at < mic.length; at += 128) {
        gate.pushReference(reference);
        events.push(...p.push(mic.subarray(at, at + 128)));
      }
      return audioOf(events);
    };
    expect(run(new Float32Array(128).fill(Number.NaN))).toEqual(run(new Float32Array(128)));
  });
});

describe('empty and huge buffers', () => {
  it('empty input is a no-op everywhere; the empty string is valid (empty) base64', () => {
    const capture = new CapturePipeline({ inputRate: 48000 });
    expect(capture.push(new Float32Array(0))).toEqual([]);
    expect(capture.pendingFrames).toBe(0);
    const playback = new PlaybackPipeline({ outputRate: 48000 });
    expect(playback.pushDelta('', 'a')).toBe(0);
    expect(playback.read(new Float32Array(0))).toBe(0);
    expect(encodeBase64(new Uint8Array(0))).toBe('');
    for (const codec of base64Codecs) expect(codec.decode('').length).toBe(0);
    const log = new EventLog();
    const adapter = new RealtimeAudioAdapter({ protocol: 'openai', send: () => {}, inputRate: 24000, outputRate: 24000, onEvent: log.push });
    expect(adapter.pushMicrophone(new Float32Array(0))).toEqual([]);
    adapter.handleServerEvent('');
    adapter.handleServerEvent(new Uint8Array(0));
    expect(log.errorCodes()).toEqual(['malformed_event', 'malformed_event']);
  });

  it('a 16 MiB delta decodes exactly, fills the playback bound and counts the rest as overflow', () => {
    const pcm = patternPcm(8 * 1024 * 1024, 3); // 16 MiB of PCM16: 349.5 s at 24 kHz
    const text = b64(pcm);
    expect(Buffer.from(decodeBase64(text)).equals(Buffer.from(pcm.buffer))).toBe(true);
    const playback = new PlaybackPipeline({ outputRate: 24000, maxPlaybackMs: 10_000, ...EXACT_PLAYOUT });
    expect(playback.pushDelta(text, 'big')).toBe(pcm.length);
    expect(playback.bufferedFrames).toBe(240_000); // the bound, exactly
    // at equal rates nothing is held in the resampler: every frame is buffered or counted
    expect(playback.bufferedFrames + playback.stats.overflowFrames).toBe(pcm.length);
    const out = drain(playback, 10);
    for (let i = 0; i < out.length; i++) if (out[i] !== pcm[i]! / 32768) throw new Error(`frame ${i} differs`);
    // the same through the adapter, as one JSON message of 22 MB
    const log = new EventLog();
    const adapter = new RealtimeAudioAdapter({
      protocol: 'openai',
      send: () => {},
      inputRate: 24000,
      outputRate: 24000,
      maxPlaybackMs: 10_000,
      onEvent: log.push,
    });
    adapter.handleServerEvent({ type: 'response.output_item.added', item: { id: 'big' } });
    adapter.handleServerEvent(JSON.stringify({ type: 'response.output_audio.delta', item_id: 'big', delta: text }));
    expect(log.errorCodes()).toEqual([]);
    expect(adapter.stats.overflowSeconds).toBeCloseTo(pcm.length / 24000 - 10, 9);
  });

  it('a 16 MiB microphone buffer (4 Mi samples) gives the same chunks as the same audio in quanta', () => {
    const mic = micSignal(4 * 1024 * 1024, 48000, 11);
    const whole = new CapturePipeline({ inputRate: 48000 });
    const once = audioOf(whole.push(mic));
    const quanta = new CapturePipeline({ inputRate: 48000 });
    const pieces: CaptureEvent[] = [];
    for (let at = 0; at < mic.length; at += 128) pieces.push(...quanta.push(mic.subarray(at, at + 128)));
    // 40 ms chunks of 960 frames at 24 kHz; the resampler holds back under one chunk
    expect(once.length).toBe(Math.floor(mic.length / 2 / 960));
    expect(audioOf(pieces)).toEqual(once);
  });
});

describe('invalid base64 in audio deltas', () => {
  // one example of every class: each must be a Base64Error with the reason the independent
  // strict check (Buffer round trip) agrees is invalid, and the item must go on playing after it
  const cases: Array<[string, unknown, Base64Error['reason']]> = [
    ['character outside the alphabet', 'AAA!', 'invalid_character'],
    ['whitespace (space)', 'AAAA AAA', 'invalid_character'],
    ['whitespace (newline, as MIME wraps)', 'AAAA\nAAA', 'invalid_character'],
    ['base64url -', 'AA-A', 'invalid_character'],
    ['base64url _', 'AA_A', 'invalid_character'],
    ['Latin-1 character', 'AAA\u00e9', 'invalid_character'],
    ['character whose low byte is A', 'AA\u0141A', 'invalid_character'],
    ['astral character', 'AA\u{1F600}', 'invalid_character'],
    ['NUL', 'AAA\u0000', 'invalid_character'],
    ['padding inside', 'AA==AAAA', 'invalid_padding'],
    ['three = signs', 'A===', 'invalid_padding'],
    ['non-canonical bits before ==', 'AB==', 'invalid_padding'],
    ['non-canonical bits before =', 'AAB=', 'invalid_padding'],
    ['length not a multiple of 4', 'AAAAA', 'invalid_length'],
    ['missing padding', 'AAAAAA', 'invalid_length'],
    ['not a string (number)', 42, 'not_a_string'],
    ['not a string (null)', null, 'not_a_string'],
  ];
  const good = patternPcm(480, 5);

  for (const [name, text, reason] of cases) {
    it(`${name}: Base64Error ${reason} from every codec; the adapter reports invalid_base64 and keeps playing`, () => {
      expect(strictBase64(text)).toBeUndefined();
      for (const codec of base64Codecs) {
        let thrown: unknown;
        try {
          codec.decode(text as string);
        } catch (error) {
          thrown = error;
        }
        expect(thrown, codec.name).toBeInstanceOf(Base64Error);
        expect((thrown as Base64Error).reason, codec.name).toBe(reason);
      }
      const log = new EventLog();
      const adapter = new RealtimeAudioAdapter({
        protocol: 'openai',
        send: () => {},
        inputRate: 24000,
        outputRate: 24000,
        onEvent: log.push,
        ...EXACT_PLAYOUT,
      });
      adapter.handleServerEvent({ type: 'response.output_item.added', item: { id: 'it' } });
      adapter.handleServerEvent({ type: 'response.output_audio.delta', item_id: 'it', delta: b64(good.subarray(0, 240)) });
      adapter.handleServerEvent({ type: 'response.output_audio.delta', item_id: 'it', delta: text });
      adapter.handleServerEvent({ type: 'response.output_audio.delta', item_id: 'it', delta: b64(good.subarray(240)) });
      adapter.handleServerEvent({ type: 'response.output_audio.done', item_id: 'it' });
      const codes = log.errorCodes();
      expect(codes).toEqual([typeof text === 'string' ? 'invalid_base64' : 'malformed_event']);
      const out = drain(adapter, 5);
      for (let i = 0; i < good.length; i++) expect(out[i]).toBe(good[i]! / 32768);
      expect(out.subarray(good.length).every((x) => x === 0)).toBe(true);
    });
  }
});

describe('odd byte counts', () => {
  it('PlaybackPipeline: AudioInputError odd_byte_count after queuing the whole samples; the stream goes on', () => {
    const p = new PlaybackPipeline({ outputRate: 24000, ...EXACT_PLAYOUT });
    const bytes = Buffer.from([0x10, 0x00, 0x20, 0x00, 0x7f]); // two samples and a stray byte
    expect(() => p.pushDelta(bytes.toString('base64'), 'a')).toThrow(AudioInputError);
    try {
      p.pushDelta(Buffer.from([1]).toString('base64'), 'a'); // one byte, no whole sample
    } catch (error) {
      expect((error as AudioInputError).code).toBe('odd_byte_count');
    }
    p.pushDelta(b64(new Int16Array([0x30])), 'a');
    p.endItem('a');
    const out = drain(p, 1);
    expect(Array.from(out.subarray(0, 4))).toEqual([16 / 32768, 32 / 32768, 48 / 32768, 0]);
    expect(p.stats.badDeltas).toBe(2);
    expect(p.stats.receivedFrames).toBe(3);
  });
});

describe('malformed and unknown server messages', () => {
  const messages: Array<[string, unknown, string]> = [
    ['truncated JSON', '{"type":"response.output_audio.delta","delta":"AAAA', 'malformed_event'],
    ['not JSON at all', 'hello', 'malformed_event'],
    ['JSON null', 'null', 'malformed_event'],
    ['JSON array', '[{"type":"session.created"}]', 'malformed_event'],
    ['JSON number', '42', 'malformed_event'],
    ['invalid UTF-8 bytes', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), 'malformed_event'],
    ['a delta without item_id', { type: 'response.output_audio.delta', delta: 'AAAA' }, 'malformed_event'],
    ['a delta whose delta is a number', { type: 'response.output_audio.delta', item_id: 'it', delta: 7 }, 'malformed_event'],
    ['an unknown event type', { type: 'response.teleport.delta', item_id: 'it' }, 'unknown_event'],
    ['a type that is not a string', { type: 12 }, 'malformed_event'],
    ['a beta event on a GA adapter', { type: 'response.audio.delta', item_id: 'it', delta: 'AAAA' }, 'unexpected_event'],
  ];
  for (const [name, message, code] of messages) {
    it(`${name}: reported as ${code}, never thrown; playback unaffected`, () => {
      const log = new EventLog();
      const adapter = new RealtimeAudioAdapter({
        protocol: 'openai',
        send: () => {},
        inputRate: 24000,
        outputRate: 24000,
        onEvent: log.push,
        ...EXACT_PLAYOUT,
      });
      const pcm = patternPcm(300, 9);
      adapter.handleServerEvent({ type: 'response.output_item.added', item: { id: 'it' } });
      adapter.handleServerEvent({ type: 'response.output_audio.delta', item_id: 'it', delta: b64(pcm.subarray(0, 100)) });
      expect(() => adapter.handleServerEvent(message)).not.toThrow();
      adapter.handleServerEvent({ type: 'response.output_audio.delta', item_id: 'it', delta: b64(pcm.subarray(100)) });
      adapter.handleServerEvent({ type: 'response.output_audio.done', item_id: 'it' });
      expect(log.errorCodes()).toEqual([code]);
      expect(log.of('error')[0]!.error.name).toBe('TransportError');
      const out = drain(adapter, 3);
      for (let i = 0; i < pcm.length; i++) expect(out[i]).toBe(pcm[i]! / 32768);
    });
  }

  it('Gemini: audio at a rate the adapter was not set up for is unsupported_format, not played at the wrong speed', () => {
    const log = new EventLog();
    const adapter = new RealtimeAudioAdapter({ protocol: 'gemini', send: () => {}, inputRate: 16000, outputRate: 24000, onEvent: log.push });
    adapter.handleServerEvent({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=16000', data: b64(patternPcm(160)) } }] } } });
    expect(log.errorCodes()).toEqual(['unsupported_format']);
    expect(adapter.stats.receivedSeconds).toBe(0);
  });
});

describe('unsupported rates and options', () => {
  it('every constructor refuses rates it cannot serve with an OptionsError saying what is allowed', () => {
    for (const rate of [0, -48000, 7999, 192001, 44100.5, Number.NaN, Number.POSITIVE_INFINITY, '48000', null]) {
      expect(() => new CapturePipeline({ inputRate: rate as number }), String(rate)).toThrow(OptionsError);
      expect(() => new PlaybackPipeline({ outputRate: rate as number }), String(rate)).toThrow(OptionsError);
      expect(() => new RealtimeAudioAdapter({ protocol: 'openai', send: () => {}, inputRate: rate as number, outputRate: 48000 }), String(rate)).toThrow(
        OptionsError,
      );
    }
    // in range but not a rate the resampler has a filter for
    expect(() => new CapturePipeline({ inputRate: 12345 })).toThrow(OptionsError);
    expect(() => new Resampler({ inputRate: 12345, outputRate: 24000 })).toThrow(/8000|supported/);
    expect(() => new CapturePipeline({ inputRate: 48000, chunkMs: 5 })).toThrow(/chunkMs must be a number from 10 to 1000/);
  });
});

describe('WAV files with lying headers', () => {
  const pcm = [100, -200, 300, -400, 500, -600];
  const reason = (bytes: Uint8Array) => {
    try {
      parseWav(bytes);
      return 'ok';
    } catch (error) {
      expect(error).toBeInstanceOf(WavError);
      return (error as WavError).reason;
    }
  };

  it('a data size beyond the file is truncated (never a read past the end); one short of it reads only what it says', () => {
    expect(reason(buildWav({ dataSize: 1_000_000, data: int16Bytes(pcm) }))).toBe('truncated');
    expect(reason(buildWav({ dataSize: 0xfffffffe, data: int16Bytes(pcm) }))).toBe('truncated');
    const short = decodeWav(buildWav({ dataSize: 8, data: int16Bytes(pcm) }));
    expect(Array.from(short.samples)).toEqual([100, -200, 300, -400].map((v) => v / 32768));
  });

  it('a header that says stereo, 8-bit or another block size than it is: bad_header or read as declared, never out of bounds', () => {
    expect(reason(buildWav({ channels: 2, blockAlign: 2, data: int16Bytes(pcm) }))).toBe('bad_header'); // 2 x 16 bits != 2 bytes
    const stereo = parseWav(buildWav({ channels: 2, data: int16Bytes(pcm) })); // consistent but not true: 3 stereo frames
    expect(stereo.info.frames).toBe(3);
    expect(reason(buildWav({ bitsPerSample: 16, blockAlign: 2, byteRate: 1, data: int16Bytes(pcm) }))).toBe('ok'); // a wrong byte rate is only a warning
    expect(reason(buildWav({ sampleRate: 0xffffffff, byteRate: 0, data: int16Bytes(pcm) }))).toBe('bad_header');
    expect(reason(buildWav({ before: [Buffer.from('LIST\xff\xff\xff\x7f', 'latin1')], data: int16Bytes(pcm) }))).toBe('truncated'); // a chunk claiming 2 GB
  });

  it('float64 samples beyond float32 range (or NaN) decode to 0, never Inf', () => {
    const data = Buffer.alloc(8 * 5);
    for (const [i, v] of [0.5, 1e300, -1e300, Number.NaN, -0.25].entries()) data.writeDoubleLE(v, 8 * i);
    const { samples } = decodeWav(buildWav({ formatTag: 3, bitsPerSample: 64, data }));
    expect(Array.from(samples)).toEqual([0.5, 0, 0, 0, -0.25]);
  });
});

describe('worklet processors fed mismatched channel counts', () => {
  class FakePort {
    readonly posted: any[] = [];
    onmessage: ((event: { data: unknown }) => void) | null = null;
    postMessage(message: unknown): void {
      this.posted.push(message);
    }
  }
  class Base {
    readonly port = new FakePort();
  }
  const scope = { AudioWorkletProcessor: Base as never, sampleRate: 48000 };
  const mean = (channels: Float32Array[]) => {
    const out = new Float32Array(channels[0]!.length);
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (const c of channels) sum += c[i]!;
      out[i] = sum / channels.length;
    }
    return out;
  };

  it('capture: mono, stereo, 5.1, disconnected (0 channels) and back, quantum by quantum: the chunks are the channel mean', () => {
    const Capture = createCaptureProcessorClass(scope);
    const processor = new Capture({ processorOptions: { module: kernelModule(), pipeline: { chunkMs: 20 }, levelIntervalMs: 0 } });
    const reference = new CapturePipeline({ inputRate: 48000, chunkMs: 20 });
    const expected: CaptureEvent[] = [];
    const signal = micSignal(128 * 400, 48000, 4);
    for (let q = 0; q < 400; q++) {
      const layout = [1, 2, 6, 0, 2, 1, 3][q % 7]!;
      const channels = Array.from({ length: layout }, (_, c) => signal.slice(q * 128, q * 128 + 128).map((x) => x * (1 - 0.2 * c)));
      processor.process([channels], []);
      if (layout > 0) expected.push(...reference.push(mean(channels)));
    }
    const port = processor.port as unknown as FakePort;
    const got = port.posted.filter((m) => m.type === 'events').flatMap((m) => m.events);
    expect(port.posted.filter((m) => m.type === 'error')).toEqual([]);
    expect(audioOf(got)).toEqual(audioOf(expected));
    expect(got.length).toBeGreaterThan(40); // 400 quanta less the disconnected ones, 20 ms chunks
  });

  it('capture: channels of unequal length (a broken host) do not throw or stop the processor; missing samples count as silence', () => {
    const Capture = createCaptureProcessorClass(scope);
    const processor = new Capture({ processorOptions: { module: kernelModule(), pipeline: { chunkMs: 20 }, levelIntervalMs: 0 } });
    const port = processor.port as unknown as FakePort;
    const full = new Float32Array(128).fill(0.25);
    expect(() => processor.process([[full, new Float32Array(64).fill(0.25)]], [])).not.toThrow();
    expect(() => processor.process([[new Float32Array(0), full]], [])).not.toThrow();
    for (let q = 0; q < 40; q++) processor.process([[full]], []);
    expect(port.posted.filter((m) => m.type === 'error')).toEqual([]);
    expect(port.posted.filter((m) => m.type === 'events').length).toBeGreaterThan(0); // still running
  });

  it('session: any output channel count gets the same playback; any input layout goes to the session as the mean', () => {
    const Session = createSessionProcessorClass(scope);
    // (the echo canceller, on by default in the session, is off here: the plain pipeline is the reference)
    const processor = new Session({
      processorOptions: { module: kernelModule(), adapter: { protocol: 'openai', chunkMs: 20, echoCancellation: false }, levelIntervalMs: 0 },
    });
    const port = processor.port as unknown as FakePort;
    const pcm = patternPcm(24000, 2);
    port.onmessage!({ data: { type: 'server', message: { type: 'response.output_item.added', item: { id: 'it' } } } });
    port.onmessage!({ data: { type: 'server', message: { type: 'response.output_audio.delta', item_id: 'it', delta: b64(pcm) } } });
    const reference = new PlaybackPipeline({ outputRate: 48000 });
    reference.pushDelta(b64(pcm), 'it');
    const refOut = new Float32Array(128);
    const micReference = new CapturePipeline({ inputRate: 48000, chunkMs: 20 });
    const expectedAppends: string[] = [];
    const voice = micSignal(128 * 200, 48000, 8);
    for (let q = 0; q < 200; q++) {
      const outputs = Array.from({ length: [1, 2, 0, 6][q % 4]! }, () => new Float32Array(128).fill(Number.NaN));
      const inputs = Array.from({ length: [2, 1, 0, 3][q % 4]! }, (_, c) => voice.slice(q * 128, q * 128 + 128).map((x) => x * (1 - 0.3 * c)));
      processor.process([inputs], outputs.length === 0 ? [] : [outputs]);
      if (inputs.length > 0) for (const e of micReference.push(mean(inputs))) if (e.type === 'audio') expectedAppends.push(e.base64);
      if (outputs.length > 0) {
        reference.read(refOut);
        for (const channel of outputs) expect(channel).toEqual(refOut);
      }
    }
    expect(port.posted.filter((m) => m.type === 'event' && m.event.type === 'error')).toEqual([]);
    expect(port.posted.filter((m) => m.type === 'error')).toEqual([]);
    const appends = port.posted.filter((m) => m.type === 'send' && m.event.type === 'input_audio_buffer.append');
    expect(appends.length).toBeGreaterThan(5);
    expect(appends.map((m) => m.event.audio)).toEqual(expectedAppends);
  });
});
