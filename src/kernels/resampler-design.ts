// Resampler filter design: rate validation, the rational ratio L/M, the lowpass prototype h and
// its polyphase table (row p, column j = h[p + (K - 1 - j) L], as assembly/resample.ts reads it).
//
// The specification is set relative to the lower of the two rates, fLow: pass band up to
// `passband * fLow` within +-0.1 dB, stop band from fLow / 2 (the lower rate's Nyquist, so that
// no tone above the output Nyquist aliases back and no image lands below the input one) with at
// least the preset's rejection. The prototype runs at L x inputRate = R x fLow, and comes from
// one of two designs:
// - R = 2, 3 or 4 (every pair with a target in DESIGN.md except those between the 44.1 and 48 kHz
//   families: 48 -> 24, 24 -> 48, 16 -> 24, 24 -> 16, 8 -> 24, 32 -> 24, 96 -> 24...): minimax
//   prototypes designed offline by linear programming, one per R and quality
//   (assembly/resample-prototypes.ts, made by scripts/resampler-prototypes.py, which records
//   their specifications and measured figures). 'high' is flat within +-0.0002 dB up to 0.40
//   fLow (where it agrees with sox's reference to about -93 dB) and within +-0.05 dB up to 0.45,
//   and its stop band from 0.5 is 100 dB down once a tone's images add up: 88-94 periods of fLow,
//   20-25% shorter than the Kaiser design below for the same targets (whose ripple is equal in
//   both bands). 'voice': +-0.05 dB up to 0.42, 74 dB, 41-45 periods.
// - Other ratios (R = 6, 12 within a family, e.g. 8 -> 48 or 96 -> 8, and R = 80..320 between
//   the families, too long to design by linear programming): Kaiser-windowed sinc, whose stop
//   band falls with frequency (so that many images of one tone stay below the target, where a
//   flat minimax stop band would add them up). Kaiser's window gives equal ripple in both bands, far
//   tighter than 0.1 dB in the pass band; the sinc cutoff is therefore placed above the pass band
//   edge, where the response is still within 0.1 dB, which buys about 20% of length over the
//   textbook design (J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window
//   function", 1974). The window spans `spanLow` periods of fLow whatever the rates. Parameters
//   found by a grid search over (span, beta, cutoff) on the continuous-time response (fine
//   sampling, worst case over the stop band up to 3 x fLow):
//     high:  span 116, beta 10.5, cutoff 0.471: pass band within 0.049 dB to 0.45, stop -104.6 dB
//     voice: span 56,  beta 7.5,  cutoff 0.455: pass band within 0.056 dB to 0.42, stop  -76.3 dB
// Every pair is confirmed by test/quality/resampler-quality.test.ts. Latency: the prototype's
// centre, (N - 1) / 2 samples at R x fLow.
import { OptionsError, RealtimePcmError } from '../errors.js';
import { kernels } from '../wasm/load.js';

/** Resampler quality: 'high' (>= 96 dB rejection, flat to 0.45 x the lower rate) or 'voice' (>= 70 dB, flat to 0.42 x, about half the latency). */
export type ResamplerQuality = 'voice' | 'high';

/** Sample rates the resampler accepts, any pair. */
export const SUPPORTED_SAMPLE_RATES: readonly number[] = Object.freeze([8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000]);

/** A quality's targets, and the Kaiser window of the pairs without a minimax prototype (R other than 2, 3, 4). */
export interface QualityPreset {
  /** Pass band edge (within +-0.1 dB) as a fraction of the lower rate. */
  readonly passband: number;
  /** Kaiser window length in periods of the lower rate (latency = spanLow / 2 periods). */
  readonly spanLow: number;
  /** Kaiser window beta. */
  readonly beta: number;
  /** Sinc cutoff (-6 dB point) as a fraction of the lower rate. */
  readonly cutoff: number;
  /** Aliasing/imaging rejection the design meets, dB (asserted by the quality battery). */
  readonly rejectionDb: number;
}

/** Each quality's targets (pass band, rejection) and the Kaiser window of its pairs without a minimax prototype. */
export const QUALITY_PRESETS: Readonly<Record<ResamplerQuality, QualityPreset>> = Object.freeze({
  high: Object.freeze({ passband: 0.45, spanLow: 116, beta: 10.5, cutoff: 0.471, rejectionDb: 96 }),
  voice: Object.freeze({ passband: 0.42, spanLow: 56, beta: 7.5, cutoff: 0.455, rejectionDb: 70 }),
});

/** Which kernel runs a design: assembly/resample-lanes.ts, resample-taps.ts, resample-double.ts, resample-half.ts, or a copy. */
export type ResamplerMode = 'copy' | 'lanes' | 'taps' | 'double' | 'half';

/** The lanes kernel computes 8 outputs of a row together: for ratios with at most this many rows and this step. */
const LANES_MAX_RATIO_TERM = 12;

export interface ResamplerDesign {
  /** Upsampling factor L and downsampling factor M, in lowest terms (output = input * L / M). */
  readonly up: number;
  readonly down: number;
  /** Taps per row K ('lanes': a multiple of 3, 'taps': a multiple of 8; 'double', 'half': d, the prototype being 4d + 1 long), 0 for equal rates. */
  readonly taps: number;
  /** Prototype centre D in samples at L x inputRate (the group delay). */
  readonly delay: number;
  /** L rows of K coefficients: row p column j holds h[p + (K - 1 - j) L] (zero past the prototype); 'double', 'half': h[0..2d], each 4 times. */
  readonly table: Float32Array;
  readonly mode: ResamplerMode;
  readonly latencyMs: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Throws OptionsError unless `rate` is one of SUPPORTED_SAMPLE_RATES. */
export function checkRate(name: string, rate: unknown): number {
  if (typeof rate !== 'number' || !SUPPORTED_SAMPLE_RATES.includes(rate)) {
    const shown = typeof rate === 'number' ? String(rate) : typeof rate;
    throw new OptionsError(`Resampler: ${name} ${shown} is not supported; use one of ${SUPPORTED_SAMPLE_RATES.join(', ')} Hz (any pair)`);
  }
  return rate;
}

/** Throws OptionsError unless `quality` is 'voice', 'high' or undefined (= 'high'). */
export function checkQuality(quality: unknown): ResamplerQuality {
  if (quality === undefined) return 'high';
  if (quality === 'high' || quality === 'voice') return quality;
  throw new OptionsError(`Resampler: quality ${JSON.stringify(quality)} is not supported; use 'high' (default) or 'voice'`);
}

/** Modified Bessel function of the first kind, order 0 (power series; converges for the betas used). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 100; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

interface PrototypeExports {
  rs_prototype(quality: number, ratio: number): number;
  rs_prototype_length(quality: number, ratio: number): number;
}

/** Ratios R with a minimax prototype (assembly/resample-prototypes.ts). */
const MINIMAX_RATIOS: readonly number[] = [2, 3, 4];

/** The minimax prototype for R = `ratio` (assembly/resample-prototypes.ts), mirrored to its full length. */
function minimaxPrototype(quality: ResamplerQuality, ratio: number): Float64Array {
  const heap = kernels();
  const wasm = heap.exports as unknown as PrototypeExports;
  const q = quality === 'high' ? 0 : 1;
  const ptr = wasm.rs_prototype(q, ratio);
  const length = wasm.rs_prototype_length(q, ratio);
  if (ptr === 0) throw new RealtimePcmError('internal', `Resampler: no prototype for R = ${ratio}`);
  const half = new Float32Array((length + 1) / 2);
  heap.read(ptr, half);
  const h = new Float64Array(length);
  for (let k = 0; k < length; k++) h[k] = half[Math.min(k, length - 1 - k)]!;
  return h;
}

/** Kaiser-windowed sinc prototype of odd length at R = `ratio`, unnormalised. */
function kaiserPrototype(quality: ResamplerQuality, ratio: number): Float64Array {
  const preset = QUALITY_PRESETS[quality];
  const length = 2 * Math.round((preset.spanLow * ratio) / 2) + 1;
  const centre = (length - 1) / 2;
  const fc = preset.cutoff / ratio; // cycles per prototype sample
  const i0Beta = besselI0(preset.beta);
  const h = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    const t = k - centre;
    const r = t / centre;
    const w = besselI0(preset.beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    const x = 2 * fc * t;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    h[k] = 2 * fc * sinc * w;
  }
  return h;
}

/** Designs the polyphase table for one rate pair and quality (allocates; construction time). */
export function designResampler(inputRate: number, outputRate: number, quality: ResamplerQuality): ResamplerDesign {
  const g = gcd(inputRate, outputRate);
  const up = outputRate / g;
  const down = inputRate / g;
  if (up === down) return { up: 1, down: 1, taps: 0, delay: 0, table: new Float32Array(0), latencyMs: 0, mode: 'copy' };
  const protoRate = inputRate * up;
  const ratio = protoRate / Math.min(inputRate, outputRate);
  const minimax = MINIMAX_RATIOS.includes(ratio);
  const h = minimax ? minimaxPrototype(quality, ratio) : kaiserPrototype(quality, ratio);
  const centre = (h.length - 1) / 2;
  const latencyMs = (centre / protoRate) * 1000;
  // Gain L at the prototype rate, so that each of the L rows sums to about 1: the minimax
  // prototypes are designed with unit gain within their tolerance (renormalising at DC would move
  // the whole pass band by that error); the Kaiser prototype is normalised at DC.
  let sum = 0;
  for (const v of h) sum += v;
  const scale = minimax ? up : up / sum;
  if (((up === 2 && down === 1) || (up === 1 && down === 2)) && centre % 2 === 0) {
    // Exact doubling or halving of a prototype 4d + 1 long: the folded kernels, h[0..2d] pre-splatted.
    const table = new Float32Array(4 * (centre + 1));
    for (let k = 0; k <= centre; k++) table.fill(h[k]! * scale, 4 * k, 4 * k + 4);
    return { up, down, taps: centre / 2, delay: centre, table, latencyMs, mode: up === 2 ? 'double' : 'half' };
  }
  const mode: ResamplerMode = up <= LANES_MAX_RATIO_TERM && down <= LANES_MAX_RATIO_TERM ? 'lanes' : 'taps';
  const granule = mode === 'lanes' ? 3 : 8;
  const taps = Math.ceil(h.length / up / granule) * granule;
  const table = new Float32Array(taps * up);
  for (let p = 0; p < up; p++) {
    for (let j = 0; j < taps; j++) {
      const k = p + (taps - 1 - j) * up;
      if (k < h.length) table[p * taps + j] = h[k]! * scale;
    }
  }
  return { up, down, taps, delay: centre, table, latencyMs, mode };
}
