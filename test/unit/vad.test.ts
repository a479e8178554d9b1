// EnergyVad unit tests: options, frame sizes at every rate, event timing on a signal built with a
// known onset and offset, noise steps at every rate, chunking invariance, NaN/Inf safety, reset,
// the allocation-free path.
import { describe, expect, it } from 'vitest';
import { EnergyVad, OptionsError, RealtimePcmError, type VadEvent } from '../../src/index.js';
import { VAD_SPEECH_START, VAD_SPEECH_STOP } from '../../src/kernels/index.js';
import { randomChunking, rng } from '../helpers/random.js';

const RATES = [8000, 16000, 24000, 44100, 48000];

/**
 * 3 s: white noise at -60 dBFS throughout, plus a 300 Hz + 1.1 kHz tone pair from `onMs` to `offMs`
 * (onset and offset exact to the sample), at -20 dBFS modulated at 4 Hz down to -37 dBFS as speech
 * is by its syllables, or held at -20 dBFS when `steady` (a level that steady is taken for noise
 * after about a second).
 */
function burst(rate: number, onMs = 1000, offMs = 2000, seconds = 3, seed = 1, steady = false): Float32Array {
  const next = rng(seed);
  const n = Math.round(seconds * rate);
  const x = new Float32Array(n);
  const noise = 10 ** (-60 / 20) * Math.sqrt(3);
  const tone = 10 ** (-20 / 20);
  const on = Math.round((onMs * rate) / 1000);
  const off = Math.round((offMs * rate) / 1000);
  for (let i = 0; i < n; i++) {
    x[i] = noise * (2 * next() - 1);
    if (i < on || i >= off) continue;
    const envelope = steady ? 1 : 0.43 + 0.57 * Math.cos((2 * Math.PI * 4 * (i - on)) / rate);
    x[i]! += (envelope * tone * (Math.sin((2 * Math.PI * 300 * i) / rate) + Math.sin((2 * Math.PI * 1100 * i) / rate))) / Math.SQRT2;
  }
  return x;
}

/** White noise whose level steps from `fromDb` to `toDb` dBFS (RMS) at `stepMs`, exact to the sample. */
function noiseStep(rate: number, stepMs: number, fromDb: number, toDb: number, seconds: number, seed = 3): Float32Array {
  const next = rng(seed);
  const step = Math.round((stepMs * rate) / 1000);
  const x = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < x.length; i++) x[i] = 10 ** ((i < step ? fromDb : toDb) / 20) * Math.sqrt(3) * (2 * next() - 1);
  return x;
}

function decisions(vad: EnergyVad, x: Float32Array, chunks: number[]): { events: VadEvent[]; frames: number[] } {
  const types = new Uint8Array(1024);
  const times = new Float64Array(1024);
  const frameBuf = new Uint8Array(4096);
  const events: VadEvent[] = [];
  const frames: number[] = [];
  let at = 0;
  for (const n of chunks) {
    const count = vad.processInto(x, types, times, frameBuf, at, at + n);
    for (let e = 0; e < count; e++) events.push({ type: types[e] === VAD_SPEECH_START ? 'speech_start' : 'speech_stop', timeMs: times[e]! });
    for (let f = 0; f < vad.framesDecided; f++) frames.push(frameBuf[f]!);
    at += n;
  }
  return { events, frames };
}

describe('EnergyVad', () => {
  it('rejects bad options with OptionsError naming the allowed range', () => {
    expect(() => new EnergyVad({ sampleRate: 7999 })).toThrow(OptionsError);
    expect(() => new EnergyVad({ sampleRate: 16000.5 })).toThrow(/integer in 8000..192000/);
    expect(() => new EnergyVad({ sampleRate: 16000, silenceDurationMs: -1 })).toThrow(/silenceDurationMs/);
    expect(() => new EnergyVad({ sampleRate: 16000, prefixPaddingMs: Number.NaN })).toThrow(/prefixPaddingMs/);
    expect(() => new EnergyVad({ sampleRate: 16000, startThresholdDb: 3, stopThresholdDb: 4 })).toThrow(/stopThresholdDb/);
    expect(() => new EnergyVad(undefined as never)).toThrow(OptionsError);
  });

  it('uses 10 ms frames at every rate (441 samples at 44.1 kHz) and exposes the session vocabulary', () => {
    for (const rate of RATES) {
      const vad = new EnergyVad({ sampleRate: rate });
      expect(vad.frameSamples).toBe(rate / 100);
      expect(vad.prefixPaddingMs).toBe(300);
      expect(vad.silenceDurationMs).toBe(500);
      vad.free();
    }
  });

  it.each(RATES)('at %i Hz: speech_start at the onset (+-1 frame), speech_stop at the offset plus hangover, nothing else', (rate) => {
    const vad = new EnergyVad({ sampleRate: rate });
    const events = vad.process(burst(rate));
    expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_stop']);
    expect(Math.abs(events[0]!.timeMs - 1000)).toBeLessThanOrEqual(10);
    // The stop is timed at the end of the last speech frame: offset + hangover (<= 120 ms, shorter at high SNR).
    expect(events[1]!.timeMs).toBeGreaterThanOrEqual(2000);
    expect(events[1]!.timeMs).toBeLessThanOrEqual(2000 + 120 + 10);
    expect(vad.speaking).toBe(false);
    // Event times are whole frames from stream start, exact to the sample.
    for (const e of events) {
      const sample = (e.timeMs * rate) / 1000;
      expect(Math.abs(sample - Math.round(sample))).toBeLessThan(1e-6);
      expect(Math.round(sample) % vad.frameSamples).toBe(0);
    }
    vad.free();
  });

  it('emits speech_start minSpeechMs after the onset frame and speech_stop silenceDurationMs after the last speech frame', () => {
    const rate = 16000;
    const x = burst(rate);
    const vad = new EnergyVad({ sampleRate: rate, minSpeechMs: 30, silenceDurationMs: 300 });
    const frame = vad.frameSamples;
    const types = new Uint8Array(4);
    const times = new Float64Array(4);
    const emitted: number[] = [];
    for (let at = 0; at < x.length; at += frame) {
      const n = vad.processInto(x, types, times, undefined, at, at + frame);
      for (let e = 0; e < n; e++) emitted.push(((at + frame) * 1000) / rate - times[e]!);
    }
    expect(emitted).toEqual([30, 300]);
  });

  it.each([
    ['a burst', burst(48000, 700, 1900, 3, 7)],
    ['a 16 dB noise step (the noise model re-estimated from its window of levels)', noiseStep(48000, 700, -50, -34, 3, 7)],
  ])('gives the same events and frame decisions for any chunking (1-sample and 128-sample pieces included): %s', (_, x) => {
    const rate = 48000;
    const reference = decisions(new EnergyVad({ sampleRate: rate }), x, [x.length]);
    expect(reference.events.length).toBe(2);
    expect(reference.frames.length).toBe(Math.floor(x.length / 480));
    for (const chunks of [randomChunking(x.length, 3, 700), new Array(Math.ceil(x.length / 128)).fill(128), randomChunking(x.length, 5, 3)]) {
      const total = chunks.reduce((a, b) => a + b, 0);
      if (total > x.length) chunks[chunks.length - 1]! -= total - x.length;
      const got = decisions(new EnergyVad({ sampleRate: rate }), x, chunks);
      expect(got.events).toEqual(reference.events);
      expect(got.frames).toEqual(reference.frames);
    }
  });

  it.each(RATES)('at %i Hz: back to silence within 1.5 s of a 16 dB step up of the noise (white, -50 to -34 dBFS), and no speech on the step down', (rate) => {
    const vad = new EnergyVad({ sampleRate: rate });
    const up = decisions(vad, noiseStep(rate, 2000, -50, -34, 6), [6 * rate]);
    expect(up.events.map((e) => e.type)).toEqual(['speech_start', 'speech_stop']);
    expect(Math.abs(up.events[0]!.timeMs - 2000)).toBeLessThanOrEqual(10);
    expect(up.events[1]!.timeMs).toBeLessThanOrEqual(2000 + 1500);
    expect(up.frames.slice(350).every((d) => d === 0)).toBe(true);
    vad.reset();
    const down = decisions(vad, noiseStep(rate, 2000, -34, -50, 6), [6 * rate]);
    expect(down.events).toEqual([]);
    expect(down.frames.every((d) => d === 0)).toBe(true);
    vad.free();
  });

  it('takes a sound held at one level for a second for a new noise floor: a steady tone pair from 1 s to 4 s is speech for about 0.9 s only', () => {
    const rate = 16000;
    const vad = new EnergyVad({ sampleRate: rate });
    const events = vad.process(burst(rate, 1000, 4000, 5, 1, true));
    expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_stop']);
    expect(Math.abs(events[0]!.timeMs - 1000)).toBeLessThanOrEqual(10);
    expect(events[1]!.timeMs).toBeGreaterThanOrEqual(1800);
    expect(events[1]!.timeMs).toBeLessThanOrEqual(2000);
    vad.free();
  });

  it('treats NaN and Inf as 0: same decisions as zeros in their place, state stays finite', () => {
    const rate = 16000;
    const x = burst(rate);
    const poisoned = x.slice();
    const zeroed = x.slice();
    for (let i = 500; i < x.length; i += 997) {
      poisoned[i] = [Number.NaN, Infinity, -Infinity][i % 3]!;
      zeroed[i] = 0;
    }
    const a = new EnergyVad({ sampleRate: rate });
    const b = new EnergyVad({ sampleRate: rate });
    expect(a.process(poisoned)).toEqual(b.process(zeroed));
    expect(Number.isFinite(a.levelDb)).toBe(true);
    expect(Number.isFinite(a.noiseFloorDb)).toBe(true);
    const all = new Float32Array(4800).fill(Number.NaN);
    expect(a.process(all)).toEqual(b.process(new Float32Array(4800)));
    expect(Number.isFinite(a.levelDb)).toBe(true);
  });

  it('reset() starts over: the same stream gives the same events again (window of levels included)', () => {
    const rate = 24000;
    const x = burst(rate);
    const steps = noiseStep(rate, 1200, -50, -34, 3);
    const vad = new EnergyVad({ sampleRate: rate });
    const first = vad.process(x);
    const afterSteps = vad.process(steps);
    vad.reset();
    expect(vad.framesProcessed).toBe(0);
    expect(vad.process(x)).toEqual(first);
    vad.reset();
    const fresh = new EnergyVad({ sampleRate: rate });
    expect(vad.process(steps)).toEqual(fresh.process(steps));
    expect(afterSteps.length).toBeGreaterThan(0);
  });

  it('processInto throws a typed error when the event arrays are too small, and free() ends the instance', () => {
    const rate = 8000;
    const x = burst(rate);
    const vad = new EnergyVad({ sampleRate: rate });
    expect(() => vad.processInto(x, new Uint8Array(1), new Float64Array(1))).toThrow(RealtimePcmError);
    vad.free();
    expect(() => vad.process(x)).toThrow(/after free/);
    expect(VAD_SPEECH_STOP).toBe(1);
  });

  it('never starts on noise alone (white noise at -30 dBFS, 5 s)', () => {
    const rate = 16000;
    const next = rng(9);
    const x = new Float32Array(5 * rate).map(() => 0.03 * Math.sqrt(3) * (2 * next() - 1));
    const vad = new EnergyVad({ sampleRate: rate });
    expect(vad.process(x)).toEqual([]);
  });
});
