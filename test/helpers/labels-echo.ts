// Echo fixtures by construction (fixtures/echo; scripts/fixtures-speech.mjs): the mic is the far
// end through the room (sox fir), delayed and scaled to an exact echo return loss, plus the near
// end (the user) and a low noise floor. The far end itself is the gate's reference.
import { readFileSync } from 'node:fs';
import { readWav } from './wav-read.js';
import { FIXTURES, loadNoise, loadTrack, type LabelledTrack } from './labels-vad.js';

export interface EchoScene {
  sampleRate: number;
  far: Float32Array;
  /** Echo alone, and the mic = echo + near + noise. */
  echo: Float32Array;
  mic: Float32Array;
  near: LabelledTrack;
  farTrack: LabelledTrack;
}

interface Manifest {
  files: { path: string; energyRatioToFarDb?: number }[];
}

let cache: { far: LabelledTrack; near: LabelledTrack; room: Float32Array; roomDb: number; noise: Float32Array } | undefined;

function sources() {
  if (cache === undefined) {
    const manifest = JSON.parse(readFileSync(`${FIXTURES}manifest.vad-echo.json`, 'utf8')) as Manifest;
    const roomDb = manifest.files.find((f) => f.path === 'echo/far-room.wav')!.energyRatioToFarDb!;
    cache = {
      far: loadTrack('echo', 'far'),
      near: loadTrack('echo', 'near'),
      room: readWav(`${FIXTURES}echo/far-room.wav`).samples,
      roomDb,
      noise: loadNoise('pink'),
    };
  }
  return cache;
}

/**
 * Echo at `echoReturnLossDb` below the far end (energy ratio over the whole file), `delayMs` late;
 * near-end speech on top when `withNear`; pink noise at `noiseDb` dBFS RMS.
 */
export function echoScene(delayMs: number, echoReturnLossDb: number, withNear = true, noiseDb = -65): EchoScene {
  const { far, near, room, roomDb, noise } = sources();
  return mixScene(far, near, room, roomDb, noise, delayMs, echoReturnLossDb, withNear, noiseDb);
}

/** The mic of a scene: the room output scaled to the echo return loss and delayed, the user, noise. */
function mixScene(
  far: LabelledTrack,
  near: LabelledTrack,
  room: Float32Array,
  roomDb: number,
  noise: Float32Array,
  delayMs: number,
  echoReturnLossDb: number,
  withNear: boolean,
  noiseDb: number,
): EchoScene {
  const rate = far.sampleRate;
  const n = far.samples.length;
  const d = Math.round((delayMs * rate) / 1000);
  const gain = 10 ** ((-roomDb - echoReturnLossDb) / 20);
  let noisePower = 0;
  for (let i = 0; i < n; i++) noisePower += noise[i]! * noise[i]!;
  const noiseGain = 10 ** (noiseDb / 20) / Math.sqrt(noisePower / n);
  const echo = new Float32Array(n);
  const mic = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    echo[i] = i >= d ? gain * room[i - d]! : 0;
    mic[i] = echo[i]! + (withNear ? near.samples[i]! : 0) + noiseGain * noise[i]!;
  }
  return { sampleRate: rate, far: far.samples, echo, mic, near, farTrack: far };
}

let roomFir: Float64Array | undefined;

/** The synthetic room response (fixtures/echo/room.fir.txt). */
export function roomResponse(): Float64Array {
  roomFir ??= Float64Array.from(readFileSync(`${FIXTURES}echo/room.fir.txt`, 'utf8').trim().split(/\s+/).map(Number));
  return roomFir;
}

const heldOutCache = new Map<string, { far: LabelledTrack; near: LabelledTrack; room: Float32Array; roomDb: number }>();

/**
 * A scene built the same way from other labelled tracks (held out from the tuning of the gate):
 * `farName` (fixtures/speech) as the assistant through the room response (direct convolution
 * here), `nearName` as the user, moved `nearShiftMs` later (labels moved with it, cut at the end).
 */
export function heldOutEchoScene(farName: string, nearName: string, nearShiftMs: number, delayMs: number, echoReturnLossDb: number, noiseDb = -65): EchoScene {
  const key = `${farName}/${nearName}/${nearShiftMs}`;
  let src = heldOutCache.get(key);
  if (src === undefined) {
    const far = loadTrack('speech', farName);
    const nearTrack = loadTrack('speech', nearName);
    const n = far.samples.length;
    const shift = Math.round((nearShiftMs * nearTrack.sampleRate) / 1000);
    const nearSamples = new Float32Array(n);
    nearSamples.set(nearTrack.samples.subarray(0, Math.max(0, n - shift)), shift);
    const intervals = nearTrack.labels.speechIntervals
      .map(([a, b]) => [a + shift, Math.min(b + shift, n)] as [number, number])
      .filter(([a, b]) => b - a >= nearTrack.sampleRate * 0.03 && a < n);
    const near: LabelledTrack = {
      name: `${nearName}+${nearShiftMs}ms`,
      sampleRate: nearTrack.sampleRate,
      samples: nearSamples,
      labels: { ...nearTrack.labels, samples: n, speechIntervals: intervals },
    };
    const h = roomResponse();
    const room = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let k = 0, kEnd = Math.min(h.length, i + 1); k < kEnd; k++) acc += h[k]! * far.samples[i - k]!;
      room[i] = acc;
    }
    let ef = 0;
    let er = 0;
    for (let i = 0; i < n; i++) {
      ef += far.samples[i]! ** 2;
      er += room[i]! ** 2;
    }
    src = { far, near, room, roomDb: 10 * Math.log10(er / ef) };
    heldOutCache.set(key, src);
  }
  return mixScene(src.far, src.near, src.room, src.roomDb, sources().noise, delayMs, echoReturnLossDb, true, noiseDb);
}
