// Builds WAV files byte by byte for the tests (by construction, independent of src/wav): any
// format tag, channels, bits, chunk order, and deliberately wrong header fields.
export interface WavSpec {
  formatTag?: number;
  channels?: number;
  sampleRate?: number;
  bitsPerSample?: number;
  blockAlign?: number;
  byteRate?: number;
  /** Declared data size (default: the real one). */
  dataSize?: number;
  data: Buffer;
  /** Extra chunks before fmt (e.g. LIST). */
  before?: Buffer[];
  /** Put data before fmt. */
  dataFirst?: boolean;
  /** WAVE_FORMAT_EXTENSIBLE with this sub-format tag. */
  extensibleSubFormat?: number;
  riffId?: string;
}

export function chunk(id: string, body: Buffer, declared = body.length): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'ascii');
  head.writeUInt32LE(declared, 4);
  return Buffer.concat([head, body, body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export function buildWav(spec: WavSpec): Buffer {
  const channels = spec.channels ?? 1;
  const rate = spec.sampleRate ?? 24000;
  const bits = spec.bitsPerSample ?? 16;
  const align = spec.blockAlign ?? (channels * bits) / 8;
  const ext = spec.extensibleSubFormat !== undefined;
  const fmt = Buffer.alloc(ext ? 40 : 16);
  fmt.writeUInt16LE(ext ? 0xfffe : (spec.formatTag ?? 1), 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(spec.byteRate ?? rate * align, 8);
  fmt.writeUInt16LE(align, 12);
  fmt.writeUInt16LE(bits, 14);
  if (ext) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bits, 18);
    fmt.writeUInt32LE(channels === 1 ? 4 : 3, 20);
    fmt.writeUInt16LE(spec.extensibleSubFormat!, 24);
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(fmt, 26);
  }
  const fmtChunk = chunk('fmt ', fmt);
  const dataHead = Buffer.alloc(8);
  dataHead.write('data', 0, 'ascii');
  dataHead.writeUInt32LE(spec.dataSize ?? spec.data.length, 4);
  const dataChunk = Buffer.concat([dataHead, spec.data]);
  const body = Buffer.concat([Buffer.from('WAVE'), ...(spec.before ?? []), ...(spec.dataFirst ? [dataChunk, fmtChunk] : [fmtChunk, dataChunk])]);
  const riff = Buffer.alloc(8);
  riff.write(spec.riffId ?? 'RIFF', 0, 'ascii');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}

export function int16Bytes(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  for (const [i, v] of values.entries()) b.writeInt16LE(v, 2 * i);
  return b;
}
