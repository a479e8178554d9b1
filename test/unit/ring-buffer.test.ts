// FloatRing: a bounded FIFO whose store starts small and doubles up to its bound. Against a plain
// array queue over seeded random writes and reads (wrapping many times, growing mid-wrap), with
// NaN canaries around every read.
import { describe, expect, it } from 'vitest';
import { FloatRing } from '../../src/pipeline/ring-buffer.js';
import { rng } from '../helpers/random.js';

describe('FloatRing', () => {
  it('is a FIFO bounded at capacityFrames whose store grows only when needed, however writes and reads interleave', () => {
    for (const seed of [1, 2, 3]) {
      const next = rng(seed);
      const ring = new FloatRing(5000, 64);
      const model: number[] = [];
      let value = 0;
      let dropped = 0;
      const buffer = new Float32Array(2002);
      for (let step = 0; step < 3000; step++) {
        if (next() < (step < 1500 ? 0.8 : 0.4)) {
          // fill up to the bound, then drain
          const n = Math.floor(next() * 700);
          const source = Float32Array.from({ length: n + 3 }, () => ++value);
          const written = ring.write(source, 3, n);
          const fits = Math.min(n, 5000 - model.length);
          expect(written).toBe(fits);
          for (let i = 0; i < fits; i++) model.push(source[3 + i]!);
          dropped += n - fits;
        } else {
          const n = Math.floor(next() * 2000);
          buffer.fill(Number.NaN);
          const read = ring.read(buffer.subarray(1, 1 + n), 0, n);
          expect(read).toBe(Math.min(n, model.length));
          expect(Array.from(buffer.subarray(1, 1 + read))).toEqual(model.splice(0, read));
          expect(Number.isNaN(buffer[0]!) && Number.isNaN(buffer[1 + n]!)).toBe(true);
          if (read > 3 && next() < 0.2) {
            ring.unread(3); // given back: read again next
            model.unshift(...Array.from(buffer.subarray(1 + read - 3, 1 + read)));
          }
        }
        expect(ring.availableFrames).toBe(model.length);
        expect(ring.storeFrames).toBeLessThanOrEqual(5000);
        expect(ring.storeFrames).toBeGreaterThanOrEqual(ring.availableFrames);
      }
      expect(dropped).toBeGreaterThan(0); // the bound was reached
      expect(ring.storeFrames).toBe(5000);
    }
  });

  it('a long bound costs memory only when the audio is there: a 60 s bound at 48 kHz starts at 1 s', () => {
    const ring = new FloatRing(60 * 48000);
    expect(ring.storeFrames).toBe(48000);
    ring.write(new Float32Array(100_000), 0, 100_000);
    expect(ring.storeFrames).toBe(192_000);
    ring.clear();
    expect(ring.storeFrames).toBe(192_000); // kept for the next item
  });
});
