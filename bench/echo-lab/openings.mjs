// Openings per utterance (bench/echo-lab.mjs openings; issue 13: the median opening <= 40 ms): for
// each utterance that starts over the echo, the ms to the end of the first clean 10 ms frame (the
// quality test's metric, test/helpers/echo-metrics.ts) for the EchoCanceller, for its linear stage
// alone (`residualSuppression: false`), and for a pass-through, whose first clean frame is the first
// where the user stands >= 10 dB over the echo and the noise (what a canceller that removes nothing
// delivers). With `frames`, the first 10 frames of each utterance: the user over the echo, dB | ours,
// the user over what is left of the rest (output - user), dB | the linear stage's. With `oracle`
// (a build with the bench hooks: `hooked`), a fourth: ours with the suppressor's presence forced on
// over every labelled utterance (assembly/bench-hooks.ts ab_present: no decision latency), and per
// utterance the ms from its start to the end of the first block ours judged the user present
// (aec-open9: is an opening held by the linear stage's residual, the presence decision, or the
// gain?). Three more oracles (aec-open11), each a column on the same line: ECHO_RESID_ORACLE=mode:scale
// (with --oracle) ours with the true residual echo (the linear output minus the user and the noise, framed
// as the suppressor frames it, x scale) in place of the gain's residual (assembly/bench-hooks.ts
// ab_resid; mode 1 while the user is present, 2 with no user, 3 both), with its own presence and with
// the presence oracle; ECHO_OPENINGS_ALONE=1 the linear stage that never heard the user (run on the
// mic without the user, the user added back to its output: what double talk costs the filter);
// ECHO_TALK_ORACLE=1 (build: hooked) the linear stage's double-talk flag forced up over every labelled
// utterance (ab_talking), linear, ours, and ours with the presence oracle too. Quality only.
import { outputOf, pad, selectScenes } from './common.mjs';

/**
 * `build`'s output on `scene` (shifted), with the presence oracle on over the labelled utterances
 * (`forced`) or off, and per block whether the suppressor's presence ran (needs the bench hooks).
 * @param {import('./common.mjs').Lab} lab @param {import('./common.mjs').Build} build
 * @param {import('./common.mjs').EchoScene} scene @param {number} shift @param {boolean} forced
 * @param {{ mode: number, scale: number } | null} [resid] the residual oracle (aec-open11): the true residual in place of the gain's
 */
export function hookedRun(lab, build, scene, shift, forced, resid = null) {
  const driver = build.factory()(scene.sampleRate);
  const c = /** @type {any} */ (driver).canceller;
  if (typeof c.k.aec_oracle_set !== 'function') throw new Error(`${build.label} has no bench hooks: --oracle needs the build 'hooked'`);
  const B = c.blockSamples;
  const K = B + 4;
  const n = Math.ceil((scene.mic.length + shift) / B) + 4;
  const stride = 16 + B + 15 * K; // floats per traced block (assembly/bench-hooks.ts: 15 arrays since aec-open16, 13 since aec-hall8; 11 here wrote past the buffer)
  const oracle = c.heap.alloc(n);
  const trace = c.heap.alloc(stride * 4 * n);
  const flags = new Uint8Array(c.k.memory.buffer, oracle, n);
  flags.fill(0);
  // block i's suppressor frame is the linear output over mic samples [(i - 1) B, (i + 1) B)
  if (forced) {
    for (const [a, b] of scene.labels.utterances) {
      for (let i = Math.floor((a + shift) / B); i * B < b + shift + B && i < n; i++) flags[i] = 1;
    }
  }
  c.k.aec_oracle_set(oracle, forced ? n : 0);
  c.k.aec_trace_set(trace, n);
  const samples = scene.mic.length + shift;
  const truth = resid ? c.heap.alloc(samples * 4) : 0;
  if (resid) {
    const t = new Float32Array(c.k.memory.buffer, truth, samples);
    t.fill(0);
    for (let i = 0; i < scene.mic.length; i++) t[i + shift] = scene.near[i] + scene.noise[i];
    c.k.aec_resid_oracle_set(truth, samples, resid.mode, resid.scale);
  }
  const out = lab.runCanceller(driver, { ...scene, mic: pad(scene.mic, shift), reference: pad(scene.reference, shift) }).slice(shift);
  const f32 = new Float32Array(c.k.memory.buffer);
  const present = Array.from({ length: c.k.aec_trace_count() }, (_, i) => f32[(trace >> 2) + i * stride] > 0);
  c.k.aec_oracle_set(0, 0);
  c.k.aec_trace_set(0, 0);
  if (resid) {
    c.k.aec_resid_oracle_set(0, 0, 0, 1);
    c.heap.release(truth);
  }
  c.heap.release(trace); // (kept, they exhausted the kernel's memory after a few scenes)
  c.heap.release(oracle);
  c.free();
  return { out, present, B };
}

/**
 * (aec-open11) `build`'s output on `scene` (shifted) with the linear stage's double-talk flag forced up
 * over every labelled utterance (assembly/bench-hooks.ts ab_talking; needs the bench hooks).
 * @param {import('./common.mjs').Lab} lab @param {import('./common.mjs').Build} build
 * @param {import('./common.mjs').EchoScene} scene @param {number} shift @param {object} options
 */
function talkOracleRun(lab, build, scene, shift, options, presence = false) {
  const driver = build.factory(options)(scene.sampleRate);
  const c = /** @type {any} */ (driver).canceller;
  if (typeof c.k.aec_talk_oracle_set !== 'function') throw new Error(`${build.label} has no bench hooks: ECHO_TALK_ORACLE needs the build 'hooked'`);
  const B = c.blockSamples;
  const n = Math.ceil((scene.mic.length + shift) / B) + 4;
  const flags = c.heap.alloc(n);
  const f = new Uint8Array(c.k.memory.buffer, flags, n);
  f.fill(0);
  for (const [a, b] of scene.labels.utterances) {
    for (let i = Math.floor((a + shift) / B); i * B < b + shift && i < n; i++) f[i] = 1;
  }
  c.k.aec_talk_oracle_set(flags, n);
  // with `presence`, the presence oracle too (hookedRun's: a block's suppressor frame ends a block later)
  const present = presence ? c.heap.alloc(n) : 0;
  if (presence) {
    const p = new Uint8Array(c.k.memory.buffer, present, n);
    p.fill(0);
    for (const [a, b] of scene.labels.utterances) {
      for (let i = Math.floor((a + shift) / B); i * B < b + shift + B && i < n; i++) p[i] = 1;
    }
    c.k.aec_oracle_set(present, n);
  }
  const out = lab.runCanceller(driver, { ...scene, mic: pad(scene.mic, shift), reference: pad(scene.reference, shift) }).slice(shift);
  c.k.aec_talk_oracle_set(0, 0);
  c.heap.release(flags);
  if (presence) {
    c.k.aec_oracle_set(0, 0);
    c.heap.release(present);
  }
  c.free();
  return out;
}

const db = (/** @type {number} */ x) => 10 * Math.log10(x + 1e-30);

/**
 * Per utterance starting over the echo (as the metric picks them): per 10 ms frame from its start,
 * the user over the echo and over the output's error, dB.
 * @param {import('./common.mjs').EchoScene} scene @param {Float32Array} out
 */
function utteranceFrames(scene, out) {
  const size = scene.sampleRate / 100;
  const result = [];
  for (const [a, b] of scene.labels.utterances) {
    const first = Math.floor(a / size) * size;
    let echo = 0;
    let noise = 0;
    for (let i = first; i < first + size; i++) {
      echo += scene.echo[i] ** 2;
      noise += scene.noise[i] ** 2;
    }
    const labelled = scene.labels.echo.some(([p, q]) => p < first + size && q > first);
    if (!(labelled || echo > noise)) continue;
    const frames = [];
    for (let t = a; t + size <= Math.min(b, scene.near.length); t += size) {
      let n = 0;
      let e = 0;
      let d = 0;
      for (let i = t; i < t + size; i++) {
        n += scene.near[i] ** 2;
        e += scene.echo[i] ** 2;
        d += (out[i] - scene.near[i]) ** 2;
      }
      frames.push({ overEcho: db(n) - db(e), overError: db(n) - db(d) });
    }
    result.push({ atS: a / scene.sampleRate, frames });
  }
  return result;
}

/** @param {{ overError: number }[]} frames */
const openingMs = (frames) => {
  const k = frames.findIndex((f) => f.overError >= 10);
  return k < 0 ? 'never' : String((k + 1) * 10);
};

/**
 * @param {import('./common.mjs').Lab} lab @param {import('./common.mjs').Build} build
 * @param {{ pick: Parameters<typeof selectScenes>[1], frames: boolean, oracle?: boolean }} opts
 */
export function openings(lab, build, { pick, frames, oracle }) {
  for (const { scene, shifts } of selectScenes(lab, pick)) {
    for (const shift of shifts) {
      const own = oracle ? hookedRun(lab, build, scene, shift, false) : null;
      const ours = utteranceFrames(scene, own ? own.out : outputOf(lab, build.factory(), scene, shift));
      const lin = utteranceFrames(scene, outputOf(lab, build.factory({ residualSuppression: false }), scene, shift));
      const none = utteranceFrames(scene, scene.mic);
      // (aec-open11; ECHO_OPENINGS_ALONE=1) the linear stage as it would be had it never heard the user: its
      // run on the mic without the user, the user added back to its output (what double talk costs the filter)
      let aloneList = '';
      if (process.env.ECHO_OPENINGS_ALONE) {
        const mic = Float32Array.from(scene.mic, (x, i) => x - scene.near[i]);
        const o = outputOf(lab, build.factory({ residualSuppression: false }), { ...scene, mic }, shift);
        const frames = utteranceFrames(
          scene,
          Float32Array.from(o, (x, i) => x + scene.near[i]),
        );
        aloneList = `, linear stage never hearing the user ${frames.map((u) => openingMs(u.frames)).join('/')}`;
      }
      if (process.env.ECHO_TALK_ORACLE) {
        const lin2 = utteranceFrames(scene, talkOracleRun(lab, build, scene, shift, { residualSuppression: false }));
        const ours2 = utteranceFrames(scene, talkOracleRun(lab, build, scene, shift, {}));
        const both = utteranceFrames(scene, talkOracleRun(lab, build, scene, shift, {}, true));
        aloneList += `, with the flag oracle: linear ${lin2.map((u) => openingMs(u.frames)).join('/')}, ours ${ours2.map((u) => openingMs(u.frames)).join('/')}, ours with the presence oracle too ${both.map((u) => openingMs(u.frames)).join('/')}`;
      }
      const list = (/** @type {{ frames: { overError: number }[] }[]} */ x) => x.map((u) => openingMs(u.frames)).join('/');
      let extra = '';
      /** @type {ReturnType<typeof utteranceFrames> | null} */
      let forced = null;
      /** @type {ReturnType<typeof utteranceFrames> | null} */
      let residOwn = null;
      /** @type {ReturnType<typeof utteranceFrames> | null} */
      let residBoth = null;
      if (own) {
        forced = utteranceFrames(scene, hookedRun(lab, build, scene, shift, true).out);
        // ms from each utterance's start to the end of the first block its own decision judged present
        const first = ours.map((u) => {
          const at = Math.round(u.atS * scene.sampleRate) + shift;
          const i0 = Math.floor(at / own.B);
          let i = i0;
          while (i < own.present.length && !own.present[i]) i++;
          return i >= own.present.length ? 'never' : String(Math.round((((i + 1) * own.B - at) / scene.sampleRate) * 1000));
        });
        extra = `, presence oracle ${list(forced)}; own presence after ${first.join('/')} ms`;
        // the residual oracle (aec-open11; ECHO_RESID_ORACLE=mode:scale, mode 1 the user-present gain's, 2 the far-end-only's, 3 both)
        if (process.env.ECHO_RESID_ORACLE) {
          const [mode, scale] = process.env.ECHO_RESID_ORACLE.split(':').map(Number);
          const r = { mode: mode ?? 1, scale: scale ?? 1 };
          residOwn = utteranceFrames(scene, hookedRun(lab, build, scene, shift, false, r).out);
          residBoth = utteranceFrames(scene, hookedRun(lab, build, scene, shift, true, r).out);
          extra += `; true residual ${list(residOwn)}, with the presence oracle ${list(residBoth)}`;
        }
      }
      console.log(
        `${scene.name}${shift ? ` +${shift}` : ''}: ours ${list(ours)}, linear stage ${list(lin)}, pass-through ${list(none)} ms${aloneList}${extra}`,
      );
      if (!frames) continue;
      for (let u = 0; u < ours.length; u++) {
        const cells = ours[u].frames
          .slice(0, 10)
          .map(
            (f, k) =>
              `${f.overEcho.toFixed(0)}|${f.overError.toFixed(0)}|${lin[u].frames[k].overError.toFixed(0)}${forced ? `|${forced[u].frames[k].overError.toFixed(0)}` : ''}${residBoth && residOwn ? `|${residOwn[u].frames[k].overError.toFixed(0)}|${residBoth[u].frames[k].overError.toFixed(0)}` : ''}`,
          );
        console.log(`  ${ours[u].atS.toFixed(2)} s  ${cells.join(' ')}`);
      }
    }
  }
}
