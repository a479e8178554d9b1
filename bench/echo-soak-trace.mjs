// The soak's run (test/helpers/echo-soak.ts) through one canceller of a hooked build, traced per
// 50 ms over a stretch of it (aec-med14: the medium room's call after a minute or two of silence):
// the delay estimate's onset and peak lag, the filter's offset, moves, path changes, ERLE, the
// skew followed, the suppressor's presence, the output / echo / user levels, and the foreground's
// partition energies (dB under its loudest) at the segment boundaries. Every call window measured
// by the lab's rules as the soak bench does (only the windows in the traced stretch printed).
//
//   node bench/echo-soak-trace.mjs [hooked|DIST] --from 1530 --to 1710 [--every 5] [--parts]
//   ECHO_SOAK_DRIFT_PPM, ECHO_SOAK_RATE as for bench/echo-soak.bench.mjs; --quiet: windows only
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBuilds } from './echo-lab/common.mjs';
import { importLabHelpers } from './echo-lab-bundle.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: '1530' },
    to: { type: 'string', default: '1710' },
    every: { type: 'string', default: '5' },
    parts: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    // only the traced segments' first / last seconds (e.g. --edge 3: 3 s after each boundary)
    edge: { type: 'string', default: '1e9' },
  },
});
const RATE = Number(process.env.ECHO_SOAK_RATE ?? 16000);
const DRIFT = Number(process.env.ECHO_SOAK_DRIFT_PPM ?? 100);
const from = Number(o.from);
const to = Number(o.to);
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-soak-trace-'));
try {
  const lab = await importLabHelpers(['echo-soak', 'echo-metrics', 'echo-soak-run'], tmp);
  const [build] = await loadBuilds(positionals.length ? positionals : ['hooked']);
  const params = { sampleRate: RATE, driftPpm: DRIFT, seconds: to, rooms: lab.SOAK_ROOMS, erlDb: 18, delayMs: 60, seed: 1 };
  const aec = new build.lib.EchoCanceller({ sampleRate: RATE });
  const k = aec.k;
  const hooked = typeof k.aec_filter_offset === 'function';
  const block = RATE / 100;
  const latency = aec.latencySamples;
  const blockMs = (1000 * aec.blockSamples) / RATE;
  const m = hooked ? Math.round(k.aec_state_field(aec.state, 12)) : 0;
  const out = new Float32Array(block);
  const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(0).padStart(4);
  const parts = () => {
    const e = [];
    for (let q = 0; q < m; q++) e.push(k.aec_part_energy(aec.state, 1, q));
    const peak = Math.max(...e);
    return e.map((x) => Math.max(-40, Math.round(10 * Math.log10((x + 1e-30) / (peak + 1e-30))))).join(' ');
  };
  /** @type {{ segment: any, raw: Float32Array, placedMs: number } | undefined} */
  let pending;
  const finish = (/** @type {Float32Array} */ next) => {
    if (!pending) return;
    const { segment, raw, placedMs } = pending;
    const n = raw.length;
    const aligned = new Float32Array(n);
    aligned.set(raw.subarray(latency), 0);
    aligned.set(next.subarray(0, latency), n - latency);
    const t = segment.start / RATE;
    if (segment.kind === 'call' && t + n / RATE > from) {
      const f = lab.measureEcho(segment.scene, aligned, 'EchoCanceller');
      console.log(
        `WINDOW ${t} ${segment.room} ${segment.kind}: ${f.singleTalk.reductionDb.toFixed(1)} dB, leaks ${(100 * f.singleTalk.leakShare).toFixed(1)}%, double talk ${(100 * f.doubleTalk.cleanShare).toFixed(1)}%, echo ${segment.echoDelayMs.toFixed(1)} ms, placed ${placedMs.toFixed(0)} (end)`,
      );
      const leaks = lab.leakFrames(segment.scene, aligned);
      if (leaks.length)
        console.log(
          `  leaks at ${leaks.map((/** @type {{ seconds: number, outPower: number }} */ l) => `${(t + l.seconds).toFixed(2)} (${(10 * Math.log10(l.outPower)).toFixed(0)})`).join(' ')}`,
        );
    }
  };
  for (const segment of lab.soakSegments(params)) {
    const { reference, mic, echo, near } = segment.scene;
    const n = mic.length;
    const raw = new Float32Array(n);
    const t0 = segment.start / RATE;
    const traced = !o.quiet && hooked && t0 + n / RATE > from;
    if (traced) {
      console.log(
        `--- ${t0} s ${segment.room} ${segment.kind} ${n / RATE} s, echo at ${segment.echoDelayMs.toFixed(1)} ms (-${(((DRIFT * 1e-6 * n) / RATE) * 1000).toFixed(1)} ms over it)`,
      );
      if (o.parts) console.log(`parts fg (dB, offset ${(k.aec_filter_offset(aec.state) * blockMs).toFixed(0)} ms): ${parts()}`);
    }
    let acc = [0, 0, 0];
    for (let at = 0, i = 0; at < n; at += block, i++) {
      aec.pushReference(reference.subarray(at, at + block));
      aec.processInto(mic.subarray(at, at + block), out);
      raw.set(out.subarray(0, Math.min(block, n - at)), at);
      if (!traced) continue;
      // levels of the 10 ms frame the output of this callback stands for (the output lags by `latency`)
      for (let j = at; j < Math.min(at + block, n); j++) {
        acc[1] += echo[j] ** 2;
        acc[2] += near[j] ** 2;
      }
      for (let j = 0; j < block; j++) acc[0] += out[j] ** 2;
      if ((i + 1) % Number(o.every) !== 0) continue;
      const s = (at + block) / RATE;
      const span = Number(o.every) * block;
      if (s <= Number(o.edge) || s >= n / RATE - Number(o.edge) || (segment.kind === 'call' && s <= Number(o.edge) + 1)) {
        console.log(
          `${(t0 + s).toFixed(2)} +${s.toFixed(2)} out${db(acc[0] / span)} echo${db(acc[1] / span)} user${db(acc[2] / span)} | onset ${aec.delayMs.toFixed(0)} peak ${(k.aec_delay_peak_lag(aec.state) * blockMs).toFixed(0)} (${(100 * k.aec_delay_peak(aec.state)).toFixed(0)}%) off ${(k.aec_filter_offset(aec.state) * blockMs).toFixed(0)} mv ${k.aec_filter_moves(aec.state)} pc ${aec.pathChanges} erle ${aec.erleDb.toFixed(1)} best ${(10 * Math.log10(k.aec_best_erle(aec.state) + 1e-30)).toFixed(1)} skew ${aec.clockSkewPpm.toFixed(0)} pres ${aec.userPresent ? 1 : 0} talk ${k.aec_state_field(aec.state, 0)} relearn ${k.aec_state_field(aec.state, 3)} quiet ${k.aec_state_field(aec.state, 8)}`,
        );
      }
      acc = [0, 0, 0];
    }
    if (traced && o.parts) console.log(`parts fg at the end (offset ${(k.aec_filter_offset(aec.state) * blockMs).toFixed(0)} ms): ${parts()}`);
    finish(raw);
    pending = { segment, raw, placedMs: aec.delayMs };
  }
  finish(lab.flushCanceller(aec, latency, block));
  aec.free();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
