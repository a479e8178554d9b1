// (aec-moving18) What the path-change rules saw before each change they declared: over the run of
// louder blocks (the foreground's error louder than the mic, detectPathChange's wrongBlocks) the mic's
// spectrum against the foreground's estimate's (assembly/bench-hooks.ts judge_gather / trace_judge).
// Meant to tell a device that sways (the response changes shape) from a drift the skew line has not
// followed yet (the whole response slides in time: a phase ramp, the error growing with frequency).
// Needs a build with the bench hooks (`hooked`: made from the sources into a temp dir). Quality only.
//   node bench/echo-lab/louder-judge.mjs hooked --groups moving --scenes 'desk 16k call 120ms 18dB moving hand' [--shifts 0]
//   (the soak's first minutes: ECHO_SOAK_RATE=24000 ECHO_SOAK_HOURS=4 node bench/echo-soak-window.mjs hooked 0 320 prints the same lines)
// Per change: time, the rule (louder 2, misfit 4, divergence 1, emerged 8; shift 16: a shift taken
// instead), the louder blocks gathered, the best lag tau (samples) and the share of the cross-spectrum's
// magnitude that lag explains (fit@tau) and lag 0 (fit@0), the moved / unmoved estimate's ERLE over the
// run, the ERLE in the low / mid / high quarter-bands (dB) and the share of bins whose error is louder
// than the mic (all, low, high), best ERLE, best sustained ERLE, the skew followed (ppm, flags 1 on,
// 2 by delay, 4 from the filter), the filter's line (slope, error, ppm) and the delay line's slope,
// the delay statistics' peak lag, the onset, the filter's offset (blocks).
// (hand35) With a build made with `AEC_RESTART_BACK=1` (ECHO_HOOK_USE), the restart shadow's trial too: `back T s stored`
// (the shadow kept at a change), `kept` / `BACK` (the trial's end: the relearned model kept / the shadow given back), with
// the old and relearned best heard ERLE; with AEC_RESTART_BACK_MEASURED `old` is the background's error over the shadow's
// over the last RESTART_BACK_MEASURE_MS (dB; under 0: the shadow worse) and `x` the shadow's own ERLE there.
import { parseArgs } from 'node:util';
import { adaptCanceller, figuresLine, loadBuilds, loadLab, pad, selectScenes } from './common.mjs';
import { importHooked } from './hooked-build.mjs';

/** The judge's entries of canceller `k` (JUDGE_STRIDE floats each at `base`) as lines, from entry `from`. @param {any} k @param {number} base @param {number} from @param {number} blockS @param {number} t0 */
export function judgeLines(k, base, from, blockS, t0 = 0) {
  const n = k.aec_ljtrace_count();
  const t = new Float32Array(k.memory.buffer, base, n * JUDGE_STRIDE);
  const lines = [];
  const f = (/** @type {number} */ x, d = 1) => x.toFixed(d);
  for (let i = from; i < n; i++) {
    const e = t.subarray(i * JUDGE_STRIDE, (i + 1) * JUDGE_STRIDE);
    lines.push(
      `  judge ${f(t0 + e[0] * blockS, 2)} s rule ${e[1]} n ${e[2]} | tau ${f(e[3], 2)} fit@tau ${f(e[4], 2)} fit@0 ${f(e[5], 2)} | moved ${f(e[6])} unmoved ${f(e[7])} dB | low/mid/high ${f(e[8])}/${f(e[9])}/${f(e[10])} dB over ${f(e[11], 2)} (${f(e[12], 2)}/${f(e[13], 2)}) | best ${f(e[14])} sustained ${f(e[15])} | skew ${f(e[16])} ppm flags ${e[17]} line ${f(e[18])}+-${f(e[19])} delay ${f(e[20])} | peak ${e[21]} onset ${e[22]} offset ${e[23]} | rho2 ${f(e[24], 2)} at tau, ${f(e[25], 2)} at 0, ${f(e[27], 2)} at ${e[26]} (+-2 ms)`,
    );
  }
  return lines;
}
export const JUDGE_STRIDE = 28;

/** The command line's scenes through the hooked build, each change's judge lines after its figures. */
async function main() {
  const { values: o, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      scenes: { type: 'string', default: 'moving hand' },
      groups: { type: 'string', default: 'moving,moving24' },
      shifts: { type: 'string', default: '0' },
    },
  });
  const lab = await loadLab();
  const lib = positionals[0] === 'hooked' || !positionals[0] ? await importHooked() : (await loadBuilds(positionals.slice(0, 1)))[0]?.lib;
  if (!lib) throw new Error('no build');

  const shifts = o.shifts.split(',').map(Number);
  for (const { params, scene, shifts: list } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts })) {
    for (const shift of list) {
      const c = new lib.EchoCanceller({ sampleRate: scene.sampleRate });
      const k = c.k;
      const base = c.heap.alloc(4 * JUDGE_STRIDE * 512);
      k.aec_ljtrace_set(base, 512, c.heap.alloc(36 * 1100));
      const bk = k.aec_bktrace_set ? c.heap.alloc(4 * 9 * 256) : 0;
      if (bk) k.aec_bktrace_set(bk, 256);
      if (process.env.ECHO_VETO) k.aec_veto_set(Number(process.env.ECHO_VETO));
      const adapter = adaptCanceller(c, 'hooked', false);
      /** @type {any} */
      const padded = shift
        ? { ...scene, mic: pad(scene.mic, shift), reference: pad(scene.reference, shift), echo: pad(scene.echo, shift), near: pad(scene.near, shift) }
        : scene;
      const out = lab.runCanceller(adapter, padded);
      const f = lab.measureEcho(padded, out, 'EchoCanceller', 1, false);
      console.log(`${lab.sceneName(params)}${shift ? ` +${shift}` : ''}: ${figuresLine(lab, f)} | path changes ${c.pathChanges}`);
      for (const line of judgeLines(k, base, 0, c.blockSamples / scene.sampleRate)) console.log(line);
      if (bk) {
        // (hand35) RESTART_BACK's trial: 1 the shadow stored, 2 kept the relearned model, 3 gave the shadow back, 4 no onset
        const t = new Float32Array(k.memory.buffer, bk, k.aec_bktrace_count() * 9);
        for (let i = 0; i < t.length; i += 9) {
          const blockS = c.blockSamples / scene.sampleRate;
          const kind = ['', 'stored', 'kept', 'BACK', 'no onset'][t[i + 1]];
          console.log(
            `  back ${(t[i] * blockS).toFixed(2)} s ${kind} old ${t[i + 2].toFixed(1)} now ${t[i + 3].toFixed(1)} dB | onset ${t[i + 4]} offset ${t[i + 7]} skew ${t[i + 5]} best ${t[i + 6].toFixed(1)} dB | x ${t[i + 8].toFixed(2)}`,
          );
        }
      }
      c.free();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
