// The linear stage's echo reduction over a call's first seconds, measured against the true echo
// (issue 13's openings: the kiosk call's linear stage removes only 10-16 dB in its first 3.5 s).
// Runs the EchoCanceller without residual suppression (its output is the foreground's error) on lab
// scenes and prints, per window of ECHO_ERLE_WINDOW_MS (default 250), the true ERLE: the echo's
// energy over the energy of what is left of it (output - user - noise), over the window's samples,
// with the user's level over the echo (dB, '-' where the user is silent) and the delay estimate's
// onset (ms, '-' before one). Variants with ECHO_ERLE_VARIANTS (comma-separated, default 'real'):
// real (the scene), alone (the user removed from the mic: what double talk costs the filter),
// quiet (the user and the noise removed). One or more builds side by side (A|B|...). Quality only (no timing).
//
//   npm run build && node bench/echo-erle.mjs [dist A] [dist B ...]
//   ECHO_ERLE_SCENES='kiosk 16k call 120ms 6dB$' (a regexp; default that)  ECHO_ERLE_TO_S=6  ECHO_ERLE_TAIL_MS=500 (the tailMs option)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push(join(ROOT, 'dist'));
const only = new RegExp(process.env.ECHO_ERLE_SCENES ?? 'kiosk 16k call 120ms 6dB$');
const windowMs = Number(process.env.ECHO_ERLE_WINDOW_MS ?? 250);
const toS = Number(process.env.ECHO_ERLE_TO_S ?? 6);
const variants = (process.env.ECHO_ERLE_VARIANTS ?? 'real').split(',');

const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-echo-erle-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid'], tmp);
rmSync(tmp, { recursive: true, force: true });
const db = (/** @type {number} */ x) => 10 * Math.log10(x + 1e-30);

/** Runs the build in `dir` without suppression on mic; returns the output (aligned) and the onset per sample (ms). */
async function run(/** @type {string} */ dir, /** @type {any} */ scene, /** @type {Float32Array} */ mic) {
  const { EchoCanceller } = await import(pathToFileURL(path.resolve(dir, 'index.js')).href);
  const c = new EchoCanceller({
    sampleRate: scene.sampleRate,
    residualSuppression: false,
    ...(process.env.ECHO_ERLE_TAIL_MS ? { tailMs: Number(process.env.ECHO_ERLE_TAIL_MS) } : {}),
  });
  const block = scene.sampleRate / 100;
  const n = mic.length;
  const out = new Float32Array(n);
  const onsetMs = new Float32Array(Math.ceil(n / block) + 1);
  const r = new Float32Array(block);
  const m = new Float32Array(block);
  const o = new Float32Array(block);
  for (let at = 0, f = 0; at < n + c.latencySamples; at += block, f++) {
    for (let i = 0; i < block; i++) {
      r[i] = at + i < n ? scene.reference[at + i] : 0;
      m[i] = at + i < n ? mic[at + i] : 0;
    }
    c.pushReference(r);
    c.processInto(m, o);
    for (let i = 0; i < block; i++) {
      const t = at + i - c.latencySamples;
      if (t >= 0 && t < n) out[t] = o[i];
    }
    if (f < onsetMs.length) onsetMs[f] = c.delayMs;
  }
  c.free();
  return { out, onsetMs };
}

const groups = [...lab.echoGrid('test', 16000), lab.sessionRateGroup(24000), lab.deviceRateGroup(48000), lab.outsideGroup(16000)];
for (const params of groups.flatMap((/** @type {any} */ g) => g.scenes)) {
  const scene = lab.buildScene(params);
  if (!only.test(scene.name)) continue;
  const rate = scene.sampleRate;
  const size = Math.round((rate * windowMs) / 1000);
  const windows = Math.min(Math.floor(scene.mic.length / size), Math.floor((toS * 1000) / windowMs));
  for (const variant of variants) {
    const user = variant === 'real' ? scene.near : new Float32Array(scene.near.length);
    const noise = variant === 'quiet' ? new Float32Array(scene.noise.length) : scene.noise;
    const mic = new Float32Array(scene.mic.length);
    for (let i = 0; i < mic.length; i++) mic[i] = scene.echo[i] + user[i] + noise[i];
    const runs = [];
    for (const dir of dirs) runs.push(await run(dir, scene, mic));
    console.log(`${scene.name} [${variant}] true ERLE per ${windowMs} ms (dB; user over echo; onset ms)${dirs.length > 1 ? ': A | B' : ''}`);
    const cells = [];
    for (let w = 0; w < windows; w++) {
      let echo = 0;
      let near = 0;
      const left = runs.map(() => 0);
      for (let i = w * size; i < (w + 1) * size; i++) {
        echo += scene.echo[i] ** 2;
        near += user[i] ** 2;
        runs.forEach((x, j) => {
          left[j] += (x.out[i] - user[i] - noise[i]) ** 2;
        });
      }
      const frame = Math.floor(((w + 1) * size) / (rate / 100));
      const erle = left.map((l) => (echo > 1e-9 * size ? (db(echo) - db(l)).toFixed(1) : '-')).join('|');
      const onset = runs.map((x) => (x.onsetMs[frame] >= 0 ? x.onsetMs[frame].toFixed(0) : '-')).join('|');
      const over = near > 1e-9 * size ? (db(near) - db(echo)).toFixed(0) : '-';
      cells.push(`${((w * windowMs) / 1000).toFixed(2)}s ${erle} (${over}; ${onset})`);
    }
    for (let i = 0; i < cells.length; i += 4) console.log(`  ${cells.slice(i, i + 4).join('   ')}`);
  }
}
