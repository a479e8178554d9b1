// The canceller's path changes on lab scenes or drift calls, each with the rule that declared it
// (misfit, louder error, or another: divergence, an emerged echo) and the state before it: the best
// 40 ms ERLE, the ERLE in dB sustained over heard blocks without the user (the misfit's gate), the
// mic, the foreground's error and estimate; optionally every block of a stretch (aec-path2: how the
// false path changes were told from the true ones). Quality only (no timing).
// Needs the build with the bench hooks (`hooked`, made from the sources into a temp dir:
// assembly/bench-hooks.ts's trace_path writes detectPathChange's per-block state to a buffer):
//   node bench/echo-path-trace.mjs hooked 'cold-start 60ms 30dB'     (lab, outside, quiet and drc scenes, 16 and 24 kHz;
//                                                                     echo-lab changes' calls at 16 and 24 kHz 12 dB)
//   node bench/echo-path-trace.mjs hooked drift:laptop:-100:60        (room:ppm:seconds[:jumpAtS][:24k])
//   node bench/echo-path-trace.mjs hooked jitter:kiosk:16000:call:6:120:mobile:1
//                                   (room:rate:script:erlDb:delayMs:network:seed, test/helpers/echo-jitter.ts)
//   ECHO_PATH_TRACE=10.0:10.4 (s: print every block of that stretch of the first scene)
//   ECHO_PATH_GROUPS=btlc3,btlc3_24 (also the lab's Bluetooth groups through a real codec: btsbc, btlc3, btaac and their _24 / 24; aec-lc3b)
//   ECHO_VETO=MASK (assembly/bench-hooks.ts ab_veto: the oracle's rules not taken, or a variant switched on)
//   ECHO_PATH_SHIFT=N (every scene shifted by N samples, as echo-lab.mjs scenes --shifts; the times stay the padded run's)
//   ECHO_SKEW_TRACE=1 (also the clock skew's judgements, assembly/aec-skew.ts decide: both lines' readings,
//   seconds and sureness, what was taken and the flags after; a line when the outcome or the flags change)
// Block lines: time, mic / background error / foreground error / estimate (smoothed, dB), best ERLE,
// T (double-talk flag), H (heard), misfit and louder counters, onset (blocks), sustained and best
// sustained ERLE (dB), path changes so far; then the true echo and user of that block (dB).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { changeCalls } from './echo-lab/changes.mjs';
import { driftParams } from './echo-lab/drift.mjs';
import { adaptCanceller, pad } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const [dist, pattern] = process.argv.slice(2);
if (!dist || !pattern)
  throw new Error('usage: node bench/echo-path-trace.mjs <hooked | a dist built with the hooks> <scene regexp | drift:room:ppm:s[:jumpAtS][:24k]>');
const stretch = process.env.ECHO_PATH_TRACE?.split(':').map(Number);
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-path-trace-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid', 'echo-drift', 'echo-soak', 'echo-jitter'], tmp);
rmSync(tmp, { recursive: true, force: true });
const { EchoCanceller } = dist === 'hooked' ? await importHooked() : await import(pathToFileURL(path.resolve(dist, 'index.js')).href);
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(1).padStart(6);

/** @type {{ name: string, scene: any }[]} */
const runs = [];
if (pattern.startsWith('soak:')) {
  // the soak's first S seconds (test/quality/echo-soak.test.ts's parameters, +100 ppm unless ECHO_SOAK_DRIFT_PPM) as one scene
  const seconds = Number(pattern.slice('soak:'.length));
  const params = {
    sampleRate: 16000,
    driftPpm: Number(process.env.ECHO_SOAK_DRIFT_PPM ?? 100),
    seconds,
    rooms: lab.SOAK_ROOMS,
    erlDb: 18,
    delayMs: 60,
    seed: 1,
  };
  const parts = [...lab.soakSegments(params)].map((/** @type {any} */ s) => s.scene);
  /** @param {string} key */
  const concat = (key) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p[key].length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p[key], at);
      at += p[key].length;
    }
    return out;
  };
  runs.push({
    name: `soak ${seconds} s`,
    scene: { ...parts[0], reference: concat('reference'), mic: concat('mic'), echo: concat('echo'), near: concat('near') },
  });
} else if (pattern.startsWith('jitter:')) {
  for (const spec of pattern.split(',')) {
    const [room, rate, script, erl, delay, network, seed] = spec.slice('jitter:'.length).split(':');
    const scene = lab.buildJitterScene({
      room,
      sampleRate: Number(rate),
      script,
      erlDb: Number(erl),
      delayMs: Number(delay),
      network,
      seed: Number(seed ?? 1),
    });
    const gaps = scene.playback.gapsMs.map((/** @type {number} */ g, /** @type {number} */ i) => `${g} ms at ${scene.playback.gapsAtS[i].toFixed(2)} s`);
    runs.push({ name: `${scene.name} seed ${seed ?? 1} (underruns: ${gaps.join(', ') || 'none'})`, scene });
  }
} else if (pattern.startsWith('drift:')) {
  for (const spec of pattern.split(',')) {
    const params = driftParams(spec.slice('drift:'.length));
    runs.push({ name: lab.driftSceneName(params), scene: lab.buildDriftScene(params) });
  }
} else {
  const groups = [
    ...lab.echoGrid('test', 16000),
    lab.sessionRateGroup(24000),
    lab.deviceRateGroup(48000),
    lab.outsideGroup(16000),
    lab.outsideGroup(24000),
    lab.quietGroup(16000, 'bench'),
    lab.quietGroup(24000, 'bench'),
    { scenes: changeCalls([16000, 24000], [12]) }, // bench/echo-lab/changes.mjs's calls (16 and 24 kHz 12 dB)
    lab.drcGroup(16000), // the device's loudness processing after the reference tap (aec-drc)
    lab.drcGroup(24000),
    ...(process.env.ECHO_PATH_GROUPS ?? '')
      .split(',')
      .filter(Boolean)
      .map((g) => lab.bluetoothGroup(g.endsWith('24') ? 24000 : 16000, 'bench', g.replace(/^bt|_?24$/g, ''))),
  ];
  for (const params of groups.flatMap((/** @type {any} */ g) => g.scenes)) {
    const name = lab.sceneName(params);
    if (new RegExp(pattern).test(name)) runs.push({ name, scene: lab.buildScene(params) });
  }
}

const shiftSamples = Number(process.env.ECHO_PATH_SHIFT ?? 0);
for (const [index, run] of runs.entries()) {
  const name = shiftSamples ? `${run.name} +${shiftSamples}` : run.name;
  /** @type {any} */
  const scene = shiftSamples
    ? { ...run.scene, ...Object.fromEntries(['mic', 'reference', 'echo', 'near'].map((key) => [key, pad(run.scene[key], shiftSamples)])) }
    : run.scene;
  const rate = scene.sampleRate;
  const c = new EchoCanceller({ sampleRate: rate });
  const B = c.blockSamples;
  const capacity = Math.ceil(scene.mic.length / B) + 8;
  const base = c.heap.alloc(64 * capacity);
  c.k.aec_ptrace_set(base, capacity);
  const shiftBase = c.heap.alloc(32 * 4096);
  c.k.aec_strace_set(shiftBase, 4096);
  const skewBase = c.heap.alloc(32 * 8192);
  c.k.aec_sktrace_set(skewBase, 8192);
  if (process.env.ECHO_VETO) c.k.aec_veto_set(Number(process.env.ECHO_VETO));
  lab.runCanceller(adaptCanceller(c, 'path-trace', false), scene);
  const n = c.k.aec_ptrace_count();
  const f = new Float32Array(c.k.memory.buffer, base, n * 16);
  const at = (/** @type {number} */ i) => f.subarray(16 * i, 16 * i + 16);
  const changes = [];
  for (let i = 1; i < n; i++) {
    const h = at(i);
    const p = at(i - 1);
    const t = (h[0] * B) / rate;
    if (h[13] !== p[13]) {
      const rule = p[9] > p[10] ? 'misfit' : p[10] > 0 ? 'louder' : 'other';
      changes.push(`${t.toFixed(2)} s ${rule}: best ${db(p[5])} sustained ${db(10 ** (p[15] / 10))} mic ${db(p[1])} error ${db(p[3])} estimate ${db(p[4])}`);
    }
    if (index === 0 && stretch && t >= stretch[0] && t <= stretch[1]) {
      let echo = 0;
      let user = 0;
      for (let s = h[0] * B; s < (h[0] + 1) * B && s < scene.echo.length; s++) {
        echo += scene.echo[s] ** 2;
        user += scene.near[s] ** 2;
      }
      console.log(
        `${t.toFixed(3)} ${db(h[1])}${db(h[2])}${db(h[3])}${db(h[4])} ${db(h[5])} x${h[12].toFixed(1).padStart(5)} T${h[6]} H${h[7]} ${String(h[9]).padStart(3)} ${String(h[10]).padStart(3)} ${String(h[11]).padStart(4)} ${h[14].toFixed(1).padStart(5)} ${h[15].toFixed(1).padStart(5)} ${h[13]} | ${db(echo)}${db(user)}`,
      );
    }
  }
  console.log(`${name}: ${changes.length ? `\n  ${changes.join('\n  ')}` : 'no path change'}`);
  const shifts = new Float32Array(c.k.memory.buffer, shiftBase, c.k.aec_strace_count() * 8);
  for (let i = 0; i < shifts.length; i += 8)
    console.log(
      `  ${((shifts[i] * B) / rate).toFixed(2)} s shift ${shifts[i + 1].toFixed(2)} samples, moved ${shifts[i + 2].toFixed(1)} dB, unmoved ${shifts[i + 3].toFixed(1)} dB${shifts[i + 4] ? ' (taken)' : ''} skew ${shifts[i + 5].toFixed(1)} ppm flags ${shifts[i + 6]} best ${shifts[i + 7].toFixed(1)} dB`,
    );
  if (process.env.ECHO_SKEW_TRACE) {
    // the skew's judgements (assembly/aec-skew.ts decide), a line each time the outcome, the flags or the skew followed change
    const sk = new Float32Array(c.k.memory.buffer, skewBase, c.k.aec_sktrace_count() * 8);
    const outcomes = ['-', 'early proposal taken', 'proposal taken', "filter's reading"];
    let last = '';
    for (let i = 0; i < sk.length; i += 8) {
      const flags = Math.floor(sk[i + 7] / 4);
      const outcome = outcomes[sk[i + 7] % 4];
      const key = `${outcome} ${flags}`;
      if (key === last && outcome === '-') continue;
      last = key;
      console.log(
        `  ${((sk[i] * B) / rate).toFixed(2)} s filter ${sk[i + 1].toFixed(1)} ppm over ${sk[i + 2].toFixed(1)} s${sk[i + 3] ? ' sure' : ''}, delay ${sk[i + 4].toFixed(1)} ppm over ${sk[i + 5].toFixed(1)} s${sk[i + 6] ? ' sure' : ''}: ${outcome}; on ${flags & 1 ? 'y' : 'n'} byDelay ${flags & 2 ? 'y' : 'n'} fromFilter ${flags & 4 ? 'y' : 'n'}`,
      );
    }
  }
  c.free();
}
