// Piecewise alignment of a browser's recording onto a scene's timeline (issue 13, Firefox): Firefox
// corrects drift between its input and output devices, so its recording of the mic file slides
// against it by fractions of a sample and jumps by whole milliseconds (seen: 1-4 ms steps, a slow
// wander of up to 25 samples, both ways). Here the lag is measured in short windows of a target
// the recording should carry (the whole mic when the canceller had no reference; the user plus the
// noise, the part no canceller should remove, when it had one), to a fraction of a sample
// (parabolic peak), the estimates cleaned by a running median, the lag followed linearly between
// them (a step where two neighbours disagree by more than STEP_SAMPLES) and held beyond them; the
// recording is then read at each scene sample's lag by windowed-sinc interpolation. What is left
// of the misalignment is reported: how far the window estimates sit from the track (rms, samples),
// and how much of the scene the estimates cover.
import { findLag } from './echo-response.js';

export interface PiecewiseAlignment {
  /** The recording on the target's timeline (same length as the target). */
  aligned: Float32Array;
  /** Segments of one lag: first and last window centre (samples), lag, windows measured. */
  points: { at: number; end: number; lag: number; windows: number }[];
  /** Rms distance of the kept estimates from the track, samples (estimation jitter and drift within a window). */
  residualSamples: number;
  /** Lag span over the run (max - min of the track), samples. */
  lagSpanSamples: number;
  /** Fraction of windows with an estimate. */
  coverage: number;
}

const STEP_SAMPLES = 2;
const STEP_RUN = 3;
const STEP_BLOCK_MS = 10;
const SINC_HALF = 16;

/** Correlation of recording[i + lag] with target[i] over [a, b). */
function correlationAt(recording: Float32Array, target: Float32Array, a: number, b: number, lag: number): number {
  let xy = 0;
  for (let i = a; i < b; i++) xy += (recording[i + lag] ?? 0) * target[i]!;
  return xy;
}

/** The recording at fractional position p (Hann-windowed sinc, SINC_HALF taps each side). */
function readAt(recording: Float32Array, p: number): number {
  const k = Math.floor(p);
  const f = p - k;
  let v = 0;
  for (let j = -SINC_HALF + 1; j <= SINC_HALF; j++) {
    const x = j - f;
    const s = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const w = 0.5 + 0.5 * Math.cos((Math.PI * x) / SINC_HALF);
    v += (recording[k + j] ?? 0) * s * w;
  }
  return v;
}

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Aligns `recording` to `target` (recording[i + lag(i)] ~ target[i]) from `coarse`, the lag at the
 * start. Windows of `windowMs` every `hopMs` whose target is above `floorDb` dBFS are searched within
 * `spanMs` of the last kept lag; an estimate is kept when its correlation reaches `minCorrelation`.
 */
export function alignPiecewise(
  recording: Float32Array,
  target: Float32Array,
  coarse: number,
  rate: number,
  { windowMs = 100, hopMs = 50, spanMs = 20, minCorrelation = 0.4, floorDb = -75 } = {},
): PiecewiseAlignment {
  const w = Math.round((rate * windowMs) / 1000);
  const hop = Math.round((rate * hopMs) / 1000);
  const span = Math.round((rate * spanMs) / 1000);
  const estimates: { at: number; lag: number; correlation: number }[] = [];
  let windows = 0;
  let last = coarse;
  for (let a = 0; a + w <= target.length; a += hop) {
    windows++;
    let tt = 0;
    for (let i = a; i < a + w; i++) tt += target[i]! ** 2;
    if (tt / w < 10 ** (floorDb / 10)) continue;
    const from = Math.max(0, a + last - span);
    const found = findLag(recording.slice(from, a + w + last + span), target.slice(a, a + w), 2 * span);
    if (found.correlation < minCorrelation) continue;
    const lag = from - a + found.lag;
    const y0 = correlationAt(recording, target, a, a + w, lag - 1);
    const y1 = correlationAt(recording, target, a, a + w, lag);
    const y2 = correlationAt(recording, target, a, a + w, lag + 1);
    const curve = y0 - 2 * y1 + y2;
    const frac = curve < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (y0 - y2)) / curve)) : 0;
    estimates.push({ at: a + w / 2, lag: lag + frac, correlation: found.correlation });
    last = lag;
  }
  // Segments of one lag: a new one starts where STEP_RUN estimates in a row sit more than
  // STEP_SAMPLES from the current segment's median and agree among themselves (the browser's
  // corrections drop or repeat whole milliseconds; a single estimate off is a side peak of speech's
  // periodicity, and the browser's filters move each window's peak by a sample or so).
  // An estimate with no neighbour within STEP_SAMPLES is a side peak: dropped.
  const kept = estimates.filter((p, j) => [estimates[j - 1], estimates[j + 1]].some((q) => q && Math.abs(q.lag - p.lag) <= STEP_SAMPLES));
  const raw = kept;
  if (raw.length === 0) throw new Error('piecewise alignment: no window of the target found in the recording');
  const segments: { from: number; to: number }[] = [{ from: 0, to: 0 }];
  for (let j = 0; j < raw.length; j++) {
    const seg = segments[segments.length - 1]!;
    const m = median(raw.slice(seg.from, Math.max(seg.from + 1, j)).flatMap((q) => (Number.isNaN(q.lag) ? [] : [q.lag])));
    const run = raw.slice(j, j + STEP_RUN).map((q) => q.lag);
    const off = run.length === STEP_RUN && run.every((v) => Math.abs(v - m) > STEP_SAMPLES) && Math.max(...run) - Math.min(...run) <= STEP_SAMPLES;
    if (off && j > seg.from) segments.push({ from: j, to: j + 1 });
    else if (Math.abs(raw[j]!.lag - m) <= STEP_SAMPLES || j === seg.from) seg.to = j + 1;
    else raw[j]!.lag = Number.NaN; // A blip that does not start a segment: left out.
  }
  // Each segment's lag: the integer that correlates best over all its windows together (a long
  // window: the browser's fixed filters then bias every segment alike, and the response fit excuses them).
  const points = segments.map(({ from, to }) => {
    const m = Math.round(median(raw.slice(from, to).flatMap((q) => (Number.isNaN(q.lag) ? [] : [q.lag]))));
    let best = { lag: m, xy: Number.NEGATIVE_INFINITY };
    for (let lag = m - STEP_SAMPLES; lag <= m + STEP_SAMPLES; lag++) {
      let xy = 0;
      for (let j = from; j < to; j++) if (!Number.isNaN(raw[j]!.lag)) xy += correlationAt(recording, target, raw[j]!.at - w / 2, raw[j]!.at + w / 2, lag);
      if (xy > best.xy) best = { lag, xy };
    }
    return { at: raw[from]!.at, end: raw[to - 1]!.at, lag: best.lag, windows: to - from };
  });
  // Each step placed where it fits best between the two segments' windows: per STEP_BLOCK_MS block,
  // the correlation at the old lag minus that at the new, the step after the block where their sum peaks.
  const block = Math.round((rate * STEP_BLOCK_MS) / 1000);
  const steps = points.slice(1).map((q, j) => {
    const p = points[j]!;
    let sum = 0;
    let best = { at: p.end, sum: 0 };
    for (let b = p.end; b + block <= q.at; b += block) {
      sum += correlationAt(recording, target, b, b + block, p.lag) - correlationAt(recording, target, b, b + block, q.lag);
      if (sum > best.sum) best = { at: b + block, sum };
    }
    return best.at;
  });
  const lagAt = new Float64Array(target.length);
  let k = 0;
  for (let i = 0; i < target.length; i++) {
    while (k < steps.length && steps[k]! <= i) k++;
    lagAt[i] = points[k]!.lag;
  }
  const aligned = new Float32Array(target.length);
  for (let i = 0; i < target.length; i++) aligned[i] = readAt(recording, i + lagAt[i]!);
  // The residual: the raw estimates against their segment's lag (estimation jitter and what the segments miss).
  let se = 0;
  let n = 0;
  for (const p of raw)
    if (!Number.isNaN(p.lag)) {
      se += (p.lag - lagAt[p.at]!) ** 2;
      n++;
    }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of lagAt) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return { aligned, points, residualSamples: Math.sqrt(se / Math.max(n, 1)), lagSpanSamples: hi - lo, coverage: estimates.length / Math.max(windows, 1) };
}
