// Sources of the echo scenes (issue 13): room impulse responses (fixtures/echo-rooms, 16 kHz
// committed; 24 and 48 kHz rendered from the same geometry by scripts/echo-rooms.mjs), the
// assistant's replies and the user's utterances (fixtures/echo-speech, 24 kHz, exact labels), an
// offline sinc resampler for the other rates, seeded pink/brown noise and FFT convolution. All of it
// is independent of the code under test.
import { readFileSync } from 'node:fs';
import { ROOMS, roomResponses, type Room } from '../../scripts/echo-rooms.mjs';
import { isOutsideRoom, loadOutsideRoom, type OutsideRoomName } from './echo-outside.js';
import { FIXTURES } from './labels-vad.js';
import { rng } from './random.js';
import { readWav } from './wav-read.js';

export type RoomName = 'laptop' | 'desk' | 'kiosk' | 'car' | 'phone' | 'conference' | OutsideRoomName;
export const MAIN_ROOMS: RoomName[] = ['laptop', 'desk', 'kiosk'];
export const HELD_OUT_ROOMS: RoomName[] = ['car', 'phone', 'conference'];
export const SPEECH_RATE = 24000;
export const SOUND_SPEED = 343;

export interface RoomResponses {
  room: Pick<Room, 'name' | 'what' | 'rt60'>;
  sampleRate: number;
  /** Speaker to mic, placement a and after the move (b); user to mic. Direct path amplitude 1. */
  echoA: Float64Array;
  echoB: Float64Array;
  user: Float64Array;
  /** Direct-path arrival, samples (fractional). */
  directA: number;
  directB: number;
  directUser: number;
}

interface RoomManifest {
  rooms: (Room & { beta: number; responses: Record<string, { file: string | null; samples: number }> })[];
}

const roomCache = new Map<string, RoomResponses>();
let roomManifest: RoomManifest | undefined;

export function roomsManifest(): RoomManifest {
  roomManifest ??= JSON.parse(readFileSync(`${FIXTURES}echo-rooms/manifest.json`, 'utf8')) as RoomManifest;
  return roomManifest;
}

const dist = (a: number[], b: number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
const add = (a: number[], b: number[]) => a.map((v, i) => v + b[i]!);

function readF32(path: string): Float64Array {
  const b = readFileSync(path);
  return Float64Array.from(new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
}

/**
 * The responses of a room at `sampleRate`: the committed files at 16 kHz, rendered otherwise (cached);
 * outside rooms: ./echo-outside (`fromRate`, theirs only: the response generated at that rate, resampled).
 */
export function loadRoom(name: RoomName, sampleRate: number, fromRate?: number): RoomResponses {
  if (isOutsideRoom(name)) return loadOutsideRoom(name, sampleRate, fromRate);
  if (fromRate !== undefined) throw new Error(`fromRate is for the outside rooms only, not ${name}`);
  const key = `${name}/${sampleRate}`;
  const hit = roomCache.get(key);
  if (hit) return hit;
  const entry = roomsManifest().rooms.find((r) => r.name === name);
  const room = ROOMS.find((r) => r.name === name);
  if (!entry || !room) throw new Error(`no room ${name}`);
  let echoA: Float64Array;
  let echoB: Float64Array;
  let user: Float64Array;
  if (sampleRate === 16000) {
    const file = (k: string) => `${FIXTURES}echo-rooms/${entry.responses[`${k}-16000`]!.file}`;
    echoA = readF32(file('echo-a'));
    echoB = readF32(file('echo-b'));
    user = readF32(file('user'));
  } else {
    ({ echoA, echoB, user } = roomResponses(room, sampleRate, entry.beta));
  }
  const toSamples = (m: number) => (m / SOUND_SPEED) * sampleRate;
  const r: RoomResponses = {
    room,
    sampleRate,
    echoA,
    echoB,
    user,
    directA: toSamples(dist(room.speaker, room.mic)),
    directB: toSamples(dist(add(room.speaker, room.moved.speaker), add(room.mic, room.moved.mic))),
    directUser: toSamples(dist(room.user, room.mic)),
  };
  roomCache.set(key, r);
  return r;
}

export interface SpeechClip {
  name: string;
  what: string;
  /** Samples at the requested rate. */
  samples: Float32Array;
  /** Speech intervals, samples at the requested rate. */
  speechIntervals: [number, number][];
}

interface SpeechManifest {
  sampleRate: number;
  assistant: { name: string; file: string; what: string; speechIntervals: [number, number][] }[];
  user: { name: string; file: string; what: string; speechIntervals: [number, number][] }[];
}

let speechManifest: SpeechManifest | undefined;
const clipCache = new Map<string, SpeechClip>();

export function speechNames(kind: 'assistant' | 'user'): string[] {
  speechManifest ??= JSON.parse(readFileSync(`${FIXTURES}echo-speech/manifest.json`, 'utf8')) as SpeechManifest;
  return speechManifest[kind].map((c) => c.name);
}

/** One reply or utterance at `sampleRate` (resampled from 24 kHz when needed), labels scaled. */
export function loadClip(kind: 'assistant' | 'user', name: string, sampleRate: number): SpeechClip {
  const key = `${name}/${sampleRate}`;
  const hit = clipCache.get(key);
  if (hit) return hit;
  speechNames(kind);
  const entry = speechManifest![kind].find((c) => c.name === name);
  if (!entry) throw new Error(`no ${kind} clip ${name}`);
  const wav = readWav(`${FIXTURES}echo-speech/${entry.file}`);
  if (wav.sampleRate !== SPEECH_RATE) throw new Error(`${entry.file}: expected ${SPEECH_RATE} Hz`);
  const ratio = sampleRate / SPEECH_RATE;
  const clip: SpeechClip = {
    name,
    what: entry.what,
    samples: sampleRate === SPEECH_RATE ? wav.samples : resampleOffline(wav.samples, SPEECH_RATE, sampleRate),
    speechIntervals: entry.speechIntervals.map(([a, b]) => [Math.round(a * ratio), Math.round(b * ratio)]),
  };
  clipCache.set(key, clip);
  return clip;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The modified Bessel function I0 (its series), for Kaiser windows. */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 40; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/**
 * Offline (non-causal, zero-delay) windowed-sinc resampler for rational ratios: Kaiser window
 * (beta 10, about -100 dB side lobes), cut-off 0.95 x the lower Nyquist, 40 zero crossings each
 * side. Output sample n sits at input time n x from / to, so labels scale exactly.
 */
export function resampleOffline(x: Float32Array, from: number, to: number): Float32Array {
  const g = gcd(from, to);
  const up = to / g;
  const down = from / g;
  const cutoff = 0.95 * Math.min(1, to / from); // in cycles per input half-sample (Nyquist = 1)
  const half = Math.ceil(40 / cutoff);
  const width = 2 * half + 1;
  const beta = 10;
  const i0Beta = besselI0(beta);
  // Phase p: output time t = n * down / up has fractional part p / up.
  const table = new Float64Array(up * width);
  for (let p = 0; p < up; p++) {
    const frac = p / up;
    for (let k = -half; k <= half; k++) {
      const t = k - frac; // input index offset from the output time
      const s = t === 0 ? cutoff : Math.sin(Math.PI * cutoff * t) / (Math.PI * t);
      const r = t / (half + 1);
      const w = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
      table[p * width + k + half] = s * w;
    }
  }
  const n = Math.floor((x.length * up) / down);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const base = Math.floor((i * down) / up);
    const p = (i * down) % up;
    let acc = 0;
    const row = p * width + half;
    for (let k = -half; k <= half; k++) {
      const j = base + k;
      if (j >= 0 && j < x.length) acc += x[j]! * table[row + k]!;
    }
    out[i] = acc;
  }
  return out;
}

/**
 * Seeded mic noise at `rmsDb` dBFS RMS, as a capture chain delivers it: Gaussian white noise
 * shaped in the frequency domain to a power spectrum falling 3 dB per octave (pink) or 6 dB per
 * octave (brown) above 100 Hz, and rolled off 12 dB per octave below 100 Hz (the rumble high-pass
 * every capture path has), so the level states the noise where speech and echo are (checked in
 * test/quality/echo-lab.test.ts).
 */
export function colouredNoise(samples: number, sampleRate: number, colour: 'pink' | 'brown', rmsDb: number, seed: number): Float32Array {
  const random = rng(seed);
  let n = 1;
  while (n < samples) n <<= 1;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()); // Box-Muller
  fft(re, im, false);
  const exponent = colour === 'pink' ? 0.5 : 1; // amplitude ~ f^-exponent above the corner
  const cornerHz = 100;
  for (let k = 0; k < n; k++) {
    const hz = (Math.min(k, n - k) * sampleRate) / n;
    const g = hz >= cornerHz ? hz ** -exponent : cornerHz ** -exponent * (hz / cornerHz) ** 2;
    re[k]! *= g;
    im[k]! *= g;
  }
  fft(re, im, true);
  let power = 0;
  for (let i = 0; i < samples; i++) power += re[i]! * re[i]!;
  const gain = 10 ** (rmsDb / 20) / Math.sqrt(power / samples);
  return Float32Array.from(re.subarray(0, samples), (v) => v * gain);
}

/** In-place iterative radix-2 complex FFT (inverse without the 1/n scale when `inverse`). */
export function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

const spectra = new Map<ArrayLike<number>, { size: number; re: Float64Array; im: Float64Array }>();

/**
 * Linear convolution of x with h, the first `length` samples: overlap-add with FFT blocks of four
 * times h's length (double precision; h's spectrum cached per array).
 */
export function convolve(x: ArrayLike<number>, h: ArrayLike<number>, length: number): Float64Array {
  let size = 1;
  while (size < 4 * h.length) size <<= 1;
  let H = spectra.get(h);
  if (!H || H.size !== size) {
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    for (let i = 0; i < h.length; i++) re[i] = h[i]!;
    fft(re, im, false);
    H = { size, re, im };
    spectra.set(h, H);
  }
  const hop = size - h.length + 1;
  const out = new Float64Array(length);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let at = 0; at < Math.min(x.length, length); at += hop) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < hop && at + i < x.length; i++) re[i] = x[at + i]!;
    fft(re, im, false);
    for (let k = 0; k < size; k++) {
      const r = re[k]! * H.re[k]! - im[k]! * H.im[k]!;
      im[k] = re[k]! * H.im[k]! + im[k]! * H.re[k]!;
      re[k] = r;
    }
    fft(re, im, true);
    for (let i = 0; i < size && at + i < length; i++) out[at + i]! += re[i]! / size;
  }
  return out;
}
