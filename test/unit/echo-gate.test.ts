// EchoGate unit tests on synthetic signals: options, transparency without playback, closing on a
// delayed and attenuated copy of the reference, opening for a louder near-end, click-free gain,
// chunking invariance (reference and mic pushed in step), NaN/Inf safety, reset and free.
import { describe, expect, it } from 'vitest';
import { EchoGate, OptionsError, RealtimePcmError } from '../../src/index.js';
import { farEnd } from '../helpers/far-end.js';
import { randomChunking, rng } from '../helpers/random.js';

const RATES = [8000, 16000, 24000, 44100, 48000];

/** mic = far delayed by delayMs and scaled by -erlDb, plus noise at -70 dBFS and `near` if given. */
function micFrom(far: Float32Array, rate: number, delayMs: number, erlDb: number, near?: Float32Array): Float32Array {
  const d = Math.round((delayMs * rate) / 1000);
  const g = 10 ** (-erlDb / 20);
  const next = rng(99);
  return far.map((_, i) => (i >= d ? g * far[i - d]! : 0) + 3e-4 * Math.sqrt(3) * (2 * next() - 1) + (near?.[i] ?? 0));
}

function run(gate: EchoGate, far: Float32Array | undefined, mic: Float32Array, chunks: number[]): Float32Array {
  const out = new Float32Array(mic.length);
  let at = 0;
  for (const n of chunks) {
    if (far !== undefined) gate.pushReference(far.subarray(at, at + n));
    const piece = new Float32Array(n);
    gate.processInto(mic.subarray(at, at + n), piece);
    out.set(piece, at);
    at += n;
  }
  return out;
}

const energy = (x: Float32Array, a: number, b: number) => x.subarray(a, b).reduce((s, v) => s + v * v, 0);
const steps = (length: number, step: number) => new Array(Math.ceil(length / step)).fill(step).map((v, i) => Math.min(v, length - i * step));

describe('EchoGate', () => {
  it('rejects bad options with OptionsError naming the allowed range', () => {
    expect(() => new EchoGate({ sampleRate: 4000 })).toThrow(OptionsError);
    expect(() => new EchoGate({ sampleRate: 16000, maxDelayMs: 400 })).toThrow(/maxDelayMs must be a number in 0..300/);
    expect(() => new EchoGate({ sampleRate: 16000, holdMs: Infinity })).toThrow(/holdMs/);
    expect(() => new EchoGate(null as never)).toThrow(OptionsError);
  });

  it.each(RATES)('at %i Hz is transparent (bit-exact) with no reference and with a silent reference', (rate) => {
    const mic = micFrom(farEnd(rate, 1, 1), rate, 0, 0);
    const gate = new EchoGate({ sampleRate: rate });
    expect(Array.from(run(gate, undefined, mic, steps(mic.length, rate / 100)))).toEqual(Array.from(mic));
    expect(gate.open).toBe(true);
    const silent = new EchoGate({ sampleRate: rate });
    expect(Array.from(run(silent, new Float32Array(mic.length), mic, steps(mic.length, 128)))).toEqual(Array.from(mic));
    gate.free();
    silent.free();
  });

  it.each(RATES)('at %i Hz removes >= 40 dB of echo (120 ms, 20 dB loss) after 200 ms, and lets a louder user through', (rate) => {
    const far = farEnd(rate, 4, 2);
    const near = new Float32Array(far.length);
    const from = Math.round(2.5 * rate);
    const next = rng(5);
    for (let i = from; i < from + 0.8 * rate; i++) near[i] = 0.05 * Math.sqrt(3) * (2 * next() - 1);
    const mic = micFrom(far, rate, 120, 20, near);
    const gate = new EchoGate({ sampleRate: rate });
    const out = run(gate, far, mic, steps(mic.length, rate / 100));
    const a = Math.round(0.32 * rate);
    expect(10 * Math.log10(energy(mic, a, from) / energy(out, a, from))).toBeGreaterThanOrEqual(40);
    // The user (about 10 dB above the echo) passes from 40 ms after they start.
    const passFrom = from + Math.round(0.04 * rate);
    const passTo = from + Math.round(0.8 * rate);
    expect(10 * Math.log10(energy(mic, passFrom, passTo) / energy(out, passFrom, passTo))).toBeLessThan(1);
    expect(gate.delayTrusted).toBe(true);
    expect(Math.abs(gate.delayMs - 120)).toBeLessThanOrEqual(10);
    gate.free();
  });

  it('ramps its gain (no clicks): at most a 1 ms one-pole step per sample', () => {
    const rate = 16000;
    const far = farEnd(rate, 2, 3);
    const mic = micFrom(far, rate, 40, 10);
    const gate = new EchoGate({ sampleRate: rate });
    const one = new Float32Array(1);
    let previous = gate.gain;
    let largest = 0;
    for (let i = 0; i < mic.length; i++) {
      gate.pushReference(far.subarray(i, i + 1));
      gate.processInto(mic.subarray(i, i + 1), one);
      largest = Math.max(largest, Math.abs(gate.gain - previous));
      previous = gate.gain;
    }
    expect(largest).toBeGreaterThan(0); // it did move
    expect(largest).toBeLessThanOrEqual(1 - Math.exp(-1 / (0.001 * rate)) + 1e-9);
  });

  it('gives the same output for any chunking when reference and mic are pushed in step', () => {
    // (In step: the reference ring holds 640 ms, so the reference may lead the mic by at most
    // 640 ms minus maxDelayMs; pushing a whole file of reference first is not in step.)
    const rate = 48000;
    const far = farEnd(rate, 2, 4);
    const mic = micFrom(far, rate, 80, 12);
    const reference = run(new EchoGate({ sampleRate: rate }), far, mic, steps(mic.length, 480));
    for (const chunks of [steps(mic.length, 128), randomChunking(mic.length, 11, 2000), randomChunking(mic.length, 12, 3)]) {
      const got = run(new EchoGate({ sampleRate: rate }), far, mic, chunks);
      expect(got).toEqual(reference);
    }
  });

  it('treats NaN and Inf as 0 in the mic and the reference, and keeps working', () => {
    const rate = 16000;
    const far = farEnd(rate, 3, 6);
    const mic = micFrom(far, rate, 60, 15);
    const badFar = far.slice();
    const badMic = mic.slice();
    const zeroFar = far.slice();
    const zeroMic = mic.slice();
    for (let i = 100; i < far.length; i += 613) {
      badFar[i] = Number.NaN;
      badMic[i + 1] = i % 2 ? Infinity : -Infinity;
      zeroFar[i] = 0;
      zeroMic[i + 1] = 0;
    }
    const out = run(new EchoGate({ sampleRate: rate }), badFar, badMic, steps(mic.length, 160));
    const expected = run(new EchoGate({ sampleRate: rate }), zeroFar, zeroMic, steps(mic.length, 160));
    expect(out.every(Number.isFinite)).toBe(true);
    expect(out).toEqual(expected);
  });

  it('reset() forgets the reference and is transparent again; free() ends the instance', () => {
    const rate = 24000;
    const far = farEnd(rate, 2, 7);
    const mic = micFrom(far, rate, 30, 10);
    const gate = new EchoGate({ sampleRate: rate });
    run(gate, far, mic, steps(mic.length, 240));
    gate.reset();
    expect(gate.open).toBe(true);
    expect(Array.from(run(gate, undefined, mic, [mic.length]))).toEqual(Array.from(mic));
    expect(() => gate.processInto(mic, new Float32Array(3))).toThrow(RealtimePcmError);
    gate.free();
    expect(() => gate.pushReference(far)).toThrow(/after free/);
  });
});
