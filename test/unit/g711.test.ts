// G.711 against two independent references: tables built here from the segment definitions of
// ITU-T G.711 (Tables 1a/2a: segment start, step size), and sox 14.4's conversions
// (fixtures/g711, scripts/make-g711-fixtures.sh). Tolerance: bit-exact.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../../src/kernels/g711.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/g711/${name}`, import.meta.url));
const int16s = (bytes: Buffer) => new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));

// ITU-T G.711: mu-law segments over the 14-bit magnitude (0..8159), A-law over the 13-bit magnitude
// (0..4095): where each segment's decision values start, and its step. Segment 0 of mu-law starts at
// -1 so that its first interval is [0, 1) and its first output value 0.
const MU_STARTS = [-1, 31, 95, 223, 479, 991, 2015, 4063];
const MU_STEPS = [2, 4, 8, 16, 32, 64, 128, 256];
const A_STARTS = [0, 32, 64, 128, 256, 512, 1024, 2048];
const A_STEPS = [2, 2, 4, 8, 16, 32, 64, 128];

/** Segment and step index of a magnitude, by searching the decision intervals. */
function quantize(magnitude: number, starts: number[], steps: number[]): number {
  let segment = 0;
  while (segment < 7 && magnitude >= starts[segment + 1]!) segment++;
  const index = Math.min(15, Math.floor((magnitude - starts[segment]!) / steps[segment]!));
  return segment * 16 + index;
}

function referenceMuLawEncode(x: number): number {
  const v = Math.min(8191, Math.floor((x + 2) / 4)); // 16 -> 14 bits, round half up
  const negative = v < 0;
  const sevenBits = quantize(Math.abs(v), MU_STARTS, MU_STEPS);
  return 255 - ((negative ? 128 : 0) + sevenBits); // all bits inverted
}
function referenceMuLawDecode(code: number): number {
  const c = 255 - code;
  const segment = (c >> 4) & 7;
  const level = MU_STARTS[segment]! + MU_STEPS[segment]! / 2 + (c & 15) * MU_STEPS[segment]!;
  return (c >= 128 ? -level : level) * 4 + 0; // + 0: no negative zero
}
function referenceALawEncode(x: number): number {
  const v = Math.min(4095, Math.floor((x + 4) / 8)); // 16 -> 13 bits, round half up
  const negative = v < 0;
  const sevenBits = quantize(negative ? -v - 1 : v, A_STARTS, A_STEPS);
  return ((negative ? 0 : 128) + sevenBits) ^ 0x55; // even bits inverted
}
function referenceALawDecode(code: number): number {
  const c = code ^ 0x55;
  const segment = (c >> 4) & 7;
  const level = A_STARTS[segment]! + A_STEPS[segment]! / 2 + (c & 15) * A_STEPS[segment]!;
  return (c >= 128 ? level : -level) * 8;
}

const ramp = new Int16Array(65536).map((_, i) => i - 32768);
const codes = new Uint8Array(256).map((_, i) => i);

describe('G.711 against the ITU-T G.711 segment tables', () => {
  it('mu-law encodes all 65,536 int16 values as the table does', () => {
    const got = encodeMuLaw(ramp);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) if (got[i] !== referenceMuLawEncode(ramp[i]!)) mismatches++;
    expect(mismatches).toBe(0);
  });
  it('A-law encodes all 65,536 int16 values as the table does', () => {
    const got = encodeALaw(ramp);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) if (got[i] !== referenceALawEncode(ramp[i]!)) mismatches++;
    expect(mismatches).toBe(0);
  });
  it('decodes all 256 codes to the middle of their interval', () => {
    expect(Array.from(decodeMuLaw(codes))).toEqual(Array.from(codes, referenceMuLawDecode));
    expect(Array.from(decodeALaw(codes))).toEqual(Array.from(codes, referenceALawDecode));
  });
  it('has the published end points: mu-law +-32124 (8031 x 4), A-law +-32256 (4032 x 8)', () => {
    expect(decodeMuLaw(Uint8Array.of(0x80, 0x00, 0xff, 0x7f))).toEqual(Int16Array.of(32124, -32124, 0, 0));
    expect(decodeALaw(Uint8Array.of(0xaa, 0x2a, 0xd5, 0x55))).toEqual(Int16Array.of(32256, -32256, 8, -8));
  });
  it('every code survives decode then encode (mu-law negative zero 0x7f becomes 0xff)', () => {
    const mu = encodeMuLaw(decodeMuLaw(codes));
    const a = encodeALaw(decodeALaw(codes));
    for (let c = 0; c < 256; c++) {
      expect(mu[c]).toBe(c === 0x7f ? 0xff : c);
      expect(a[c]).toBe(c);
    }
  });
});

describe('G.711 against sox 14.4', () => {
  it('matches `sox -e u-law` and `-e a-law` for every int16 value', () => {
    expect(Buffer.from(encodeMuLaw(ramp)).equals(fixture('ramp.ul'))).toBe(true);
    expect(Buffer.from(encodeALaw(ramp)).equals(fixture('ramp.al'))).toBe(true);
  });
  it("matches sox's decoding of every code", () => {
    expect(decodeMuLaw(codes)).toEqual(int16s(fixture('codes-ulaw.s16')));
    expect(decodeALaw(codes)).toEqual(int16s(fixture('codes-alaw.s16')));
  });
  it('matches sox on recorded speech (Asterisk "hello world", 8 kHz)', () => {
    const speech = int16s(fixture('hello-world.s16'));
    expect(speech.length).toBe(11234);
    expect(Buffer.from(encodeMuLaw(speech)).equals(fixture('hello-world.ul'))).toBe(true);
    expect(Buffer.from(encodeALaw(speech)).equals(fixture('hello-world.al'))).toBe(true);
  });
});

describe('G.711 wrapper', () => {
  it('writes into a given output without touching what follows (NaN-free canaries)', () => {
    const out = new Uint8Array(10).fill(0xee);
    const same = encodeMuLaw(Int16Array.of(0, 1000, -1000), out);
    expect(same).toBe(out);
    expect(Array.from(out.subarray(3))).toEqual([0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee]);
    const pcm = new Int16Array(5).fill(12345);
    decodeALaw(Uint8Array.of(0xd5, 0x55), pcm);
    expect(Array.from(pcm)).toEqual([8, -8, 12345, 12345, 12345]);
  });
  it('rejects a short output with a typed error', () => {
    expect(() => encodeALaw(new Int16Array(4), new Uint8Array(3))).toThrow(/output holds 3 samples/);
    expect(() => decodeMuLaw(new Uint8Array(4), new Int16Array(3))).toThrow(expect.objectContaining({ code: 'buffer_too_small' }));
  });
  it('handles empty input', () => {
    expect(encodeMuLaw(new Int16Array(0)).length).toBe(0);
    expect(decodeALaw(new Uint8Array(0)).length).toBe(0);
  });
});
