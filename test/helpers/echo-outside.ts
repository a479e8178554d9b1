// The echo lab's "outside" rooms (issue 13): echo paths the lab's image-source simulator did not
// make, so the canceller is judged on rooms it was not shaped on: sox's freeverb from a small room
// to a hall of RT60 ~4.5 s, a measured seminar room and a measured domestic living room (the Open
// AIR Library's, Public Domain; fixtures/echo-outside, made by
// scripts/echo-outside-rooms.mjs). Held out: the canceller's constants are not tuned on them, except
// the suppressor's late-reverberation model, which exists for such tails (docs/echo-lab.md).
//
// Each has one speaker-to-mic response (no path change); the user's path is a direct impulse plus
// the room's response 10 dB under it (a user near the mic, in the same room). 16, 24 and 48 kHz as
// committed (generated at each rate: the 24 and 48 kHz responses keep what the rooms have over
// 8 kHz, where the 24 kHz speech still has energy; 24 kHz since aec-outside24); other rates by the
// lab's offline resampler from 16 kHz. A scene's `responseFromRate` (the lab's `outside24r`: 16000,
// the 24 kHz scenes as they were before aec-outside24) or ECHO_OUTSIDE_FROM_RATE=48000 (bench only,
// for every scene): the response generated at that rate, resampled to the scene's (sox's freeverb
// rendered at each rate is another realisation of the same settings: aec-outside48).
import { readFileSync } from 'node:fs';
import { FIXTURES } from './labels-vad.js';
import { resampleOffline, type RoomResponses } from './echo-sources.js';

export const OUTSIDE_ROOMS = ['sox-small', 'sox-medium', 'sox-large', 'seminar', 'living-room'] as const;
export type OutsideRoomName = (typeof OUTSIDE_ROOMS)[number];
const RATE = 16000;
/** The user's reverberation under the direct sound, dB. */
const USER_DRR_DB = 10;

interface OutsideResponse {
  file: string;
  samples: number;
  onsetSamples: number;
  t30S: number;
}
interface OutsideManifest {
  /** The fields at 16 kHz; `rates` the same at the other rates generated (24000, 48000). */
  rooms: (OutsideResponse & { name: string; what: string; rates?: Record<string, OutsideResponse> })[];
}

let manifest: OutsideManifest | undefined;
const cache = new Map<string, RoomResponses>();

export function outsideManifest(): OutsideManifest {
  manifest ??= JSON.parse(readFileSync(`${FIXTURES}echo-outside/manifest.json`, 'utf8')) as OutsideManifest;
  return manifest;
}

export const isOutsideRoom = (name: string): name is OutsideRoomName => (OUTSIDE_ROOMS as readonly string[]).includes(name);

/**
 * An outside room's responses at `sampleRate` (cached): the response generated at `fromRate`
 * (default ECHO_OUTSIDE_FROM_RATE), resampled to `sampleRate` where it differs; with neither, the
 * one generated at `sampleRate`, else the 16 kHz one resampled.
 */
export function loadOutsideRoom(name: OutsideRoomName, sampleRate: number, fromRate?: number): RoomResponses {
  const entry = outsideManifest().rooms.find((r) => r.name === name);
  if (!entry) throw new Error(`no outside room ${name}`);
  const generated = (rate: number) => (rate === RATE ? entry : entry.rates?.[rate]);
  const env = process.env.ECHO_OUTSIDE_FROM_RATE;
  const sourceRate = fromRate ?? (env ? Number(env) : generated(sampleRate) ? sampleRate : RATE);
  const key = `${name}/${sampleRate}/${sourceRate}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const source = generated(sourceRate);
  if (!source) throw new Error(`no ${sourceRate} Hz response of ${name} (responseFromRate, ECHO_OUTSIDE_FROM_RATE)`);
  const native = sourceRate === sampleRate;
  const b = readFileSync(`${FIXTURES}echo-outside/${source.file}`);
  const read = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const h = native ? read : resampleOffline(read, sourceRate, sampleRate);
  const echo = Float64Array.from(h);
  let energy = 0;
  for (const v of echo) energy += v * v;
  const user = new Float64Array(echo.length);
  const g = Math.sqrt(10 ** (-USER_DRR_DB / 10) / energy);
  for (let i = 0; i < echo.length; i++) user[i] = g * echo[i]!;
  user[0]! += 1;
  const direct = native ? source.onsetSamples : (source.onsetSamples * sampleRate) / sourceRate;
  const r: RoomResponses = {
    room: { name, what: entry.what, rt60: source.t30S },
    sampleRate,
    echoA: echo,
    echoB: echo,
    user,
    directA: direct,
    directB: direct,
    directUser: 0,
  };
  cache.set(key, r);
  return r;
}
