// Measurement helpers for audio quality tests and benchmarks (plain JS so that both vitest and the
// Node benchmarks can use them). Independent of the code under test: double precision throughout.

/**
 * Least-squares fit of a*cos(w n) + b*sin(w n) + c to `signal` at the known frequency
 * `cyclesPerSample` (3x3 normal equations, exact for any, not only whole, numbers of cycles).
 * Returns the fitted amplitude, phase (radians, of cos) and the power of the signal, the fit and
 * the residual (mean squares).
 */
export function sineFit(signal, cyclesPerSample, start = 0, end = signal.length) {
  const w = 2 * Math.PI * cyclesPerSample;
  let cc = 0,
    ss = 0,
    cs = 0,
    c1 = 0,
    s1 = 0,
    n = 0,
    yc = 0,
    ys = 0,
    y1 = 0;
  for (let i = start; i < end; i++) {
    const c = Math.cos(w * i);
    const s = Math.sin(w * i);
    const y = signal[i];
    cc += c * c;
    ss += s * s;
    cs += c * s;
    c1 += c;
    s1 += s;
    n += 1;
    yc += y * c;
    ys += y * s;
    y1 += y;
  }
  const [a, b, d] = solve3([cc, cs, c1, cs, ss, s1, c1, s1, n], [yc, ys, y1]);
  let residual = 0;
  let power = 0;
  for (let i = start; i < end; i++) {
    const y = signal[i];
    const e = y - (a * Math.cos(w * i) + b * Math.sin(w * i) + d);
    residual += e * e;
    power += y * y;
  }
  const count = end - start;
  return {
    amplitude: Math.hypot(a, b),
    phase: Math.atan2(-b, a),
    offset: d,
    power: power / count,
    fitPower: (a * a + b * b) / 2,
    residualPower: residual / count,
  };
}

function solve3(m, v) {
  // Gaussian elimination with partial pivoting on a 3x3 system.
  const a = [m.slice(0, 3).concat(v[0]), m.slice(3, 6).concat(v[1]), m.slice(6, 9).concat(v[2])];
  for (let col = 0; col < 3; col++) {
    let piv = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    for (let r = col + 1; r < 3; r++) {
      const f = a[r][col] / a[col][col];
      for (let k = col; k < 4; k++) a[r][k] -= f * a[col][k];
    }
  }
  const x = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = a[r][3];
    for (let k = r + 1; k < 3; k++) s -= a[r][k] * x[k];
    x[r] = s / a[r][r];
  }
  return x;
}

/** Mean square of signal[start, end). */
export function meanSquare(signal, start = 0, end = signal.length) {
  let s = 0;
  for (let i = start; i < end; i++) s += signal[i] * signal[i];
  return s / Math.max(1, end - start);
}

/** Goertzel: power (mean square of the matching sinusoid) at `cyclesPerSample`, Hann-windowed. */
export function goertzelPower(signal, cyclesPerSample, start = 0, end = signal.length) {
  const n = end - start;
  const coeff = 2 * Math.cos(2 * Math.PI * cyclesPerSample);
  let s1 = 0,
    s2 = 0,
    wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n);
    wsum += w;
    const s0 = signal[start + i] * w + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const re = s1 - s2 * Math.cos(2 * Math.PI * cyclesPerSample);
  const im = s2 * Math.sin(2 * Math.PI * cyclesPerSample);
  const amp = (2 * Math.hypot(re, im)) / wsum;
  return (amp * amp) / 2;
}

/** 10 log10(a / b), with a floor so that silence reads as a large finite number. */
export function ratioDb(a, b) {
  return 10 * Math.log10(Math.max(a, 1e-30) / Math.max(b, 1e-30));
}

/** A sine of `frames` samples, amplitude `amplitude`, `cyclesPerSample`, computed in double. */
export function tone(frames, cyclesPerSample, amplitude = 0.5, phase = 0) {
  const out = new Float32Array(frames);
  const w = 2 * Math.PI * cyclesPerSample;
  for (let i = 0; i < frames; i++) out[i] = amplitude * Math.sin(w * i + phase);
  return out;
}

/**
 * Power per frequency bin of signal[start..end) under a 4-term Blackman-Harris window (side lobes
 * -92 dB), zero-padded to a power of two: bins k = 0..n/2 at k / n cycles per sample. Radix-2 FFT
 * in double precision.
 */
export function powerSpectrum(signal, start = 0, end = signal.length) {
  const frames = end - start;
  let n = 1;
  while (n < frames) n <<= 1;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < frames; i++) {
    const x = (2 * Math.PI * i) / (frames - 1);
    const w = 0.35875 - 0.48829 * Math.cos(x) + 0.14128 * Math.cos(2 * x) - 0.01168 * Math.cos(3 * x);
    re[i] = signal[start + i] * w;
  }
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let k = 0; k < size / 2; k++) {
      const wr = Math.cos(step * k);
      const wi = Math.sin(step * k);
      for (let i = k; i < n; i += size) {
        const j = i + size / 2;
        const tr = re[j] * wr - im[j] * wi;
        const ti = re[j] * wi + im[j] * wr;
        re[j] = re[i] - tr;
        im[j] = im[i] - ti;
        re[i] += tr;
        im[i] += ti;
      }
    }
  }
  const power = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) power[k] = re[k] * re[k] + im[k] * im[k];
  return power;
}
