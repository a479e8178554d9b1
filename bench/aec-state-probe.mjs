// aec-speed11: how often levers keyed on the filter's state would engage, read block by block from a
// hooked build (assembly/bench-hooks.ts aec_state_field, aec_part_energy; read only, no timing), on
// the lab's scenes and on the speed benches' signal (bench/aec-playing.mjs's, the near end pausing
// half of each second) at 24 kHz:
// - the background at half rate while the foreground is converged and agrees with it: the share of
//   playing blocks (the filter's window not all zeros) where, for at least 1 s, no doubt (the talk
//   flag, relearning, the relaxed bound, a skew followed, a narrowband reference, a path-change
//   count, the window gone quiet) and the foreground's sustained ERLE (heardErleDb) over Y dB and the
//   two estimates' difference X dB under the foreground's;
// - the tail's partitions: the share of the filter's partitions, from its end, whose weights' energy
//   stands N dB under the strongest partition's in both filters (from 2 s on, playing blocks);
// - and the share of playing blocks calm, with heardErleDb over 10 dB, agreeing within 10 dB, and all
//   three, with heardErleDb's median from 2 s on.
//   node bench/aec-state-probe.mjs [--groups 24k,outside24] [--scenes REGEXP] [--seconds 30]
import { parseArgs } from 'node:util';
import { adaptCanceller, loadLab, selectScenes } from './echo-lab/common.mjs';
import { playingSignals } from './aec-playing-signal.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o } = parseArgs({
  options: { groups: { type: 'string', default: '24k,outside24' }, scenes: { type: 'string', default: '.' }, seconds: { type: 'string', default: '30' } },
});
const lab = await loadLab();
/** @type {any} */
const lib = await importHooked();
const RULES = [
  { y: 10, x: 10 },
  { y: 15, x: 15 },
  { y: 20, x: 20 },
];
const TAILS = [20, 30];

/** A probe that reads the state after each 10 ms call. */
function probe() {
  const runs = RULES.map(() => 0);
  const engaged = RULES.map(() => 0);
  let playing = 0;
  let talking = 0;
  const alone = [0, 0, 0, 0]; // calm, ERLE over 10 dB, agreement 10 dB, the three together
  /** @type {number[]} */
  const erles = [];
  let tailBlocks = 0;
  const tailParts = TAILS.map(() => 0);
  let m = 0;
  let calls = 0;
  const onBlock = (/** @type {any} */ c, /** @type {number} */ t) => {
    const f = (/** @type {number} */ i) => c.k.aec_state_field(c.state, i);
    m = f(12);
    calls++;
    if (f(8) === 1) {
      runs.fill(0);
      return;
    }
    playing++;
    if (f(0) === 1) talking++;
    const calm = f(0) === 0 && f(3) === 0 && f(4) === 0 && f(5) === 0 && f(6) === 0 && f(7) === 0;
    const erle = f(1);
    const dis = f(2);
    const agree = dis >= 0 && dis < 0.1;
    if (calm) alone[0]++;
    if (erle > 10) alone[1]++;
    if (agree) alone[2]++;
    if (calm && erle > 10 && agree) alone[3]++;
    if (t >= 2) erles.push(erle);
    RULES.forEach((r, i) => {
      const ok = calm && erle > r.y && dis >= 0 && dis < 10 ** (-r.x / 10);
      runs[i] = ok ? runs[i] + 1 : 0;
      if (runs[i] > 100) engaged[i]++;
    });
    if (t >= 2 && calls % 10 === 0) {
      tailBlocks++;
      const e = [0, 1].map((w) => Array.from({ length: m }, (_, q) => c.k.aec_part_energy(c.state, w, q)));
      TAILS.forEach((n, i) => {
        let quietParts = m;
        for (const es of e) {
          const top = Math.max(...es);
          let q = m;
          while (q > 0 && es[q - 1] < top * 10 ** (-n / 10)) q--;
          quietParts = Math.min(quietParts, m - q);
        }
        tailParts[i] += quietParts;
      });
    }
  };
  const pc = (/** @type {number} */ n) => `${((100 * n) / Math.max(1, playing)).toFixed(0)}%`;
  const report = () =>
    `blocks calm / ERLE > 10 dB / agreeing 10 dB / all three ${alone.map(pc).join(' / ')}, heardErleDb median ${[...erles].sort((p, q) => p - q)[erles.length >> 1]?.toFixed(1)} dB; playing ${playing} blocks, talk flag ${((100 * talking) / Math.max(1, playing)).toFixed(0)}%; half rate (Y/X dB ${RULES.map((r) => `${r.y}/${r.x}`).join(', ')}): ${engaged.map((e) => `${((100 * e) / Math.max(1, playing)).toFixed(0)}%`).join(', ')}; tail quiet (N ${TAILS.join(', ')} dB): ${tailParts.map((p) => `${((100 * p) / Math.max(1, tailBlocks * m)).toFixed(0)}%`).join(', ')} of ${m} partitions`;
  return { onBlock, report };
}

// the speed benches' signal (bench/aec-playing.mjs)
{
  const rate = 24000;
  const { reference, mic } = playingSignals(rate);
  const c = new lib.EchoCanceller({ sampleRate: rate });
  const p = probe();
  const a = adaptCanceller(c, 'hooked', false, p.onBlock);
  const out = new Float32Array(rate / 100);
  for (let s = 0; s < Number(o.seconds); s++)
    for (let at = 0; at < rate; at += rate / 100) a.process(reference.subarray(at, at + rate / 100), mic.subarray(at, at + rate / 100), out);
  console.log(`aec-playing's signal 24 kHz ${o.seconds} s: ${p.report()}`);
  c.free();
}
for (const { scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const c = new lib.EchoCanceller({ sampleRate: scene.sampleRate });
  const p = probe();
  lab.runCanceller(adaptCanceller(c, 'hooked', false, p.onBlock), scene);
  console.log(`${scene.name}: ${p.report()}`);
  c.free();
}
