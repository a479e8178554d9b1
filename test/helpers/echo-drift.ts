// Clock drift between the speaker and the mic (issue 13): a USB or Bluetooth mic beside the laptop's
// speaker, or a server fed by two streams, sees the echo's delay move by tens of ppm (100 ppm: 6 ms
// a minute). A long call (minutes) built like echo-scenes.ts's, except that what the speaker plays
// is the reference resampled by 1 + driftPpm / 1e6 (played sample n is the reference at
// n x (1 + drift): the speaker's clock runs fast by `driftPpm` against the mic's, and the echo
// arrives earlier and earlier; negative: later and later) with our own offline windowed-sinc
// interpolator (Kaiser beta 10, 32 zero crossings a side, 1024 phases linearly interpolated: a
// 1 kHz tone comes out within -100 dB of the exact one, echo-drift.test). Independent of the code
// under test. Optionally a playout jump mid-call (the echo later by a few ms from then on, as after
// a buffer underrun): drift and a path change together. Also: a window of a scene (for per-30 s figures by echo-metrics.ts's rules).
import type { EchoScene, Interval } from './echo-scenes.js';
import { besselI0, colouredNoise, convolve, loadClip, loadRoom, type RoomName } from './echo-sources.js';
import { rng } from './random.js';

export interface DriftParams {
  room: RoomName;
  sampleRate: number;
  /** Speaker clock against the mic's, ppm: > 0 the echo comes earlier over time, < 0 later. */
  driftPpm: number;
  /** Length of the call, s (a minute or more). */
  seconds: number;
  /** Extra system delay at the start, ms. */
  delayMs: number;
  erlDb: number;
  noiseDb?: number;
  seed?: number;
  /** A playout jump (a buffer underrun) at `atS` s: the echo `ms` later from then on. */
  jump?: { atS: number; ms: number };
}

const REPLIES = ['assistant-forecast', 'assistant-recipe', 'assistant-recorded', 'assistant-heldout'];
const USERS = ['user-wait', 'user-friday', 'user-other', 'user-repeat', 'user-hold', 'user-hello', 'user-thanks', 'user-sorry'];
const ZERO_CROSSINGS = 32;
const PHASES = 1024;

let kernel: Float64Array | undefined;
/** The interpolation kernel at PHASES + 1 fractional offsets (row p: offset p / PHASES), 2 x ZERO_CROSSINGS taps each. */
function sincTable(): Float64Array {
  if (kernel) return kernel;
  const width = 2 * ZERO_CROSSINGS;
  const cutoff = 0.95;
  const i0 = besselI0(10);
  kernel = new Float64Array((PHASES + 1) * width);
  for (let p = 0; p <= PHASES; p++) {
    for (let k = 0; k < width; k++) {
      const t = k - (ZERO_CROSSINGS - 1) - p / PHASES; // tap position minus the fractional time
      const s = t === 0 ? cutoff : Math.sin(Math.PI * cutoff * t) / (Math.PI * t);
      const r = t / (ZERO_CROSSINGS + 1);
      kernel[p * width + k] = Math.abs(r) >= 1 ? 0 : (s * besselI0(10 * Math.sqrt(1 - r * r))) / i0;
    }
  }
  return kernel;
}

/** y[n] = x(n x ratio - offset) by windowed-sinc interpolation, `length` samples (zero outside x). */
export function resampleAt(x: ArrayLike<number>, ratio: number, offset: number, length: number): Float64Array {
  const table = sincTable();
  const width = 2 * ZERO_CROSSINGS;
  const y = new Float64Array(length);
  for (let n = 0; n < length; n++) {
    const t = n * ratio - offset;
    const base = Math.floor(t);
    const pos = (t - base) * PHASES;
    const p = Math.floor(pos);
    const w = pos - p;
    const row0 = p * width;
    const row1 = row0 + width;
    let acc = 0;
    for (let k = 0; k < width; k++) {
      const j = base - (ZERO_CROSSINGS - 1) + k;
      if (j < 0 || j >= x.length) continue;
      acc += x[j]! * ((1 - w) * table[row0 + k]! + w * table[row1 + k]!);
    }
    y[n] = acc;
  }
  return y;
}

export function driftSceneName(p: DriftParams): string {
  const jump = p.jump ? ` jump +${p.jump.ms}ms@${p.jump.atS}s` : '';
  return `${p.room} ${p.sampleRate / 1000}k drift ${p.driftPpm > 0 ? '+' : ''}${p.driftPpm}ppm ${p.seconds}s ${p.delayMs}ms ${p.erlDb}dB${jump}`;
}

/** Mean power of `x` over the intervals. */
export const meanPower = (x: ArrayLike<number>, intervals: Interval[]) => {
  let s = 0;
  let n = 0;
  for (const [a, b] of intervals) {
    for (let i = Math.max(0, a); i < Math.min(x.length, b); i++) s += x[i]! * x[i]!;
    n += b - a;
  }
  return s / Math.max(1, n);
};

/**
 * A call of `seconds`: the four replies in turn with 0.8-2.4 s pauses, the user over each reply
 * 2-4 s into it, and alone in every third pause (lengthened to fit); the echo through the room from
 * the drifting playback, at `erlDb`; the user at -26 dBFS; pink mic noise at `noiseDb` (-70).
 */
export function buildDriftScene(params: DriftParams): EchoScene {
  const { room: roomName, sampleRate: rate, driftPpm, seconds, delayMs, erlDb } = params;
  const random = rng((params.seed ?? 1) * 7919 + 13);
  const room = loadRoom(roomName, rate);
  const length = Math.round(seconds * rate);
  const reference = new Float32Array(length);
  const dry = new Float64Array(length);
  const far: Interval[] = [];
  const nearDry: { at: number; intervals: Interval[] }[] = [];
  let at = Math.round(0.3 * rate);
  for (let r = 0; at < length; r++) {
    const clip = loadClip('assistant', REPLIES[r % REPLIES.length]!, rate);
    if (at + clip.samples.length > length) break;
    reference.set(clip.samples, at);
    for (const [a, b] of clip.speechIntervals) far.push([a + at, b + at]);
    const user = (k: number) => loadClip('user', USERS[(r * 2 + k) % USERS.length]!, rate);
    const over = user(0);
    const overAt = at + Math.round((2 + 2 * random()) * rate);
    if (overAt + over.samples.length < length) {
      for (let i = 0; i < over.samples.length; i++) dry[overAt + i] = over.samples[i]!;
      nearDry.push({ at: overAt, intervals: over.speechIntervals });
    }
    at += clip.samples.length;
    let pause = Math.round((0.8 + 1.6 * random()) * rate);
    if (r % 3 === 2) {
      const alone = user(1);
      const aloneAt = at + Math.round(0.8 * rate);
      if (aloneAt + alone.samples.length < length) {
        for (let i = 0; i < alone.samples.length; i++) dry[aloneAt + i] = alone.samples[i]!;
        nearDry.push({ at: aloneAt, intervals: alone.speechIntervals });
      }
      pause = Math.max(pause, Math.round(0.8 * rate) + alone.samples.length + Math.round(1.2 * rate));
    }
    at += pause;
  }

  // Played sample n (mic timeline) is the reference at n x ratio - delay (- the jump from its time on).
  const ratio = 1 + driftPpm / 1e6;
  const delay = Math.round((delayMs / 1000) * rate);
  const played = resampleAt(reference, ratio, delay, length);
  const jumpAt = params.jump ? Math.round(params.jump.atS * rate) : length;
  const jump = params.jump ? Math.round((params.jump.ms / 1000) * rate) : 0;
  if (params.jump) played.set(resampleAt(reference, ratio, delay + jump, length).subarray(jumpAt), jumpAt);
  const echoRaw = convolve(played, room.echoA, length);
  const toMic = (a: number) => {
    const before = (a + delay) / ratio;
    return Math.round((before >= jumpAt ? (a + delay + jump) / ratio : before) + room.directA);
  };
  const echoLabels = far.map(([a, b]) => [toMic(a), toMic(b)] as Interval);
  const gain = Math.sqrt(meanPower(reference, far) / meanPower(echoRaw, echoLabels) / 10 ** (erlDb / 10));
  const wet = convolve(dry, room.user, length);
  const directUser = Math.round(room.directUser);
  const nearLabels: Interval[] = [];
  const utterances: Interval[] = [];
  for (const u of nearDry) {
    for (const [a, b] of u.intervals) nearLabels.push([a + u.at + directUser, b + u.at + directUser]);
    utterances.push([u.intervals[0]![0] + u.at + directUser, u.intervals[u.intervals.length - 1]![1] + u.at + directUser]);
  }
  const nearGain = Math.sqrt(10 ** (-26 / 10) / meanPower(wet, nearLabels));
  const noise = colouredNoise(length, rate, 'pink', params.noiseDb ?? -70, (params.seed ?? 1) * 104729 + 29);
  const echo = Float32Array.from(echoRaw, (v) => v * gain);
  const near = Float32Array.from(wet, (v) => v * nearGain);
  const mic = Float32Array.from(echo, (v, i) => v + near[i]! + noise[i]!);
  return {
    name: driftSceneName(params),
    params: { room: roomName, sampleRate: rate, delayMs, erlDb, script: 'call', seed: params.seed },
    sampleRate: rate,
    reference,
    mic,
    echo,
    near,
    noise,
    labels: { near: nearLabels, utterances, far, echo: echoLabels },
    events: { echoStart: echoLabels[0]![0], pathChange: params.jump ? jumpAt : null, coldStartUser: null },
    meta: {
      erlDb,
      erlAfterChangeDb: null,
      distortionDb: null,
      drive: null,
      shiftMs: params.jump?.ms ?? 0,
      echoDelayMs: ((delay + room.directA) * 1000) / rate,
    },
  };
}

/**
 * The part of a scene in [fromS, toS) as a scene of its own (labels cut and shifted), with every
 * frame counted as settled (the echo started 2 s before it), for figures per window.
 */
export function sceneWindow(scene: EchoScene, output: Float32Array, fromS: number, toS: number): { scene: EchoScene; output: Float32Array } {
  const a = Math.round(fromS * scene.sampleRate);
  const b = Math.min(scene.mic.length, Math.round(toS * scene.sampleRate));
  const cut = (xs: Interval[]) => xs.filter(([p, q]) => q > a && p < b).map(([p, q]) => [Math.max(p, a) - a, Math.min(q, b) - a] as Interval);
  return {
    scene: {
      ...scene,
      name: `${scene.name} ${fromS}-${toS}s`,
      reference: scene.reference.slice(a, b),
      mic: scene.mic.slice(a, b),
      echo: scene.echo.slice(a, b),
      near: scene.near.slice(a, b),
      noise: scene.noise.slice(a, b),
      labels: { near: cut(scene.labels.near), utterances: cut(scene.labels.utterances), far: cut(scene.labels.far), echo: cut(scene.labels.echo) },
      events: { echoStart: -2 * scene.sampleRate, pathChange: null, coldStartUser: null },
    },
    output: output.slice(a, b),
  };
}
