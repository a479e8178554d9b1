// Resampler filter design: rate validation, the rational ratio, and the Kaiser-windowed sinc
// prototype laid out as the polyphase table assembly/resample.ts reads.
//
// The specification is set relative to the lower of the two rates, fLow: pass band up to
// `passband * fLow` within +-0.1 dB, stop band from fLow / 2 (the lower rate's Nyquist, so that
// no tone above the output Nyquist aliases back and no image lands below the input one) with at
// least the preset's rejection. Kaiser's window gives equal ripple in both bands, far tighter than
// 0.1 dB in the pass band; the sinc cutoff is therefore placed above the pass band edge, where
// the response is still within 0.1 dB, which buys about 20% of length over the textbook design
// (J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window function", 1974).
// The window spans `spanLow` periods of fLow whatever the rates, so the latency in ms is fixed
// per lower rate: spanLow / 2 / fLow.
//
// Parameters found by a grid search over (span, beta, cutoff) on the continuous-time response
// (fine sampling, worst case over the stop band up to 3 x fLow) and then confirmed on every rate
// pair by test/quality/resampler-quality.test.ts:
//   high:  span 116, beta 10.5, cutoff 0.471: pass band within 0.049 dB to 0.45, stop -104.6 dB
//   voice: span 56,  beta 7.5,  cutoff 0.455: pass band within 0.056 dB to 0.42, stop  -76.3 dB
// (scratch search: span 100 reaches only -85.7 dB with the 0.1 dB pass band, span 112 -99.9 dB.)
import { OptionsError } from '../errors.js';

/** Resampler quality: 'high' (>= 96 dB rejection, flat to 0.45 x the lower rate) or 'voice' (>= 70 dB, flat to 0.42 x, about half the latency). */
export type ResamplerQuality = 'voice' | 'high';

/** Sample rates the resampler accepts, any pair. */
export const SUPPORTED_SAMPLE_RATES: readonly number[] = Object.freeze([8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000]);

/** The design parameters of one quality (see QUALITY_PRESETS). */
export interface QualityPreset {
  /** Pass band edge (within +-0.1 dB) as a fraction of the lower rate. */
  readonly passband: number;
  /** Window length in periods of the lower rate (latency = spanLow / 2 periods). */
  readonly spanLow: number;
  /** Kaiser window beta. */
  readonly beta: number;
  /** Sinc cutoff (-6 dB point) as a fraction of the lower rate. */
  readonly cutoff: number;
  /** Aliasing/imaging rejection the design meets, dB (asserted by the quality battery). */
  readonly rejectionDb: number;
}

/** The filter design of each quality: pass band, window span and shape, cutoff, the rejection it meets. */
export const QUALITY_PRESETS: Readonly<Record<ResamplerQuality, QualityPreset>> = Object.freeze({
  high: Object.freeze({ passband: 0.45, spanLow: 116, beta: 10.5, cutoff: 0.471, rejectionDb: 96 }),
  voice: Object.freeze({ passband: 0.42, spanLow: 56, beta: 7.5, cutoff: 0.455, rejectionDb: 70 }),
});

export interface ResamplerDesign {
  /** Upsampling factor L and downsampling factor M, in lowest terms (output = input * L / M). */
  readonly up: number;
  readonly down: number;
  /** Taps per phase K (a multiple of 8), 0 for equal rates. */
  readonly taps: number;
  /** Prototype centre D in samples at L x inputRate (the group delay). */
  readonly delay: number;
  /**
   * 'polyphase': L rows of K coefficients, row p column j holds h[p + (K - 1 - j) L].
   * 'half' and 'double' (exact 2:1 and 1:2, assembly/resample-half.ts and resample-double.ts):
   * h[0..D], each repeated 4 times (pre-splatted); `taps` is then d = D / 2.
   * 'interp' (M = 1, L >= 3, assembly/resample-interp.ts): the polyphase rows, each value
   * repeated 4 times.
   */
  readonly table: Float32Array;
  readonly mode: 'polyphase' | 'half' | 'double' | 'interp';
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

/** Designs the polyphase table for one rate pair and quality (allocates; construction time). */
export function designResampler(inputRate: number, outputRate: number, quality: ResamplerQuality): ResamplerDesign {
  const g = gcd(inputRate, outputRate);
  const up = outputRate / g;
  const down = inputRate / g;
  if (up === down) return { up: 1, down: 1, taps: 0, delay: 0, table: new Float32Array(0), latencyMs: 0, mode: 'polyphase' };
  const preset = QUALITY_PRESETS[quality];
  const lowRate = Math.min(inputRate, outputRate);
  const protoRate = inputRate * up;
  // Odd prototype length, so that its centre falls on a sample.
  const length = 2 * Math.round((preset.spanLow * protoRate) / lowRate / 2) + 1;
  const taps = Math.ceil(length / up / 8) * 8;
  const centre = (length - 1) / 2;
  const fc = (preset.cutoff * lowRate) / protoRate; // cycles per prototype sample
  const i0Beta = besselI0(preset.beta);
  const h = new Float64Array(taps * up);
  let sum = 0;
  for (let k = 0; k < length; k++) {
    const t = k - centre;
    const r = t / centre;
    const w = besselI0(preset.beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    const x = 2 * fc * t;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    h[k] = 2 * fc * sinc * w;
    sum += h[k]!;
  }
  // Unity gain at DC: each of the L phases then sums to about 1.
  const scale = up / sum;
  const latencyMs = (centre / protoRate) * 1000;
  const folded = up === 1 && down === 2 ? 'half' : up === 2 && down === 1 ? 'double' : undefined;
  if (folded !== undefined && centre % 2 === 0 && length === 2 * centre + 1) {
    // Folded 2:1 and 1:2 paths: h[0..D] (the rest mirrors it), pre-splatted; `taps` is d = D / 2.
    const table = new Float32Array(4 * (centre + 1));
    for (let k = 0; k <= centre; k++) table.fill(h[k]! * scale, 4 * k, 4 * k + 4);
    return { up, down, taps: centre / 2, delay: centre, table, latencyMs, mode: folded };
  }
  const table = new Float32Array(taps * up);
  for (let p = 0; p < up; p++) {
    for (let j = 0; j < taps; j++) table[p * taps + j] = h[p + (taps - 1 - j) * up]! * scale;
  }
  if (down === 1 && up >= 3) {
    const splat = new Float32Array(4 * table.length);
    for (let k = 0; k < table.length; k++) splat.fill(table[k]!, 4 * k, 4 * k + 4);
    return { up, down, taps, delay: centre, table: splat, latencyMs, mode: 'interp' };
  }
  return { up, down, taps, delay: centre, table, latencyMs, mode: 'polyphase' };
}
