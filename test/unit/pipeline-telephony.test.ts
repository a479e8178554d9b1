// TelephonyBridge: 8 kHz G.711 <-> 24 kHz PCM16 in one call per direction. References: sox's
// decoding of every code (fixtures/g711) composed with the Resampler and the plain-JS PCM16
// convention; chunking invariance; round-trip fidelity on recorded speech.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Resampler } from '../../src/kernels/resampler.js';
import { TelephonyBridge } from '../../src/pipeline/telephony.js';
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
