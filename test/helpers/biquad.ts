// One second-order IIR section (direct form I) for the test helpers' channel models: the device's
// crossover and loudness filters (echo-drc), the browser's measured high-pass (echo-browser) and the
// playback figures' click detector (playback-figures).

/** Coefficients b0, b1, b2, a1, a2 (a0 normalised to 1). */
export type BiquadCoeffs = readonly [number, number, number, number, number];

/**
 * A 2nd-order low- or high-pass at `hz` (the RBJ audio EQ cookbook's form): Butterworth at the default
 * Q (1/sqrt 2); cascaded sections of other Qs make higher orders.
 */
export function butterworth(kind: 'low' | 'high', hz: number, sampleRate: number, q = Math.SQRT1_2): BiquadCoeffs {
  const w = (2 * Math.PI * hz) / sampleRate;
  const alpha = Math.sin(w) / (2 * q);
  const cos = Math.cos(w);
  const a0 = 1 + alpha;
  const b1 = (kind === 'low' ? 1 - cos : -(1 + cos)) / a0;
  const b0 = b1 / (kind === 'low' ? 2 : -2);
  return [b0, b1, b0, (-2 * cos) / a0, (1 - alpha) / a0];
}

/** Filters `x` into `out` (which may be `x` itself), from zero state; the arithmetic in doubles. */
export function filterBiquad(x: ArrayLike<number>, out: Float32Array | Float64Array, coeffs: BiquadCoeffs): void {
  const [b0, b1, b2, a1, a2] = coeffs;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let t = 0; t < x.length; t++) {
    const xt = x[t]!;
    const y = b0 * xt + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = xt;
    y2 = y1;
    y1 = y;
    out[t] = y;
  }
}
