// TelephonyBridge: 8 kHz G.711 <-> 24 kHz PCM16 in one call per direction. References: sox's
// decoding of every code (fixtures/g711) composed with the Resampler and the plain-JS PCM16
// convention; chunking invariance; round-trip fidelity on recorded speech.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/kernels/resampler.js';
import { TelephonyBridge } from '../../src/pipeline/telephony.js';
import { decodeG711 } from '../../src/kernels/g711.js';
import { highPass } from '../helpers/playback-figures.js';
import { OptionsError } from '../../src/errors.js';
import { chunking, referencePcm16 } from '../helpers/transport-client.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/g711/${name}`, import.meta.url));
const int16s = (bytes: Buffer) => new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));

function concat<T extends Int16Array | Uint8Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

for (const [law, codesFile, speechFile] of [
  ['mulaw', 'codes-ulaw.s16', 'hello-world.ul'],
  ['alaw', 'codes-alaw.s16', 'hello-world.al'],
] as const) {
  describe(`TelephonyBridge (${law})`, () => {
    const phone = new Uint8Array(fixture(speechFile));
    const soxTable = int16s(fixture(codesFile));
    const linear = Int16Array.from(phone, (c) => soxTable[c]!);

    it('phone -> session equals sox decoding, resampled 8 -> 24 kHz, rounded to PCM16', () => {
      const r = new Resampler({ inputRate: 8000, outputRate: 24000 });
      const f = Float32Array.from(linear, (x) => x / 32768);
      const expected = referencePcm16(Float32Array.from([...r.process(f), ...r.flush()]));
      const bridge = new TelephonyBridge({ law });
      const got = bridge.toSession(phone, true);
      expect(got.length).toBe(phone.length * 3);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
      expect(worst).toBe(0);
    });

    it('is identical however the phone audio is cut (20 ms media frames, odd pieces)', () => {
      const one = new TelephonyBridge({ law }).toSession(phone, true);
      for (const seed of [1, 2]) {
        const bridge = new TelephonyBridge({ law });
        const parts: Int16Array[] = [];
        let at = 0;
        for (const n of seed === 1 ? new Array(Math.ceil(phone.length / 160)).fill(160) : chunking(phone.length, seed)) {
          parts.push(bridge.toSession(phone.subarray(at, at + n)));
          at += n;
        }
        parts.push(bridge.toSession(new Uint8Array(0), true));
        expect(concat(parts, (n) => new Int16Array(n))).toEqual(one);
      }
    });

    it('round trip phone -> session -> phone keeps speech (SNR >= 35 dB against the decoded original)', () => {
      const bridge = new TelephonyBridge({ law });
      const session = bridge.toSession(phone, true);
      const back = bridge.fromSessionBase64(Buffer.from(session.buffer).toString('base64'), true);
      expect(back.length).toBe(phone.length);
      const backLinear = Int16Array.from(back, (c) => soxTable[c]!);
      let signal = 0;
      let noise = 0;
      for (let i = 0; i < linear.length; i++) {
        signal += linear[i]! ** 2;
        noise += (linear[i]! - backLinear[i]!) ** 2;
      }
      const snrDb = 10 * Math.log10(signal / noise);
      expect(snrDb).toBeGreaterThanOrEqual(35); // measured 41.9 dB (mu-law), 41.6 dB (A-law)
    });
  });
}

describe('TelephonyBridge options', () => {
  it('validates with typed errors', () => {
    expect(() => new TelephonyBridge({ law: 'ulaw' as never })).toThrow(/law must be one of 'mulaw', 'alaw'/);
    expect(() => new TelephonyBridge({} as never)).toThrow(OptionsError);
    expect(() => new TelephonyBridge({ law: 'alaw', sessionRate: 12345 })).toThrow(OptionsError);
    expect(() => new TelephonyBridge({ law: 'alaw' }).fromSessionBase64('AAEC')).toThrow(expect.objectContaining({ code: 'odd_byte_count' }));
  });
});

describe('TelephonyBridge fades on the session -> phone stream', () => {
  // 440 Hz at 0.436 starting at its peak (cosine): a response cut in and out mid-wave
  const wave = (frames: number) => Int16Array.from({ length: frames }, (_, i) => Math.round(0.436 * 32768 * Math.cos((2 * Math.PI * 440 * i) / 24000)));
  /** Energy above 2 kHz (the tone has none) in the first and last 10 ms, and in the loudest 10 ms between: a click is broadband. */
  const clicks = (codes: Uint8Array, law: 'mulaw' | 'alaw') => {
    const x = Float32Array.from(decodeG711(law, codes), (v) => v / 32768);
    const hp = highPass(x, 8000, 2000);
    const rms = (from: number) => Math.sqrt(hp.subarray(from, from + 80).reduce((e, v) => e + v * v, 0) / 80);
    let steady = 0;
    for (let at = 80; at + 160 <= hp.length; at += 40) steady = Math.max(steady, rms(at));
    return { edgeDb: 20 * Math.log10(Math.max(rms(0), rms(hp.length - 80)) / steady) };
  };
  for (const law of ['mulaw', 'alaw'] as const) {
    it(`${law}: a stream that starts and ends mid-wave fades in and out (5 ms); fadeMs 0 leaves the edges as they were`, () => {
      const pcm = wave(2400);
      // measured: -2.1 / -0.1 dB faded (the steady state is G.711 noise), +14.6 / +14.4 dB cut
      const soft = clicks(new TelephonyBridge({ law }).fromSession(pcm, true), law);
      const hard = clicks(new TelephonyBridge({ law, fadeMs: 0 }).fromSession(pcm, true), law);
      console.log(`${law}: edges above 2 kHz ${soft.edgeDb.toFixed(1)} dB against the steady state with fades, ${hard.edgeDb.toFixed(1)} dB without`);
      expect(hard.edgeDb).toBeGreaterThan(soft.edgeDb + 10);
      // after a reset (a barge-in), and after an end, the next stream fades in again
      const bridge = new TelephonyBridge({ law });
      bridge.fromSession(pcm.subarray(0, 1200));
      bridge.reset();
      expect(clicks(bridge.fromSession(pcm, true), law).edgeDb).toBeLessThan(hard.edgeDb - 10);
      expect(clicks(bridge.fromSession(pcm, true), law).edgeDb).toBeLessThan(hard.edgeDb - 10);
    });
  }

  it('between the fades the audio is untouched: the middle equals fadeMs 0 exactly, however the stream is cut', () => {
    const pcm = wave(9600);
    const plain = new TelephonyBridge({ law: 'mulaw', fadeMs: 0 }).fromSession(pcm, true);
    const whole = new TelephonyBridge({ law: 'mulaw' }).fromSession(pcm, true);
    const bridge = new TelephonyBridge({ law: 'mulaw' });
    const parts: Uint8Array[] = [];
    let at = 0;
    for (const n of chunking(pcm.length, 5)) {
      parts.push(bridge.fromSession(pcm.subarray(at, at + n), at + n === pcm.length));
      at += n;
    }
    expect(concat(parts, (n) => new Uint8Array(n))).toEqual(whole);
    // 5 ms at 24 kHz in and out, plus the resampler's reach (about 3 ms): the rest is identical
    expect(whole.subarray(80, whole.length - 80)).toEqual(plain.subarray(80, plain.length - 80));
    expect(whole.subarray(0, 40)).not.toEqual(plain.subarray(0, 40));
  });
});
