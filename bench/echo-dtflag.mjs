// The linear stage's double-talk flag (`talking`, assembly/aec-block.ts: the mic's excess over the
// echo gain bound, TALK_DB) against the lab's labels (aec-dtflag): per block where the reference
// plays (`playing`), the true user and echo energies of the block's mic samples (the scene's parts),
// and the flag the canceller raised. Prints per scene the recall (share of user-active blocks
// flagged, by the user-to-echo ratio of the block: < -10, -10..0, 0..10, 10..20, >= 20 dB) and the
// false alarms (share of playing blocks without a user that are flagged), and the same summed per
// group. A block is user-active where the user's energy stands 10 dB over the mic noise's and the
// echo's 10 dB over the noise too (an echo the flag can compare with); without a user where the
// user's energy is under a tenth of the noise's. Also the heard ERLE the user pulled: the lowest
// `heardErleDb` (./aec-change: what the misfit and early-skew gates read) after the filter first
// sustained 15 dB. Quality only (no timing).
// Needs a build with the bench hooks (assembly/bench-hooks.ts's trace_path): `hooked` builds the
// sources as they are into a temp dir, or a path printed by `node bench/echo-lab/hooked-build.mjs`:
//   node bench/echo-dtflag.mjs hooked [--groups 16k,24k,48k,outside,outside24,quiet] [--scenes REGEXP] [--per-scene]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { adaptCanceller } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const args = process.argv.slice(2);
const dist = args[0];
if (!dist) throw new Error('usage: node bench/echo-dtflag.mjs <hooked | hooked index.js dir> [--groups ...] [--scenes REGEXP] [--per-scene]');
const opt = (/** @type {string} */ name, /** @type {string} */ fallback) => {
  const i = args.indexOf(name);
  return i > 0 ? args[i + 1] : fallback;
};
const groupNames = opt('--groups', '16k,24k,48k,outside,outside24').split(',');
const only = new RegExp(opt('--scenes', '.'));
const perScene = args.includes('--per-scene');
// --offline M:R0:C:FALL[,...]: also a candidate flag simulated on the trace (the base run's signals,
// not fed back): the old flag or, in a heard block, the foreground's ERLE M dB under a reference ERLE
// (followed over SUSTAIN_MS of unflagged heard blocks, falling FALL dB/s while flagged, reset at a
// path change) that stands over R0 dB, with estimate and error adding up to under C x the mic
const offline = (opt('--offline', '') || '')
  .split(',')
  .filter(Boolean)
  .map((x) => x.split(':').map(Number));

const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-dtflag-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-scenes', 'echo-metrics', 'echo-grid'], tmp);
rmSync(tmp, { recursive: true, force: true });
const { EchoCanceller } = dist === 'hooked' ? await importHooked() : await import(pathToFileURL(path.resolve(dist, 'index.js')).href);

/** @type {Record<string, () => any[]>} */
const GROUPS = {
  '16k': () => lab.echoGrid('test', 16000),
  '24k': () => [lab.sessionRateGroup(24000)],
  '48k': () => [lab.deviceRateGroup(48000)],
  outside: () => [lab.outsideGroup(16000)],
  outside24: () => [lab.outsideGroup(24000)],
  quiet: () => [lab.quietGroup(16000, 'bench')],
};
const EDGES = [-10, 0, 10, 20]; // user over echo, dB
const BIN_NAMES = ['<-10', '-10..0', '0..10', '10..20', '>=20'];

function newTally() {
  return { hit: [0, 0, 0, 0, 0], all: [0, 0, 0, 0, 0], fa: 0, quiet: 0 };
}
/** @param {ReturnType<typeof newTally>} t */
function line(t) {
  const cells = t.all.map((n, i) => (n ? `${((100 * t.hit[i]) / n).toFixed(0).padStart(3)}% of ${String(n).padStart(5)}` : '    -     '.padEnd(13)));
  const fa = t.quiet ? `${((100 * t.fa) / t.quiet).toFixed(1).padStart(4)}% of ${t.quiet}` : '-';
  return `${cells.join(' | ')} || false ${fa}`;
}

console.log(`flag recall by user over echo (dB): ${BIN_NAMES.join(' | ')} || flagged without a user`);
for (const g of groupNames) {
  const total = newTally();
  /** @type {ReturnType<typeof newTally>[]} */
  const simTotals = [];
  let scenes = 0;
  for (const group of GROUPS[g]()) {
    for (const params of group.scenes) {
      const name = lab.sceneName(params);
      if (!only.test(name)) continue;
      const scene = lab.buildScene(params);
      const rate = scene.sampleRate;
      const c = new EchoCanceller({ sampleRate: rate });
      const B = c.blockSamples;
      const capacity = Math.ceil(scene.mic.length / B) + 8;
      const base = c.heap.alloc(64 * capacity);
      c.k.aec_ptrace_set(base, capacity);
      lab.runCanceller(adaptCanceller(c, 'dtflag', false), scene);
      const n = c.k.aec_ptrace_count();
      const f = new Float32Array(c.k.memory.buffer, base, n * 16).slice();
      c.free();
      let noise = 0;
      for (let s = 0; s < scene.noise.length; s++) noise += scene.noise[s] ** 2;
      noise = (noise / scene.noise.length) * B + 1e-20; // a block's noise energy
      const t = newTally();
      const sims = offline.map(([M, R0, C, FALL]) => ({ M, R0, C, FALL, ref: 0, flag: false, now: false, t: newTally() }));
      const alpha = Math.min(1, (B * 1000) / (rate * 250));
      let converged = false;
      let pulled = Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const h = f.subarray(16 * i, 16 * i + 16);
        for (const sim of sims) {
          // the flag this block used was computed from the state after the last block
          const erle = 10 * Math.log10((h[1] + 1e-30) / (h[3] + 1e-30));
          sim.now = sim.flag || h[6] > 0;
          if (i > 0 && h[13] !== f[16 * (i - 1) + 13]) sim.ref = 0;
          if (h[7] && !sim.now) sim.ref += alpha * (erle - sim.ref);
          else if (h[7]) sim.ref = Math.max(Math.min(sim.ref, erle), sim.ref - (sim.FALL * B) / rate);
          sim.flag = h[7] > 0 && sim.ref > sim.R0 && erle < sim.ref - sim.M && h[4] + h[3] < sim.C * h[1];
        }
        if (!h[8]) continue; // the reference does not play
        const s0 = h[0] * B;
        let echo = 0;
        let user = 0;
        for (let s = s0; s < s0 + B && s < scene.echo.length; s++) {
          echo += scene.echo[s] ** 2;
          user += scene.near[s] ** 2;
        }
        const flagged = h[6] > 0;
        if (h[14] > 15) converged = true;
        else if (converged) pulled = Math.min(pulled, h[14]);
        if (user > 10 * noise && echo > 10 * noise) {
          const ratio = 10 * Math.log10(user / echo);
          let bin = 0;
          while (bin < EDGES.length && ratio >= EDGES[bin]) bin++;
          t.all[bin]++;
          if (flagged) t.hit[bin]++;
          for (const sim of sims) {
            sim.t.all[bin]++;
            if (sim.now) sim.t.hit[bin]++;
          }
        } else if (user < 0.1 * noise) {
          t.quiet++;
          if (flagged) t.fa++;
          if (flagged && process.env.ECHO_DTFLAG_FA)
            console.log(
              `    false ${((h[0] * B) / rate).toFixed(2)} s excess ${h[12].toFixed(1)} ERLE ${(10 * Math.log10(h[1] / h[3])).toFixed(1)} heard ${h[14].toFixed(1)} echo ${(10 * Math.log10(echo / noise)).toFixed(1)} dB over noise`,
            );
          for (const sim of sims) {
            sim.t.quiet++;
            if (sim.now) sim.t.fa++;
          }
        }
      }
      for (let b = 0; b < 5; b++) {
        total.all[b] += t.all[b];
        total.hit[b] += t.hit[b];
      }
      total.fa += t.fa;
      total.quiet += t.quiet;
      sims.forEach((sim, j) => {
        simTotals[j] ??= newTally();
        for (let b = 0; b < 5; b++) {
          simTotals[j].all[b] += sim.t.all[b];
          simTotals[j].hit[b] += sim.t.hit[b];
        }
        simTotals[j].fa += sim.t.fa;
        simTotals[j].quiet += sim.t.quiet;
        if (perScene) console.log(`    sim ${offline[j].join(':').padEnd(38)} ${line(sim.t)}`);
      });
      scenes++;
      if (perScene) console.log(`  ${name.padEnd(44)} ${line(t)}${Number.isFinite(pulled) ? ` || heard ERLE pulled to ${pulled.toFixed(1)} dB` : ''}`);
    }
  }
  if (scenes) console.log(`${g} (${scenes} scenes): ${line(total)}`);
  for (const [j, st] of simTotals.entries()) console.log(`  sim ${offline[j].join(':').padEnd(18)} ${line(st)}`);
}
