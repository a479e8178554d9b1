// A small WAV (RIFF/WAVE) reader and writer for the CLI and the demo server. It reads PCM 8/16/24/32-bit,
// IEEE float 32/64-bit, G.711 mu-law and A-law, plain or WAVE_FORMAT_EXTENSIBLE, and writes PCM16.
// It never guesses: a file that is not RIFF/WAVE, ends early, or whose header contradicts itself
// or the file is refused with a WavError that says what was found and what to do.
// Reference: the RIFF WAVE layout (Microsoft Multimedia Programming Interface and Data
// Specifications 1.0, 1991; WAVE_FORMAT_EXTENSIBLE: mmreg.h / ksmedia.h).
import { RealtimePcmError } from '../errors.js';
import { decodeALaw, decodeMuLaw } from '../kernels/g711.js';

export type WavErrorReason = 'not_wav' | 'truncated' | 'bad_header' | 'unsupported_format' | 'no_data';

/** Thrown for a file this reader cannot use; `reason` is stable, the message says what was found. */
export class WavError extends RealtimePcmError {
  readonly reason: WavErrorReason;
  constructor(reason: WavErrorReason, message: string) {
    super(`wav_${reason}`, message);
    this.name = 'WavError';
    this.reason = reason;
  }
}

export type WavEncoding = 'pcm' | 'float' | 'mulaw' | 'alaw';

export interface WavInfo {
  encoding: WavEncoding;
  /** The format tag (1 PCM, 3 float, 6 A-law, 7 mu-law; the sub-format's for EXTENSIBLE). */
  formatTag: number;
  extensible: boolean;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes per frame (all channels). */
  blockAlign: number;
  /** Whole frames in the data chunk. */
  frames: number;
  durationMs: number;
  dataBytes: number;
  /** Things that are off but readable (a wrong byte rate, a partial last frame, a RIFF size that disagrees). */
  warnings: string[];
}

export interface WavFile {
  info: WavInfo;
  /** The data chunk's bytes (whole frames only), a view on the input. */
  data: Uint8Array;
}

const FORMAT_NAMES: Record<number, string> = {
  2: 'Microsoft ADPCM',
  17: 'IMA ADPCM',
  49: 'GSM 6.10',
  80: 'MPEG',
  85: 'MP3',
  352: 'WMA',
  8192: 'AC-3',
};

const ascii = (b: Uint8Array, at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);

/** Reads and checks the header; the samples are not decoded (see `decodeWav`). */
export function parseWav(bytes: Uint8Array): WavFile {
  if (!(bytes instanceof Uint8Array)) throw new WavError('not_wav', 'expected the file as bytes (a Uint8Array or Buffer)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) {
    throw new WavError(
      bytes.length >= 4 && ascii(bytes, 0) === 'RIFF' ? 'truncated' : 'not_wav',
      `only ${bytes.length} bytes: a WAV file starts with a 12-byte RIFF/WAVE header`,
    );
  }
  const riff = ascii(bytes, 0);
  if (riff === 'RIFX' || riff === 'RF64' || riff === 'BW64')
    throw new WavError('unsupported_format', `${riff} files are not supported: convert to a plain little-endian RIFF WAV (e.g. sox in.wav -b 16 out.wav)`);
  if (riff !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    throw new WavError(
      'not_wav',
      `not a WAV file: it starts with ${JSON.stringify(ascii(bytes, 0))}${riff === 'RIFF' ? ` and is RIFF ${JSON.stringify(ascii(bytes, 8))}, not WAVE` : ', not RIFF'}`,
    );
  }
  const warnings: string[] = [];
  const riffSize = view.getUint32(4, true);
  if (riffSize + 8 !== bytes.length) warnings.push(`the RIFF header says ${riffSize + 8} bytes, the file has ${bytes.length}`);

  let fmt: Omit<WavInfo, 'frames' | 'durationMs' | 'dataBytes' | 'warnings'> | undefined;
  let at = 12;
  while (at < bytes.length) {
    if (at + 8 > bytes.length) throw new WavError('truncated', `the file ends inside a chunk header at byte ${at} (${bytes.length - at} of 8 bytes)`);
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new WavError('bad_header', `the fmt chunk is ${size} bytes; it must be at least 16`);
      if (body + size > bytes.length) throw new WavError('truncated', `the file ends inside the fmt chunk (${bytes.length - body} of ${size} bytes)`);
      fmt = readFormat(view, body, size, warnings);
    } else if (id === 'data') {
      if (fmt === undefined) throw new WavError('bad_header', 'the data chunk comes before any fmt chunk: the format is unknown');
      let dataBytes = size;
      const available = bytes.length - body;
      if (size === 0xffffffff || (size === 0 && available > 0)) {
        warnings.push(`the data chunk size is ${size === 0 ? 0 : '0xFFFFFFFF'} (a streamed file): reading to the end of the file`);
        dataBytes = available;
      } else if (size > available) {
        throw new WavError(
          'truncated',
          `the data chunk says ${size} bytes but the file has only ${available} after its header (${((available / size) * 100).toFixed(1)}%): the file was cut short`,
        );
      }
      const whole = dataBytes - (dataBytes % fmt.blockAlign);
      if (whole !== dataBytes) warnings.push(`the data chunk ends with a partial frame (${dataBytes % fmt.blockAlign} bytes ignored)`);
      const frames = whole / fmt.blockAlign;
      if (frames === 0) throw new WavError('no_data', 'the data chunk holds no whole frame of audio');
      return {
        info: { ...fmt, frames, durationMs: (frames * 1000) / fmt.sampleRate, dataBytes: whole, warnings },
        data: bytes.subarray(body, body + whole),
      };
    } else if (body + size > bytes.length) {
      throw new WavError('truncated', `the file ends inside the ${JSON.stringify(id)} chunk, before any data chunk`);
    }
    at = body + size + (size & 1);
  }
  throw new WavError(
    fmt === undefined ? 'bad_header' : 'no_data',
    fmt === undefined ? 'no fmt chunk: not a usable WAV file' : 'no data chunk: the file holds no audio',
  );
}

function readFormat(view: DataView, at: number, size: number, warnings: string[]): Omit<WavInfo, 'frames' | 'durationMs' | 'dataBytes' | 'warnings'> {
  let formatTag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const byteRate = view.getUint32(at + 8, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  let extensible = false;
  if (formatTag === 0xfffe) {
    if (size < 40) throw new WavError('bad_header', `a WAVE_FORMAT_EXTENSIBLE fmt chunk must be 40 bytes, this one is ${size}`);
    extensible = true;
    formatTag = view.getUint16(at + 24, true); // the sub-format GUID starts with the format tag
  }
  if (channels === 0) throw new WavError('bad_header', 'the header says 0 channels');
  if (sampleRate === 0 || sampleRate > 768000) throw new WavError('bad_header', `the header says a sample rate of ${sampleRate} Hz (expected 1..768000)`);
  let encoding: WavEncoding;
  if (formatTag === 1) {
    if (![8, 16, 24, 32].includes(bitsPerSample))
      throw new WavError(
        'unsupported_format',
        `${bitsPerSample}-bit integer PCM is not supported (8, 16, 24 or 32 bits are): convert with sox in.wav -b 16 out.wav`,
      );
    encoding = 'pcm';
  } else if (formatTag === 3) {
    if (bitsPerSample !== 32 && bitsPerSample !== 64) throw new WavError('bad_header', `IEEE float with ${bitsPerSample} bits per sample (32 or 64 expected)`);
    encoding = 'float';
  } else if (formatTag === 6 || formatTag === 7) {
    if (bitsPerSample !== 8) throw new WavError('bad_header', `G.711 with ${bitsPerSample} bits per sample (8 expected)`);
    encoding = formatTag === 7 ? 'mulaw' : 'alaw';
  } else {
    const name = FORMAT_NAMES[formatTag] ?? `format tag 0x${formatTag.toString(16).padStart(4, '0')}`;
    throw new WavError(
      'unsupported_format',
      `${name} audio is not supported (PCM, IEEE float, mu-law and A-law are): decode it first, e.g. sox in.wav -b 16 -e signed out.wav`,
    );
  }
  const expectedAlign = (channels * bitsPerSample) / 8;
  if (blockAlign !== expectedAlign) {
    throw new WavError(
      'bad_header',
      `the header contradicts itself: block align ${blockAlign} bytes, but ${channels} channel(s) x ${bitsPerSample} bits = ${expectedAlign}`,
    );
  }
  if (byteRate !== sampleRate * blockAlign)
    warnings.push(`the header's byte rate ${byteRate} should be ${sampleRate * blockAlign} (rate x block align); ignored`);
  return { encoding, formatTag, extensible, sampleRate, channels, bitsPerSample, blockAlign };
}

/** Decodes every channel to float32 in [-1, 1) (integer PCM / 2^(bits-1); 8-bit is unsigned). Allocates. */
export function decodeWavChannels(file: WavFile): Float32Array[] {
  const { info, data } = file;
  const { channels, frames, blockAlign, bitsPerSample, encoding } = info;
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (encoding === 'mulaw' || encoding === 'alaw') {
    const pcm = encoding === 'mulaw' ? decodeMuLaw(data) : decodeALaw(data);
    for (let f = 0; f < frames; f++) for (let c = 0; c < channels; c++) out[c]![f] = pcm[f * channels + c]! / 32768;
    return out;
  }
  const bytes = bitsPerSample / 8;
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      const p = f * blockAlign + c * bytes;
      let v: number;
      if (encoding === 'float') v = bitsPerSample === 32 ? view.getFloat32(p, true) : view.getFloat64(p, true);
      else if (bitsPerSample === 16) v = view.getInt16(p, true) / 32768;
      else if (bitsPerSample === 8) v = (data[p]! - 128) / 128;
      else if (bitsPerSample === 24) v = (((data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16)) << 8) >> 8) / 8388608;
      else v = view.getInt32(p, true) / 2147483648;
      const stored = Math.fround(v); // a float64 sample beyond float32 range would be stored as Inf
      out[c]![f] = Number.isFinite(stored) ? stored : 0;
    }
  }
  return out;
}

/** The channels averaged into one (the one channel itself when mono). Allocates. */
export function mixToMono(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0]!;
  const frames = channels[0]!.length;
  const mono = new Float32Array(frames);
  for (const channel of channels) for (let i = 0; i < frames; i++) mono[i]! += channel[i]! / channels.length;
  return mono;
}

/** Reads a WAV file's bytes to mono float32 (channels averaged). Allocates. */
export function decodeWav(bytes: Uint8Array): { info: WavInfo; samples: Float32Array } {
  const file = parseWav(bytes);
  return { info: file.info, samples: mixToMono(decodeWavChannels(file)) };
}

/** A 44-byte-header PCM16 WAV of interleaved samples. Allocates the file. */
export function encodeWav(pcm: Int16Array, sampleRate: number, channels = 1): Uint8Array {
  const dataBytes = pcm.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const text = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < pcm.length; i++) view.setInt16(44 + 2 * i, pcm[i]!, true);
  return out;
}
