// The browser's capture processing in front of ours (issue 13): a lab scene (echo-scenes.ts) after
// webrtc-audio-processing 0.3 with its high-pass filter, echo cancellation, noise suppression and
// adaptive gain control on (bench/echo-peers/browser.cpp; the outputs of a few scenes are committed
// in fixtures/echo-browser, made by bench/echo-browser.bench.mjs). The browser's output becomes the
// mic of a new scene whose parts (echo, user, noise) are the original parts through the browser's
// two linear stages: its high-pass filter (time-invariant: a biquad measured on the library) and its
// gain (the ratio of its output with and without its gain control, per millisecond). The metrics
// (echo-metrics.ts) then judge the browser alone (the pass-through on that scene), ours after it
// (the stack) and ours alone (on the original scene) by the same rules: the browser's filter and
// gain excused, its suppression and its noise suppressor's changes to the user not.
import { readFileSync } from 'node:fs';
import { filterBiquad } from './biquad.js';
import type { EchoScene, SceneParams } from './echo-scenes.js';
import { FIXTURES } from './labels-vad.js';

/** Gain resolution: one value per millisecond (the digital gain control interpolates per 1 ms subframe). */
export const GAIN_STEP_MS = 1;

/**
 * The browser's gain per GAIN_STEP_MS step: least squares of `withAgc` on `withoutAgc` over each
 * step (both aligned to the mic), held where the step is too quiet to tell. Also returns how much of
 * `withAgc` the gain explains: the energy of withAgc - gain x withoutAgc over withAgc's, dB.
 */
export function browserGain(withAgc: Float32Array, withoutAgc: Float32Array, sampleRate: number): { gain: Float32Array; unexplainedDb: number } {
  const step = (sampleRate * GAIN_STEP_MS) / 1000;
  const steps = Math.ceil(withAgc.length / step);
  const gain = new Float32Array(steps);
  let last = 1;
  let residual = 0;
  let total = 0;
  for (let k = 0; k < steps; k++) {
    let xy = 0;
    let xx = 0;
    for (let i = k * step; i < Math.min(withAgc.length, (k + 1) * step); i++) {
      xy += withAgc[i]! * withoutAgc[i]!;
      xx += withoutAgc[i]! * withoutAgc[i]!;
    }
    // Quieter than -90 dBFS per sample: hold the last gain.
    if (xx > step * 1e-9 && xy > 0) last = xy / xx;
    gain[k] = last;
  }
  for (let i = 0; i < withAgc.length; i++) {
    residual += (withAgc[i]! - gainAt(gain, i, step) * withoutAgc[i]!) ** 2;
    total += withAgc[i]! ** 2;
  }
  return { gain, unexplainedDb: 10 * Math.log10(residual / Math.max(total, 1e-30) + 1e-30) };
}

/**
 * webrtc-audio-processing 0.3's high-pass filter at 16 kHz as a biquad (b0, b1, b2, a1, a2),
 * fitted to its impulse response (browser.cpp with --no-agc --no-ns --no-aec on a 0.5 impulse:
 * a1, a2 by least squares over samples 3..300, b from the first three); on white noise at -25 dBFS
 * it matches the library's output to -33 dB (the library filters in fixed point). A high-pass
 * near 80 Hz whose phase below ~300 Hz moves the user's waveform: 7 dB segmental SNR unexcused.
 */
export const BROWSER_HIGH_PASS_16000 = [0.9795221, -1.9445836, 0.9647598, -1.9388776, 0.940967] as const;

export function highPass(x: Float32Array, sampleRate: number): Float32Array {
  if (sampleRate !== 16000) throw new Error(`the browser's high-pass is measured at 16 kHz only, not ${sampleRate} Hz`);
  const y = new Float32Array(x.length);
  filterBiquad(x, y, BROWSER_HIGH_PASS_16000);
  return y;
}

/** The gain at sample i, linear between step centres. */
function gainAt(gain: Float32Array, i: number, step: number): number {
  const pos = (i + 0.5) / step - 0.5;
  const k = Math.max(0, Math.min(gain.length - 1, Math.floor(pos)));
  const next = Math.min(gain.length - 1, k + 1);
  const w = Math.max(0, Math.min(1, pos - k));
  return (1 - w) * gain[k]! + w * gain[next]!;
}

/**
 * The scene as the browser delivers it: `processed` (the browser's output aligned to the mic) is
 * the mic; echo, user and noise go through the browser's high-pass and are scaled by its gain. Labels and events are the
 * scene's (the browser's latency is removed by the alignment).
 */
export function browserScene(scene: EchoScene, processed: Float32Array, gain: Float32Array): EchoScene {
  const step = (scene.sampleRate * GAIN_STEP_MS) / 1000;
  const n = scene.mic.length;
  if (processed.length < n) throw new Error(`${scene.name}: browser output ${processed.length} samples, scene ${n}`);
  const scaled = (x: Float32Array) => highPass(x, scene.sampleRate).map((v, i) => v * gainAt(gain, i, step));
  return {
    ...scene,
    name: `${scene.name} browser`,
    mic: processed.slice(0, n),
    echo: scaled(scene.echo),
    near: scaled(scene.near),
    noise: scaled(scene.noise),
  };
}

export interface BrowserFixture {
  /** The scene's name (echo-scenes.ts sceneName) and its parameters. */
  scene: string;
  file: string;
  gainFile: string;
  fingerprint: number[];
  sha256: string;
  gainSha256: string;
  unexplainedDb: number;
}

export interface BrowserManifest {
  command: string;
  what: string;
  sampleRate: number;
  latencySamples: number;
  fixtures: (BrowserFixture & { params: SceneParams })[];
}

export const BROWSER_DIR = `${FIXTURES}echo-browser/`;

export function browserManifest(): BrowserManifest {
  return JSON.parse(readFileSync(`${BROWSER_DIR}manifest.json`, 'utf8')) as BrowserManifest;
}

/** A committed browser output (int16, aligned to the mic) and its gain, as floats. */
export function loadBrowserFixture(f: BrowserFixture): { processed: Float32Array; gain: Float32Array } {
  const b = readFileSync(`${BROWSER_DIR}${f.file}`);
  const pcm = new Int16Array(b.buffer, b.byteOffset, b.byteLength / 2);
  const g = readFileSync(`${BROWSER_DIR}${f.gainFile}`);
  return { processed: Float32Array.from(pcm, (v) => v / 32768), gain: new Float32Array(g.buffer.slice(g.byteOffset, g.byteOffset + g.byteLength)) };
}

/**
 * The scene with its echo from `atS` on only: the reference played unheard before (a speaker muted
 * and turned up, headphones unplugged, a canceller in front that stopped removing it). The echo's
 * labels and the first echo move there; the path change is dropped.
 */
export function echoFrom(scene: EchoScene, atS: number): EchoScene {
  const at = Math.round(atS * scene.sampleRate);
  const echo = scene.echo.map((v, i) => (i < at ? 0 : v));
  return {
    ...scene,
    name: `${scene.name} heard from ${atS}s`,
    echo,
    mic: echo.map((v, i) => v + scene.near[i]! + scene.noise[i]!),
    labels: { ...scene.labels, echo: scene.labels.echo.filter(([a]) => a >= at) },
    events: { ...scene.events, echoStart: at, pathChange: null },
  };
}
