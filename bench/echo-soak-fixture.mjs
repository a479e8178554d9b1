// (aec-jump17) A stretch of one soak call written as a fixture for a fast test: a 2-channel PCM16 WAV
// (the reference pushed, the mic) and its manifest entry (the run's params, the true echo delay, and
// the true echo and user levels per 100 ms from the generator's own arrays, so a test can tell where
// the mic is the echo alone). The soak's segments are drawn from the run's start (minutes at hour 35;
// ECHO_SOAK_CACHE as bench/echo-soak-window.mjs keeps them, read only here). For a stretch too long for a WAV
// (a fresh canceller that needs a minute of history): bench/echo-soak-state.mjs, the generator's state instead.
//
//   ECHO_SOAK_HOURS=72 ECHO_SOAK_CACHE=/tmp/soak-days16/seg-127500-127840.v8 \
//     node bench/echo-soak-fixture.mjs 127800 16 21 fixtures/echo-soak/sox-medium-35h.wav
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { writeWav } from '../scripts/wav.mjs';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { cachedSegments, soakParams } from './echo-soak-params.mjs';

const [segArg, fromArg, toArg, file] = process.argv.slice(2);
if (!segArg || !fromArg || !toArg || !file) throw new Error('usage: node bench/echo-soak-fixture.mjs <segment start s> <from s in it> <to s in it> <out.wav>');
const SEGMENT_S = Number(segArg);
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-soak-fixture-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-soak'], tmp);
rmSync(tmp, { recursive: true, force: true });
const params = soakParams(lab);
const RATE = params.sampleRate;
/** @returns {any} the segment starting at SEGMENT_S */
function segment() {
  const saved = cachedSegments(params);
  if (saved) {
    return saved.find((/** @type {any} */ s) => s.start === SEGMENT_S * RATE);
  }
  for (const s of lab.soakSegments(params, SEGMENT_S)) if (s.start === SEGMENT_S * RATE) return s;
}
const seg = segment();
if (!seg) throw new Error(`no segment starts at ${SEGMENT_S} s`);
const a = Math.round(Number(fromArg) * RATE);
const b = Math.round(Number(toArg) * RATE);
const { reference, mic, echo, near } = seg.scene;
const frames = new Float32Array(2 * (b - a)); // (reference, mic) per sample
for (let i = a; i < b; i++) {
  frames[2 * (i - a)] = reference[i];
  frames[2 * (i - a) + 1] = mic[i];
}
mkdirSync(path.dirname(file), { recursive: true });
writeWav(file, frames, RATE, 2);
const db = (/** @type {Float32Array} */ x, /** @type {number} */ p, /** @type {number} */ n) => {
  let s = 0;
  for (let i = p; i < p + n; i++) s += x[i] ** 2;
  return Math.round(10 * 10 * Math.log10(s / n + 1e-30)) / 10;
};
const step = RATE / 10;
const echoDb = [];
const userDb = [];
for (let p = a; p + step <= b; p += step) {
  echoDb.push(db(echo, p, step));
  userDb.push(db(near, p, step));
}
const manifestFile = join(path.dirname(file), 'manifest.json');
const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : { files: [] };
manifest.command = 'node bench/echo-soak-fixture.mjs <segment start s> <from s> <to s> <out.wav> (ECHO_SOAK_HOURS, ECHO_SOAK_CACHE)';
manifest.format =
  '2-channel PCM16 WAV: channel 0 the reference pushed, channel 1 the mic; echoDb / userDb: the true echo and the user, dB per 100 ms from the start';
manifest.credit =
  'rendered by test/helpers/echo-soak.ts from fixtures/echo-speech (Asterisk core sounds, Digium, Inc., CC BY-SA 3.0; espeak-ng) and fixtures/echo-outside';
manifest.files = manifest.files.filter((/** @type {any} */ f) => f.file !== path.basename(file));
manifest.files.push({
  file: path.basename(file),
  run: { ...params, rooms: params.rooms.join(',') },
  segment: { startS: SEGMENT_S, room: seg.room, kind: seg.kind, fromS: Number(fromArg), toS: Number(toArg) },
  sampleRate: RATE,
  echoDelayMs: Math.round(10 * seg.echoDelayMs) / 10,
  echoDb,
  userDb,
});
// (the number arrays on one line each)
const text = JSON.stringify(manifest, null, 1).replace(/\[\s+([-\d.,\s]+?)\s+\]/g, (_, inner) => `[${inner.replace(/\s+/g, ' ')}]`);
writeFileSync(manifestFile, `${text}\n`);
console.log(`${file}: ${b - a} samples, echo at ${seg.echoDelayMs.toFixed(1)} ms`);
