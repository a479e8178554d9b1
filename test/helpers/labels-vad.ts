// Labelled VAD fixtures (fixtures/speech, fixtures/noise; scripts/fixtures-speech.mjs) and the
// scores computed on them. Everything here is by construction from the labels, independent of the
// code under test: mixing at an exact SNR, frame labels, precision/recall/F1, onset and offset.
import { readFileSync } from 'node:fs';
import { readWav } from './wav-read.js';

export const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

export interface Labels {
  sampleRate: number;
  samples: number;
  speechIntervals: [number, number][];
  activeRmsDb: number;
}

export interface LabelledTrack {
  name: string;
  sampleRate: number;
  samples: Float32Array;
  labels: Labels;
}

export function loadTrack(dir: string, name: string): LabelledTrack {
  const wav = readWav(`${FIXTURES}${dir}/${name}.wav`);
  const labels = JSON.parse(readFileSync(`${FIXTURES}${dir}/${name}.labels.json`, 'utf8')) as Labels;
  if (labels.samples !== wav.samples.length) throw new Error(`${name}: labels describe ${labels.samples} samples, file has ${wav.samples.length}`);
  return { name, sampleRate: wav.sampleRate, samples: wav.samples, labels };
}

export function loadNoise(name: string): Float32Array {
  return readWav(`${FIXTURES}noise/${name}.wav`).samples;
}

export function rmsDb(x: Float32Array, start = 0, end = x.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += x[i]! * x[i]!;
  return 10 * Math.log10(s / (end - start) + 1e-30);
}

/** Active-speech RMS of a track over its labelled intervals, dBFS. */
export function activeDb(track: LabelledTrack): number {
  let s = 0;
  let n = 0;
  for (const [a, b] of track.labels.speechIntervals) {
    for (let i = a; i < b; i++) s += track.samples[i]! * track.samples[i]!;
    n += b - a;
  }
  return 10 * Math.log10(s / n);
}

/** Noise scaled so that active speech RMS / noise RMS = snrDb, added to the speech. */
export function mixAtSnr(track: LabelledTrack, noise: Float32Array, snrDb: number): Float32Array {
  const n = track.samples.length;
  const gain = 10 ** ((activeDb(track) - snrDb - rmsDb(noise, 0, n)) / 20);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = track.samples[i]! + gain * noise[i]!;
  return out;
}

/** Noise alone at the level it has in `mixAtSnr(track, noise, snrDb)`. */
export function noiseAtSnr(track: LabelledTrack, noise: Float32Array, snrDb: number): Float32Array {
  const n = track.samples.length;
  const gain = 10 ** ((activeDb(track) - snrDb - rmsDb(noise, 0, n)) / 20);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = gain * noise[i]!;
  return out;
}

/** Per frame: 1 when at least half of the frame's samples lie in a labelled speech interval. */
export function frameLabels(labels: Labels, frameSamples: number): Uint8Array {
  const frames = Math.floor(labels.samples / frameSamples);
  const inside = new Uint8Array(labels.samples);
  for (const [a, b] of labels.speechIntervals) inside.fill(1, a, b);
  const out = new Uint8Array(frames);
  for (let f = 0; f < frames; f++) {
    let c = 0;
    for (let i = f * frameSamples; i < (f + 1) * frameSamples; i++) c += inside[i]!;
    out[f] = c * 2 >= frameSamples ? 1 : 0;
  }
  return out;
}

export interface FrameCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export function countFrames(decisions: Uint8Array, truth: Uint8Array, into?: FrameCounts): FrameCounts {
  const c = into ?? { tp: 0, fp: 0, fn: 0, tn: 0 };
  const n = Math.min(decisions.length, truth.length);
  for (let f = 0; f < n; f++) {
    if (decisions[f] && truth[f]) c.tp++;
    else if (decisions[f]) c.fp++;
    else if (truth[f]) c.fn++;
    else c.tn++;
  }
  return c;
}

export function scores(c: FrameCounts): { precision: number; recall: number; f1: number; falseShare: number } {
  const precision = c.tp / Math.max(1, c.tp + c.fp);
  const recall = c.tp / Math.max(1, c.tp + c.fn);
  const f1 = (2 * precision * recall) / Math.max(1e-12, precision + recall);
  return { precision, recall, f1, falseShare: c.fp / Math.max(1, c.fp + c.tn) };
}

/**
 * Utterance starts and ends: labelled intervals merged across gaps shorter than `mergeMs`, in
 * samples. Onsets are only meaningful after a real pause, so short gaps are bridged.
 */
export function utterances(labels: Labels, mergeMs: number): [number, number][] {
  const gap = Math.round((mergeMs * labels.sampleRate) / 1000);
  const out: [number, number][] = [];
  for (const [a, b] of labels.speechIntervals) {
    const last = out[out.length - 1];
    if (last && a - last[1] < gap) last[1] = b;
    else out.push([a, b]);
  }
  return out;
}

let fvadModule: Promise<FvadModule> | undefined;

/** Drives WebRTC's VAD (libfvad, @echogarden/fvad-wasm) over 10 ms int16 frames; one decision per frame. */
export async function webrtcVadDecisions(samples: Float32Array, sampleRate: number, mode: number): Promise<Uint8Array> {
  fvadModule ??= import('@echogarden/fvad-wasm').then((x) => (x as unknown as { default: () => Promise<FvadModule> }).default());
  const m = await fvadModule;
  const frame = sampleRate / 100;
  const handle = m._fvad_new();
  if (m._fvad_set_mode(handle, mode) !== 0 || m._fvad_set_sample_rate(handle, sampleRate) !== 0) throw new Error('fvad rejected mode or rate');
  const ptr = m._malloc(frame * 2);
  const frames = Math.floor(samples.length / frame);
  const out = new Uint8Array(frames);
  for (let f = 0; f < frames; f++) {
    const heap = m.HEAP16;
    for (let i = 0; i < frame; i++) {
      // WebRTC FloatToS16: x 32768, round, clamp.
      const v = Math.round(samples[f * frame + i]! * 32768);
      heap[(ptr >> 1) + i] = v > 32767 ? 32767 : Math.max(v, -32768);
    }
    const r = m._fvad_process(handle, ptr, frame);
    if (r < 0) throw new Error('fvad_process failed');
    out[f] = r;
  }
  m._free(ptr);
  m._fvad_free(handle);
  return out;
}

interface FvadModule {
  HEAP16: Int16Array;
  _fvad_new(): number;
  _fvad_free(h: number): void;
  _fvad_set_mode(h: number, mode: number): number;
  _fvad_set_sample_rate(h: number, rate: number): number;
  _fvad_process(h: number, ptr: number, frames: number): number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}
