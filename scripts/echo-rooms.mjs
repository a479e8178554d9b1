// Image-source room simulator (Allen and Berkley 1979, "Image method for efficiently simulating
// small-room acoustics", JASA 65(4)) for the echo canceller fixtures of issue 13: speaker-to-mic
// (the echo path) and user-to-mic impulse responses in shoebox rooms, seeded, no dependencies.
//
//   node scripts/echo-rooms.mjs            writes fixtures/echo-rooms/*-16000.f32 and manifest.json
//
// The 16 kHz responses are committed; test/helpers/echo-sources.ts renders 24 and 48 kHz from the
// same geometry and beta with this module (and checks that it reproduces the committed 16 kHz
// files exactly), so the figures at every rate belong to one room.
//
// Method. A point source in a rectangular room with rigid-ish walls of pressure reflection
// coefficient beta (the same on all six surfaces): every image source (nx, ny, nz; parities u, v,
// w) at distance d arrives after d / c with amplitude beta^k / (4 pi d), k the number of wall hits
// (|nx - u| + |nx| + ...). Departures from the 1979 paper, each stated:
// - fractional delays (a Hann-windowed sinc, 33 taps) instead of rounding to the nearest sample
//   (Peterson 1986), so the same geometry gives consistent responses at 16, 24 and 48 kHz;
// - images of order >= 2 are moved by up to +-JITTER_M per coordinate (seeded; the randomized image
//   method of De Sena et al. 2015) so the late field is diffuse instead of sweeping; the direct
//   path and first-order reflections are exact (test/quality/echo-rooms.test.ts checks them);
// - beta starts from the target RT60 by Eyring (alpha = 1 - exp(-0.161 V / (S T60)), beta =
//   sqrt(1 - alpha)) and is then corrected until the RT60 measured back from the response
//   (Schroeder backward integration, T30) is within 2% of the target; both betas are recorded;
// - the 1979 paper high-passes the response (at 100 Hz) to remove the DC the image sum builds up;
//   here a 2nd-order Butterworth high-pass at 60 Hz, plus, on the echo path, the loudspeaker's own
//   low-frequency roll-off (a second 2nd-order high-pass at the room's `speakerHz`: small laptop
//   and phone speakers reproduce little below 200-300 Hz).
// Responses are scaled so that the direct path has amplitude 1 at the receiver (the scenes set
// the echo level by the echo return loss anyway) and cut where the energy decay curve has fallen
// 65 dB (never shorter than 100 ms). Loudspeaker nonlinearity is not part of the response: the
// scene builder (test/helpers/echo-scenes.ts) soft-clips the played signal before the room.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOMS } from './echo-room-list.mjs';
import { rng } from './random.mjs';

export { ROOMS };

/** @typedef {import('./echo-room-list.mjs').Vec3} Vec3 */
/** @typedef {import('./echo-room-list.mjs').Room} Room */
/** @typedef {{ dists: Float64Array, amps: Float64Array }} Images */
/** @typedef {ArrayLike<number>} Samples */

export const SOUND_SPEED_M_S = 343;
const JITTER_M = 0.05;
const FD_HALF = 16; // fractional-delay sinc half length, taps
const FD_STEPS = 512; // fractional positions tabulated per sample

/** @param {number[]} a @param {number[]} b */
const distance = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Eyring's reflection coefficient for a target RT60 (uniform absorption). */
/** @param {Vec3} dims @param {number} rt60 */
export function eyringBeta(dims, rt60) {
  const [x, y, z] = dims;
  const volume = x * y * z;
  const surface = 2 * (x * y + y * z + x * z);
  const alpha = 1 - Math.exp((-0.161 * volume) / (surface * rt60));
  return Math.sqrt(1 - alpha);
}

/**
 * All image sources of `source` seen from `receiver` that arrive within `maxSeconds`: arrays of
 * distances (m) and amplitudes (beta^k / (4 pi d) relative to the direct path's 1 / (4 pi d0)).
 * The jitter is seeded per room, so every rate renders the same images.
 * @param {Vec3} dims @param {Vec3} source @param {Vec3} receiver @param {number} beta @param {number} maxSeconds @param {number} seed
 * @returns {Images}
 */
export function imageSources(dims, source, receiver, beta, maxSeconds, seed) {
  const maxD = maxSeconds * SOUND_SPEED_M_S;
  const random = rng(seed);
  const n = dims.map((L) => Math.ceil(maxD / (2 * L)) + 1);
  const dists = [];
  const amps = [];
  const d0 = distance(source, receiver);
  for (let nx = -n[0]; nx <= n[0]; nx++) {
    for (let ny = -n[1]; ny <= n[1]; ny++) {
      for (let nz = -n[2]; nz <= n[2]; nz++) {
        for (let parity = 0; parity < 8; parity++) {
          const u = parity & 1;
          const v = (parity >> 1) & 1;
          const w = (parity >> 2) & 1;
          const order = Math.abs(nx - u) + Math.abs(nx) + Math.abs(ny - v) + Math.abs(ny) + Math.abs(nz - w) + Math.abs(nz);
          const image = [(1 - 2 * u) * source[0] + 2 * nx * dims[0], (1 - 2 * v) * source[1] + 2 * ny * dims[1], (1 - 2 * w) * source[2] + 2 * nz * dims[2]];
          // Draw the jitter for every image (used or not) so the sequence does not depend on maxD
          // cut-offs differing in the last digit between calls.
          const jx = (random() * 2 - 1) * JITTER_M;
          const jy = (random() * 2 - 1) * JITTER_M;
          const jz = (random() * 2 - 1) * JITTER_M;
          if (order >= 2) {
            image[0] += jx;
            image[1] += jy;
            image[2] += jz;
          }
          const d = distance(image, receiver);
          if (d > maxD) continue;
          dists.push(d);
          amps.push((beta ** order * d0) / d);
        }
      }
    }
  }
  return { dists: Float64Array.from(dists), amps: Float64Array.from(amps) };
}

/** @type {Float64Array | undefined} */
let fdTable;
/** Hann-windowed sinc taps for FD_STEPS fractional positions: row f holds taps for delay k - f / FD_STEPS. */
function fractionalDelayTable() {
  if (fdTable) return fdTable;
  const width = 2 * FD_HALF + 1;
  fdTable = new Float64Array((FD_STEPS + 1) * width);
  for (let f = 0; f <= FD_STEPS; f++) {
    const frac = f / FD_STEPS;
    for (let k = -FD_HALF; k <= FD_HALF; k++) {
      const t = k - frac;
      const sinc = t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
      const window = Math.abs(t) >= FD_HALF + 1 ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * t) / (FD_HALF + 1));
      fdTable[f * width + k + FD_HALF] = sinc * window;
    }
  }
  return fdTable;
}

/** Renders image sources into a response at `sampleRate`, `length` samples. @param {Images} images @param {number} sampleRate @param {number} length */
export function render(images, sampleRate, length) {
  const table = fractionalDelayTable();
  const width = 2 * FD_HALF + 1;
  const h = new Float64Array(length);
  for (let i = 0; i < images.dists.length; i++) {
    const at = (images.dists[i] / SOUND_SPEED_M_S) * sampleRate;
    const whole = Math.floor(at);
    const row = Math.round((at - whole) * FD_STEPS) * width;
    const amp = images.amps[i];
    for (let k = -FD_HALF; k <= FD_HALF; k++) {
      const n = whole + k;
      if (n >= 0 && n < length) h[n] += amp * table[row + k + FD_HALF];
    }
  }
  return h;
}

/** 2nd-order Butterworth high-pass (bilinear transform), in place, causal. @param {Float64Array} h @param {number} sampleRate @param {number} cornerHz */
export function highPass(h, sampleRate, cornerHz) {
  const k = Math.tan((Math.PI * cornerHz) / sampleRate);
  const q = Math.SQRT1_2;
  const norm = 1 / (1 + k / q + k * k);
  const b0 = norm;
  const b1 = -2 * norm;
  const b2 = norm;
  const a1 = 2 * (k * k - 1) * norm;
  const a2 = (1 - k / q + k * k) * norm;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < h.length; i++) {
    const x = h[i];
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    h[i] = y;
  }
  return h;
}

/** Energy decay curve (Schroeder backward integration), dB re the total energy. @param {Samples} h */
export function energyDecayDb(h) {
  const edc = new Float64Array(h.length);
  let sum = 0;
  for (let i = h.length - 1; i >= 0; i--) {
    sum += h[i] * h[i];
    edc[i] = sum;
  }
  for (let i = 0; i < h.length; i++) edc[i] = 10 * Math.log10(edc[i] / sum + 1e-300);
  return edc;
}

/** RT60 by T30: least-squares line through the energy decay curve from -5 to -35 dB, times two. @param {Samples} h @param {number} sampleRate */
export function rt60FromResponse(h, sampleRate) {
  const edc = energyDecayDb(h);
  let n = 0;
  let st = 0;
  let sy = 0;
  let stt = 0;
  let sty = 0;
  for (let i = 0; i < edc.length; i++) {
    if (edc[i] > -5 || edc[i] < -35) continue;
    const t = i / sampleRate;
    n++;
    st += t;
    sy += edc[i];
    stt += t * t;
    sty += t * edc[i];
  }
  const slope = (n * sty - st * sy) / (n * stt - st * st); // dB per second
  return -60 / slope;
}

/** Direct-to-reverberant ratio: energy within +-2.5 ms of the direct arrival over the rest, dB. @param {Samples} h @param {number} sampleRate @param {number} directSeconds */
export function directToReverberantDb(h, sampleRate, directSeconds) {
  const centre = directSeconds * sampleRate;
  const half = 0.0025 * sampleRate;
  let direct = 0;
  let rest = 0;
  for (let i = 0; i < h.length; i++) {
    if (Math.abs(i - centre) <= half) direct += h[i] * h[i];
    else rest += h[i] * h[i];
  }
  return 10 * Math.log10(direct / rest);
}

/**
 * Share of the response's energy arriving later than `ms` after the direct path, dB (null: the response ends before).
 * @param {Samples} h @param {number} sampleRate @param {number} directSeconds @param {number} ms
 * @returns {number | null}
 */
export function energyAfterDb(h, sampleRate, directSeconds, ms) {
  const from = Math.ceil((directSeconds + ms / 1000) * sampleRate);
  let late = 0;
  let all = 0;
  for (let i = 0; i < h.length; i++) {
    all += h[i] * h[i];
    if (i >= from) late += h[i] * h[i];
  }
  return late > 0 ? 10 * Math.log10(late / all) : null;
}

/** @param {Vec3} a @param {Vec3} b @returns {Vec3} */
const add = (a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];

/** Positions of a room's placement: 'a' as listed, 'b' after the move. @param {Room} room @param {'a' | 'b'} variant */
export function placement(room, variant) {
  if (variant === 'a') return { speaker: room.speaker, mic: room.mic };
  return { speaker: add(room.speaker, room.moved.speaker), mic: add(room.mic, room.moved.mic) };
}

/**
 * A response from `source` to `mic` in `room` with reflection coefficient `beta`, cut at -65 dB decay
 * (also the moving paths' keyframes, test/helpers/echo-moving.ts: one seed along a trajectory).
 * @param {Room} room @param {Vec3} source @param {Vec3} mic @param {number} beta @param {number} sampleRate @param {number} cornerHz @param {number} seed
 */
export function response(room, source, mic, beta, sampleRate, cornerHz, seed) {
  const maxSeconds = 1.3 * room.rt60 + distance(source, mic) / SOUND_SPEED_M_S + 0.01;
  const images = imageSources(room.dims, source, mic, beta, maxSeconds, seed);
  const h = render(images, sampleRate, Math.ceil(maxSeconds * sampleRate));
  highPass(h, sampleRate, 60);
  if (cornerHz > 60) highPass(h, sampleRate, cornerHz);
  const edc = energyDecayDb(h);
  const minLength = Math.ceil(0.1 * sampleRate);
  let end = h.length;
  while (end > minLength && edc[end - 1] < -65) end--;
  return h.slice(0, end);
}

/** Reflection coefficient whose echo-path response (placement a, 16 kHz) measures the target RT60 within 2%. @param {Room} room */
export function calibratedBeta(room) {
  const seed = seedOf(room.name);
  let beta = eyringBeta(room.dims, room.rt60);
  for (let iteration = 0; iteration < 8; iteration++) {
    const h = response(room, room.speaker, room.mic, beta, 16000, room.speakerHz, seed);
    const measured = rt60FromResponse(h, 16000);
    if (Math.abs(measured / room.rt60 - 1) <= 0.02) break;
    // ln(beta) scales about inversely with the decay time.
    beta = Math.exp((Math.log(beta) * measured) / room.rt60);
  }
  return beta;
}

/** @param {string} name */
export function seedOf(name) {
  let s = 2166136261;
  for (const c of name) s = Math.imul(s ^ c.charCodeAt(0), 16777619) >>> 0;
  return s;
}

/**
 * The responses of one room at one rate: echo path in placements a and b, and the user's path
 * (to the mic of placement a). `beta` from `calibratedBeta` (pass it to avoid recomputing).
 * @param {Room} room @param {number} sampleRate @param {number} [beta]
 */
export function roomResponses(room, sampleRate, beta = calibratedBeta(room)) {
  const seed = seedOf(room.name);
  const a = placement(room, 'a');
  const b = placement(room, 'b');
  return {
    beta,
    echoA: response(room, a.speaker, a.mic, beta, sampleRate, room.speakerHz, seed),
    echoB: response(room, b.speaker, b.mic, beta, sampleRate, room.speakerHz, seed + 1),
    user: response(room, room.user, a.mic, beta, sampleRate, 60, seed + 2),
  };
}

/** @param {number | null} x */
const round2 = (x) => (x === null ? null : Number(x.toFixed(2)));

/** @param {Float64Array} h @param {number} sampleRate @param {Vec3} source @param {Vec3} mic */
function describe(h, sampleRate, source, mic) {
  const direct = distance(source, mic) / SOUND_SPEED_M_S;
  return {
    samples: h.length,
    directMs: Number((direct * 1000).toFixed(3)),
    rt60MeasuredS: Number(rt60FromResponse(h, sampleRate).toFixed(3)),
    drrDb: Number(directToReverberantDb(h, sampleRate, direct).toFixed(2)),
    energyAfter250MsDb: round2(energyAfterDb(h, sampleRate, direct, 250)),
  };
}

/** @typedef {ReturnType<typeof describe> & { file: string | null }} Described */

function main() {
  const dir = new URL('../fixtures/echo-rooms/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const rates = [16000, 24000];
  const manifest = {
    command: 'node scripts/echo-rooms.mjs',
    format:
      'raw float32 little-endian mono, direct path amplitude 1 at the mic; <room>-<echo-a|echo-b|user>-16000.f32 (24 and 48 kHz: rendered from the same geometry and beta, figures below)',
    method:
      'image-source method (Allen and Berkley 1979), uniform wall reflection coefficient from Eyring corrected to the target T30, fractional-delay images (Hann-windowed sinc, 33 taps), images of order >= 2 jittered +-5 cm (seeded), 2nd-order high-pass at 60 Hz and at the speaker corner on the echo path, cut at -65 dB decay',
    soundSpeedMs: SOUND_SPEED_M_S,
    /** @type {Array<Room & { betaEyring: number, beta: number, responses: Record<string, Described> }>} */
    rooms: [],
  };
  const rows = [];
  for (const room of ROOMS) {
    const eyring = eyringBeta(room.dims, room.rt60);
    const beta = calibratedBeta(room);
    /** @type {Record<string, Described>} */
    const responses = {};
    const entry = { ...room, betaEyring: eyring, beta, responses };
    for (const rate of rates) {
      const r = roomResponses(room, rate, beta);
      const a = placement(room, 'a');
      const b = placement(room, 'b');
      /** @type {Array<[string, Float64Array, Vec3, Vec3]>} */
      const paths = [
        ['echo-a', r.echoA, a.speaker, a.mic],
        ['echo-b', r.echoB, b.speaker, b.mic],
        ['user', r.user, room.user, a.mic],
      ];
      for (const [key, h, src, mic] of paths) {
        const file = rate === 16000 ? `${room.name}-${key}-${rate}.f32` : null;
        if (file) writeFileSync(join(dir, file), Buffer.from(Float32Array.from(h).buffer));
        const d = describe(h, rate, src, mic);
        responses[`${key}-${rate}`] = { file, ...d };
        if (rate === 16000) rows.push([room.name, key, room.rt60, d.rt60MeasuredS, d.drrDb, d.energyAfter250MsDb, d.directMs, d.samples]);
      }
    }
    manifest.rooms.push(entry);
  }
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  console.log('room | response | RT60 target s | RT60 measured (T30) s | DRR dB | energy after 250 ms dB | direct ms | samples at 16 kHz');
  for (const r of rows) console.log(r.join(' | '));
  const kiosk = manifest.rooms.find((x) => x.name === 'kiosk');
  if ((kiosk?.responses['echo-a-16000']?.drrDb ?? 1) > 0) throw new Error('kiosk: the direct path is louder than the reverberation');
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) main();
