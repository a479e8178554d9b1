// The figures of a trace run (playback-trace.ts): underruns, added latency, and how each
// transition sounds against the signal's own steady state:
// - the largest sample step |y[n] - y[n-1]| in a window around the transition, against the
//   largest anywhere in the steady state (quanta wholly playing, away from every transition);
// - the click: high-pass energy (4th-order Butterworth at 6 kHz, RBJ biquads) in 2 ms windows,
//   the loudest window around the transition against the loudest in the steady state, in dB.
//   Speech and the tone here have next to nothing above 6 kHz (the speech was recorded at 8 kHz),
//   so a click stands out by tens of dB, and a fade by little or nothing.
import { butterworth, filterBiquad } from './biquad.js';
import { QUANTUM, type TraceRun, type TransitionKind } from './playback-trace.js';

export interface TransitionFigure {
  kind: TransitionKind;
  /** Output frame of the transition's quantum. */
  frame: number;
  maxStep: number;
  /** High-pass level of its loudest 2 ms window against the steady state's loudest, dB. */
  clickDb: number;
}

export interface RunFigures {
  underruns: number;
  underrunSeconds: number;
  /** Most underruns of one item. */
  maxUnderrunsPerItem: number;
  meanAddedMs: number;
  p95AddedMs: number;
  steadyMaxStep: number;
  worstStep: number;
  worstClickDb: number;
  /** The steady state's loudest 2 ms high-pass window, dBFS. */
  steadyHpDbfs: number;
  transitions: TransitionFigure[];
  playoutDelayMs: number;
}

/** y = x through a 4th-order Butterworth high-pass at `cutoffHz` (two RBJ biquads, Q 0.5412 and 1.3066). */
export function highPass(x: Float32Array, sampleRate: number, cutoffHz = 6000): Float64Array {
  const y = Float64Array.from(x);
  for (const q of [0.5411961, 1.306563]) filterBiquad(y, y, butterworth('high', cutoffHz, sampleRate, q));
  return y;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** The figures of `run`; `guardFrames` widens each transition's window (a fade and a quantum). */
export function runFigures(run: TraceRun, guardFrames: number): RunFigures {
  const { output, sampleRate, playedPerQuantum } = run;
  const n = output.length;
  const inTransition = new Uint8Array(n);
  const windows = run.transitions.map((t) => [Math.max(1, t.frame - guardFrames), Math.min(n, t.frame + QUANTUM + guardFrames)] as const);
  for (const [a, b] of windows) inTransition.fill(1, a, b);
  const steady = new Uint8Array(n);
  for (let q = 0; q < playedPerQuantum.length; q++) if (playedPerQuantum[q] === QUANTUM) steady.fill(1, q * QUANTUM, (q + 1) * QUANTUM);
  for (let i = 0; i < n; i++) if (inTransition[i]) steady[i] = 0;
  let steadyMaxStep = 0;
  for (let i = 1; i < n; i++) if (steady[i] && steady[i - 1]) steadyMaxStep = Math.max(steadyMaxStep, Math.abs(output[i]! - output[i - 1]!));
  // high-pass energy in 2 ms windows, hop 0.5 ms
  const hp = highPass(output, sampleRate);
  const win = Math.round(sampleRate / 500);
  const hop = Math.round(sampleRate / 2000);
  const rms = (start: number) => {
    let e = 0;
    for (let i = start; i < start + win; i++) e += hp[i]! * hp[i]!;
    return Math.sqrt(e / win);
  };
  let steadyHp = 0;
  for (let s = 0; s + win <= n; s += hop) {
    if (steady[s] && steady[s + win - 1] && steady[s + (win >> 1)]) steadyHp = Math.max(steadyHp, rms(s));
  }
  const transitions = run.transitions.map((t, k): TransitionFigure => {
    const [a, b] = windows[k]!;
    let maxStep = 0;
    for (let i = a; i < b; i++) maxStep = Math.max(maxStep, Math.abs(output[i]! - output[i - 1]!));
    let loud = 0;
    for (let s = a; s + win <= b; s += hop) loud = Math.max(loud, rms(s));
    return { kind: t.kind, frame: t.frame, maxStep, clickDb: 20 * Math.log10(Math.max(loud, 1e-12) / Math.max(steadyHp, 1e-12)) };
  });
  const sorted = Float64Array.from(run.addedLatencyMs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    underruns: run.stats.underruns,
    underrunSeconds: run.stats.underrunFrames / sampleRate,
    maxUnderrunsPerItem: Math.max(0, ...run.underrunsByItem.values()),
    meanAddedMs: sorted.length === 0 ? 0 : sum / sorted.length,
    p95AddedMs: percentile(sorted, 0.95),
    steadyMaxStep,
    worstStep: Math.max(0, ...transitions.map((t) => t.maxStep)),
    worstClickDb: Math.max(-200, ...transitions.map((t) => t.clickDb)),
    steadyHpDbfs: 20 * Math.log10(Math.max(steadyHp, 1e-12)),
    transitions,
    playoutDelayMs: run.playoutDelayMs,
  };
}
