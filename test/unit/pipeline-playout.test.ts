// The playout of PlaybackPipeline: the raised-cosine Fade (against Math.sin), click-free transitions
// on the tone (440 Hz at 0.436, 24 -> 48 kHz: steady steps of 0.0251, 0.436 at an
// unfaded cut), the interrupt's release and its accounting, the arrival statistics and delay
// manager (exact figures from constructed arrivals), the limiter, and option checks.
import { describe, expect, it } from 'vitest';
import { PlaybackPipeline } from '../../src/pipeline/playback.js';
import { Fade } from '../../src/pipeline/fade.js';
import { ArrivalStats } from '../../src/pipeline/playout-arrivals.js';
import { DelayManager } from '../../src/pipeline/playout-delay.js';
import { PlaybackItem } from '../../src/pipeline/playback-items.js';
import { OptionsError } from '../../src/errors.js';
import { patternPcm, tonePcm } from '../helpers/transport-client.js';
import { EXACT_PLAYOUT } from '../helpers/playout.js';

const fadeGain = (level: number, fadeFrames: number) => Math.sin((Math.PI / 2) * (level / fadeFrames)) ** 2;
const TONE = { rate: 24000, hz: 440, amplitude: Math.round(0.436 * 32768) };
const tone = (frames: number, from = 0) => tonePcm(frames + from, TONE.rate, TONE.hz, TONE.amplitude).subarray(from);
/** The tone's largest step between samples at 48 kHz: 0.436 x 2 sin(pi 440 / 48000). */
const STEADY_STEP = 0.436 * 2 * Math.sin((Math.PI * 440) / 48000);

function maxStep(x: Float32Array, from = 1, to = x.length): number {
  let worst = 0;
  for (let i = Math.max(1, from); i < to; i++) worst = Math.max(worst, Math.abs(x[i]! - x[i - 1]!));
  return worst;
}

/** Reads `quanta` 128-frame quanta into one array. */
function readQuanta(p: PlaybackPipeline, quanta: number): { out: Float32Array; played: number[] } {
  const out = new Float32Array(quanta * 128);
  const played: number[] = [];
  for (let q = 0; q < quanta; q++) played.push(p.read(out.subarray(q * 128, (q + 1) * 128)));
  return { out, played };
}

describe('Fade', () => {
  it('has the raised-cosine gains sin^2(pi/2 level/frames), 0 at silence and exactly 1 at full', () => {
    for (const frames of [1, 5, 221, 240, 2400]) {
      const fade = new Fade(frames);
      expect(fade.gainAt(0)).toBe(0);
      expect(fade.gainAt(frames)).toBe(1);
      let worst = 0;
      for (let l = 0; l <= frames; l++) worst = Math.max(worst, Math.abs(fade.gainAt(l) - fadeGain(l, frames)));
      expect(worst).toBeLessThan(1e-15);
    }
    const off = new Fade(0);
    const x = Float32Array.from([0.5, -0.25, 1]);
    expect(off.play(x, 0, 3, 3)).toBe(3);
    expect(Array.from(x)).toEqual([0.5, -0.25, 1]);
  });

  it('rises one level per frame and ends on its lowest step before the stop; short runs rise and fall early', () => {
    const levels = (frames: number, runway: number, fade: Fade) => {
      const x = new Float32Array(frames).fill(1);
      fade.play(x, 0, frames, runway);
      return Array.from(x, (g) => Math.round(Math.asin(Math.sqrt(g)) * (2 / Math.PI) * fade.frames));
    };
    expect(levels(10, 10, new Fade(4))).toEqual([1, 2, 3, 4, 4, 4, 4, 3, 2, 1]);
    expect(levels(3, 3, new Fade(4))).toEqual([1, 2, 1]);
    // a segment at full gain with a whole fade of runway after it is untouched
    const fade = new Fade(4);
    levels(4, 100, fade);
    const x = Float32Array.from([0.1, 0.2, 0.3]);
    fade.play(x, 0, 3, 7);
    expect(Array.from(x)).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.3])));
  });

  it('a fall goes down to silence before it rises again, and stops there when the runway is too short to come back', () => {
    const levelsOf = (x: Float32Array) => Array.from(x, (g) => Math.round(Math.asin(Math.sqrt(g)) * (2 / Math.PI) * 4));
    const fade = new Fade(4);
    fade.fadeIn(new Float32Array(8).fill(1), 0, 8); // full
    const a = new Float32Array(2).fill(1);
    expect(fade.play(a, 0, 2, 3)).toBe(2); // the runway is short: falling
    expect(levelsOf(a)).toEqual([3, 2]);
    const b = new Float32Array(8).fill(1);
    expect(fade.play(b, 0, 8, 100)).toBe(8); // more audio came: down to 0 first, then up
    expect(levelsOf(b)).toEqual([1, 0, 1, 2, 3, 4, 4, 4]);
    const c = new Float32Array(2).fill(1);
    fade.play(c, 0, 2, 3);
    const d = new Float32Array(8).fill(1);
    expect(fade.play(d, 0, 8, 5)).toBe(2); // at silence with 3 frames left, less than a fade in and out: stops
    expect(levelsOf(d.subarray(0, 2))).toEqual([1, 0]);
  });
});

describe('PlaybackPipeline transitions on a 440 Hz tone (steady step 0.0251 at 48 kHz)', () => {
  const fixedZero = { minPlayoutMs: 0, maxPlayoutMs: 0 }; // transitions where the test puts them

  it('interrupt: 0.436 in one sample without fades, no step above the steady one with them; the release is the audio that came next, faded', () => {
    const run = (options: object, interrupt: boolean) => {
      const reference: Float32Array[] = [];
      const p = new PlaybackPipeline({ outputRate: 48000, ...options, echoGate: { pushReference: (b) => reference.push(b.slice()) } });
      p.pushPcm16(tone(24000), 'a');
      const before = readQuanta(p, 37); // 37 x 128 = 4736 frames: an arbitrary phase
      const cut = interrupt ? p.interrupt() : undefined;
      const after = readQuanta(p, 4);
      const out = new Float32Array(before.out.length + after.out.length);
      out.set(before.out);
      out.set(after.out, before.out.length);
      const echoed = new Float32Array(out.length);
      for (const [q, b] of reference.entries()) echoed.set(b, q * 128);
      return { out, cut, echoed };
    };
    const at = 37 * 128;
    const hard = run({ ...fixedZero, fadeMs: 0 }, true);
    expect(maxStep(hard.out, at - 200, at + 200)).toBeGreaterThan(5 * STEADY_STEP); // 0.247 at this phase
    const soft = run(fixedZero, true);
    expect(maxStep(soft.out, at - 200, at + 512)).toBeLessThanOrEqual(STEADY_STEP * 1.001);
    // the same frames were heard (the release plays after the cut and is not counted)
    expect(soft.cut).toEqual(hard.cut);
    expect(soft.cut!.playedFrames).toBe(at / 2);
    // the release: the 239 frames that came next, at levels 239..1 of 240, then silence
    const continued = run(fixedZero, false).out;
    let worst = 0;
    for (let i = 0; i < 239; i++) worst = Math.max(worst, Math.abs(soft.out[at + i]! - continued[at + i]! * fadeGain(239 - i, 240)));
    expect(worst).toBeLessThan(1e-6);
    expect(soft.out.subarray(at + 239).every((x) => x === 0)).toBe(true);
    // the echo reference is what read() output, release included
    expect(soft.echoed).toEqual(soft.out);
  });

  it('underrun and resume (100 ms pushed, 200 ms read, then more): 0.424 without fades, no step above the steady one with them', () => {
    const run = (options: object) => {
      const p = new PlaybackPipeline({ outputRate: 48000, ...fixedZero, ...options });
      p.pushPcm16(tone(2400), 'a'); // 100 ms
      const first = readQuanta(p, 75); // 200 ms
      p.pushPcm16(tone(4800, 2400), 'a'); // the rest comes late
      const second = readQuanta(p, 40);
      const out = new Float32Array(first.out.length + second.out.length);
      out.set(first.out);
      out.set(second.out, first.out.length);
      return { out, p };
    };
    const hard = run({ fadeMs: 0 });
    expect(maxStep(hard.out)).toBeGreaterThan(5 * STEADY_STEP); // 0.2-0.424 depending on the phase
    expect(hard.p.stats.underruns).toBe(1);
    const soft = run({});
    expect(maxStep(soft.out)).toBeLessThanOrEqual(STEADY_STEP * 1.001);
    expect(soft.p.stats.underruns).toBe(1);
    // both fades went through (out then in), and nothing was lost: every frame pushed so far played or waits
    expect(soft.p.stats.fadedFrames).toBeGreaterThanOrEqual(2 * 239);
    expect(soft.p.stats.playedFrames + soft.p.bufferedFrames).toBe(hard.p.stats.playedFrames + hard.p.bufferedFrames);
  });

  it('an item that ended mid-wave, with the next one right behind it: no step above the steady one', () => {
    const run = (options: object) => {
      const p = new PlaybackPipeline({ outputRate: 48000, ...fixedZero, ...options });
      p.pushPcm16(tone(3001), 'a'); // cut mid-wave
      p.pushPcm16(tone(4800, 777), 'b'); // starts mid-wave; a ends here
      p.endItem('b');
      return readQuanta(p, 100).out;
    };
    expect(maxStep(run({ fadeMs: 0 }))).toBeGreaterThan(0.1);
    expect(maxStep(run({}))).toBeLessThanOrEqual(STEADY_STEP * 1.001);
  });

  it('counts frames at any gain as played: the same playedMs with and without fades, and a default-playout truncate is exact', () => {
    const cut = (options: object) => {
      const p = new PlaybackPipeline({ outputRate: 44100, ...options });
      p.pushPcm16(patternPcm(12000, 3), 'a');
      p.endItem('a');
      p.pushPcm16(patternPcm(12000, 4), 'b');
      readQuanta(p, 190); // a played (24000/24000 s = 0.5 s = 22050 frames), b started
      return p.interrupt();
    };
    const exact = cut(EXACT_PLAYOUT);
    expect(exact.itemId).toBe('b');
    expect(cut({})).toEqual(exact);
    expect(exact.playedFrames).toBe(Math.floor(((190 * 128 - 22050) * 24000) / 44100));
  });
});

describe('ArrivalStats and DelayManager', () => {
  it('relative delay: (now - first arrival) - frames written before; peak per item; frame-weighted quantiles', () => {
    const stats = new ArrivalStats(48000, 48000);
    const item = new PlaybackItem();
    item.reset('a');
    stats.begin(item, 1000);
    expect(stats.arrive(item, 1000, 0, 960)).toBe(0);
    expect(stats.arrive(item, 1960, 960, 960)).toBe(0); // realtime
    expect(stats.arrive(item, 4000, 1920, 960)).toBe(1080); // 22.5 ms late
    expect(stats.arrive(item, 2500, 2880, 9600)).toBe(-1380); // ahead
    expect(item.peakDelayFrames).toBe(1080);
    // 10 ms buckets (480 frames): 960 + 960 + 9600 frames at <= 0, 960 frames in (960, 1440]
    expect(stats.quantileFrames(0.9)).toBe(0);
    expect(stats.quantileFrames(0.95)).toBe(1440);
    expect(stats.lateArrivals).toBe(1);
  });

  it('the start delay grows at once to the 0.9 quantile plus the reserve, shrinks 25% of the excess per item, within bounds', () => {
    const stats = new ArrivalStats(48000, 48000);
    const delay = new DelayManager({ minFrames: 960, maxFrames: 9600, startFrames: 960, reserveFrames: 368, marginFrames: 2880 });
    const item = new PlaybackItem();
    item.reset('a');
    stats.begin(item, 0);
    stats.arrive(item, 0, 0, 960);
    delay.arrival(stats, item.peakDelayFrames);
    expect(delay.targetFrames).toBe(960); // the quantile is 0: the minimum
    stats.arrive(item, 24960, 960, 9600); // 200 ms of audio, 500 ms late
    delay.arrival(stats, item.peakDelayFrames);
    expect(delay.targetFrames).toBe(9600); // 0.9 quantile 24480 + 368, capped at max
    expect(delay.rebufferFrames).toBe(9600);
    for (let k = 0; k < 12; k++) stats.arrive(item, 30000, 40000 + k * 20000, 20000); // a lot of audio ahead: the quantile falls to 0
    delay.itemEnded(stats);
    expect(delay.targetFrames).toBe(Math.round(9600 - (9600 - 960) * 0.25));
    delay.itemEnded(stats);
    expect(delay.targetFrames).toBe(Math.round(7440 - (7440 - 960) * 0.25));
    const fixed = new DelayManager({ minFrames: 4800, maxFrames: 4800, startFrames: 4800, reserveFrames: 368, marginFrames: 2880 });
    fixed.arrival(stats, 1e9);
    expect(fixed.targetFrames).toBe(4800);
    expect(fixed.rebufferFrames).toBe(4800);
  });

  it('after an underrun an item resumes once it has waited as long as its latest arrival, plus 30 ms and the reserve, with as much audio buffered', () => {
    const p = new PlaybackPipeline({ outputRate: 48000, fadeMs: 0 });
    p.pushPcm16(tone(4800), 'a'); // 200 ms at clock 0
    const out = new Float32Array(128);
    let q = 0;
    for (; q < 150; q++) p.read(out); // clock 19200: it started at 960 (20 ms) and ran dry
    const played = p.stats.playedFrames; // what the resampler had output (a partial block waits)
    expect(p.stats.underruns).toBe(1);
    p.pushPcm16(tone(12000, 4800), 'a'); // the rest arrives at 19200: (19200 - 0) - played late
    const late = 19200 - played;
    const rebuffer = late + 1440 + 128; // + 30 ms + the reserve (a quantum; no fade)
    expect(p.bufferedFrames).toBeGreaterThanOrEqual(rebuffer); // the audio is there: the time decides
    let resumedAt = -1;
    for (; q < 400 && resumedAt < 0; q++) {
      const n = p.read(out);
      if (n > 0) resumedAt = q * 128 + 128 - n;
    }
    // it resumes at the frame where waited = clock - first arrival (0) - played reaches the rebuffer delay
    expect(resumedAt).toBe(played + rebuffer);
    expect(p.stats.underrunFrames).toBe(resumedAt - (960 + played));
    expect(p.stats.underruns).toBe(1);
  });
});

describe('OutputLimiter', () => {
  it('off by default; on, a full-scale square wave (resampler overshoot above 1) stays under -1 dBFS', () => {
    const square = new Int16Array(24000).map((_, i) => (Math.floor(i / 12) % 2 === 0 ? 32767 : -32768));
    const run = (options: object) => {
      const p = new PlaybackPipeline({ outputRate: 48000, ...options });
      p.pushPcm16(square, 'a');
      p.endItem('a');
      return { out: readQuanta(p, 380).out, p };
    };
    const plain = run({});
    const peak = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak(plain.out)).toBeGreaterThan(1);
    expect(plain.p.stats.limitedFrames).toBe(0);
    const limited = run({ limiter: true });
    expect(peak(limited.out)).toBeLessThanOrEqual(10 ** (-1 / 20) * (1 + 1e-6));
    expect(limited.p.stats.limitedFrames).toBeGreaterThan(1000);
    const deeper = run({ limiter: { thresholdDb: -6, releaseMs: 50 } });
    expect(peak(deeper.out)).toBeLessThanOrEqual(10 ** (-6 / 20) * (1 + 1e-6));
  });
});

describe('playout options', () => {
  it('are checked with clear OptionsErrors', () => {
    const make = (options: object) => () => new PlaybackPipeline({ outputRate: 48000, ...options });
    expect(make({ minPlayoutMs: 300, maxPlayoutMs: 200 })).toThrow(/minPlayoutMs \(300\) must not exceed maxPlayoutMs \(200\)/);
    expect(make({ minPlayoutMs: 50, playbackStartMs: 20 })).toThrow(/playbackStartMs \(20\) must be within minPlayoutMs..maxPlayoutMs \(50..1000\)/);
    expect(make({ fadeMs: 51 })).toThrow(OptionsError);
    expect(make({ limiter: 'yes' })).toThrow(/limiter must be true, false or/);
    expect(make({ limiter: { thresholdDb: 3 } })).toThrow(/limiter.thresholdDb must be a number from -30 to 0/);
    // playbackStartMs alone sets the bounds around it (0: play at once, as the old default)
    expect(new PlaybackPipeline({ outputRate: 48000, playbackStartMs: 0 }).playoutDelayMs).toBe(0);
    expect(new PlaybackPipeline({ outputRate: 48000, playbackStartMs: 1500 }).playoutDelayMs).toBe(1500);
    expect(new PlaybackPipeline({ outputRate: 48000 }).playoutDelayMs).toBe(20);
  });
});
