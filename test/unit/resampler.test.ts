// Resampler contract: options, streaming invariance (any chunking gives bit-identical output),
// the three API levels agreeing, NaN/Inf safety, the output-length law, reset/flush/free.
// Quality (pass band, rejection, SNR, latency) is in test/quality/.
import { describe, expect, it } from 'vitest';
import { OptionsError, RealtimePcmError, Resampler, SUPPORTED_SAMPLE_RATES } from '../../src/index.js';
import { kernels } from '../../src/wasm/load.js';
import { randomChunking, rng } from '../helpers/random.js';

const RATES = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000];

function noise(frames: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(frames);
  for (let i = 0; i < frames; i++) out[i] = next() * 1.6 - 0.8;
  return out;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One whole stream through process() in the given pieces, then flush(). */
function run(r: Resampler, input: Float32Array, pieces: number[]): Float32Array {
  const parts: Float32Array[] = [];
  let at = 0;
  for (const n of pieces) {
    parts.push(r.process(input.subarray(at, at + n)));
    at += n;
  }
  parts.push(r.flush());
  return concat(parts);
}

function bitEqual(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

describe('Resampler options', () => {
  it('lists exactly the supported rates', () => {
    expect([...SUPPORTED_SAMPLE_RATES]).toEqual(RATES);
  });

  it.each([0, -8000, 44100.5, 12345, Number.NaN, Infinity, '48000', undefined, null])(
    'rejects inputRate %s with an OptionsError listing the supported rates',
    (rate) => {
      let error: unknown;
      try {
        new Resampler({ inputRate: rate as number, outputRate: 24000 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OptionsError);
      const message = (error as Error).message;
      expect(message).toContain('inputRate');
      for (const r of RATES) expect(message).toContain(String(r));
    },
  );

  it('rejects a bad outputRate and a bad quality', () => {
    expect(() => new Resampler({ inputRate: 48000, outputRate: 23999 })).toThrow(OptionsError);
    expect(() => new Resampler({ inputRate: 48000, outputRate: 24000, quality: 'best' as 'high' })).toThrow(/'high' \(default\) or 'voice'/);
    expect(() => new Resampler(undefined as unknown as { inputRate: number; outputRate: number })).toThrow(RealtimePcmError);
  });

  it("defaults to 'high' and reports the ratio in lowest terms", () => {
    const r = new Resampler({ inputRate: 44100, outputRate: 24000 });
    expect(r.quality).toBe('high');
    expect([r.up, r.down]).toEqual([80, 147]);
    expect(r.taps % 8).toBe(0);
    expect(new Resampler({ inputRate: 48000, outputRate: 24000 }).taps % 3).toBe(0);
    r.free();
  });
});

describe('Resampler at equal rates', () => {
  it('copies the input, with NaN and Inf replaced by 0, and adds no latency', () => {
    const r = new Resampler({ inputRate: 24000, outputRate: 24000 });
    const input = noise(300, 5);
    input[7] = Number.NaN;
    input[8] = Infinity;
    input[9] = -Infinity;
    const out = r.process(input);
    const expected = input.slice();
    expected[7] = expected[8] = expected[9] = 0;
    expect(bitEqual(out, expected)).toBe(true);
    expect(r.latencyMs).toBe(0);
    expect(r.flush().length).toBe(0);
    r.free();
  });
});

// Pairs with few rows (L, M <= 12) run assembly/resample-lanes.ts (eight outputs of a row at a
// time: L = 1, 2, 3, 6, 12 and M = 1, 2, 3, 4, 12 below), exact doublings resample-double.ts
// ('high'; 'voice' at 24 -> 48 runs the lanes kernel: its prototype is not 4d + 1 long), the
// others resample-taps.ts.
const PAIRS: Array<[number, number]> = [
  [48000, 24000],
  [96000, 48000],
  [24000, 48000],
  [22050, 44100],
  [44100, 24000],
  [8000, 24000],
  [16000, 96000],
  [24000, 16000],
  [32000, 24000],
  [96000, 24000],
  [96000, 8000],
  [8000, 96000],
  [24000, 44100],
  [96000, 11025],
  [11025, 96000],
];

describe.each(['high', 'voice'] as const)('Resampler streaming invariance (%s)', (quality) => {
  it.each(PAIRS)('%i -> %i: 1-sample, 128-frame and random pieces match one piece bit for bit', (inputRate, outputRate) => {
    const r = new Resampler({ inputRate, outputRate, quality });
    const frames = Math.round(inputRate * 0.05) + 17;
    const input = noise(frames, inputRate + outputRate);
    const whole = run(r, input, [frames]);
    expect(whole.length).toBe(Math.ceil((frames * outputRate) / inputRate));
    const ones = run(r, input, new Array<number>(frames).fill(1));
    const quanta = run(
      r,
      input,
      Array.from({ length: Math.ceil(frames / 128) }, (_, i) => Math.min(128, frames - 128 * i)),
    );
    const random = run(r, input, randomChunking(frames, 42, 700));
    expect(bitEqual(ones, whole)).toBe(true);
    expect(bitEqual(quanta, whole)).toBe(true);
    expect(bitEqual(random, whole)).toBe(true);
    r.free();
  });
});

describe('Resampler API levels', () => {
  it('processInto and flushInto write the same frames as process/flush, inside NaN canaries, allocating nothing', () => {
    const a = new Resampler({ inputRate: 44100, outputRate: 24000 });
    const b = new Resampler({ inputRate: 44100, outputRate: 24000 });
    const input = noise(44100, 3);
    const expected = run(a, input, [20000, 24100]);
    const buffer = new Float32Array(b.maxOutputFrames(24100) + 2).fill(Number.NaN);
    const got: number[] = [];
    let at = 0;
    for (const n of [20000, 24100, 0]) {
      buffer.fill(Number.NaN);
      const view = new Float32Array(buffer.buffer, 4, buffer.length - 2);
      const frames = n === 0 ? b.flushInto(view) : b.processInto(input.subarray(at, at + n), view);
      if (n !== 0) expect(frames).toBeLessThanOrEqual(b.maxOutputFrames(n));
      expect(Number.isNaN(buffer[0])).toBe(true);
      expect(Number.isNaN(buffer[frames + 1])).toBe(true);
      for (let i = 0; i < frames; i++) got.push(view[i]!);
      at += n;
    }
    expect(bitEqual(Float32Array.from(got), expected)).toBe(true);
    a.free();
    b.free();
  });

  it('outputFrames() predicts every call exactly, including inputs longer than maxFramesPerCall', () => {
    const r = new Resampler({ inputRate: 16000, outputRate: 44100 });
    for (const n of [1, 5, 127, r.maxFramesPerCall, r.maxFramesPerCall + 1, 3 * r.maxFramesPerCall + 11, 0, 2]) {
      const predicted = r.outputFrames(n);
      expect(r.process(noise(n, n)).length).toBe(predicted);
    }
    const tail = r.flushFrames();
    expect(r.flush().length).toBe(tail);
    r.free();
  });

  it('throws a typed error when the caller-owned buffer is too small', () => {
    const r = new Resampler({ inputRate: 8000, outputRate: 48000 });
    expect(() => r.processInto(noise(100, 1), new Float32Array(10))).toThrow(/buffer|holds 10 frames/);
    r.free();
  });

  it('processPtr on the instance windows matches process', () => {
    const a = new Resampler({ inputRate: 48000, outputRate: 24000 });
    const b = new Resampler({ inputRate: 48000, outputRate: 24000 });
    const heap = kernels();
    const input = noise(4800, 9);
    const expected = run(a, input, [4800]);
    const got: number[] = [];
    for (let at = 0; at < input.length; at += 480) {
      heap.refresh().f32.set(input.subarray(at, at + 480), b.inputPtr >> 2);
      const n = b.processPtr(b.inputPtr, 480, b.outputPtr);
      for (let i = 0; i < n; i++) got.push(heap.f32[(b.outputPtr >> 2) + i]!);
    }
    const n = b.flushPtr(b.outputPtr);
    for (let i = 0; i < n; i++) got.push(heap.f32[(b.outputPtr >> 2) + i]!);
    expect(bitEqual(Float32Array.from(got), expected)).toBe(true);
    expect(() => b.processPtr(b.inputPtr, b.maxFramesPerCall + 1, b.outputPtr)).toThrow(/frames must be/);
    a.free();
    b.free();
  });
});

describe('Resampler state', () => {
  it('treats NaN and Inf as 0 and is not poisoned by them', () => {
    const a = new Resampler({ inputRate: 48000, outputRate: 16000 });
    const b = new Resampler({ inputRate: 48000, outputRate: 16000 });
    const clean = noise(4800, 11);
    const dirty = clean.slice();
    for (const [i, v] of [
      [100, Number.NaN],
      [101, Infinity],
      [2000, -Infinity],
      [2001, Number.NaN],
    ] as const) {
      dirty[i] = v;
      clean[i] = 0;
    }
    const out = run(a, dirty, [1000, 3800]);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(bitEqual(out, run(b, clean, [4800]))).toBe(true);
    a.free();
    b.free();
  });

  it('reset() and flush() both start a new stream that matches a fresh instance', () => {
    const r = new Resampler({ inputRate: 22050, outputRate: 48000, quality: 'voice' });
    const input = noise(3000, 21);
    const fresh = run(r, input, [3000]);
    r.process(noise(777, 1));
    r.reset();
    expect(bitEqual(run(r, input, [3000]), fresh)).toBe(true);
    expect(bitEqual(run(r, input, [1500, 1500]), fresh)).toBe(true);
    r.free();
    expect(() => r.process(input)).toThrow(/after free/);
  });
});

describe('Resampler output-length law', () => {
  it('every supported pair, both presets: a stream of T frames yields ceil(T x out / in) frames', () => {
    const next = rng(77);
    for (const inputRate of RATES) {
      for (const outputRate of RATES) {
        for (const quality of ['high', 'voice'] as const) {
          const r = new Resampler({ inputRate, outputRate, quality });
          const frames = 1 + Math.floor(next() * 3000);
          const pieces = randomChunking(frames, frames, 400);
          let total = 0;
          for (const n of pieces) total += r.process(new Float32Array(n)).length;
          total += r.flush().length;
          expect(total, `${inputRate} -> ${outputRate} ${quality}, ${frames} frames`).toBe(Math.ceil((frames * outputRate) / inputRate));
          r.free();
        }
      }
    }
  });
});

describe('Resampler kernels (lanes, double, half and taps)', () => {
  it('agree with a direct evaluation of the prototype filter (double precision, same coefficients)', async () => {
    const { designResampler } = await import('../../src/kernels/resampler-design.js');
    for (const [inputRate, outputRate] of [
      [48000, 24000],
      [24000, 48000],
      [44100, 24000],
      [16000, 24000],
      [8000, 24000],
      [8000, 48000],
    ] as const) {
      const d = designResampler(inputRate, outputRate, 'high');
      let h: number[];
      if (d.mode === 'double' || d.mode === 'half') {
        // h[0..D] pre-splatted, mirrored around D.
        const half = Array.from({ length: d.delay + 1 }, (_, k) => d.table[4 * k]!);
        h = [...half, ...half.slice(0, -1).reverse()];
      } else {
        // Row p, column j holds h[p + (K - 1 - j) L].
        h = new Array<number>(d.taps * d.up).fill(0);
        for (let p = 0; p < d.up; p++) for (let j = 0; j < d.taps; j++) h[p + (d.taps - 1 - j) * d.up] = d.table[p * d.taps + j]!;
      }
      const input = noise(2000, 99);
      const r = new Resampler({ inputRate, outputRate });
      const out = run(r, input, [2000]);
      r.free();
      // y[m] = sum_k h[k] u[m M + D - k], u = input upsampled by L with zeros.
      let worst = 0;
      for (let m = 0; m < out.length; m++) {
        let acc = 0;
        for (let k = 0; k < h.length; k++) {
          const t = m * d.down + d.delay - k;
          if (t % d.up !== 0) continue;
          const i = t / d.up;
          if (i >= 0 && i < input.length) acc += h[k]! * input[i]!;
        }
        worst = Math.max(worst, Math.abs(acc - out[m]!));
      }
      expect(worst, `${inputRate} -> ${outputRate}`).toBeLessThan(2e-6);
    }
  });
});

describe('Resampler on silence (aec-speed10)', () => {
  // Every kernel's outputs are written as +0 without computing once every input sample they read
  // is +0 (a reference while nothing plays): blocks of 128 over a long run of zeros take that path,
  // pieces that each hold some signal never do; both must give the same bits.
  it('gives the same bits whether or not a block of zeros over a zero history is skipped', () => {
    const signal = noise(300, 7);
    const input = concat([new Float32Array(500), signal, new Float32Array(2400), signal, new Float32Array(1000), signal]);
    const withSignal = [1100, 2500, 1000, input.length - 4600]; // every piece holds some of the signal
    for (const [inputRate, outputRate] of [
      [48000, 24000],
      [24000, 48000],
      [32000, 16000],
      [44100, 24000],
      [16000, 24000],
      [48000, 16000],
      [22050, 48000],
      [8000, 48000],
    ] as const) {
      const a = new Resampler({ inputRate, outputRate });
      const computed = run(a, input, withSignal);
      a.free();
      const b = new Resampler({ inputRate, outputRate });
      const blocks = run(
        b,
        input,
        Array.from({ length: Math.ceil(input.length / 128) }, (_, k) => Math.min(128, input.length - 128 * k)),
      );
      b.free();
      expect(bitEqual(blocks, computed), `${inputRate} -> ${outputRate}`).toBe(true);
      // in the long run of zeros, past the filter's reach, the outputs are +0 (not -0)
      const mid = Math.round(((500 + 300 + 1200) * outputRate) / inputRate);
      expect(Object.is(blocks[mid], 0), `${inputRate} -> ${outputRate} at ${mid}`).toBe(true);
      expect(computed.slice(0, 10).every((x) => Object.is(x, 0))).toBe(true);
    }
  });
});
