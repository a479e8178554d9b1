// Seeded fuzzing of the two parsers that take bytes from outside: the base64 decoder (every
// implementation this platform has, 120,000 cases each) and the WAV reader (120,000 cases). No
// case may crash (anything but the typed error), and no case may give silent wrong output: a
// decode that succeeds must equal the independent reference (Node's Buffer behind a strict
// round-trip check for base64; a plain RIFF chunk walk written here for WAV), and a refusal must
// be of input the reference refuses too.
import { describe, expect, it } from 'vitest';
import { base64Codecs, base64Error } from '../../src/kernels/base64.js';
import { Base64Error } from '../../src/errors.js';
import { decodeWavChannels, parseWav, WavError } from '../../src/wav/wav.js';
import { strictBase64 } from '../helpers/realtime-server.js';
import { rng } from '../helpers/random.js';
import { buildWav } from '../cli/wav-builder.js';

const CASES = 120_000;

/** Characters a mutation inserts: the alphabet's edges, padding, whitespace, base64url, non-ASCII. */
const NASTY = [
  'A',
  'Z',
  'a',
  'z',
  '0',
  '9',
  '+',
  '/',
  '=',
  '==',
  ' ',
  '\n',
  '\r',
  '\t',
  '-',
  '_',
  '.',
  '\u0000',
  '\u00ff',
  '\u0100',
  '\u0141',
  '\u2028',
  '\ud83d',
  '\u{1F600}',
  '%',
  '"',
];

function mutate(text: string, next: () => number): string {
  const pick = (n: number) => Math.floor(next() * n);
  const at = pick(text.length + 1);
  switch (pick(7)) {
    case 0: // replace one character
      return text.slice(0, at) + NASTY[pick(NASTY.length)] + text.slice(at + 1);
    case 1: // insert
      return text.slice(0, at) + NASTY[pick(NASTY.length)] + text.slice(at);
    case 2: // delete
      return text.slice(0, at) + text.slice(at + 1);
    case 3: // drop or add padding
      return text.endsWith('=') ? text.replace(/=+$/, '') : `${text}=`;
    case 4: // flip the last data character's low bits (non-canonical padding bits)
      return text.length < 2
        ? text
        : text.replace(/([A-Za-z0-9+/])(=*)$/, (_, c: string, pad: string) => String.fromCharCode(c.charCodeAt(0) ^ (1 + pick(3))) + pad);
    case 5: // truncate
      return text.slice(0, at);
    default: // two mutations
      return mutate(mutate(text, next), next);
  }
}

describe('base64 decoder fuzz', () => {
  for (const codec of base64Codecs) {
    it(`${codec.name}: ${CASES.toLocaleString('en-US')} seeded cases agree with Buffer behind a strict round trip`, () => {
      const next = rng(0xb64 + codec.name.length);
      let valid = 0;
      let rejected = 0;
      for (let k = 0; k < CASES; k++) {
        const length = Math.floor(next() * next() * 80); // mostly short, some up to 79 bytes
        const bytes = Buffer.alloc(length);
        for (let i = 0; i < length; i++) bytes[i] = (next() * 256) | 0;
        let text = bytes.toString('base64');
        if (next() < 0.8) text = mutate(text, next);
        const reference = strictBase64(text); // undefined when invalid
        let out: Uint8Array | undefined;
        let thrown: unknown;
        try {
          out = codec.decode(text);
        } catch (error) {
          thrown = error;
        }
        if (reference === undefined) {
          if (!(thrown instanceof Base64Error))
            throw new Error(
              `case ${k}: ${JSON.stringify(text)} is invalid but ${codec.name} ${thrown === undefined ? 'accepted it' : `threw ${String(thrown)}`}`,
            );
          const expected = base64Error(text)!;
          if (thrown.reason !== expected.reason || thrown.position !== expected.position) {
            throw new Error(`case ${k}: ${JSON.stringify(text)}: ${thrown.reason}@${thrown.position}, expected ${expected.reason}@${expected.position}`);
          }
          rejected++;
        } else {
          if (thrown !== undefined) throw new Error(`case ${k}: ${JSON.stringify(text)} is valid but ${codec.name} threw ${String(thrown)}`);
          if (!reference.equals(out!)) throw new Error(`case ${k}: ${JSON.stringify(text)} decoded wrongly by ${codec.name}`);
          if (codec.encode(out!) !== text) throw new Error(`case ${k}: ${codec.name} does not re-encode ${JSON.stringify(text)}`);
          valid++;
        }
      }
      // both sides were exercised in earnest
      expect(valid).toBeGreaterThan(CASES * 0.2);
      expect(rejected).toBeGreaterThan(CASES * 0.5);
    });
  }
});

/** The fields a WAV header declares, found by a plain RIFF chunk walk (or why there are none). */
interface Declared {
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign: number;
  dataAt: number;
  dataBytes: number;
}

function walk(bytes: Buffer): Declared | 'refuse' {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') return 'refuse';
  let fmt: Omit<Declared, 'dataAt' | 'dataBytes'> | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      if (size < 16 || at + 8 + size > bytes.length) return 'refuse';
      fmt = {
        channels: bytes.readUInt16LE(at + 10),
        sampleRate: bytes.readUInt32LE(at + 12),
        blockAlign: bytes.readUInt16LE(at + 20),
        bits: bytes.readUInt16LE(at + 22),
      };
    } else if (id === 'data') {
      if (fmt === undefined || fmt.blockAlign === 0) return 'refuse';
      const available = bytes.length - at - 8;
      const declared = size === 0xffffffff || (size === 0 && available > 0) ? available : size;
      if (declared > available) return 'refuse';
      return { ...fmt, dataAt: at + 8, dataBytes: declared - (declared % fmt.blockAlign) };
    } else if (at + 8 + size > bytes.length) {
      return 'refuse';
    }
    at += 8 + size + (size & 1);
  }
  return 'refuse';
}

describe('WAV reader fuzz', () => {
  it(`${CASES.toLocaleString('en-US')} seeded corruptions of valid files: a WavError, or exactly what the header declares`, () => {
    const next = rng(0x3a7);
    const pick = (n: number) => Math.floor(next() * n);
    const seeds: Buffer[] = [];
    for (const [formatTag, bits] of [
      [1, 16],
      [1, 8],
      [1, 24],
      [1, 32],
      [3, 32],
      [3, 64],
      [7, 8],
      [6, 8],
    ] as const) {
      for (const channels of [1, 2]) {
        const data = Buffer.alloc((bits / 8) * channels * (3 + pick(20)));
        for (let i = 0; i < data.length; i++) data[i] = pick(256);
        seeds.push(buildWav({ formatTag, bitsPerSample: bits, channels, data, sampleRate: [8000, 24000, 48000][pick(3)]! }));
        seeds.push(
          buildWav({ extensibleSubFormat: formatTag, bitsPerSample: bits, channels, data, before: [Buffer.from('LIST\x04\x00\x00\x00INFO', 'latin1')] }),
        );
      }
    }
    const reasons = new Map<string, number>();
    let accepted = 0;
    for (let k = 0; k < CASES; k++) {
      const file = Buffer.from(seeds[pick(seeds.length)]!);
      let bytes: Buffer = file;
      const edits = 1 + pick(3);
      for (let e = 0; e < edits; e++) {
        const kind = pick(5);
        if (kind === 0)
          bytes[pick(Math.min(bytes.length, 80))] = pick(256); // a header byte
        else if (kind === 1 && bytes.length >= 4)
          bytes.writeUInt32LE([0, 1, 15, 16, 17, 39, 40, 0x7fffffff, 0xffffffff, pick(2 ** 32)][pick(10)]!, 4 * pick(Math.min(20, bytes.length >> 2))); // a size or rate field
        else if (kind === 2)
          bytes = bytes.subarray(0, pick(bytes.length + 1)); // cut short
        else if (kind === 3)
          bytes = Buffer.concat([bytes, Buffer.alloc(pick(9), pick(256))]); // trailing bytes
        else if (kind === 4 && bytes.length >= 2)
          bytes.writeUInt16LE([0, 1, 2, 3, 6, 7, 8, 24, 0xfffe, pick(65536)][pick(10)]!, 2 * pick(Math.min(40, bytes.length >> 1))); // a 16-bit field
      }
      const declared = walk(bytes);
      let result: ReturnType<typeof parseWav> | undefined;
      try {
        result = parseWav(bytes);
      } catch (error) {
        if (!(error instanceof WavError)) throw new Error(`case ${k}: ${String(error)} is not a WavError (${bytes.subarray(0, 48).toString('hex')})`);
        reasons.set(error.reason, (reasons.get(error.reason) ?? 0) + 1);
        continue;
      }
      accepted++;
      if (declared === 'refuse') throw new Error(`case ${k}: accepted a file whose chunks do not hold together (${bytes.subarray(0, 48).toString('hex')})`);
      const { info, data } = result;
      // exactly what the header declares, inside the file
      const fields = [info.sampleRate, info.blockAlign, info.bitsPerSample, info.channels, info.dataBytes, data.byteOffset - bytes.byteOffset];
      const expected = [declared.sampleRate, declared.blockAlign, declared.bits, declared.channels, declared.dataBytes, declared.dataAt];
      if (fields.join() !== expected.join()) throw new Error(`case ${k}: read ${fields.join()} but the header declares ${expected.join()}`);
      if (info.frames * info.blockAlign !== info.dataBytes || info.frames === 0)
        throw new Error(`case ${k}: ${info.frames} frames of ${info.blockAlign} bytes != ${info.dataBytes}`);
      if (info.blockAlign !== (info.channels * info.bitsPerSample) / 8) throw new Error(`case ${k}: a self-contradicting header was accepted`);
      // the samples decode to finite values, one array per channel, of the declared length
      if (info.dataBytes <= 4096) {
        const channels = decodeWavChannels(result);
        if (channels.length !== info.channels || channels.some((c) => c.length !== info.frames || c.some((x) => !Number.isFinite(x)))) {
          throw new Error(
            `case ${k}: decoded channels do not match the header ${JSON.stringify(info)}: ${channels.length} x ${channels.map((c) => `${c.length}:${c.find((x) => !Number.isFinite(x))}`).join()}`,
          );
        }
        if (info.encoding === 'pcm' && info.bitsPerSample === 16) {
          for (let f = 0; f < info.frames; f++) {
            for (let c = 0; c < info.channels; c++) {
              if (channels[c]![f] !== bytes.readInt16LE(declared.dataAt + f * info.blockAlign + 2 * c) / 32768)
                throw new Error(`case ${k}: sample ${f}/${c} differs`);
            }
          }
        }
      }
    }
    // the corruptions reached every kind of refusal and still left many files readable
    expect([...reasons.keys()].sort()).toEqual(['bad_header', 'no_data', 'not_wav', 'truncated', 'unsupported_format']);
    expect(accepted).toBeGreaterThan(CASES * 0.1);
  });
});
