// Deterministic echo scenes for the echo canceller (issue 13), by construction from the room
// responses and labelled speech of test/helpers/echo-sources.ts:
//
//   reference  what the app passes as "the speaker plays this now": the assistant's replies
//   played     the reference `delayMs` later (extra system delay: output buffers, Bluetooth...),
//              through the device's loudness processing when `drc` (./echo-drc: a compressor, a
//              limiter; after the reference tap, so the echo path's gain moves with the level),
//              soft-clipped by the loudspeaker when `nonlinear`, shifted by a playout jump at a
//              path change (an underrun inserts silence; a negative jump drops samples)
//   echo       played through the speaker-to-mic response (swapped for the moved placement at a
//              path change), scaled to the echo return loss: reference level minus echo level at
//              the mic, mean power over the far end's active speech (labels), dB
//   near       the user's utterances through the user-to-mic response, at `nearDb` dBFS active RMS
//   noise      seeded pink (or brown) noise at `noiseDb` dBFS RMS: the mic's own floor
//   mic        echo + near + noise
//
// Scripts: 'call' (a reply from 0.3 s; the user speaks over it at 4 and 8.5 s, and alone after it),
// 'cold-start' (two replies back to back; the user talks over the first one 0.8 s into the call,
// then every ~2.4 s for 15 s, and once alone at the end), 'single-talk' (a reply, then the user
// alone once at the end: convergence and path changes). Every script ends with the user alone, so
// an output's alignment can be checked on near-only frames (echo-metrics.ts).
import { bluetoothName, bluetoothPlayed, type BluetoothPlayout } from './echo-bt.js';
import { applyDrc, DRC_SETTINGS, gainSpreadDb, type DrcName } from './echo-drc.js';
import { movingEcho, type MovingPath } from './echo-moving.js';
import { colouredNoise, convolve, loadClip, loadRoom, speechNames, type RoomName } from './echo-sources.js';
import { rng } from './random.js';

export type Interval = [number, number];
export type SceneScript = 'call' | 'cold-start' | 'single-talk';

export interface SceneParams {
  room: RoomName;
  sampleRate: number;
  /** Extra system delay between the reference and the sound leaving the speaker, ms (0..250; Bluetooth: 280..420). */
  delayMs: number;
  /** Echo return loss, dB (6..30). */
  erlDb: number;
  script: SceneScript;
  /** Assistant reply (fixtures/echo-speech); default chosen by `seed` among the tuning replies. */
  assistant?: string;
  /** The user's utterances to draw from (fixtures/echo-speech); default the tuning set. */
  users?: string[];
  /** Mic noise floor, dBFS RMS. Default -70 (a laptop mic in a quiet room). */
  noiseDb?: number;
  noiseColour?: 'pink' | 'brown';
  /** The user's active speech level at the mic, dBFS RMS. Default -26. */
  nearDb?: number;
  /** Loudspeaker soft clipping (tanh), driven to `thdPercent` THD for a sine at the reference's peak. */
  nonlinear?: boolean;
  thdPercent?: number;
  /** The device's loudness processing between the reference tap and the speaker (./echo-drc): a setting's name. Named `drc <name>`. */
  drc?: DrcName;
  /**
   * A path change: the speaker/mic moved (`move`) and/or the playout jumped by `shiftMs` (+-20..60; the
   * output device switched mid-call, bench/echo-lab/switch.mjs: +-100..300), at `atS`.
   */
  pathChange?: { atS: number; move: boolean; shiftMs: number };
  /**
   * The echo gone from `fromS` to `toS` (headphones plugged in, then out: the speaker plays nothing, the
   * reference goes on), then back on the same path; the return is the scene's path change (its
   * convergence judged from there), the echo's labels cut over the silence. Named `gone <from>-<to>s`.
   */
  gone?: { fromS: number; toS: number };
  /** The first reply opens softly: its first `seconds` of speech (from its first speech sample) `db` quieter (a 20 ms ramp back). */
  softStart?: { seconds: number; db: number };
  /**
   * Outside rooms only: their response generated at this rate, resampled to the scene's (the lab's
   * `outside24r`: 16000, the 24 kHz scenes as before aec-outside24); default the one generated at
   * the scene's rate. Named `from <n>k`.
   */
  responseFromRate?: number;
  /**
   * A Bluetooth speaker (./echo-bt): the played stream resampled by its clock's drift and through a
   * codec's lowpass and coding noise. Not with `nonlinear` or `pathChange`. Named `bt <ppm> <snr>dB [<lowpass>k]`.
   */
  bluetooth?: BluetoothPlayout;
  /** An echo path that moves all the time (./echo-moving: the device along a trajectory, or a body near it). The lab's rooms only. Named `moving <name>`. */
  moving?: MovingPath;
  seed?: number;
}

export interface EchoScene {
  name: string;
  params: SceneParams;
  sampleRate: number;
  reference: Float32Array;
  mic: Float32Array;
  echo: Float32Array;
  near: Float32Array;
  noise: Float32Array;
  labels: {
    /** The user's speech at the mic (samples). */
    near: Interval[];
    /** One interval per utterance (first to last speech sample) at the mic. */
    utterances: Interval[];
    /** The assistant's speech in the reference's timeline. */
    far: Interval[];
    /** The same, where its echo reaches the mic (direct path). */
    echo: Interval[];
  };
  events: {
    /** Where the first echo reaches the mic. */
    echoStart: number;
    pathChange: number | null;
    /** Start of the utterance that talks over the first reply ('cold-start' script). */
    coldStartUser: number | null;
  };
  meta: {
    erlDb: number;
    /** Echo return loss after the path change (the move changes the echo level), dB. */
    erlAfterChangeDb: number | null;
    /** Loudspeaker distortion: energy of played - linear part over the reference's, dB (nonlinear only). */
    distortionDb: number | null;
    drive: number | null;
    /** The device's loudness processing (drc): its gain per 10 ms frame of the reply, 5th and 95th percentiles, dB. */
    drcGainDb?: [number, number] | null;
    /** Applied playout jump, ms (clamped so the echo never precedes the reference). */
    shiftMs: number;
    /** True delay from the reference to its echo's direct path at the mic (system delay + acoustics), ms. */
    echoDelayMs: number;
  };
}

export const TUNING_REPLIES = ['assistant-forecast', 'assistant-recipe', 'assistant-recorded'];
export const USERS_TUNING = ['user-wait', 'user-friday', 'user-other', 'user-repeat', 'user-hold', 'user-hello', 'user-thanks', 'user-sorry'];
/** Held out from any tuning: with assistant-heldout. */
export const USERS_HELD_OUT = ['user-goodbye', 'user-cancelled'];
const LEAD_S = 0.3;

const db = (x: number) => 10 * Math.log10(x + 1e-30);

// Scene parts that do not depend on delay, level or noise level, kept for the grids (bounded).
const cache = new Map<string, Float64Array>();
function cached(key: string, make: () => Float64Array): Float64Array {
  let hit = cache.get(key);
  if (!hit) {
    if (cache.size >= 24) cache.delete(cache.keys().next().value!);
    hit = make();
    cache.set(key, hit);
  }
  return hit;
}

/** Mean power of `x` over `intervals` (shifted by `shift` samples), per sample of the intervals. */
export function meanPower(x: ArrayLike<number>, intervals: Interval[], shift = 0): number {
  let s = 0;
  let n = 0;
  for (const [a, b] of intervals) {
    for (let i = Math.max(0, a + shift); i < Math.min(x.length, b + shift); i++) s += x[i]! * x[i]!;
    n += b - a;
  }
  return s / Math.max(1, n);
}

/** THD of tanh(a sin)/a, by a 512-point DFT over one period (harmonics 2..31 over the fundamental). */
export function tanhThd(a: number): number {
  const n = 512;
  const re = new Float64Array(32);
  const im = new Float64Array(32);
  for (let i = 0; i < n; i++) {
    const y = Math.tanh(a * Math.sin((2 * Math.PI * i) / n));
    for (let k = 1; k < 32; k++) {
      re[k]! += y * Math.cos((2 * Math.PI * k * i) / n);
      im[k]! += y * Math.sin((2 * Math.PI * k * i) / n);
    }
  }
  let harmonics = 0;
  for (let k = 2; k < 32; k++) harmonics += re[k]! ** 2 + im[k]! ** 2;
  return Math.sqrt(harmonics / (re[1]! ** 2 + im[1]! ** 2));
}

/** Drive k so that tanh(k x)/k gives `thd` (fraction) for a sine of amplitude `peak`. */
function driveFor(peak: number, thd: number): number {
  let lo = 1e-3;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (tanhThd(mid) < thd) lo = mid;
    else hi = mid;
  }
  return lo / peak;
}

/** A copy of `x` with `span` samples from `from` scaled by `db` dB, ramped back to unity (linear in dB) over `ramp`. */
function softened(x: Float32Array, from: number, span: number, db: number, ramp: number): Float32Array {
  const y = Float32Array.from(x);
  for (let i = from; i < Math.min(y.length, from + span + ramp); i++) {
    const back = Math.min(1, Math.max(0, (i - from - span) / ramp));
    y[i]! *= 10 ** ((db * (1 - back)) / 20);
  }
  return y;
}

interface Placed {
  samples: Float32Array;
  at: number;
  intervals: Interval[];
}

/**
 * The user's clips laid into a dry track of `length` samples, with their speech (`nearIntervals`)
 * and each clip's first to last speech (`utterances`) as the mic hears them, `directUser` samples on.
 */
export function placeUser(near: Placed[], length: number, directUser: number): { dry: Float64Array; nearIntervals: Interval[]; utterances: Interval[] } {
  const dry = new Float64Array(length);
  const nearIntervals: Interval[] = [];
  const utterances: Interval[] = [];
  for (const p of near) {
    for (let i = 0; i < p.samples.length && p.at + i < length; i++) dry[p.at + i] = p.samples[i]!;
    for (const [a, b] of p.intervals) nearIntervals.push([a + p.at + directUser, b + p.at + directUser]);
    utterances.push([p.intervals[0]![0] + p.at + directUser, p.intervals[p.intervals.length - 1]![1] + p.at + directUser]);
  }
  return { dry, nearIntervals, utterances };
}

/** The user's utterance times (s) for a script, and the seconds the scene lasts after the last reply. */
function userTimes(script: SceneScript, replyEndS: number, random: () => number): number[] {
  if (script === 'call') return [3.2, 5.8, 8.4, 11.0].map((t) => Math.min(t + 0.3 * random(), replyEndS - 0.8)).concat([replyEndS + 1.2]);
  if (script === 'cold-start') {
    const times = [0.8];
    for (let k = 1; k < 6; k++) times.push(0.8 + 2.4 * k + 0.4 * (random() - 0.5));
    return [...times, Math.max(replyEndS, times[5]! + 1.5) + 1.2];
  }
  return [replyEndS + 1.2];
}

export function sceneName(p: SceneParams): string {
  const extras = [
    p.nonlinear ? 'nonlinear' : '',
    p.drc ? `drc ${p.drc}` : '',
    p.pathChange ? `change@${p.pathChange.atS}s${p.pathChange.move ? ' move' : ''}${p.pathChange.shiftMs ? ` shift ${p.pathChange.shiftMs}ms` : ''}` : '',
    p.noiseDb !== undefined && p.noiseDb !== -70 ? `noise ${p.noiseDb}` : '',
    p.softStart ? `soft ${p.softStart.db}dB ${p.softStart.seconds}s` : '',
    p.responseFromRate !== undefined ? `from ${p.responseFromRate / 1000}k` : '',
    p.bluetooth ? bluetoothName(p.bluetooth, p.sampleRate) : '',
    p.moving ? `moving ${p.moving.name}` : '',
    p.gone ? `gone ${p.gone.fromS}-${p.gone.toS}s` : '',
  ].filter(Boolean);
  return `${p.room} ${p.sampleRate / 1000}k ${p.script} ${p.delayMs}ms ${p.erlDb}dB${extras.length ? ` ${extras.join(' ')}` : ''}`;
}

export function buildScene(params: SceneParams): EchoScene {
  const { room: roomName, sampleRate: rate, delayMs, erlDb, script } = params;
  const seed = params.seed ?? 1;
  const random = rng(seed * 7919 + script.length);
  const noiseDb = params.noiseDb ?? -70;
  const nearDb = params.nearDb ?? -26;
  const room = loadRoom(roomName, rate, params.responseFromRate);
  const roomKey = params.responseFromRate === undefined ? roomName : `${roomName}<${params.responseFromRate}`; // the caches' key
  const toSamples = (s: number) => Math.round(s * rate);

  // The assistant: one reply ('cold-start': two, 1.2 s apart).
  const replies = TUNING_REPLIES;
  const first = params.assistant ?? replies[seed % replies.length]!;
  const far: Placed[] = [{ samples: loadClip('assistant', first, rate).samples, at: toSamples(LEAD_S), intervals: [] }];
  far[0]!.intervals = loadClip('assistant', first, rate).speechIntervals;
  if (params.softStart)
    far[0]!.samples = softened(far[0]!.samples, far[0]!.intervals[0]![0], toSamples(params.softStart.seconds), params.softStart.db, toSamples(0.02));
  if (script === 'cold-start') {
    const second = replies[(replies.indexOf(first) + 1) % replies.length]!;
    const clip = loadClip('assistant', second, rate);
    far.push({ samples: clip.samples, at: far[0]!.at + far[0]!.samples.length + toSamples(1.2), intervals: clip.speechIntervals });
  }
  const lastFar = far[far.length - 1]!;
  const replyEndS = (lastFar.at + lastFar.samples.length) / rate;

  // The user.
  const users = speechNames('user').filter((n) => (params.users ?? USERS_TUNING).includes(n));
  const near: Placed[] = userTimes(script, replyEndS, random).map((t, k) => {
    const clip = loadClip('user', users[(seed + k) % users.length]!, rate);
    return { samples: clip.samples, at: toSamples(t), intervals: clip.speechIntervals };
  });
  const lastNear = near[near.length - 1]!;
  const length = lastNear.at + lastNear.samples.length + toSamples(1.0);

  const reference = new Float32Array(length);
  const farIntervals: Interval[] = [];
  for (const p of far) {
    reference.set(p.samples, p.at);
    for (const [a, b] of p.intervals) farIntervals.push([a + p.at, b + p.at]);
  }

  // What the speaker plays: delayed, jumped at a path change, soft-clipped.
  const delay = toSamples(delayMs / 1000);
  if (params.gone && (params.pathChange || params.bluetooth || params.moving)) throw new Error(`${sceneName(params)}: a gone echo takes no other path change`);
  const gone = params.gone ? [toSamples(params.gone.fromS), toSamples(params.gone.toS)] : null;
  const change = params.pathChange ? toSamples(params.pathChange.atS) : gone ? gone[1]! : null;
  const shiftMs = params.pathChange ? Math.max(params.pathChange.shiftMs, -delayMs) : 0;
  const shift = toSamples(shiftMs / 1000);
  if (params.bluetooth && (params.nonlinear || change !== null)) throw new Error(`${sceneName(params)}: a Bluetooth playout takes no clipping or path change`);
  const played = params.bluetooth ? bluetoothPlayed(reference, delay, rate, params.bluetooth, seed, length) : new Float64Array(length);
  for (let t = 0; t < length && !params.bluetooth; t++) {
    const after = change !== null && t >= change;
    if (after && shift > 0 && t < change + shift) continue; // underrun: silence
    const idx = t - delay - (after ? shift : 0);
    if (idx >= 0 && idx < length) played[t] = reference[idx]!;
  }
  if (gone) played.fill(0, gone[0], gone[1]);
  let drcGainDb: [number, number] | null = null;
  if (params.drc) {
    const drc = applyDrc(played, DRC_SETTINGS[params.drc], rate);
    played.set(drc.output);
    drcGainDb = gainSpreadDb(drc.frameGainsDb);
  }
  let drive: number | null = null;
  let distortionDb: number | null = null;
  if (params.nonlinear) {
    let peak = 0;
    for (const v of reference) peak = Math.max(peak, Math.abs(v));
    drive = driveFor(peak, (params.thdPercent ?? 3) / 100);
    let dist = 0;
    let all = 0;
    for (let t = 0; t < length; t++) {
      const y = Math.tanh(drive * played[t]!) / drive;
      dist += (y - played[t]!) ** 2;
      all += played[t]! ** 2;
      played[t] = y;
    }
    distortionDb = db(dist / all);
  }

  // The echo, scaled to the echo return loss over the far end's active speech. Without clipping
  // or a path change it is the (cached) room response to the reference, delayed.
  const directA = Math.round(room.directA);
  let echo: Float64Array;
  if (params.moving) {
    if (change !== null) throw new Error(`${sceneName(params)}: a moving path takes no path change`);
    echo = movingEcho(roomName, played, rate, params.moving, length, () => convolve(played, room.echoA, length));
  } else if (params.nonlinear || params.drc || change !== null || params.bluetooth || gone) echo = convolve(played, room.echoA, length);
  else {
    const soft = params.softStart ? `/soft${params.softStart.db}/${params.softStart.seconds}` : '';
    const base = cached(`${roomKey}/${rate}/${script}/${first}/${seed}${soft}`, () => convolve(reference, room.echoA, length));
    echo = new Float64Array(length);
    echo.set(base.subarray(0, length - delay), delay);
  }
  // (a gone echo: the level over the reply where the speaker plays it)
  const heard = cutOut(farIntervals, gone, -delay);
  const gain = Math.sqrt(meanPower(reference, heard) / meanPower(echo, heard, delay + directA) / 10 ** (erlDb / 10));
  let erlAfterChangeDb: number | null = null;
  if (change !== null && params.pathChange?.move) {
    const moved = convolve(played, room.echoB, length);
    const fade = toSamples(0.01);
    for (let t = change; t < length; t++) {
      const w = Math.min(1, (t - change) / fade);
      echo[t] = (1 - w) * echo[t]! + w * moved[t]!;
    }
    const after = farIntervals.filter(([a]) => a + delay >= change);
    erlAfterChangeDb = after.length
      ? db(meanPower(reference, after) / (gain * gain * meanPower(moved, after, delay + shift + Math.round(room.directB))))
      : null;
  } else if (change !== null) erlAfterChangeDb = erlDb;
  echo = echo.map((v) => v * gain);

  // The user through the room, at nearDb active RMS.
  const { dry, nearIntervals, utterances } = placeUser(near, length, Math.round(room.directUser));
  const wet = cached(`${roomKey}/${rate}/${script}/${first}/${seed}/user`, () => convolve(dry, room.user, length));
  const nearGain = Math.sqrt(10 ** (nearDb / 10) / meanPower(wet, nearIntervals));

  const colour = params.noiseColour ?? 'pink';
  const unitNoise = cached(`${length}/${rate}/${colour}/${seed}`, () => Float64Array.from(colouredNoise(length, rate, colour, 0, seed * 104729 + 17)));
  const noise = Float32Array.from(unitNoise, (v) => v * 10 ** (noiseDb / 20));
  const micOut = new Float32Array(length);
  const echoOut = new Float32Array(length);
  const nearOut = new Float32Array(length);
  for (let t = 0; t < length; t++) {
    echoOut[t] = echo[t]!;
    nearOut[t] = nearGain * wet[t]!;
    micOut[t] = echoOut[t]! + nearOut[t]! + noise[t]!;
  }
  // (a Bluetooth speaker's clock: reference sample a plays at (a + delay) / (1 + drift))
  const clock = 1 + (params.bluetooth?.driftPpm ?? 0) / 1e6;
  const toMic = (a: number) => Math.round((a + delay) / clock) + directA + (change !== null && a + delay >= change ? shift : 0);
  return {
    name: sceneName(params),
    params,
    sampleRate: rate,
    reference,
    mic: micOut,
    echo: echoOut,
    near: nearOut,
    noise,
    labels: {
      near: nearIntervals,
      utterances,
      far: farIntervals,
      echo: cutOut(
        farIntervals.map(([a, b]) => [toMic(a), toMic(b)] as Interval),
        gone,
        directA,
      ),
    },
    events: { echoStart: toMic(farIntervals[0]![0]), pathChange: change, coldStartUser: script === 'cold-start' ? utterances[0]![0] : null },
    meta: {
      erlDb: db(meanPower(reference, heard) / meanPower(echoOut, heard, delay + directA)),
      erlAfterChangeDb,
      distortionDb,
      drive,
      drcGainDb,
      shiftMs,
      echoDelayMs: ((delay + room.directA) * 1000) / rate,
    },
  };
}

/** `intervals` (the echo's at the mic) without the stretch where the speaker played nothing (`gone`, in the played timeline; `directA` on at the mic). */
function cutOut(intervals: Interval[], gone: number[] | null, directA: number): Interval[] {
  if (!gone) return intervals;
  const [from, to] = [gone[0]! + directA, gone[1]! + directA];
  const out: Interval[] = [];
  for (const [a, b] of intervals) {
    if (a < from) out.push([a, Math.min(b, from)]);
    if (b > to) out.push([Math.max(a, to), b]);
  }
  return out;
}

/**
 * A scene's fingerprint: the mic at 16 spread positions in units of 1e-7 (the noise alone moves
 * them by ~1e-4, float rounding by < 1e-7). Recorded with reference figures made from the scene.
 */
export function sceneFingerprint(scene: EchoScene): number[] {
  const n = scene.mic.length;
  return Array.from({ length: 16 }, (_, k) => Math.round(scene.mic[Math.floor(((k + 0.5) * n) / 16)]! * 1e7));
}

/** True when two fingerprints describe the same scene (within 2e-7 each). */
export function sameFingerprint(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 2);
}
