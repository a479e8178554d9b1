// The resampler quality battery (after libsamplerate's snr_bw_test and the Hydrogenaudio SRC
// tests), shared by test/quality and bench/resampler.bench.mjs so that our resampler and the npm
// peers are measured the same way. `convert(input) => output` resamples one whole stream (input
// in, everything out); only a steady-state middle stretch of each output is analysed, so any
// delay up to `guardMs` is tolerated and nothing needs aligning.
//
// For a sine at f (amplitude 0.5) below the input Nyquist:
// - f below the output Nyquist: a 3-parameter sine fit at f gives the gain; what the fit leaves
//   (aliases, images, noise) is the unwanted power.
// - f above the output Nyquist: the tone cannot be represented, so everything that comes out
//   (all of it below the output Nyquist) is unwanted: aliasing.
// Rejection = worst unwanted power relative to the input tone, in dB (positive = below), over
// tones dense near the Nyquist edges where filters are weakest. SNR = fitted tone power over the
// unwanted power, worst over pass band tones.
import { meanSquare, ratioDb, sineFit, tone } from './spectrum.mjs';

const AMPLITUDE = 0.5;

/** The rate pairs DESIGN.md section 4 sets targets for: every rate to 24 kHz, and 24 kHz to 16, 44.1, 48. */
export const TARGET_PAIRS = Object.freeze([
  [8000, 24000],
  [11025, 24000],
  [16000, 24000],
  [22050, 24000],
  [32000, 24000],
  [44100, 24000],
  [48000, 24000],
  [96000, 24000],
  [24000, 16000],
  [24000, 44100],
  [24000, 48000],
]);

/** Tone frequencies (Hz) the battery uses for one rate pair. */
export function batteryTones(inputRate, outputRate, passband = 0.45, count = 24) {
  const low = Math.min(inputRate, outputRate);
  const inNyq = inputRate / 2;
  const outNyq = outputRate / 2;
  const pass = [];
  for (let k = 0; k < count; k++) pass.push((passband * low * (k + 1)) / count);
  const reject = [];
  if (inputRate > outputRate) {
    // Above the output Nyquist, up to the input Nyquist; quadratic spacing, dense at the edge.
    for (let k = 0; k <= count; k++) {
      const u = (k / count) ** 2;
      reject.push(outNyq + (inNyq - outNyq) * Math.min(0.999, Math.max(2e-4, u)));
    }
  } else {
    // Images of tones near the input Nyquist land just above it: dense there, plus the transition band.
    for (let k = 0; k <= count; k++) {
      const u = (k / count) ** 2;
      reject.push(inNyq * (1 - Math.min(0.999, Math.max(2e-4, u)) * (1 - passband)));
    }
  }
  return { pass, reject };
}

/**
 * Measures `convert` at one rate pair. Returns pass band gain extremes (dB), worst rejection (dB),
 * the tone where it occurs, and the worst sine-fit SNR over pass band tones (dB).
 */
export function measureQuality(convert, inputRate, outputRate, options = {}) {
  const passband = options.passband ?? 0.45;
  const count = options.toneCount ?? 24;
  const analysed = options.analysedFrames ?? 4096;
  const guard = Math.ceil(((options.guardMs ?? 30) * outputRate) / 1000);
  const inputFrames = Math.ceil(((analysed + 2 * guard) * inputRate) / outputRate) + 16;
  const { pass, reject } = batteryTones(inputRate, outputRate, passband, count);
  const inputPower = (AMPLITUDE * AMPLITUDE) / 2;
  const measure = (freq) => {
    const out = convert(tone(inputFrames, freq / inputRate, AMPLITUDE, 0.3));
    const start = guard;
    const end = Math.min(out.length - guard, guard + analysed);
    if (end - start < analysed / 2) throw new Error(`output too short: ${out.length} frames`);
    if (freq < outputRate / 2) {
      const fit = sineFit(out, freq / outputRate, start, end);
      return { freq, gainDb: 20 * Math.log10(fit.amplitude / AMPLITUDE), unwanted: fit.residualPower, fitPower: fit.fitPower };
    }
    return { freq, gainDb: -Infinity, unwanted: meanSquare(out, start, end), fitPower: 0 };
  };
  let passMinDb = Infinity;
  let passMaxDb = -Infinity;
  let snrDb = Infinity;
  let rejectionDb = Infinity;
  let worstHz = 0;
  for (const f of pass) {
    const m = measure(f);
    passMinDb = Math.min(passMinDb, m.gainDb);
    passMaxDb = Math.max(passMaxDb, m.gainDb);
    snrDb = Math.min(snrDb, ratioDb(m.fitPower, m.unwanted));
    const r = ratioDb(inputPower, m.unwanted);
    if (r < rejectionDb) [rejectionDb, worstHz] = [r, f];
  }
  for (const f of reject) {
    const r = ratioDb(inputPower, measure(f).unwanted);
    if (r < rejectionDb) [rejectionDb, worstHz] = [r, f];
  }
  return { inputRate, outputRate, passband, passMinDb, passMaxDb, rejectionDb, worstHz, snrDb };
}
