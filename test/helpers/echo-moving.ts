// Moving echo paths (aec-moving17): the echo of a room whose response drifts all the time instead
// of staying fixed or changing in one step. Two kinds, both seeded and deterministic:
//   - the device moves (the mic on a laptop lid, the laptop slid, a phone or a mic held in the hand,
//     a speaker nudged): the room's image-source response (scripts/echo-rooms.mjs `response`, the
//     room's own seed, so the same jittered images move with the geometry) rendered at keyframes 1 cm
//     apart along a straight trajectory, scaled by 1 / distance from the start (so the level moves
//     too), and the echo crossfaded sample by sample between the two keyframes either side of where
//     the trajectory is at that sample (overlap-save convolution of each keyframe over the stretches
//     that need it). No Doppler beyond what the crossfade gives.
//   - a body near the device (the user leaning in and back, someone walking past the kiosk): the
//     room's fixed response plus one extra path through a point reflector at a moving position P,
//     speaker -> P -> mic, rendered sample by sample as a fractional delay (33-tap Hann-windowed sinc,
//     as the generator's images), amplitude 0.5 * 0.3 m * d0 / (d1 d2) relative to the direct path
//     (a reflectance of 0.5, an effective size of 0.3 m), never more than a plane mirror of that
//     reflectance (0.5 d0 / (d1 + d2)); the path is high-passed at 300 Hz (a body is small against
//     longer wavelengths) and at the speaker's roll-off. Delay, gain and Doppler follow P exactly.
// The trajectory's position s(t) in [0, 1]: a sway ((1 - cos) / 2 with a period) or glides (a
// smoothstep from one end to the other at each listed time, alternating direction).
import { highPass, response, ROOMS, SOUND_SPEED_M_S, seedOf, type Vec3 } from '../../scripts/echo-rooms.mjs';
import { fft, roomsManifest } from './echo-sources.js';

export interface MovingPath {
  /** Its name in the scene's name (`moving <name>`). */
  name: string;
  /** What moves: the mic, the speaker, both (the device), or a reflecting body near the device. */
  part: 'mic' | 'speaker' | 'device' | 'body';
  /** Device: the displacement at s = 1 from the room's placement a, m. Body: the reflector at s = 1, offset from the mic, m. */
  to: Vec3;
  /** Body only: the reflector at s = 0, offset from the mic, m. */
  from?: Vec3;
  /** sway: s = (1 - cos(2 pi t / periodS)) / 2; glide: s from one end to the other over durationS at each of atS. */
  motion: { kind: 'sway'; periodS: number } | { kind: 'glide'; atS: number[]; durationS: number };
}

const KEY_SPACING_M = 0.01;
const BODY_REFLECTANCE = 0.5;
const BODY_SIZE_M = 0.3;
const BODY_HIGHPASS_HZ = 300;
const SINC_HALF = 16;

const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
const lerp = (a: readonly number[], b: readonly number[], s: number): Vec3 => [
  a[0]! + s * (b[0]! - a[0]!),
  a[1]! + s * (b[1]! - a[1]!),
  a[2]! + s * (b[2]! - a[2]!),
];

/** The trajectory's position at `t` seconds, 0..1. */
export function trajectoryAt(motion: MovingPath['motion'], t: number): number {
  if (motion.kind === 'sway') return (1 - Math.cos((2 * Math.PI * t) / motion.periodS)) / 2;
  let s = 0;
  for (const [k, at] of motion.atS.entries()) {
    const x = Math.min(1, Math.max(0, (t - at) / motion.durationS));
    if (x <= 0) break;
    const step = x * x * (3 - 2 * x);
    s = k % 2 === 0 ? step : 1 - step;
  }
  return s;
}

/** Overlap-save: `out[n] += weight[n] * (x * h)[n]` for n in [from, to). */
function convolveRange(x: Float64Array, h: Float64Array, size: number, from: number, to: number, weight: Float64Array, out: Float64Array): void {
  const hre = new Float64Array(size);
  const him = new Float64Array(size);
  hre.set(h);
  fft(hre, him, false);
  const hop = size - h.length + 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let at = from; at < to; at += hop) {
    const start = at - h.length + 1;
    for (let i = 0; i < size; i++) {
      const n = start + i;
      re[i] = n >= 0 && n < x.length ? x[n]! : 0;
      im[i] = 0;
    }
    fft(re, im, false);
    for (let k = 0; k < size; k++) {
      const r = re[k]! * hre[k]! - im[k]! * him[k]!;
      im[k] = re[k]! * him[k]! + im[k]! * hre[k]!;
      re[k] = r;
    }
    fft(re, im, true);
    for (let i = h.length - 1; i < size; i++) {
      const n = start + i;
      if (n >= to) break;
      out[n]! += (weight[n]! * re[i]!) / size;
    }
  }
}

// A trajectory's keyframe responses (the same path at two echo return losses), bounded.
const keyframeCache = new Map<string, Float64Array[]>();

/** The echo of `played` through the room whose device moves along `path`, `length` samples; direct path 1 at the start. */
function deviceEcho(roomName: string, played: Float64Array, rate: number, path: MovingPath, length: number): Float64Array {
  const room = ROOMS.find((r) => r.name === roomName);
  if (!room) throw new Error(`no room ${roomName}`);
  const beta = roomsManifest().rooms.find((r) => r.name === roomName)!.beta; // the committed rooms' calibrated beta
  const seed = seedOf(room.name);
  const keys = Math.max(2, Math.ceil(Math.hypot(...path.to) / KEY_SPACING_M) + 1);
  const d0 = dist(room.speaker, room.mic);
  const key = `${roomName}/${rate}/${path.part}/${path.to.join(',')}`;
  const responses = keyframeCache.get(key) ?? [];
  if (keyframeCache.size >= 4 && !keyframeCache.has(key)) keyframeCache.delete(keyframeCache.keys().next().value!);
  keyframeCache.set(key, responses);
  for (let j = responses.length; j < keys; j++) {
    const move = lerp([0, 0, 0], path.to, j / (keys - 1));
    const mic = path.part === 'speaker' ? room.mic : room.mic.map((v, i) => v + move[i]!);
    const src = path.part === 'mic' ? room.speaker : room.speaker.map((v, i) => v + move[i]!);
    const h = response(room, src as Vec3, mic as Vec3, beta, rate, room.speakerHz, seed);
    const scale = d0 / dist(src, mic);
    for (let i = 0; i < h.length; i++) h[i]! *= scale;
    responses.push(h);
  }
  const longest = Math.max(...responses.map((h) => h.length));
  let size = 1;
  while (size < 4 * longest) size <<= 1;
  // where each sample sits between the keyframes
  const pos = new Float64Array(length);
  for (let n = 0; n < length; n++) pos[n] = trajectoryAt(path.motion, n / rate) * (keys - 1);
  const out = new Float64Array(length);
  const weight = new Float64Array(length);
  for (let j = 0; j < keys; j++) {
    const h = responses[j]!;
    // the stretches where keyframe j has a weight, merged across gaps shorter than the response
    let from = -1;
    let last = -1;
    for (let n = 0; n <= length; n++) {
      const w = n < length ? Math.max(0, 1 - Math.abs(pos[n]! - j)) : 0;
      if (n < length) weight[n] = w;
      if (w > 0) {
        if (from < 0) from = n;
        else if (n - last > h.length) {
          convolveRange(played, h, size, from, last + 1, weight, out);
          from = n;
        }
        last = n;
      }
    }
    if (from >= 0) convolveRange(played, h, size, from, last + 1, weight, out);
  }
  return out;
}

/** `out += gain[n] * x(n - delay[n])`, x read between samples by a 33-tap Hann-windowed sinc. */
function addFractionalDelay(x: Float64Array, delay: Float64Array, gain: Float64Array, out: Float64Array): void {
  for (let n = 0; n < out.length; n++) {
    const at = n - delay[n]!;
    const whole = Math.floor(at);
    const frac = at - whole;
    let acc = 0;
    for (let k = -SINC_HALF; k <= SINC_HALF + 1; k++) {
      const i = whole + k;
      if (i < 0 || i >= x.length) continue;
      const t = k - frac;
      if (Math.abs(t) >= SINC_HALF + 1) continue;
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
      acc += x[i]! * sinc * (0.5 + 0.5 * Math.cos((Math.PI * t) / (SINC_HALF + 1)));
    }
    out[n]! += gain[n]! * acc;
  }
}

/** The extra path of a body near the device, speaker -> reflector -> mic, added to `echo` (direct path 1). */
function addBody(roomName: string, played: Float64Array, rate: number, path: MovingPath, echo: Float64Array): void {
  const room = ROOMS.find((r) => r.name === roomName);
  if (!room) throw new Error(`no room ${roomName}`);
  const x = Float64Array.from(played);
  highPass(x, rate, 60);
  highPass(x, rate, room.speakerHz);
  highPass(x, rate, BODY_HIGHPASS_HZ);
  const d0 = dist(room.speaker, room.mic);
  const from = path.from ?? [0, 0, 0];
  const delay = new Float64Array(echo.length);
  const gain = new Float64Array(echo.length);
  for (let n = 0; n < echo.length; n++) {
    const p = lerp(
      room.mic.map((v, i) => v + from[i]!),
      room.mic.map((v, i) => v + path.to[i]!),
      trajectoryAt(path.motion, n / rate),
    );
    const d1 = dist(room.speaker, p);
    const d2 = dist(p, room.mic);
    delay[n] = ((d1 + d2) / SOUND_SPEED_M_S) * rate;
    gain[n] = Math.min((BODY_REFLECTANCE * BODY_SIZE_M * d0) / (d1 * d2), (BODY_REFLECTANCE * d0) / (d1 + d2));
  }
  addFractionalDelay(x, delay, gain, echo);
}

/**
 * The echo of `played` in `roomName` (a room of scripts/echo-room-list.mjs) with `path` moving,
 * unscaled (the direct path at the start has amplitude 1), `length` samples. `fixed` is the room's
 * own response to `played` (placement a), used as is for a body.
 */
export function movingEcho(roomName: string, played: Float64Array, rate: number, path: MovingPath, length: number, fixed: () => Float64Array): Float64Array {
  if (path.part !== 'body') return deviceEcho(roomName, played, rate, path, length);
  const echo = Float64Array.from(fixed());
  addBody(roomName, played, rate, path, echo);
  return echo;
}

/** The moving paths of the lab's group `moving` (echo-grid.ts movingGroup), per room. */
export const MOVING_PATHS: Record<'laptop' | 'desk' | 'kiosk', MovingPath[]> = {
  laptop: [
    // the lid's angle: the mic above the keyboard moves 5 cm back and forth
    { name: 'lid', part: 'mic', to: [0, 0.03, -0.04], motion: { kind: 'sway', periodS: 5 } },
    // the laptop slid 29 cm over 1.5 s, and back
    { name: 'slide', part: 'device', to: [0.25, -0.15, 0], motion: { kind: 'glide', atS: [4, 9], durationS: 1.5 } },
    // the user leans in to 0.3 m and back to 0.7 m
    { name: 'lean', part: 'body', from: [0, 0.6, 0.35], to: [0, 0.25, 0.15], motion: { kind: 'sway', periodS: 4 } },
  ],
  desk: [
    // a mic held in the hand, moved over 0.5 m
    { name: 'hand', part: 'mic', to: [0.3, 0.4, 0], motion: { kind: 'sway', periodS: 8 } },
    // the speaker nudged 11 cm, back, and again
    { name: 'nudge', part: 'speaker', to: [0.1, -0.05, 0], motion: { kind: 'glide', atS: [3, 7, 11], durationS: 1 } },
    { name: 'lean', part: 'body', from: [0.1, 0.8, 0.3], to: [0.1, 0.3, 0.1], motion: { kind: 'sway', periodS: 5 } },
  ],
  kiosk: [
    // someone walks past 0.6 m in front of the mic at 1.2 m/s, each way
    { name: 'walk', part: 'body', from: [-2, 0.6, 0], to: [2, 0.6, 0], motion: { kind: 'glide', atS: [2, 7, 12], durationS: 3.3 } },
    { name: 'lean', part: 'body', from: [0.3, 0.9, 0.2], to: [0.2, 0.3, 0.1], motion: { kind: 'sway', periodS: 6 } },
    // the mic on a gooseneck pushed 15 cm and swinging back
    { name: 'gooseneck', part: 'mic', to: [0.1, -0.1, 0.05], motion: { kind: 'sway', periodS: 3 } },
  ],
};
