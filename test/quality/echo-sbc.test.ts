// The Bluetooth scenes' codec model (test/helpers/echo-bt.ts) against the real codec
// (test/helpers/echo-sbc.ts: BlueZ's sbcenc / sbcdec; aec-sbc), on the lab's replies at 16 kHz:
// the chain lines up with the reply (the codec's 73-sample filterbank delay taken out), A2DP SBC
// codes speech far cleaner than the model's 25-30 dB, mSBC's error rises with frequency where the
// model's is flat. Needs sbcenc, sbcdec and sox on PATH (`npm test` installs them:
// scripts/setup-engines.mjs; fails with the command otherwise); `node bench/echo-sbc.mjs` prints the
// figures per band. About 10 s.
import { describe, expect, it } from 'vitest';
import { lowpass } from '../helpers/echo-bt.js';
import { sbcCodecDelay, sbcCoded, sbcMissing, SBC_DELAY_SAMPLES, type SbcCodec } from '../helpers/echo-sbc.js';
import { loadClip } from '../helpers/echo-sources.js';

const RATE = 16000;
const FRAME = 256; // 16 ms

/** The median over `x`'s frames within 40 dB of its loudest of the frame's power over `err`'s, dB. */
function medianFrameSnrDb(x: ArrayLike<number>, err: ArrayLike<number>): number {
  const frames: [number, number][] = [];
  for (let at = 0; at + FRAME <= x.length; at += FRAME) {
    let s = 0;
    let e = 0;
    for (let i = at; i < at + FRAME; i++) {
      s += x[i]! ** 2;
      e += err[i]! ** 2;
    }
    frames.push([s, e]);
  }
  const loudest = Math.max(...frames.map(([s]) => s));
  const snrs = frames
    .filter(([s]) => s >= loudest * 1e-4)
    .map(([s, e]) => 10 * Math.log10(s / Math.max(e, 1e-30)))
    .sort((a, b) => a - b);
  return snrs[Math.floor(snrs.length / 2)]!;
}

/** The reply's part over `fromHz` (x minus its lowpass). */
const above = (x: Float64Array, fromHz: number) => {
  const low = lowpass(x, RATE, fromHz);
  return x.map((v, t) => v - low[t]!);
};

const missingTools = sbcMissing();
if (missingTools !== null) throw new Error(`${missingTools}; \`node scripts/setup-engines.mjs\` installs them`);

describe('the real SBC codec against the Bluetooth scenes model (aec-sbc)', () => {
  const x = Float64Array.from(loadClip('assistant', 'assistant-forecast', RATE).samples);
  const coded = new Map<SbcCodec, Float64Array>();
  const codedOf = (codec: SbcCodec) => {
    if (!coded.has(codec)) coded.set(codec, sbcCoded(x, RATE, codec));
    return coded.get(codec)!;
  };
  const error = (y: Float64Array) => y.map((v, t) => v - x[t]!);

  it('delays by 73 samples at its rate (its filterbanks), taken out: the coded reply lines up with the reply', () => {
    for (const codec of ['sbc53', 'msbc'] as const) expect(sbcCodecDelay(codec), codec).toBe(SBC_DELAY_SAMPLES);
    // aligned: the error is far under the reply (one sample off at 16 kHz would leave it near 10 dB under)
    expect(medianFrameSnrDb(x, error(codedOf('sbc53')))).toBeGreaterThan(40);
  });

  it('A2DP SBC codes the reply far cleaner than the model says: the error >= 50 dB under it per frame (measured 65.3 / 59.1 dB at bitpool 53 / 32; the model 30 / 25)', () => {
    for (const codec of ['sbc53', 'sbc32'] as const) {
      const snrDb = medianFrameSnrDb(x, error(codedOf(codec)));
      console.log(`${codec}: the error ${snrDb.toFixed(1)} dB under the reply (median per 16 ms frame)`);
      expect(snrDb, codec).toBeGreaterThanOrEqual(50);
    }
  });

  it("mSBC's error rises with frequency: over 4 kHz >= 8 dB nearer the reply than over the whole band (measured 14.6 against 26.6 dB; the model's noise is flat: 16-19 dB per band up to its 7 kHz lowpass), the whole band >= 22 dB under", () => {
    const y = codedOf('msbc');
    const wholeDb = medianFrameSnrDb(x, error(y));
    const highDb = medianFrameSnrDb(above(x, 4000), above(error(y), 4000));
    console.log(`msbc: the error ${wholeDb.toFixed(1)} dB under the reply, ${highDb.toFixed(1)} dB over 4 kHz (median per 16 ms frame)`);
    expect(wholeDb).toBeGreaterThanOrEqual(22);
    expect(wholeDb - highDb).toBeGreaterThanOrEqual(8);
  });
});
