// (fixture19) A stretch of the long soak as a fixture of the generator's state, not of its audio: soakResume's state at
// a segment's start (test/helpers/echo-soak.ts: the schedule's place, the draws made, the clock, the reference's and
// the played signal's tails), from which a test renders the segments itself with soakSegments(params, 0, resume) in
// seconds, bit for bit as the run has them. For a stretch too long for a WAV (bench/echo-soak-fixture.mjs): the 55.5 h
// call after the dead mic needs the 70 s from the call before it (4.5 MB as 16 kHz PCM16; its state is ~0.2 MB).
// Writes <out.json> (the state, its tails base64 little-endian) and its manifest entry beside it: the segments to
// <to s> with the sha256 of each one's reference and mic as rendered from the state (the test checks them, so a
// change to the generator fails loudly rather than replaying another stretch). Drawing the run to <from s> takes
// minutes at hour 55; with ECHO_SOAK_CACHE (bench/echo-soak-window.mjs's segments), the segments rendered from the
// state are also compared with the cached ones, every array bit for bit.
//
//   ECHO_SOAK_HOURS=168 ECHO_SOAK_CACHE=/tmp/soak199.cache \
//     node bench/echo-soak-state.mjs 199720 199790 fixtures/echo-soak/sox-medium-55h.state.json
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { cachedSegments, soakParams } from './echo-soak-params.mjs';

const [fromArg, toArg, file] = process.argv.slice(2);
if (!fromArg || !toArg || !file) throw new Error('usage: node bench/echo-soak-state.mjs <segment start s> <to s> <out.json>');
const FROM_S = Number(fromArg);
const TO_S = Number(toArg);
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-soak-state-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-soak'], tmp);
rmSync(tmp, { recursive: true, force: true });
const params = soakParams(lab);
const RATE = params.sampleRate;
const t0 = performance.now();
const state = lab.soakResume(params, FROM_S);
console.log(`drew the run to ${FROM_S} s in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
const b64 = (/** @type {Float32Array | Float64Array} */ x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64');
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(
  file,
  `${JSON.stringify({ run: { ...params, rooms: params.rooms.join(',') }, state: { ...state, refTail: b64(state.refTail), playedTail: b64(state.playedTail) } })}\n`,
);
const sha = (/** @type {Float32Array} */ x) =>
  createHash('sha256')
    .update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
    .digest('hex');
const cached = cachedSegments(params);
const segments = [];
for (const s of lab.soakSegments(params, 0, state)) {
  if (s.start >= TO_S * RATE) break;
  const c = cached?.find((/** @type {any} */ x) => x.start === s.start);
  const same = c ? isDeepStrictEqual(c, s) : null;
  if (same === false) throw new Error(`the segment at ${s.start / RATE} s rendered from the state is not the cached one`);
  segments.push({
    startS: s.start / RATE,
    room: s.room,
    kind: s.kind,
    echoDelayMs: Math.round(10 * s.echoDelayMs) / 10,
    referenceSha256: sha(s.scene.reference),
    micSha256: sha(s.scene.mic),
  });
  console.log(`${s.start / RATE} ${s.room} ${s.kind}: echo at ${s.echoDelayMs.toFixed(1)} ms${same ? ', the cached segment bit for bit' : ''}`);
}
const manifestFile = join(path.dirname(file), 'manifest.json');
const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : { files: [] };
manifest.files = manifest.files.filter((/** @type {any} */ f) => f.file !== path.basename(file));
manifest.files.push({
  file: path.basename(file),
  form: 'soak state (bench/echo-soak-state.mjs): render with soakSegments(run, 0, state) (test/helpers/echo-soak.ts)',
  run: { ...params, rooms: params.rooms.join(',') },
  fromS: FROM_S,
  toS: TO_S,
  segments,
});
const text = JSON.stringify(manifest, null, 1).replace(/\[\s+([-\d.,\s]+?)\s+\]/g, (_, inner) => `[${inner.replace(/\s+/g, ' ')}]`);
writeFileSync(manifestFile, `${text}\n`);
console.log(`${file}: the state at ${FROM_S} s, ${segments.length} segments to ${TO_S} s`);
