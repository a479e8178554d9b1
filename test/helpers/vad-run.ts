// Runs EnergyVad (the code under test) over a signal in 10 ms chunks, as a capture loop would,
// keeping each frame's decision and when each event was returned.
import { EnergyVad, type EnergyVadOptions } from '../../src/index.js';

export interface VadRun {
  decisions: Uint8Array;
  starts: { timeMs: number; emittedMs: number }[];
  stops: { timeMs: number; emittedMs: number }[];
}

export function runVad(samples: Float32Array, sampleRate: number, options: Partial<EnergyVadOptions> = {}): VadRun {
  const vad = new EnergyVad({ sampleRate, ...options });
  const frame = vad.frameSamples;
  const decisions = new Uint8Array(Math.floor(samples.length / frame));
  const starts: VadRun['starts'] = [];
  const stops: VadRun['stops'] = [];
  const types = new Uint8Array(4);
  const times = new Float64Array(4);
  const one = new Uint8Array(4);
  let f = 0;
  for (let at = 0; at + frame <= samples.length; at += frame) {
    const n = vad.processInto(samples, types, times, one, at, at + frame);
    for (let i = 0; i < vad.framesDecided; i++) decisions[f++] = one[i]!;
    const emittedMs = ((at + frame) * 1000) / sampleRate;
    for (let e = 0; e < n; e++) (types[e] === 0 ? starts : stops).push({ timeMs: times[e]!, emittedMs });
  }
  vad.free();
  return { decisions, starts, stops };
}
