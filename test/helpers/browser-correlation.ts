// Measures how faithfully live capture delivered the microphone: the 24 kHz chunks against what
// entered the AudioContext (recorded beside the capture node), brought to 24 kHz here by a plain
// windowed-sinc interpolator that shares no code with realtime-pcm's resampler.

/**
 * Blackman-windowed sinc, cut off at 0.45 x the lower rate; `halfTaps` input samples each side.
 * Output sample n is taken at input position n x inputRate / 24000 - `delayFrames`.
 */
export function referenceTo24k(samples: Float32Array, inputRate: number, halfTaps = 64, delayFrames = 0): Float32Array {
  const outputRate = 24000;
  const cutoffHz = 0.45 * Math.min(inputRate, outputRate);
  const fc = cutoffHz / inputRate; // cycles per input sample
  const ratio = inputRate / outputRate;
  const out = new Float32Array(Math.floor(samples.length / ratio));
  for (let n = 0; n < out.length; n++) {
    const p = n * ratio - delayFrames;
    const centre = Math.floor(p);
    let sum = 0;
    for (let k = centre - halfTaps + 1; k <= centre + halfTaps; k++) {
      if (k < 0 || k >= samples.length) continue;
      const t = p - k;
      const x = 2 * Math.PI * fc * t;
      const sinc = t === 0 ? 1 : Math.sin(x) / x;
      const w = 0.42 + 0.5 * Math.cos((Math.PI * t) / halfTaps) + 0.08 * Math.cos((2 * Math.PI * t) / halfTaps);
      sum += samples[k]! * 2 * fc * sinc * w;
    }
    out[n] = sum;
  }
  return out;
}

/**
 * The correlation of `signal[start, start + length)` (24 kHz) with `recorded` (the same audio at
 * `inputRate`, recorded from a point `delayFrames` input frames later, a whole number since both
 * see the same input samples). The lag found at 24 kHz fixes the delay to within an input frame
 * or two; each whole delay near it is tried with the interpolator placed on it, so a delay that is
 * no whole number of 24 kHz samples (4 render quanta at 44.1 kHz are 278.6) reads as exactly as a
 * whole one (with the nearest whole lag: 0.9958 at a lag of -279, where the same audio read 1.0000
 * at a lag of 0).
 */
export function correlationWithInput(
  signal: Float32Array,
  start: number,
  length: number,
  recorded: Float32Array,
  inputRate: number,
  maxLag: number,
): { r: number; lag: number; delayFrames: number } {
  const coarse = findCorrelation(signal, start, length, referenceTo24k(recorded, inputRate), maxLag);
  const ratio = inputRate / 24000;
  const near = Math.round(-coarse.lag * ratio);
  let best = { r: coarse.r, lag: coarse.lag, delayFrames: 0 };
  for (let delayFrames = near - 3; delayFrames <= near + 3; delayFrames++) {
    const found = bestCorrelation(signal, start, length, referenceTo24k(recorded, inputRate, 64, delayFrames), 1);
    if (found.r > best.r) best = { r: found.r, lag: found.lag - delayFrames / ratio, delayFrames };
  }
  return best;
}

/** Start of the loudest `window`-sample stretch of `signal` (in steps of window / 10). */
export function loudest(signal: Float32Array, window: number): { start: number; meanSquare: number } {
  let best = { start: 0, meanSquare: -1 };
  for (let s = 0; s + window <= signal.length; s += Math.max(1, Math.floor(window / 10))) {
    let e = 0;
    for (let i = s; i < s + window; i++) e += signal[i]! * signal[i]!;
    if (e / window > best.meanSquare) best = { start: s, meanSquare: e / window };
  }
  return best;
}

/**
 * The best correlation with `reference` of any loud `length`-sample window of `signal` (starting
 * every length / 10, mean square over `minMeanSquare`), each at the best lag within +-`spread` of
 * `centreLag` (located on 4x-decimated signals, then refined as findCorrelation does): where the
 * source itself jumps (a fake device's read skipped or late), the windows on either side of the jump.
 */
export function bestLoudWindow(
  signal: Float32Array,
  length: number,
  reference: Float32Array,
  centreLag: number,
  spread: number,
  minMeanSquare = 1e-4,
): { r: number; lag: number; start: number } {
  const f = 4;
  const coarseSignal = decimate(signal, f);
  const coarseReference = decimate(reference, f);
  let best = { r: -2, lag: centreLag, start: 0 };
  for (let s = 0; s + length <= signal.length; s += Math.max(1, Math.floor(length / 10))) {
    let e = 0;
    for (let i = s; i < s + length; i++) e += signal[i]! * signal[i]!;
    if (e / length <= minMeanSquare) continue;
    const coarse = bestCorrelation(coarseSignal, Math.floor(s / f), Math.floor(length / f), coarseReference, Math.ceil(spread / f), Math.round(centreLag / f));
    const found = bestCorrelation(signal, s, length, reference, 8, coarse.lag * f);
    if (found.r > best.r) best = { ...found, start: s };
  }
  return best;
}

/** Sums of `factor` samples: a crude low-pass and decimation, enough to locate a lag. */
function decimate(signal: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(Math.floor(signal.length / factor));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = 0; k < factor; k++) sum += signal[i * factor + k]!;
    out[i] = sum;
  }
  return out;
}

/** bestCorrelation for long lag ranges: located on 4x-decimated signals, then refined at full rate. */
export function findCorrelation(signal: Float32Array, start: number, length: number, reference: Float32Array, maxLag: number): { r: number; lag: number } {
  if (maxLag <= 64) return bestCorrelation(signal, start, length, reference, maxLag);
  const f = 4;
  const coarse = bestCorrelation(decimate(signal, f), Math.floor(start / f), Math.floor(length / f), decimate(reference, f), Math.ceil(maxLag / f));
  return bestCorrelation(signal, start, length, reference, 8, coarse.lag * f);
}

/**
 * Best normalised correlation of `signal[start, start + length)` with `reference` shifted by a lag
 * in centreLag +- maxLag (reference index = signal index + lag).
 */
export function bestCorrelation(
  signal: Float32Array,
  start: number,
  length: number,
  reference: Float32Array,
  maxLag: number,
  centreLag = 0,
): { r: number; lag: number } {
  let signalEnergy = 0;
  for (let i = start; i < start + length; i++) signalEnergy += signal[i]! * signal[i]!;
  let best = { r: -2, lag: 0 };
  for (let lag = centreLag - maxLag; lag <= centreLag + maxLag; lag++) {
    if (start + lag < 0 || start + lag + length > reference.length) continue;
    let dot = 0;
    let refEnergy = 0;
    for (let i = start; i < start + length; i++) {
      const x = reference[i + lag]!;
      dot += x * signal[i]!;
      refEnergy += x * x;
    }
    const r = dot / Math.sqrt(signalEnergy * refEnergy + 1e-30);
    if (r > best.r) best = { r, lag };
  }
  return best;
}
