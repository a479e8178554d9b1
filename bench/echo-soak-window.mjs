// One stretch of the long soak (bench/echo-soak.bench.mjs's run) through a fresh canceller (aec-clip13):
// the soak's segments are generated from the start (they depend on the run's seeded draws) but only
// those from FROM_S on go through the canceller, so a window late in a 24-hour run can be tried from a
// start a few segments or cycles before it (does it need the hours before it, or only the minutes?).
// Prints each call window's figures as the soak does; with ECHO_SOAK_TRACE=a:b (s, absolute in the
// run) also every 50 ms of that stretch: the delay estimate's peak lag and onset (ms), the filter's
// offset (ms), path changes, the canceller's ERLE, the best ERLE, the double-talk flag, and the
// block's true echo / user / mic / output levels (dB); `nf` / `cn` (soak-days16): the suppressor's noise floor and
// comfort noise's floor summed over the bins (dB, its own units). Needs a build with the bench hooks for the
// trace (`hooked`, or ECHO_HOOKED=<index.js from bench/echo-lab/hooked-build.mjs>); figures only from any dist.
//
//   node bench/echo-soak-window.mjs hooked 60500 60760              (the desk after the clipping at 16.9 h, from its room change)
//   ECHO_SOAK_TRACE=60710:60750 node bench/echo-soak-window.mjs hooked 60680 60750
//   ECHO_SOAK_UNFAULT=301750 (deadmic19): that fault segment with its mic as it would have been (is the fault needed?)
//   ECHO_SOAK_HOURS-like params: ECHO_SOAK_DRIFT_PPM (100), ECHO_SOAK_RATE (16000)
//   ECHO_SOAK_SOLO=1 ECHO_SOAK_ALSO=199740 (young19): that start alone (FROM_S's canceller not run), with the shifts' and judge's lines
//   ECHO_SOAK_FIELDS=18,13,19 (living20, with the trace): also those aec_state_field values (assembly/bench-hooks.ts: 18 the
//   foreground's estimate, 13 the mic's smoothed energies, 19 the divergence's count, 49-52 the snapshot's offers), as `#i value`
//   ECHO_VETO=MASK (with a hooked build: assembly/bench-hooks.ts ab_veto, an oracle or a variant switched on; aec-changes16)
//   ECHO_SOAK_PROFILE=a,b (with the trace, aec-late15): also the delay profile's peak and mean over the
//   searched lags (%) and its lags a..b-1 (% coherent); the sox-medium window at 24 kHz:
//   ECHO_SOAK_RATE=24000 ECHO_SOAK_TRACE=7500:8000 ECHO_SOAK_PROFILE=0,16 node bench/echo-soak-window.mjs hooked 7500 8000
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { cachedSegments, soakParams } from './echo-soak-params.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';
import { JUDGE_STRIDE, judgeLines } from './echo-lab/louder-judge.mjs';

const [dist, fromArg, toArg] = process.argv.slice(2);
if (!dist || !fromArg || !toArg) throw new Error('usage: node bench/echo-soak-window.mjs <hooked | dist> <from s> <to s>');
const FROM_S = Number(fromArg);
const TO_S = Number(toArg);
const trace = process.env.ECHO_SOAK_TRACE?.split(':').map(Number);
const profileLags = process.env.ECHO_SOAK_PROFILE?.split(',').map(Number);
// ECHO_SOAK_EVERY=10 (ms, a multiple of 10): the trace's step (50 ms unless set); ECHO_SOAK_BEYOND=1 (aec-jump17): also the
// delay estimator's watch past its search (dl_beyond): the far peak (%) and its lag (ms), the run's updates and onset
// (ms), the searched lags, and the reference's last 50 ms (dB)
const traceEvery = Number(process.env.ECHO_SOAK_EVERY ?? 50) / 10;
const showBeyond = process.env.ECHO_SOAK_BEYOND === '1';
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-soak-window-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-soak', 'echo-metrics', 'echo-soak-run'], tmp);
rmSync(tmp, { recursive: true, force: true });
const lib = dist === 'hooked' ? await importHooked() : await import(pathToFileURL(path.resolve(dist, 'index.js')).href);
const params = soakParams(lab); // the run's segments (the generator stops at TO_S; ECHO_SOAK_HOURS as the run's)
const RATE = params.sampleRate;
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(1).padStart(6);
const fmt = (/** @type {number | null | undefined} */ x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

// ECHO_SOAK_ALSO=s1,s2,... (soakworst18): more fresh cancellers in the same replay, each started at that time (s,
// absolute in the run, >= FROM_S) on the same segments: a bisection of how much history a window needs in one pass
// (the segments are drawn and rendered once). Their lines are prefixed `[s1]`; the digest and trace are printed for
// each; the shifts' trace only without ECHO_SOAK_ALSO (one trace buffer per module, every canceller's shifts in it).
// (fixture19) A start inside a segment starts there (before, at the next segment's start: 199740 meant 199750), that
// window printed unmeasured (`| -`); FROM_S itself still starts at the first segment from it.
// ECHO_SOAK_SOLO=1 (young19): only the ECHO_SOAK_ALSO cancellers (FROM_S's not run), so that one start inside a
// segment (ECHO_SOAK_ALSO=199740) is the only canceller and gets the shifts' and the path-change judge's traces
const starts = [...(process.env.ECHO_SOAK_SOLO === '1' ? [] : [FROM_S]), ...(process.env.ECHO_SOAK_ALSO?.split(',').map(Number) ?? [])];
if (!starts.length) throw new Error('ECHO_SOAK_SOLO=1 needs ECHO_SOAK_ALSO');
if (starts.some((s) => !(s >= FROM_S && s < TO_S))) throw new Error('ECHO_SOAK_ALSO: starts within FROM_S..TO_S');
const block = RATE / 100;
const runs = starts.map((startAt, index) => {
  const aec = new lib.EchoCanceller({ sampleRate: RATE });
  const k = aec.k;
  // ECHO_VETO=MASK with a hooked build: assembly/bench-hooks.ts ab_veto (an oracle or a variant switched on), as bench/echo-lab.mjs takes it
  if (process.env.ECHO_VETO && k.aec_veto_set) k.aec_veto_set(Number(process.env.ECHO_VETO));
  const hooks = typeof k?.aec_delay_peak_lag === 'function';
  // (hooked) the louder errors fitted by a shift and the returned models' lag fits (assembly/aec-change.ts trace_shift)
  const shiftBase = hooks && starts.length === 1 ? aec.heap.alloc(32 * 4096) : 0;
  if (shiftBase) k.aec_strace_set(shiftBase, 4096);
  // (hooked, aec-moving18) what each path change's rule saw (bench/echo-lab/louder-judge.mjs); one canceller only, as the shifts
  const judgeBase = shiftBase && k.aec_ljtrace_set ? aec.heap.alloc(4 * JUDGE_STRIDE * 8192) : 0;
  if (judgeBase) k.aec_ljtrace_set(judgeBase, 8192, aec.heap.alloc(36 * 1100));
  return {
    judgeBase,
    judgesShown: 0,
    startAt,
    wide: process.env.ECHO_SOAK_WIDE === '1' || (process.env.ECHO_SOAK_WIDE_RUNS?.split(',').map(Number) ?? []).includes(index),
    tag:
      index === 0 && process.env.ECHO_SOAK_SOLO !== '1'
        ? ''
        : `[${startAt}${process.env.ECHO_SOAK_WIDE_RUNS?.split(',').map(Number).includes(index) ? 'w' : ''}] `,
    aec,
    k,
    hooks,
    shiftBase,
    shiftsShown: 0,
    latency: aec.latencySamples,
    blockMs: (1000 * aec.blockSamples) / RATE,
    out: new Float32Array(block),
    /** @type {{ segment: any, raw: Float32Array, line: string, partial: boolean } | undefined} */
    pending: undefined,
  };
});
const showShifts = (/** @type {any} */ run) => {
  const { k, aec, shiftBase, tag } = run;
  if (!shiftBase) return;
  const n = k.aec_strace_count();
  const t = new Float32Array(k.memory.buffer, shiftBase, n * 8);
  for (let i = run.shiftsShown * 8; i < t.length; i += 8)
    console.log(
      `${tag}  shift at ${(run.startAt + (t[i] * aec.blockSamples) / RATE).toFixed(2)} s: ${t[i + 1].toFixed(2)} samples, moved ${t[i + 2].toFixed(1)} dB, unmoved ${t[i + 3].toFixed(1)} dB${t[i + 4] ? ' (taken)' : ''}, skew ${t[i + 5].toFixed(1)} ppm, best ${t[i + 7].toFixed(1)} dB`,
    );
  run.shiftsShown = n;
  if (run.judgeBase) {
    for (const line of judgeLines(k, run.judgeBase, run.judgesShown, aec.blockSamples / RATE, run.startAt)) console.log(`${tag}${line}`);
    run.judgesShown = k.aec_ljtrace_count();
  }
};
const finish = (/** @type {any} */ run, /** @type {Float32Array} */ next) => {
  const { pending, latency } = run;
  if (!pending) return;
  const { segment, raw, line, partial } = pending;
  const n = raw.length;
  const aligned = new Float32Array(n);
  aligned.set(raw.subarray(latency), 0);
  aligned.set(next.subarray(0, latency), n - latency);
  // ECHO_SOAK_MEASURE_FROM=S: call windows before S s are not measured (a long replay's hours before the window; aec-soakhist17)
  if (partial || segment.start / RATE < Number(process.env.ECHO_SOAK_MEASURE_FROM ?? 0)) {
    console.log(`${line} | -`);
    return;
  }
  const f = segment.kind === 'call' ? lab.measureEcho(segment.scene, aligned, 'EchoCanceller', 1, false) : null;
  const a = f ? lab.judgeAlignment(segment.scene, aligned, f) : null;
  console.log(
    `${line} | ${f ? `${fmt(f.singleTalk.reductionDb)} dB, leaks ${fmt(100 * f.singleTalk.leakShare)}%, double talk ${fmt(100 * f.doubleTalk.cleanShare)}%, alignment ${a.verdict} lag ${a.lag} (${fmt(a.correlation, 2)}; lag 0 ${fmt(a.correlationAtZero, 2)}; ${a.nearOnlyFrames} near-only frames)` : '-'}`,
  );
  if (f && (process.env.ECHO_SOAK_UTTERANCES === '1' || a.userFrames)) {
    const u = a.userFrames ?? lab.alignmentOverUser(segment.scene, aligned);
    console.log(
      `   over every frame the user speaks in: ${u.frames} frames, best lag ${u.lag} (${fmt(u.correlation, 2)}), lag 0 ${fmt(u.correlationAtZero, 2)}`,
    );
  }
  // ECHO_SOAK_FRAMES=1: a flagged window's near-only frames one by one: the user, the output and output - user (dB),
  // the output's correlation with the user at lag 0 and at the window's best lag
  if (f && a.utterances && process.env.ECHO_SOAK_FRAMES === '1') {
    const { near, noise, echo: e } = segment.scene;
    const size = RATE / 100;
    const cover = new Float64Array(Math.floor(n / size));
    for (const [p, q] of segment.scene.labels.near)
      for (let k = Math.floor(p / size); k < Math.min(cover.length, Math.ceil(q / size)); k++)
        cover[k] += (Math.min(q, (k + 1) * size) - Math.max(p, k * size)) / size;
    for (let k = 0; k < cover.length; k++) {
      let nn = 0;
      let zz = 0;
      let ee = 0;
      let oo = 0;
      let dd = 0;
      let x0 = 0;
      let xl = 0;
      let ol = 0;
      for (let i = k * size; i < (k + 1) * size; i++) {
        nn += near[i] ** 2;
        zz += noise[i] ** 2;
        ee += e[i] ** 2;
        oo += aligned[i] ** 2;
        dd += (aligned[i] - near[i]) ** 2;
        x0 += aligned[i] * near[i];
        xl += (aligned[i + a.lag] ?? 0) * near[i];
        ol += (aligned[i + a.lag] ?? 0) ** 2;
      }
      if (!(cover[k] >= 0.5 && ee <= zz && nn >= 100 * zz)) continue;
      console.log(
        `   frame ${fmt(k / 100, 2)} s: user ${db(nn / size)} out ${db(oo / size)} out-user ${db(dd / size)} dB, correlation lag 0 ${fmt(x0 / Math.sqrt(nn * oo + 1e-30), 2)}, lag ${a.lag} ${fmt(xl / Math.sqrt(nn * ol + 1e-30), 2)}`,
      );
    }
  }
  // ECHO_SOAK_UTTERANCES=1: every call window's alignment per utterance (output vs user), as the soak judges a flagged one
  if (f && (process.env.ECHO_SOAK_UTTERANCES === '1' || a.utterances))
    for (const u of lab.alignmentPerUtterance(segment.scene, aligned))
      console.log(
        `   utterance at ${fmt(u.startS)} s: ${u.nearOnlyFrames} near-only frames, best lag ${u.lag} (${fmt(u.correlation, 2)}), lag 0 ${fmt(u.correlationAtZero, 2)}`,
      );
};
/** The segments FROM_S..TO_S; ECHO_SOAK_CACHE=<file>: kept there (v8 serialized) and read back on the next run with the same span. */
function* segments() {
  const saved = cachedSegments(params);
  if (saved) {
    yield* saved.filter((/** @type {any} */ s) => s.start / RATE >= FROM_S && s.start / RATE < TO_S);
    return;
  }
  const cache = process.env.ECHO_SOAK_CACHE;
  const kept = [];
  // the segments before FROM_S are drawn, not rendered (soakSegments' fromS): ~8x sooner to reach hour 40
  for (const segment of lab.soakSegments(params, process.env.ECHO_SOAK_RENDER_ALL === '1' ? 0 : FROM_S)) {
    const startS = segment.start / RATE;
    if (startS < FROM_S) continue;
    if (startS >= TO_S) break;
    if (cache) kept.push(segment); // (held only to be cached: a replay from the start would hold hours of audio)
    yield segment;
  }
  if (cache) writeFileSync(cache, v8.serialize({ params, segments: kept }));
}
/** (soakworst18) With ECHO_SOAK_PROFILE=a,b, the digest also carries the delay profile: its peak (%) and lag, the mean over the searched lags, the candidate, and lags a..b-1 (% coherent). */
const digestProfile = (/** @type {any} */ k, /** @type {number} */ s) => {
  const f32 = new Float32Array(k.memory.buffer);
  const at = k.aec_delay_profile(s) >> 2;
  const search = k.aec_delay_search_lags(s);
  let sum = 0;
  for (let l = 0; l < search; l++) sum += f32[at + l];
  const lags = [];
  const [a, b] = profileLags ?? [0, 0];
  for (let l = a; l < b; l++) lags.push((100 * f32[at + l]).toFixed(1));
  return ` | pk ${(100 * k.aec_delay_peak(s)).toFixed(1)}% at ${k.aec_delay_peak_lag(s)} mean ${((100 * sum) / search).toFixed(1)}% cand ${k.aec_delay_likely(s)} prof ${lags.join(',')}`;
};
const wall = performance.now();
/** One segment through one run's canceller (those started later than it pass it by). */
const processSegment = (/** @type {any} */ run, /** @type {any} */ segment) => {
  const startS = segment.start / RATE;
  const { aec, k, hooks, out, blockMs, tag } = run;
  const { reference, echo, near } = segment.scene;
  // ECHO_SOAK_UNFAULT=T1,T2 (deadmic19): the fault segments starting at those times (s) heard with their mic as it
  // would have been (echo + user + noise: no clipping, zeroing, DC or silence): does the next window need the fault?
  const unfault = process.env.ECHO_SOAK_UNFAULT?.split(',').map(Number).includes(startS);
  const mic = unfault ? segment.scene.echo.map((/** @type {number} */ e, /** @type {number} */ i) => e + near[i] + segment.scene.noise[i]) : segment.scene.mic;
  const n = mic.length;
  // (fixture19) a start inside the segment (ECHO_SOAK_ALSO): from the block at startAt; that window is not measured
  const skip = lab.startSkip(segment, run.startAt, RATE, block);
  if (skip >= n) return;
  const raw = new Float32Array(n);
  const changesBefore = aec.pathChanges;
  // (soakworst18, hooked) ECHO_SOAK_WIDE=1: each canceller starts with its delay search widened to the reach, as a run
  // whose search once widened (dl_beyond) holds it (ECHO_SOAK_WIDE_RUNS=0,2: only those, by their place in FROM_S and
  // ECHO_SOAK_ALSO, tagged `w`); ECHO_SOAK_NARROW_AT=T: at the segment starting at T s, every
  // canceller's search back to the initial one (assembly/bench-hooks.ts aec_delay_search_set)
  if (hooks && k.aec_delay_search_set) {
    if (run.wide && startS === run.startAt) k.aec_delay_search_set(aec.state, 1);
    if (Number(process.env.ECHO_SOAK_NARROW_AT) === startS) k.aec_delay_search_set(aec.state, 0);
  }
  if (process.env.ECHO_SOAK_DIGEST === '1' && hooks) {
    const s = aec.state;
    const f = (/** @type {number} */ i, d = 2) => fmt(k.aec_state_field(s, i), d);
    console.log(
      `${tag}digest ${startS} ${segment.room} ${segment.kind} skew ${f(20, 3)} flags ${f(21, 0)} boosts ${f(22, 0)} pending ${f(23)} onsetMoved ${f(24)} keptMoved ${f(25)} | lineD s ${f(26, 1)} tau ${f(27, 1)} slope ${f(28, 3)} err ${f(29, 3)} w ${f(30)} | lineF s ${f(31, 1)} tau ${f(32)} slope ${f(33, 3)} err ${f(34, 3)} w ${f(35)} | hold ${f(36)} followed ${f(37, 0)} decay ${f(38, 4)} late ${f(39, 3)} ${f(40, 3)} rd ${f(41, 0)} ${f(42, 6)} ${f(43, 6)} shifts ${f(44, 0)} kept ${f(45, 0)}/${f(46, 0)}/${f(47, 0)} blocks ${f(48, 0)} | nf ${fmt(k.aec_floor_db(s, 0))} cn ${fmt(k.aec_floor_db(s, 1))} search ${k.aec_delay_search_lags(s)} onset ${fmt(aec.delayMs, 0)} off ${(k.aec_filter_offset(s) * blockMs).toFixed(0)} pc ${aec.pathChanges} best ${db(k.aec_best_erle(s))}${profileLags ? digestProfile(k, s) : ''}`,
    );
  }
  for (let at = skip; at < n; at += block) {
    aec.pushReference(reference.subarray(at, at + block));
    aec.processInto(mic.subarray(at, at + block), out);
    raw.set(out.subarray(0, Math.min(block, n - at)), at);
    const t = startS + at / RATE;
    if (trace && hooks && t >= trace[0] && t < trace[1] && Math.round((at / RATE) * 100) % traceEvery === 0) {
      // the last 50 ms's true echo and user (dB), the mic and the output (output lags by `latency`)
      let e = 0;
      let u = 0;
      let m = 0;
      let o = 0;
      const a0 = Math.max(0, at + block - 5 * block);
      for (let i = a0; i < at + block; i++) {
        e += echo[i] ** 2;
        u += near[i] ** 2;
        m += mic[i] ** 2;
      }
      for (let i = 0; i < block; i++) o += out[i] ** 2;
      const s = aec.state;
      // the foreground's energy per partition, as shares of its whole (the first 8)
      const parts_m = k.aec_state_field(s, 16);
      let all = 0;
      const parts = [];
      for (let q = 0; q < parts_m; q++) {
        const e = k.aec_part_energy(s, 1, q);
        all += e;
        if (q < 8) parts.push(e);
      }
      // ECHO_SOAK_PROFILE=a,b: also the delay profile's peak (%), mean over the searched lags (%), and lags a..b-1 (% coherent)
      let prof = '';
      if (profileLags) {
        const f32 = new Float32Array(k.memory.buffer);
        const at = k.aec_delay_profile(s) >> 2;
        let sum = 0;
        const search = k.aec_delay_search_lags(s);
        for (let l = 0; l < search; l++) sum += f32[at + l];
        const lags = [];
        for (let l = profileLags[0]; l < profileLags[1]; l++) lags.push((100 * f32[at + l]).toFixed(1));
        prof = ` | pk ${(100 * k.aec_delay_peak(s)).toFixed(1)}% mean ${((100 * sum) / search).toFixed(1)}% cand ${k.aec_delay_likely(s)} prof ${lags.join(',')}`;
      }
      let far = '';
      if (showBeyond) {
        let r = 0;
        for (let i = a0; i < at + block; i++) r += reference[i] ** 2;
        far = ` | far ${(100 * k.aec_delay_far_peak(s)).toFixed(1)}% at ${(k.aec_delay_far_lag(s) * blockMs).toFixed(0)} run ${k.aec_delay_beyond_updates(s)} from ${(k.aec_delay_beyond_candidate(s) * blockMs).toFixed(0)} search ${k.aec_delay_search_lags(s)} ref ${db(r / (at + block - a0))}`;
      }
      // ECHO_SOAK_CAND=1 (onset19, a hooked build with aec_delay_debug): the decision's candidate onset and the updates it
      // held (lags), a path change's re-arm left, and the peak lag's age and updates since its reference resumed
      let cand = '';
      if (process.env.ECHO_SOAK_CAND === '1' && k.aec_delay_debug) {
        const pl = k.aec_delay_peak_lag(s);
        cand = ` | cand ${k.aec_delay_debug(s, 0, 0)}x${k.aec_delay_debug(s, 1, 0)} rearm ${k.aec_delay_debug(s, 2, 0)} age ${k.aec_delay_debug(s, 3, pl)} resumed ${k.aec_delay_debug(s, 4, pl)}`;
      }
      // ECHO_SOAK_FIELDS=13,14,18 (living20): also those aec_state_field values (assembly/bench-hooks.ts), each as `#i value`
      const fields = process.env.ECHO_SOAK_FIELDS
        ? ` | ${process.env.ECHO_SOAK_FIELDS.split(',')
            .map((i) => `#${i} ${k.aec_state_field(s, Number(i)).toPrecision(3)}`)
            .join(' ')}`
        : '';
      console.log(
        `${tag}${t.toFixed(2)} peak ${(k.aec_delay_peak_lag(s) * blockMs).toFixed(0).padStart(3)} onset ${fmt(aec.delayMs, 0).padStart(3)} off ${(k.aec_filter_offset(s) * blockMs).toFixed(0).padStart(3)} mv ${k.aec_filter_moves(s)} pc ${aec.pathChanges} erle ${fmt(aec.erleDb).padStart(5)} best ${db(k.aec_best_erle(s))} T${k.aec_talking(s)} rf ${k.aec_state_field(s, 17)} gain ${fmt(k.aec_gain_db(s)).padStart(6)} heard ${fmt(k.aec_state_field(s, 1)).padStart(5)} fg ${parts.map((e) => Math.round((100 * e) / (all + 1e-30))).join(',')}%${typeof k.aec_floor_db === 'function' ? ` nf ${fmt(k.aec_floor_db(s, 0))} cn ${fmt(k.aec_floor_db(s, 1))}` : ''} | echo ${db(e / (at + block - a0))} user ${db(u / (at + block - a0))} mic ${db(m / (at + block - a0))} out ${db(o / block)}${prof}${far}${cand}${fields}`,
      );
    }
  }
  finish(run, raw);
  showShifts(run);
  run.pending = {
    partial: skip > 0,
    segment,
    raw,
    line: `${tag}${startS} ${segment.room} ${segment.kind}${unfault ? ' (unfaulted)' : ''}${segment.pathChange ? ` (${segment.pathChange})` : ''} true ${fmt(segment.echoDelayMs, 0)} est ${fmt(aec.delayMs, 0)} ms, skew ${fmt(aec.clockSkewPpm)}, ERLE ${fmt(aec.erleDb)}, changes ${aec.pathChanges - changesBefore}`,
  };
};
for (const segment of segments()) for (const run of runs) processSegment(run, segment);
for (const run of runs) {
  finish(run, lab.flushCanceller(run.aec, run.latency, block));
  run.aec.free();
}
console.log(`wall ${((performance.now() - wall) / 1000).toFixed(0)} s`);
