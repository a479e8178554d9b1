// The echo lab's scenes through the whole capture pipeline (issue 13: "nothing lost between the
// kernel and the user"): a scene made at a device rate (48 kHz) goes in as an audio callback would
// give it, 128-frame quanta, the reference (what the speaker played) before the mic; the session
// audio comes out as base64 PCM16 at 24 kHz and is measured against the scene seen at the session
// rate. That view (`sessionView`) passes each of the scene's parts (echo, user, noise, reference)
// through a Resampler identical to the pipeline's and trims its delay, so the parts stay exactly
// what the pipeline's output is made of; labels and events are moved to the session rate.
import { decodeBase64, pcm16ToFloat, Resampler, type CaptureEvent, type CapturePipelineOptions } from '../../src/index.js';
import { CapturePipeline } from '../../src/index.js';
import { expect } from 'vitest';
import type { EchoFigures } from './echo-metrics.js';
import type { EchoScene, Interval } from './echo-scenes.js';

export const QUANTUM = 128;

/** A part of a scene at `outputRate`: through the pipeline's resampler, its delay trimmed, the length scaled. */
export function toSessionRate(x: Float32Array, inputRate: number, outputRate: number): Float32Array {
  const resampler = new Resampler({ inputRate, outputRate });
  // silence after the end, so that the output covers the input's last samples after the delay
  const padded = new Float32Array(x.length + tailFrames(inputRate, outputRate));
  padded.set(x);
  const whole = new Float32Array(resampler.maxOutputFrames(padded.length) + 4096);
  const n = resampler.processInto(padded, whole);
  const tail = resampler.flushInto(whole.subarray(n));
  resampler.free();
  const delay = trimmedDelay(inputRate, outputRate);
  const length = Math.round((x.length * outputRate) / inputRate);
  if (n + tail < delay + length) throw new Error(`toSessionRate: ${n + tail} frames out, need ${delay + length}`);
  return whole.slice(delay, delay + length);
}

/** The resampler's delay in output frames (a whole number for 48 -> 24 kHz, checked; rounded with `rounded`). */
export function delayFrames(inputRate: number, outputRate: number, rounded = false): number {
  const resampler = new Resampler({ inputRate, outputRate });
  const frames = (resampler.latencyMs * outputRate) / 1000;
  resampler.free();
  if (!rounded && Math.abs(frames - Math.round(frames)) > 1e-6)
    throw new Error(`the ${inputRate} -> ${outputRate} resampler delays by ${frames} frames, not a whole number`);
  return Math.round(frames);
}

/**
 * The delay trimmed from the session view's parts and from the pipeline's output: the resampler's,
 * rounded (48 -> 16 kHz: 45.33 frames, 45 trimmed; both carry the same third of a frame, so the
 * parts stay what the output is made of).
 */
const trimmedDelay = (inputRate: number, outputRate: number) => delayFrames(inputRate, outputRate, true);

/** Input frames of silence after a stream's end that cover the resampler's delay: whole quanta (one at 48 -> 24 kHz, two at 48 -> 16 kHz). */
const tailFrames = (inputRate: number, outputRate: number) =>
  QUANTUM * Math.max(1, Math.ceil(((trimmedDelay(inputRate, outputRate) + 1) * inputRate) / outputRate / QUANTUM));

/** The scene as the session rate sees it: each part through the pipeline's resampler, labels and events rescaled. */
export function sessionView(scene: EchoScene, outputRate = 24000): EchoScene {
  const rate = scene.sampleRate;
  const at = (t: number) => Math.round((t * outputRate) / rate);
  const span = ([a, b]: Interval): Interval => [at(a), at(b)];
  const part = (x: Float32Array) => toSessionRate(x, rate, outputRate);
  return {
    ...scene,
    name: `${scene.name.replace(`${rate / 1000}k`, `${rate / 1000}k>${outputRate / 1000}k`)}`,
    sampleRate: outputRate,
    reference: part(scene.reference),
    mic: part(scene.mic),
    echo: part(scene.echo),
    near: part(scene.near),
    noise: part(scene.noise),
    labels: {
      near: scene.labels.near.map(span),
      utterances: scene.labels.utterances.map(span),
      far: scene.labels.far.map(span),
      echo: scene.labels.echo.map(span),
    },
    events: {
      echoStart: at(scene.events.echoStart),
      pathChange: scene.events.pathChange === null ? null : at(scene.events.pathChange),
      coldStartUser: scene.events.coldStartUser === null ? null : at(scene.events.coldStartUser),
    },
  };
}

/** The session audio of a run: every audio event's PCM16, in order, as float. */
export function audioOf(events: CaptureEvent[]): Float32Array {
  const parts = events.filter((e) => e.type === 'audio').map((e) => pcm16ToFloat(new Int16Array(decodeBase64(e.base64).buffer)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `x` through a Resampler from `inputRate` to `outputRate`, `length` frames, its delay kept (as a playback path plays it). */
function throughResampler(x: Float32Array, inputRate: number, outputRate: number, length: number): Float32Array {
  const resampler = new Resampler({ inputRate, outputRate });
  const padded = new Float32Array(x.length + QUANTUM);
  padded.set(x);
  const whole = new Float32Array(resampler.maxOutputFrames(padded.length) + 4096);
  const n = resampler.processInto(padded, whole);
  resampler.free();
  if (n < length) throw new Error(`throughResampler: ${n} frames out, need ${length}`);
  return whole.slice(0, length);
}

/**
 * The scene as a playback path at the session rate would play it: the session's audio
 * (`session`: the scene's reference at `sessionRate`) goes through the playback's resampler up to
 * the device rate, delay kept, and that is what the speaker plays (`scene.reference`, the
 * device-rate reference) and what the room echoes. The echo is the scene's own through the same
 * two resamplers (the room is linear: the order does not matter, up to the resamplers' aliasing at
 * -96 dB); the user and the noise are unchanged; the echo's labels move by the playback
 * resampler's delay. Both references then describe the same mic: the device-rate one (what the
 * speaker played) and the session-rate one (what went into the playback's resampler).
 */
export function playedFromSession(scene: EchoScene, sessionRate = 24000): { scene: EchoScene; session: Float32Array } {
  const rate = scene.sampleRate;
  const length = scene.mic.length;
  const session = toSessionRate(scene.reference, rate, sessionRate);
  const upDelay = delayFrames(sessionRate, rate);
  const reference = throughResampler(session, sessionRate, rate, length);
  const echo = throughResampler(toSessionRate(scene.echo, rate, sessionRate), sessionRate, rate, length);
  const mic = new Float32Array(length);
  for (let t = 0; t < length; t++) mic[t] = echo[t]! + scene.near[t]! + scene.noise[t]!;
  const later = ([a, b]: Interval): Interval => [a + upDelay, b + upDelay];
  return {
    session,
    scene: {
      ...scene,
      name: `${scene.name} played from ${sessionRate / 1000}k`,
      reference,
      mic,
      echo,
      labels: { ...scene.labels, far: scene.labels.far.map(later), echo: scene.labels.echo.map(later) },
      events: { ...scene.events, echoStart: scene.events.echoStart + upDelay },
    },
  };
}

/**
 * The scene through a CapturePipeline at the scene's rate (reference and mic by quantum, reference
 * first, then a quantum of silence), flushed; returns the events and the session audio aligned to
 * `sessionView(scene)`. With `reference` (at `options.referenceRate`), that is pushed instead of
 * the scene's, the same span of time per quantum.
 */
export function runCapture(
  scene: EchoScene,
  options: Omit<CapturePipelineOptions, 'inputRate'>,
  outputRate = 24000,
  reference = scene.reference,
): { events: CaptureEvent[]; audio: Float32Array } {
  const pipeline = new CapturePipeline({ ...options, inputRate: scene.sampleRate, outputRate });
  const events: CaptureEvent[] = [];
  const ratio = (options.referenceRate ?? scene.sampleRate) / scene.sampleRate;
  const refAt = (frame: number) => Math.round(frame * ratio);
  try {
    // silence after the end (a quantum at 48 -> 24 kHz), so that the output covers the last samples after the resampler's delay
    const silence = new Float32Array(QUANTUM);
    const last = scene.mic.length + tailFrames(scene.sampleRate, outputRate);
    for (let at = 0; at < last; at += QUANTUM) {
      const end = Math.min(scene.mic.length, at + QUANTUM);
      const tail = at >= scene.mic.length;
      pipeline.pushReference(tail ? silence.subarray(0, refAt(at + QUANTUM) - refAt(at)) : reference.subarray(refAt(at), refAt(end)));
      for (const e of pipeline.push(tail ? silence : scene.mic.subarray(at, end))) events.push(e);
    }
    for (const e of pipeline.flush()) events.push(e);
  } finally {
    pipeline.free();
  }
  const all = audioOf(events);
  const delay = trimmedDelay(scene.sampleRate, outputRate);
  const length = Math.round((scene.mic.length * outputRate) / scene.sampleRate);
  return { events, audio: all.slice(delay, delay + length) };
}

/**
 * Asserts that `s` (one reference path) cancels as well as `d` (another, on the same mic): single
 * talk no more than `db` under, leaks no more than 0.5 point over, double talk and the cold start
 * no more than `points` (a share, 0.01 = 1 point) under, and no utterance that never passed.
 */
export function expectAsGoodAs(d: EchoFigures, s: EchoFigures, db: number, points: number): void {
  expect(s.alignment.verified, s.scene).toBe(true);
  expect(s.singleTalk.reductionDb, s.scene).toBeGreaterThanOrEqual(d.singleTalk.reductionDb - db);
  expect(s.singleTalk.leakShare, s.scene).toBeLessThanOrEqual(d.singleTalk.leakShare + 0.005);
  expect(s.doubleTalk.cleanShare, s.scene).toBeGreaterThanOrEqual(d.doubleTalk.cleanShare - points);
  expect(s.doubleTalk.neverPassed, s.scene).toBe(0);
  if (d.coldStart) expect(s.coldStart!.share, s.scene).toBeGreaterThanOrEqual(d.coldStart.share - points);
}
