// The device's own loudness processing after the reference tap (aec-drc): what a laptop or phone
// does to what the app plays before it reaches the speaker. The canceller's reference is what the
// app played; the echo is this processing's output through the room, so the echo path's gain moves
// with the reply's level (a nonlinear, time-varying path no linear filter models exactly).
//
// The model (deterministic: no random part, so a scene's seed means what it meant before): a
// feed-forward compressor with an RMS detector, as Giannoulis, Massberg and Reiss lay it out
// ("Digital Dynamic Range Compressor Design - A Tutorial and Analysis", JAES 60(6), 2012): the
// level is the mean square over `rmsMs` (one pole), the static curve (threshold, ratio, a soft knee
// of `kneeDb`) gives the gain reduction in dB, smoothed in the dB domain with `attackMs` while the
// reduction grows and `releaseMs` while it shrinks (their "smooth branching" detector placed after
// the gain computer), then `makeupDb`; optionally split into two bands at `crossoverHz` (a
// 4th-order Linkwitz-Riley crossover, each band its own compressor, summed) as speaker-protection
// and class-D amplifier DSPs do; then a peak limiter (instantaneous level, infinite ratio above
// `ceilingDb`, attack and release smoothing, no lookahead) after `preGainDb`.
//
// Typical settings, where they come from (none of the vendors publishes the exact tuning of a
// given laptop or phone; these are values within the published ranges):
// - Android's DynamicsProcessing effect (API 28; android.media.audiofx.DynamicsProcessing): a
//   multi-band compressor and a final Limiter stage, each with attackTime / releaseTime (ms), ratio,
//   threshold (dBFS) and postGain (make-up, dB); the limiter is "a single band compressor at the end
//   of the processing chain, commonly used to protect the signal from overloading". Android's AAC
//   decoder targets -16 dBFS with heavy compression for mobile playback
//   (DRC_DEFAULT_MOBILE_REF_LEVEL in C2SoftAacDec: a quiet passage is lifted, a loud one cut).
// - TI's class-D amplifier DSPs (TAS5822M / TAS5825M process flows, SLUUDP0 / SLAAE48): a 2-band
//   feed-forward DRC on "an estimate of the alpha filter energy" with separate Energy, Attack and
//   Decay time constants per band and a crossover, then AGL (an automatic gain limiter) and a
//   clipper; the default DRC threshold register reads -25 dB; smart-amp speaker protection tunes
//   attack, decay and energy against the speaker's excursion and power limits.
// - Windows "loudness equalization" (the Enhancements tab of a playback device; Realtek and Dolby
//   ship their own): an automatic volume control with a user-set release time, no published curve:
//   modelled as a mild, slow, low-ratio compressor with make-up.
// - Compressor practice (the Giannoulis paper; the qaac and Unity compressor docs): attack 1-50 ms,
//   release 50-1000 ms, ratios 2:1 to 8:1, make-up to restore loudness; a limiter's attack under
//   1 ms, release ~50 ms.
// The lab's replies are -20 dBFS active RMS, peaks -1.2 to -1.8 dBFS, 20 ms frames -45 / -24 / -15
// dBFS at their 10th / 50th / 90th percentiles: each setting below says what it does to them.

import { butterworth, filterBiquad } from './biquad.js';

export interface CompressorSettings {
  thresholdDb: number;
  /** N:1 above the threshold. */
  ratio: number;
  /** Width of the soft knee around the threshold, dB (0: hard). */
  kneeDb: number;
  /** Time constant of the RMS detector's mean square, ms. */
  rmsMs: number;
  attackMs: number;
  releaseMs: number;
  makeupDb: number;
}

export interface LimiterSettings {
  /** Gain in front of the limiter (a phone at full volume drives it), dB. */
  preGainDb: number;
  /** Peak level the limiter holds, dBFS. */
  ceilingDb: number;
  attackMs: number;
  releaseMs: number;
}

export interface DrcSettings {
  name: DrcName;
  what: string;
  /** One compressor (broadband), or two split at `crossoverHz`; none: the limiter alone. */
  bands: CompressorSettings[];
  crossoverHz?: number;
  limiter: LimiterSettings;
}

export type DrcName = 'loudness' | 'compressor' | 'limiter' | 'two-band';

/** Every chain ends in a protection limiter at -1 dBFS (1 ms attack, 50 ms release). */
const PROTECT: LimiterSettings = { preGainDb: 0, ceilingDb: -1, attackMs: 1, releaseMs: 50 };

export const DRC_SETTINGS: Record<DrcName, DrcSettings> = {
  // frames -24 -> -21, -15 -> -16.5, -45 -> -39 dBFS: a 30 dB spread made ~22
  loudness: {
    name: 'loudness',
    what: 'mild loudness equalization: 2:1 over -30 dBFS (10 dB knee), RMS 30 ms, attack 30 ms, release 300 ms, +6 dB',
    bands: [{ thresholdDb: -30, ratio: 2, kneeDb: 10, rmsMs: 30, attackMs: 30, releaseMs: 300, makeupDb: 6 }],
    limiter: PROTECT,
  },
  // frames -24 -> -16, -15 -> -14, -45 -> -25 dBFS: the spread made ~11 dB, pauses' tails lifted 20 dB
  compressor: {
    name: 'compressor',
    what: 'strong: 4:1 over -40 dBFS (6 dB knee), RMS 10 ms, attack 5 ms, release 100 ms, +20 dB, limiter at -1 dBFS',
    bands: [{ thresholdDb: -40, ratio: 4, kneeDb: 6, rmsMs: 10, attackMs: 5, releaseMs: 100, makeupDb: 20 }],
    limiter: PROTECT,
  },
  // peaks +10 dBFS into a -1 dBFS ceiling: the loudest 10% of frames limited by up to ~11 dB
  limiter: {
    name: 'limiter',
    what: 'fast limiter, a phone at full volume: +12 dB into a -1 dBFS peak limiter, attack 0.1 ms, release 50 ms',
    bands: [],
    limiter: { preGainDb: 12, ceilingDb: -1, attackMs: 0.1, releaseMs: 50 },
  },
  // speaker protection on a small speaker: the lows (excursion) compressed hard and fast, the highs mildly
  'two-band': {
    name: 'two-band',
    what: 'speaker protection, 2 bands at 800 Hz: lows 6:1 over -36 dBFS (attack 2 ms, release 150 ms, +10 dB), highs 2:1 over -30 dBFS (attack 10 ms, release 200 ms, +8 dB), limiter at -1 dBFS',
    crossoverHz: 800,
    bands: [
      { thresholdDb: -36, ratio: 6, kneeDb: 6, rmsMs: 5, attackMs: 2, releaseMs: 150, makeupDb: 10 },
      { thresholdDb: -30, ratio: 2, kneeDb: 6, rmsMs: 10, attackMs: 10, releaseMs: 200, makeupDb: 8 },
    ],
    limiter: PROTECT,
  },
};

/** One-pole smoothing coefficient for a time constant of `ms` at `sampleRate`. */
const pole = (ms: number, sampleRate: number) => (ms <= 0 ? 0 : Math.exp(-1 / ((ms / 1000) * sampleRate)));

/** The static curve: gain reduction (<= 0 dB) at input level `x` dB (Giannoulis et al., soft knee). */
export function gainReductionDb(x: number, c: Pick<CompressorSettings, 'thresholdDb' | 'ratio' | 'kneeDb'>): number {
  const over = x - c.thresholdDb;
  if (2 * over < -c.kneeDb) return 0;
  if (2 * Math.abs(over) <= c.kneeDb && c.kneeDb > 0) return ((1 / c.ratio - 1) * (over + c.kneeDb / 2) ** 2) / (2 * c.kneeDb);
  return (1 / c.ratio - 1) * over;
}

/** Compresses `x` in place. */
function compress(x: Float64Array, c: CompressorSettings, sampleRate: number): void {
  const aRms = pole(c.rmsMs, sampleRate);
  const aAtt = pole(c.attackMs, sampleRate);
  const aRel = pole(c.releaseMs, sampleRate);
  let ms = 0;
  let smooth = 0;
  for (let t = 0; t < x.length; t++) {
    ms = aRms * ms + (1 - aRms) * x[t]! * x[t]!;
    const target = gainReductionDb(10 * Math.log10(ms + 1e-20), c);
    const a = target < smooth ? aAtt : aRel;
    smooth = a * smooth + (1 - a) * target;
    const g = smooth + c.makeupDb;
    x[t]! *= 10 ** (g / 20);
  }
}

/** The peak limiter (after its pre-gain) in place. */
function limit(x: Float64Array, l: LimiterSettings, sampleRate: number): void {
  const aAtt = pole(l.attackMs, sampleRate);
  const aRel = pole(l.releaseMs, sampleRate);
  let smooth = 0;
  for (let t = 0; t < x.length; t++) {
    const level = 20 * Math.log10(Math.abs(x[t]!) + 1e-20) + l.preGainDb;
    const target = Math.min(0, l.ceilingDb - level);
    const a = target < smooth ? aAtt : aRel;
    smooth = a * smooth + (1 - a) * target;
    const g = smooth + l.preGainDb;
    x[t]! *= 10 ** (g / 20);
  }
}

/** A 2nd-order Butterworth section, run in place. */
function biquad(x: Float64Array, kind: 'low' | 'high', hz: number, sampleRate: number): void {
  filterBiquad(x, x, butterworth(kind, hz, sampleRate));
}

export interface DrcResult {
  /** What the speaker is driven with. */
  output: Float64Array;
  /** The chain's broadband gain per 10 ms frame where the input is over -60 dBFS (output over input power), dB. */
  frameGainsDb: number[];
}

/**
 * `played` through the device's processing `s` (a new array). With two bands the bands are a
 * Linkwitz-Riley pair (two Butterworth sections each: the sum is an allpass of the input).
 */
export function applyDrc(played: Float64Array, s: DrcSettings, sampleRate: number): DrcResult {
  let y: Float64Array;
  if (s.bands.length === 0) y = Float64Array.from(played);
  else if (s.bands.length === 1) {
    y = Float64Array.from(played);
    compress(y, s.bands[0]!, sampleRate);
  } else {
    const hz = s.crossoverHz ?? 1000;
    const low = Float64Array.from(played);
    const high = Float64Array.from(played);
    biquad(low, 'low', hz, sampleRate);
    biquad(low, 'low', hz, sampleRate);
    biquad(high, 'high', hz, sampleRate);
    biquad(high, 'high', hz, sampleRate);
    compress(low, s.bands[0]!, sampleRate);
    compress(high, s.bands[1]!, sampleRate);
    y = new Float64Array(played.length);
    for (let t = 0; t < y.length; t++) y[t] = low[t]! + high[t]!;
  }
  limit(y, s.limiter, sampleRate);
  const frame = Math.round(sampleRate / 100);
  const frameGainsDb: number[] = [];
  for (let at = 0; at + frame <= played.length; at += frame) {
    let pin = 0;
    let pout = 0;
    for (let t = at; t < at + frame; t++) {
      pin += played[t]! * played[t]!;
      pout += y[t]! * y[t]!;
    }
    if (pin / frame > 1e-6) frameGainsDb.push(10 * Math.log10(pout / pin));
  }
  return { output: y, frameGainsDb };
}

/** The spread of a chain's frame gains: their 5th and 95th percentiles, dB. */
export function gainSpreadDb(frameGainsDb: number[]): [number, number] {
  const g = [...frameGainsDb].sort((a, b) => a - b);
  if (g.length === 0) return [0, 0];
  return [g[Math.floor(0.05 * (g.length - 1))]!, g[Math.floor(0.95 * (g.length - 1))]!];
}
