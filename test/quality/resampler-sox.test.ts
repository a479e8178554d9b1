// Cross-check against an independent resampler: sox 14.4 `rate -v` (very high quality), on
// committed fixtures (fixtures/resampler, made by scripts/fixtures-resampler.sh). Both outputs
// are aligned in time with their input (sox trims its filter delay; ours is compensated), so the
// best lag must be 0; then the SNR of ours against sox's, over the whole overlap less 10 ms at
// each end. Inputs are band-limited below 0.44 x the lower rate, inside our 'high' pass band:
// tolerance >= 95 dB SNR for 'high'. 'voice' is flat only to 0.42 x, so it differs by design near
// the top of these inputs: >= 40 dB.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Resampler, type ResamplerQuality } from '../../src/index.js';

const fixture = (name: string) => {
  const bytes = readFileSync(new URL(`../../fixtures/resampler/${name}.f32`, import.meta.url));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
};

const CASES: Array<[string, number, number]> = [
  ['speech-8000', 8000, 24000],
  ['sweep-48000', 48000, 24000],
  ['noise-44100', 44100, 24000],
  ['speech-24000', 24000, 16000],
  ['speech-24000', 24000, 48000],
];

const TOLERANCE_DB: Record<ResamplerQuality, number> = { high: 95, voice: 40 };

function snrAtLag(ours: Float32Array, ref: Float32Array, lag: number, guard: number): number {
  let err = 0;
  let power = 0;
  const end = Math.min(ours.length, ref.length) - guard;
  for (let i = guard; i < end; i++) {
    const j = i + lag;
    if (j < 0 || j >= ref.length) continue;
    const d = ours[i]! - ref[j]!;
    err += d * d;
    power += ref[j]! * ref[j]!;
  }
  return 10 * Math.log10(power / err);
}

describe.each(['high', 'voice'] as ResamplerQuality[])('Resampler vs sox rate -v (%s)', (quality) => {
  it.each(CASES)('%s: %i -> %i Hz', (name, inputRate, outputRate) => {
    const input = fixture(name);
    const ref = fixture(`${name}-to-${outputRate}`);
    const r = new Resampler({ inputRate, outputRate, quality });
    const head = r.process(input);
    const tail = r.flush();
    const ours = new Float32Array(head.length + tail.length);
    ours.set(head);
    ours.set(tail, head.length);
    r.free();
    // sox rounds the length, we take the ceiling: they differ by at most one frame.
    expect(Math.abs(ours.length - ref.length)).toBeLessThanOrEqual(1);
    const guard = Math.ceil(outputRate / 100);
    let best = { lag: 0, snr: -Infinity };
    for (let lag = -16; lag <= 16; lag++) {
      const snr = snrAtLag(ours, ref, lag, guard);
      if (snr > best.snr) best = { lag, snr };
    }
    expect(best.lag).toBe(0);
    expect(best.snr).toBeGreaterThanOrEqual(TOLERANCE_DB[quality]);
  });
});
