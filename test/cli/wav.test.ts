// The WAV reader and writer: every supported encoding decoded to the values its definition gives
// (files built byte by byte in wav-builder.ts; mu-law against sox's decoding of every code), and
// typed errors for files that are not WAV, cut short, self-contradicting or in other codecs.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeWav, decodeWavChannels, encodeWav, parseWav, WavError } from '../../src/wav/wav.js';
import { buildWav, chunk, int16Bytes } from './wav-builder.js';

const fixture = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url));

function reason(bytes: Uint8Array): string {
  try {
    parseWav(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(WavError);
    return (error as WavError).reason;
  }
  return 'accepted';
}

describe('parseWav / decodeWav', () => {
  it('reads PCM16 mono: format, length and samples / 32768', () => {
    const file = buildWav({ sampleRate: 24000, data: int16Bytes([0, 16384, -32768, 32767]) });
    const { info, samples } = decodeWav(file);
    expect(info).toMatchObject({ encoding: 'pcm', sampleRate: 24000, channels: 1, bitsPerSample: 16, frames: 4, dataBytes: 8, warnings: [] });
    expect(Array.from(samples)).toEqual([0, 0.5, -1, 32767 / 32768]);
  });

  it('reads 8-bit (unsigned), 24-bit and 32-bit integer PCM, float32 and float64', () => {
    expect(Array.from(decodeWav(buildWav({ bitsPerSample: 8, data: Buffer.from([128, 0, 255, 192]) })).samples)).toEqual([0, -1, 127 / 128, 0.5]);
    const b24 = Buffer.from([0x00, 0x00, 0x40, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff]); // 0.5, -1, -1/2^23
    expect(Array.from(decodeWav(buildWav({ bitsPerSample: 24, data: b24 })).samples)).toEqual([0.5, -1, -1 / 8388608]);
    const b32 = Buffer.alloc(8);
    b32.writeInt32LE(-1073741824, 0);
    b32.writeInt32LE(2147483647, 4);
    expect(Array.from(decodeWav(buildWav({ bitsPerSample: 32, data: b32 })).samples)).toEqual([-0.5, Math.fround(2147483647 / 2147483648)]);
    const f32 = Buffer.alloc(12);
    f32.writeFloatLE(0.25, 0);
    f32.writeFloatLE(NaN, 4); // NaN is read as 0
    f32.writeFloatLE(-0.75, 8);
    expect(Array.from(decodeWav(buildWav({ formatTag: 3, bitsPerSample: 32, data: f32 })).samples)).toEqual([0.25, 0, -0.75]);
    const f64 = Buffer.alloc(16);
    f64.writeDoubleLE(0.125, 0);
    f64.writeDoubleLE(-1, 8);
    expect(Array.from(decodeWav(buildWav({ formatTag: 3, bitsPerSample: 64, data: f64 })).samples)).toEqual([0.125, -1]);
  });

  it('decodes G.711 mu-law and A-law WAVs as sox decodes every code', () => {
    const codes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (const [tag, ref] of [
      [7, 'g711/codes-ulaw.s16'],
      [6, 'g711/codes-alaw.s16'],
    ] as const) {
      const { info, samples } = decodeWav(buildWav({ formatTag: tag, sampleRate: 8000, bitsPerSample: 8, data: codes }));
      expect(info.encoding).toBe(tag === 7 ? 'mulaw' : 'alaw');
      const sox = fixture(ref);
      for (let i = 0; i < 256; i++) expect(samples[i]! * 32768).toBe(sox.readInt16LE(2 * i));
    }
  });

  it('reads WAVE_FORMAT_EXTENSIBLE, skips other chunks, and averages stereo to mono', () => {
    const stereo = int16Bytes([1000, 3000, -2000, 2000]);
    const file = buildWav({ channels: 2, extensibleSubFormat: 1, data: stereo, before: [chunk('LIST', Buffer.from('INFOxyz'))] });
    const parsed = parseWav(file);
    expect(parsed.info).toMatchObject({ extensible: true, encoding: 'pcm', channels: 2, frames: 2 });
    const [left, right] = decodeWavChannels(parsed);
    expect(Array.from(left!)).toEqual([1000 / 32768, -2000 / 32768]);
    expect(Array.from(right!)).toEqual([3000 / 32768, 2000 / 32768]);
    expect(Array.from(decodeWav(file).samples)).toEqual([2000 / 32768, 0]);
  });

  it('reads the repository fixtures (written by sox) with the figures soxi reports', () => {
    // soxi fixtures/browser/speech-48000.wav: 48000 Hz, 1 channel, 16-bit, 220895 samples
    expect(parseWav(fixture('browser/speech-48000.wav')).info).toMatchObject({ sampleRate: 48000, channels: 1, bitsPerSample: 16, frames: 220895 });
  });

  it('tolerates what is off but readable, with warnings', () => {
    const odd = buildWav({ data: Buffer.from([1, 0, 2, 0, 3]) }); // 2.5 frames
    const parsed = parseWav(odd);
    expect(parsed.info.frames).toBe(2);
    expect(parsed.info.warnings.join()).toMatch(/partial frame/);
    expect(parseWav(buildWav({ byteRate: 12345, data: int16Bytes([1, 2]) })).info.warnings.join()).toMatch(/byte rate 12345 should be 48000/);
    const streamed = parseWav(buildWav({ dataSize: 0xffffffff, data: int16Bytes([1, 2, 3]) }));
    expect(streamed.info.frames).toBe(3);
    expect(streamed.info.warnings.join()).toMatch(/streamed/);
  });

  it('refuses files that are not WAV, cut short, contradict themselves or use another codec, with typed errors', () => {
    const good = buildWav({ data: int16Bytes([1, 2, 3, 4, 5, 6]) });
    expect(reason(new Uint8Array(0))).toBe('not_wav');
    expect(reason(Buffer.from('{"type": "input_audio_buffer.append"}'))).toBe('not_wav');
    expect(reason(Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00 an mp3'))).toBe('not_wav');
    expect(reason(good.subarray(0, 8))).toBe('truncated');
    expect(reason(good.subarray(0, 30))).toBe('truncated'); // inside the fmt chunk
    expect(reason(good.subarray(0, 40))).toBe('truncated'); // inside the data chunk header
    expect(reason(good.subarray(0, good.length - 3))).toBe('truncated'); // data shorter than declared
    expect(reason(buildWav({ blockAlign: 4, data: int16Bytes([1, 2]) }))).toBe('bad_header'); // mono 16-bit says 4-byte frames
    expect(reason(buildWav({ channels: 0, blockAlign: 2, data: int16Bytes([1]) }))).toBe('bad_header');
    expect(reason(buildWav({ sampleRate: 0, data: int16Bytes([1]) }))).toBe('bad_header');
    expect(reason(buildWav({ dataFirst: true, data: int16Bytes([1]) }))).toBe('bad_header');
    expect(reason(buildWav({ formatTag: 2, bitsPerSample: 4, blockAlign: 256, data: Buffer.alloc(256) }))).toBe('unsupported_format'); // MS ADPCM
    expect(reason(buildWav({ formatTag: 0x55, data: Buffer.alloc(4) }))).toBe('unsupported_format'); // MP3 in WAV
    expect(reason(buildWav({ bitsPerSample: 12, blockAlign: 2, data: Buffer.alloc(4) }))).toBe('unsupported_format');
    expect(reason(buildWav({ riffId: 'RIFX', data: Buffer.alloc(4) }))).toBe('unsupported_format');
    expect(reason(buildWav({ data: Buffer.alloc(0) }))).toBe('no_data');
    const noData = good.subarray(0, 36);
    noData.writeUInt32LE(28, 4);
    expect(reason(noData)).toBe('no_data');
    try {
      parseWav(good.subarray(0, good.length - 3));
    } catch (error) {
      expect((error as WavError).code).toBe('wav_truncated');
      expect((error as Error).message).toMatch(/says 12 bytes but the file has only 9/);
    }
  });
});

describe('encodeWav', () => {
  it('writes the canonical 44-byte PCM16 header (checked field by field) and the samples little-endian', () => {
    const out = Buffer.from(encodeWav(new Int16Array([1, -2, 32767]), 24000));
    expect(out.length).toBe(44 + 6);
    expect(out.toString('ascii', 0, 4)).toBe('RIFF');
    expect(out.readUInt32LE(4)).toBe(36 + 6);
    expect(out.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect([
      out.readUInt32LE(16),
      out.readUInt16LE(20),
      out.readUInt16LE(22),
      out.readUInt32LE(24),
      out.readUInt32LE(28),
      out.readUInt16LE(32),
      out.readUInt16LE(34),
    ]).toEqual([16, 1, 1, 24000, 48000, 2, 16]);
    expect(out.toString('ascii', 36, 40)).toBe('data');
    expect(out.readUInt32LE(40)).toBe(6);
    expect([out.readInt16LE(44), out.readInt16LE(46), out.readInt16LE(48)]).toEqual([1, -2, 32767]);
  });
});
