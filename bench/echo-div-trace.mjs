// The divergence rule's evidence per scene (aec-divrule): every run of blocks where the foreground's
// estimate stands over twice the mic while the echo is heard (assembly/aec-change.ts: the rule counts
// such blocks; 80 ms of them restart both filters), long enough to restart, with the share of the mic
// the estimate explains at its best scaling (rho^2 = <d y>^2 / (|d|^2 |y|^2) from the smoothed mic,
// estimate and error energies: aec-drc's SCALED_COPY reads it over 0.8), the least-squares gain
// (<d y> / |y|^2, dB), whether aec-dtpath3's fade gate held, and whether the run ended in a path change.
// Needs the build with the bench hooks:
//   node bench/echo-div-trace.mjs hooked --groups drc,changes24 [--scenes REGEXP]
// (the groups of bench/echo-lab.mjs; ECHO_VETO=MASK as bench/echo-path-trace.mjs). Quality only.
import { parseArgs } from 'node:util';
import { adaptCanceller, loadLab, selectScenes } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { groups: { type: 'string', default: '16k' }, scenes: { type: 'string', default: '.' }, all: { type: 'boolean', default: false } },
});
const dist = positionals[0] ?? 'hooked';
const lab = await loadLab();
const lib = dist === 'hooked' ? await importHooked() : await import(new URL(`file://${process.cwd()}/${dist}/index.js`).href);
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(1);
const totals = { runs: 0, restarted: 0 };
for (const { params, scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const name = lab.sceneName(params);
  const rate = scene.sampleRate;
  const c = new lib.EchoCanceller({ sampleRate: rate });
  const B = c.blockSamples;
  const capacity = Math.ceil(scene.mic.length / B) + 8;
  const base = c.heap.alloc(64 * capacity);
  const fade = c.heap.alloc(4 * capacity);
  c.k.aec_ptrace_set(base, capacity);
  c.k.aec_ftrace_set(fade);
  if (process.env.ECHO_VETO) c.k.aec_veto_set(Number(process.env.ECHO_VETO));
  lab.runCanceller(adaptCanceller(c, 'div-trace', false), scene);
  const n = c.k.aec_ptrace_count();
  const f = new Float32Array(c.k.memory.buffer, base, n * 16).slice();
  const fd = new Float32Array(c.k.memory.buffer, fade, n).slice();
  c.free();
  const needed = Math.floor((0.08 * rate) / B) + 1;
  const lines = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const h = f.subarray(16 * i, 16 * i + 16);
    const on = i < n && h[7] > 0 && h[4] > 2 * h[1];
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      const len = i - start;
      // a change in the block after the run (the counter restarts the filters at `needed`)
      const changed = f[16 * Math.min(i, n - 1) + 13] !== f[16 * start + 13];
      if (len >= needed || changed || o.all) {
        const rho = [];
        const gain = [];
        let fades = 0;
        let talk = 0;
        for (let j = start; j < i; j++) {
          talk += f[16 * j + 6];
          const [, sdd, , sff, syf] = f.subarray(16 * j, 16 * j + 5);
          const cross = 0.5 * (sdd + syf - sff);
          rho.push(cross > 0 ? (cross * cross) / (sdd * syf) : 0);
          gain.push(cross > 0 ? cross / syf : 0);
          fades += fd[j];
        }
        const sorted = [...rho].sort((x, y) => x - y);
        const over = (() => {
          let s = 0;
          for (let j = start; j < i; j++) s += f[16 * j + 4] / f[16 * j + 1];
          return s / len;
        })();
        // the estimate's explained share pooled over the run, and over the BEFORE blocks before it (heard blocks only)
        const pooled = (/** @type {number} */ from, /** @type {number} */ to) => {
          let sd = 0;
          let sy = 0;
          let cr = 0;
          for (let j = Math.max(0, from); j < to; j++) {
            if (!(f[16 * j + 7] > 0)) continue;
            const [, sdd, , sff, syf] = f.subarray(16 * j, 16 * j + 5);
            sd += sdd;
            sy += syf;
            cr += 0.5 * (sdd + syf - sff);
          }
          return sd > 0 && sy > 0 && cr > 0 ? ((cr * cr) / (sd * sy)).toFixed(2) : '-';
        };
        const BEFORE = Math.round((0.3 * rate) / B);
        totals.runs++;
        if (changed) totals.restarted++;
        lines.push(
          `  ${((f[16 * start] * B) / rate).toFixed(2)}-${((f[16 * (i - 1)] * B) / rate).toFixed(2)} s ${len} blocks${changed ? ' CHANGE' : ''}: estimate ${db(over)} dB over the mic, rho2 min ${sorted[0].toFixed(2)} med ${sorted[len >> 1].toFixed(2)} max ${sorted[len - 1].toFixed(2)}, first ${needed}: ${rho
            .slice(0, needed)
            .map((r) => r.toFixed(2))
            .join(
              ' ',
            )}; pooled ${pooled(start, i)}, 300 ms before ${pooled(start - BEFORE, start)}; gain ${db(gain[len >> 1] ** 2)} dB; fade ${fades}/${len}; talk ${talk}`,
        );
      }
      start = -1;
    }
  }
  if (lines.length) console.log(`${name}\n${lines.join('\n')}`);
}
console.log(`runs of >= 80 ms (or ending in a change): ${totals.runs}, ending in a change: ${totals.restarted}`);
