// The echo lab checked against what it claims (test/helpers/echo-*.ts, scripts/echo-rooms.mjs),
// independently of the generator where it can be: the committed rooms' decay and direct-to-
// reverberant ratios recomputed here, the image method's direct path and first reflection against
// closed-form geometry, the 16 kHz files reproduced from the geometry, the scenes' levels and
// parts, the noise's slope, and the metrics on outputs whose figures are known by construction
// (an oracle that removes exactly the echo, a muting one, a scaled echo, a burst of leak frames, a
// wrong latency).
// Cost: about 5 s.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOMS, roomResponses } from '../../scripts/echo-rooms.mjs';
import { checkAlignment, issue13Failures, leakFrames, measureEcho } from '../helpers/echo-metrics.js';
import { buildScene, tanhThd, type EchoScene } from '../helpers/echo-scenes.js';
import { OUTSIDE_ROOMS, outsideManifest } from '../helpers/echo-outside.js';
import { colouredNoise, fft, loadRoom, roomsManifest, type RoomName } from '../helpers/echo-sources.js';
import { FIXTURES } from '../helpers/labels-vad.js';
import { goertzelPower } from '../helpers/spectrum.mjs';

const C = 343;
const ALL: RoomName[] = ['laptop', 'desk', 'kiosk', 'car', 'phone', 'conference'];

/** T30 by least squares on the Schroeder curve from -5 to -35 dB (written here, not imported). */
function t30(h: Float64Array, rate: number): number {
  let total = 0;
  for (const v of h) total += v * v;
  let tail = total;
  const pts: [number, number][] = [];
  for (let i = 0; i < h.length; i++) {
    const level = 10 * Math.log10(tail / total);
    if (level <= -5 && level >= -35) pts.push([i / rate, level]);
    tail -= h[i]! * h[i]!;
  }
  const n = pts.length;
  const mt = pts.reduce((a, p) => a + p[0], 0) / n;
  const ml = pts.reduce((a, p) => a + p[1], 0) / n;
  const slope = pts.reduce((a, p) => a + (p[0] - mt) * (p[1] - ml), 0) / pts.reduce((a, p) => a + (p[0] - mt) ** 2, 0);
  return -60 / slope;
}

function drrDb(h: Float64Array, directSamples: number, rate: number): number {
  let direct = 0;
  let rest = 0;
  h.forEach((v, i) => {
    if (Math.abs(i - directSamples) <= 0.0025 * rate) direct += v * v;
    else rest += v * v;
  });
  return 10 * Math.log10(direct / rest);
}

describe('rooms (fixtures/echo-rooms)', () => {
  it('every response decays at its target RT60 within 10% (T30 recomputed here)', () => {
    for (const name of ALL) {
      const r = loadRoom(name, 16000);
      for (const h of [r.echoA, r.echoB, r.user]) expect(t30(h, 16000) / r.room.rt60, name).toBeGreaterThan(0.9);
      for (const h of [r.echoA, r.echoB, r.user]) expect(t30(h, 16000) / r.room.rt60, name).toBeLessThan(1.1);
    }
  });

  it('direct-to-reverberant ratio: the kiosk and the conference room have the direct path below the reverberation, the laptop and the phone far above', () => {
    const drr = (name: RoomName) => drrDb(loadRoom(name, 16000).echoA, loadRoom(name, 16000).directA, 16000);
    expect(drr('kiosk')).toBeLessThanOrEqual(0);
    expect(drr('conference')).toBeLessThanOrEqual(0);
    expect(drr('laptop')).toBeGreaterThan(15);
    expect(drr('phone')).toBeGreaterThan(10);
  });

  it('the direct path arrives at d / c with amplitude 1, the first wall reflection at its image distance with beta d0 / d1 (geometry, user path)', () => {
    for (const name of ['laptop', 'desk', 'kiosk'] as const) {
      const room = ROOMS.find((x) => x.name === name)!;
      const beta = roomsManifest().rooms.find((x) => x.name === name)!.beta;
      const rate = 16000;
      const h = loadRoom(name, rate).user;
      const d0 = Math.hypot(...room.user.map((v, i) => v - room.mic[i]!));
      // The six first-order images: mirror one coordinate in one wall.
      const firsts: number[] = [];
      for (let axis = 0; axis < 3; axis++) {
        for (const wall of [0, room.dims[axis]!]) {
          const image = [...room.user];
          image[axis] = 2 * wall - image[axis]!;
          firsts.push(Math.hypot(...image.map((v, i) => v - room.mic[i]!)));
        }
      }
      const d1 = Math.min(...firsts);
      // Peaks: search +-2 samples around the expected arrival; the fractional-delay sinc peaks at
      // the nearest sample with (nearly) the full amplitude when the fraction is small, so compare
      // against the sinc at that fraction.
      const peakNear = (t: number) => {
        let best = 0;
        for (let i = Math.floor(t) - 2; i <= Math.ceil(t) + 2; i++) if (Math.abs(h[i]!) > Math.abs(best)) best = h[i]!;
        return best;
      };
      const sincAt = (t: number) => {
        const frac = Math.abs(t - Math.round(t));
        return frac === 0 ? 1 : Math.sin(Math.PI * frac) / (Math.PI * frac);
      };
      const t0 = (d0 / C) * rate;
      const t1 = (d1 / C) * rate;
      expect(peakNear(t0) / sincAt(t0), `${name} direct`).toBeCloseTo(1, 1);
      expect(peakNear(t1) / sincAt(t1) / ((beta * d0) / d1), `${name} first reflection`).toBeGreaterThan(0.85);
      expect(peakNear(t1) / sincAt(t1) / ((beta * d0) / d1), `${name} first reflection`).toBeLessThan(1.15);
    }
  });

  it('the generator reproduces the committed 16 kHz files from the geometry (laptop, car)', () => {
    for (const name of ['laptop', 'car'] as const) {
      const room = ROOMS.find((x) => x.name === name)!;
      const entry = roomsManifest().rooms.find((x) => x.name === name)!;
      const fresh = roomResponses(room, 16000, entry.beta);
      const b = readFileSync(`${FIXTURES}echo-rooms/${name}-echo-a-16000.f32`);
      const committed = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
      expect(fresh.echoA.length).toBe(committed.length);
      let worst = 0;
      fresh.echoA.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(Math.fround(v) - committed[i]!));
      });
      expect(worst, name).toBe(0);
    }
  });
});

describe('scenes (test/helpers/echo-scenes.ts)', () => {
  let s: EchoScene;
  beforeAll(() => {
    s = buildScene({ room: 'desk', sampleRate: 16000, delayMs: 120, erlDb: 12, script: 'call', seed: 5 });
  });

  it('mic = echo + near + noise, exactly, and the same parameters give the same scene', () => {
    for (let i = 0; i < s.mic.length; i += 7) expect(s.mic[i]).toBe(Math.fround(s.echo[i]! + s.near[i]! + s.noise[i]!));
    const again = buildScene({ room: 'desk', sampleRate: 16000, delayMs: 120, erlDb: 12, script: 'call', seed: 5 });
    expect(again.mic).toEqual(s.mic);
  });

  it('levels as asked: echo return loss over the far end active 12 dB, the user -26 dBFS active, noise -70 dBFS RMS', () => {
    const power = (x: Float32Array, iv: [number, number][]) => {
      let e = 0;
      let n = 0;
      for (const [a, b] of iv) for (let i = a; i < b; i++, n++) e += x[i]! ** 2;
      return e / n;
    };
    const shift = Math.round(s.meta.echoDelayMs * 16);
    const shifted = s.labels.far.map(([a, b]) => [a + shift, b + shift] as [number, number]);
    expect(10 * Math.log10(power(s.reference, s.labels.far) / power(s.echo, shifted))).toBeCloseTo(12, 1);
    expect(10 * Math.log10(power(s.near, s.labels.near))).toBeCloseTo(-26, 1);
    expect(10 * Math.log10(power(s.noise, [[0, s.noise.length]]))).toBeCloseTo(-70, 1);
  });

  it('nothing reaches the mic before the reference has played through the delay (the fractional-delay sinc rings at most 16 samples early), and the echo labels follow the far labels by the echo delay', () => {
    const firstSound = s.reference.findIndex((v) => v !== 0);
    const arrival = firstSound + Math.floor(s.meta.echoDelayMs * 16);
    let early = 0;
    for (let i = 0; i < arrival - 16; i++) early += s.echo[i]! ** 2;
    expect(early).toBeLessThan(1e-20); // FFT convolution round-off
    let after = 0;
    for (let i = arrival - 16; i < arrival + 160; i++) after += s.echo[i]! ** 2;
    expect(after).toBeGreaterThan(0);
    const shift = s.events.echoStart - s.labels.far[0]![0];
    expect(shift).toBe(120 * 16 + Math.round(loadRoom('desk', 16000).directA));
    for (const [k, [a, b]] of s.labels.echo.entries()) expect([a - shift, b - shift]).toEqual(s.labels.far[k]);
  });

  it('loudspeaker clipping: tanh driven to 3% THD for a sine at the reference peak; the distortion is far below the echo', () => {
    const c = buildScene({ room: 'desk', sampleRate: 16000, delayMs: 0, erlDb: 12, script: 'call', seed: 5, nonlinear: true });
    let peak = 0;
    for (const v of c.reference) peak = Math.max(peak, Math.abs(v));
    expect(tanhThd(c.meta.drive! * peak)).toBeCloseTo(0.03, 3);
    expect(c.meta.distortionDb!).toBeLessThan(-25);
  });

  it('pink noise falls 3 dB per octave from 125 Hz to 4 kHz (+-0.5 dB per octave), 12 dB per octave below 100 Hz', () => {
    const x = colouredNoise(16000 * 20, 16000, 'pink', -30, 3);
    // Mean power over 9 frequencies within +-10% of hz, 78 segments each: +-0.2 dB of scatter.
    const psd = (hz: number) => {
      let p = 0;
      for (let j = -4; j <= 4; j++) for (let at = 0; at + 4096 <= x.length; at += 4096) p += goertzelPower(x, (hz * (1 + j * 0.025)) / 16000, at, at + 4096);
      return p;
    };
    for (let hz = 125; hz < 4000; hz *= 2) expect(10 * Math.log10(psd(2 * hz) / psd(hz)), `${hz} Hz`).toBeCloseTo(-3, 0);
    expect(10 * Math.log10(psd(80) / psd(40))).toBeCloseTo(12, 0);
  });
});

describe('metrics (test/helpers/echo-metrics.ts) on outputs known by construction', () => {
  let s: EchoScene;
  beforeAll(() => {
    s = buildScene({ room: 'kiosk', sampleRate: 16000, delayMs: 60, erlDb: 6, script: 'cold-start', seed: 2 });
  });

  it('an oracle that removes exactly the echo meets every issue-13 bound; its reduction is the noise ceiling', () => {
    const out = Float32Array.from(s.mic, (v, i) => v - s.echo[i]!);
    const f = measureEcho(s, out, 'oracle');
    expect(issue13Failures(f)).toEqual([]);
    expect(f.singleTalk.reductionDb).toBeCloseTo(f.singleTalk.ceilingDb, 0);
    expect(f.coldStart!.share).toBe(1);
    expect(f.doubleTalk.openingMedianMs).toBe(10);
  });

  it('a scaled echo (10% left, no noise in the sum) reads 20 dB; muting reads no user and 0 dB segSNR', () => {
    const scaled = Float32Array.from(s.near, (v, i) => v + 0.1 * s.echo[i]!);
    expect(measureEcho(s, scaled, 'tenth').singleTalk.reductionDb).toBeCloseTo(20, 1);
    const muted = new Float32Array(s.mic.length);
    const f = measureEcho(s, muted, 'mute');
    expect(f.doubleTalk.cleanShare).toBe(0);
    expect(f.coldStart!.neverPassed).toBe(f.coldStart!.utterances);
    expect(f.userSegSnrDb!).toBeCloseTo(0, 5);
    expect(f.alignment.verified).toBe(false);
  });

  it('leaks: a 40 ms burst at -26 dBFS put into the oracle output 4 s into the echo, where only the echo plays, is 4 leak frames at those times, and the share counts them', () => {
    const size = s.sampleRate / 100;
    const echoOnly = (k: number) =>
      s.labels.echo.some(([a, b]) => a <= k * size && b >= (k + 4) * size) &&
      !s.labels.near.some(([a, b]) => a < (k + 4) * size && b > k * size) &&
      s.near.subarray(k * size, (k + 4) * size).every((v) => v === 0);
    let k = Math.ceil(s.events.echoStart / size) + 400;
    while (!echoOnly(k)) k++;
    const out = Float32Array.from(s.mic, (v, i) => v - s.echo[i]!);
    expect(leakFrames(s, out)).toEqual([]);
    for (let i = k * size; i < (k + 4) * size; i++) out[i] = out[i]! + 0.05;
    const list = leakFrames(s, out);
    expect(list.map((f) => Math.round(f.seconds * 100))).toEqual([k, k + 1, k + 2, k + 3]);
    for (const f of list) expect(10 * Math.log10(f.outPower)).toBeCloseTo(-26, 0);
    const figures = measureEcho(s, out, 'burst');
    expect(figures.singleTalk.leakShare * figures.singleTalk.frames).toBeCloseTo(4, 6);
  });

  it('a wrong declared latency is caught: the output 5 ms late throws', () => {
    const late = new Float32Array(s.mic.length);
    late.set(s.mic.subarray(0, s.mic.length - 80), 80);
    expect(() => checkAlignment(s, late, 'late')).toThrow(/off by 80 samples/);
    expect(checkAlignment(s, s.mic, 'on time').lag).toBe(0);
  });

  it('too few near-only frames cannot tell a lag (a 24-hour soak window had one): not verified, no throw', () => {
    const late = new Float32Array(s.mic.length);
    late.set(s.mic.subarray(0, s.mic.length - 80), 80);
    const size = s.sampleRate / 100;
    // the user kept in the first 9 near-only frames checkAlignment would take, echo everywhere else
    const few: EchoScene = { ...s, near: new Float32Array(s.near.length), labels: { ...s.labels, near: [] } };
    let kept = 0;
    for (const [a, b] of s.labels.near) {
      for (let k = Math.ceil(a / size); (k + 1) * size <= b && kept < 9; k++) {
        let echo = 0;
        let noise = 0;
        let near = 0;
        for (let i = k * size; i < (k + 1) * size; i++) {
          echo += s.echo[i]! ** 2;
          noise += s.noise[i]! ** 2;
          near += s.near[i]! ** 2;
        }
        if (echo > noise || near < 100 * noise) continue;
        few.near.set(s.near.subarray(k * size, (k + 1) * size), k * size);
        few.labels.near.push([k * size, (k + 1) * size]);
        kept++;
      }
    }
    expect(kept).toBe(9);
    const a = checkAlignment(few, late, 'late, 9 frames');
    expect(a.verified).toBe(false);
    // with all the scene's near-only frames the same output throws
    expect(() => checkAlignment(s, late, 'late')).toThrow(/off by 80 samples/);
  });
});

describe('the outside rooms at 24 kHz (test/helpers/echo-outside.ts, aec-outside24)', () => {
  /** The share of a response's first 8192 samples' energy over `hz`, dB. */
  const shareOverDb = (h: Float64Array, rate: number, hz: number) => {
    const re = new Float64Array(8192);
    re.set(h.subarray(0, 8192));
    const im = new Float64Array(8192);
    fft(re, im, false);
    let over = 0;
    let all = 0;
    for (let k = 0; k <= 4096; k++) {
      const p = re[k]! ** 2 + im[k]! ** 2;
      all += p;
      if ((k * rate) / 8192 > hz) over += p;
    }
    return 10 * Math.log10(over / all);
  };
  it('play the responses generated at 24 kHz (their length and onset; their energy over 8 kHz within 15 dB of the whole, measured -5.0 to -12.2 dB), and with `responseFromRate` 16000 the 16 kHz ones resampled (under -45 dB over 8 kHz, measured -49.7 to -71.8)', () => {
    for (const name of OUTSIDE_ROOMS) {
      const at24 = outsideManifest().rooms.find((r) => r.name === name)!.rates!['24000']!;
      const native = loadRoom(name, 24000);
      expect(native.echoA.length, name).toBe(at24.samples);
      expect(native.directA, name).toBe(at24.onsetSamples);
      expect(shareOverDb(native.echoA, 24000, 8000), name).toBeGreaterThan(-15);
      const resampled = loadRoom(name, 24000, 16000);
      expect(shareOverDb(resampled.echoA, 24000, 8000), name).toBeLessThan(-45);
    }
  });
});
