// The echo lab's "outside" rooms (issue 13): echo paths the lab's image-source simulator did not
// make, so the canceller is judged on rooms it was not shaped on: sox's freeverb from a small room
// to a hall of RT60 ~4.5 s, a measured seminar room and a measured domestic living room (the Open
// AIR Library's, Public Domain; fixtures/echo-outside, made by
// scripts/echo-outside-rooms.mjs). Held out: the canceller's constants are not tuned on them, except
// the suppressor's late-reverberation model, which exists for such tails (docs/echo-lab.md).
//
// Each has one speaker-to-mic response (no path change); the user's path is a direct impulse plus
// the room's response 10 dB under it (a user near the mic, in the same room). 16 kHz as committed;
// other rates by the lab's offline resampler.
import { readFileSync } from 'node:fs';
import { FIXTURES } from './labels-vad.js';
import { resampleOffline, type RoomResponses } from './echo-sources.js';

export const OUTSIDE_ROOMS = ['sox-small', 'sox-medium', 'sox-large', 'seminar', 'living-room'] as const;
export type OutsideRoomName = (typeof OUTSIDE_ROOMS)[number];
const RATE = 16000;
/** The user's reverberation under the direct sound, dB. */
const USER_DRR_DB = 10;

interface OutsideManifest {
  rooms: { name: string; what: string; file: string; samples: number; onsetSamples: number; t30S: number }[];
}

let manifest: OutsideManifest | undefined;
const cache = new Map<string, RoomResponses>();

export function outsideManifest(): OutsideManifest {
  manifest ??= JSON.parse(readFileSync(`${FIXTURES}echo-outside/manifest.json`, 'utf8')) as OutsideManifest;
  return manifest;
}

export const isOutsideRoom = (name: string): name is OutsideRoomName => (OUTSIDE_ROOMS as readonly string[]).includes(name);

/** An outside room's responses at `sampleRate` (cached). */
export function loadOutsideRoom(name: OutsideRoomName, sampleRate: number): RoomResponses {
  const key = `${name}/${sampleRate}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const entry = outsideManifest().rooms.find((r) => r.name === name);
  if (!entry) throw new Error(`no outside room ${name}`);
  const b = readFileSync(`${FIXTURES}echo-outside/${entry.file}`);
  const h16 = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const h = sampleRate === RATE ? h16 : resampleOffline(h16, RATE, sampleRate);
  const echo = Float64Array.from(h);
  let energy = 0;
  for (const v of echo) energy += v * v;
  const user = new Float64Array(echo.length);
  const g = Math.sqrt(10 ** (-USER_DRR_DB / 10) / energy);
  for (let i = 0; i < echo.length; i++) user[i] = g * echo[i]!;
  user[0]! += 1;
  const direct = (entry.onsetSamples * sampleRate) / RATE;
  const r: RoomResponses = {
    room: { name, what: entry.what, rt60: entry.t30S },
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
