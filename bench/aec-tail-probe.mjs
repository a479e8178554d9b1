// aec-tail12: how much of the filter a length fitted to the room could leave idle, measured before
// building it. Read block by block from a hooked build (assembly/bench-hooks.ts aec_part_energy,
// aec_decay_info, aec_state_field; read only, no timing) at steady state (from --from s on, every
// 100 ms, blocks with the reference in the filter's window only):
// - per partition past the strongest one, whether its weights' energy stands N dB under the strongest
//   partition's in both filters (each filter against its own strongest);
// - and whether it also lies past the room's decay as measureDecay last fitted it (./aec-block: its
//   first fit's line, from the loudest partition down to 25 dB under it, puts it N dB under);
// the mean share of the M partitions idle by each rule, and the share idle in every sample from --from
// on (a partition that could have been left out for the whole call).
// Scenes: the capture chain bench's call (bench/aec-playing-signal.mjs callSignals / callMic: the
// assistant 65% of 30 s, a pure 60 ms delay at -12 dB) and its reply playing throughout
// (playingSignals), both at 24 kHz, then the lab's groups.
//   node bench/aec-tail-probe.mjs [--groups 24k,outside24] [--scenes REGEXP] [--from 5]
import { parseArgs } from 'node:util';
import { adaptCanceller, loadLab, selectScenes } from './echo-lab/common.mjs';
import { callMic, callSignals, playingSignals } from './aec-playing-signal.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o } = parseArgs({
  options: { groups: { type: 'string', default: '24k,outside24' }, scenes: { type: 'string', default: '.' }, from: { type: 'string', default: '5' } },
});
const FROM_S = Number(o.from);
const NS = [20, 30, 40, 50];
const lab = await loadLab();
/** @type {any} */
const lib = await importHooked();

function probe() {
  let m = 0;
  let calls = 0;
  let samples = 0;
  /** @type {number[]} per N: partitions idle by weights, summed over samples */
  const byWeights = NS.map(() => 0);
  const byBoth = NS.map(() => 0);
  /** @type {boolean[][]} per N, per partition: idle by weights in every sample so far */
  let always = [];
  /** @type {boolean[][]} the same, idle by weights and past the fitted decay */
  let alwaysBoth = [];
  /** @type {number[]} */
  const t60s = [];
  /** @type {number[]} */
  const firsts = [];
  // the weights' stability: per partition past the strongest, the foreground's weights against its own 1 s before,
  // |<w0, w1>| / (|w0| |w1|), averaged apart over the partitions 20 dB under the strongest (both filters) and the rest
  /** @type {Float32Array | null} */
  let prevW = null;
  const corr = { quiet: 0, nQuiet: 0, loud: 0, nLoud: 0 };
  const stability = (/** @type {any} */ c) => {
    const k = c.k;
    const kk = k.aec_bins(c.state);
    const mm = k.aec_state_field(c.state, 12);
    const w = new Float32Array(k.memory.buffer, k.aec_weights(c.state, 1), mm * 2 * kk).slice();
    const e = [0, 1].map((which) => Array.from({ length: mm }, (_, q) => k.aec_part_energy(c.state, which, q)));
    const peaks = e.map((es) => Math.max(...es));
    const top = e[1].indexOf(peaks[1]);
    if (prevW !== null && prevW.length === w.length) {
      for (let q = top + 1; q < mm; q++) {
        let re = 0;
        let im = 0;
        let n0 = 0;
        let n1 = 0;
        const o = q * 2 * kk;
        for (let j = 0; j < kk; j++) {
          const ar = prevW[o + j] ?? 0;
          const ai = prevW[o + kk + j] ?? 0;
          const br = w[o + j] ?? 0;
          const bi = w[o + kk + j] ?? 0;
          re += ar * br + ai * bi;
          im += ar * bi - ai * br;
          n0 += ar * ar + ai * ai;
          n1 += br * br + bi * bi;
        }
        if (!(n0 > 0 && n1 > 0)) continue;
        const r = Math.hypot(re, im) / Math.sqrt(n0 * n1);
        const quiet = e[0][q] <= peaks[0] * 0.01 && e[1][q] <= peaks[1] * 0.01;
        if (quiet) {
          corr.quiet += r;
          corr.nQuiet++;
        } else {
          corr.loud += r;
          corr.nLoud++;
        }
      }
    }
    prevW = w;
  };
  const onBlock = (/** @type {any} */ c, /** @type {number} */ t) => {
    if (calls === 0) c.k.aec_decay_log_reset(); // the fits' log is the module's, shared by every canceller
    calls++;
    if (t >= FROM_S && calls % 100 === 0 && c.k.aec_state_field(c.state, 8) !== 1) stability(c);
    if (t < FROM_S || calls % 10 !== 0) return;
    const k = c.k;
    const f = (/** @type {number} */ i) => k.aec_state_field(c.state, i);
    if (f(8) === 1) return; // nothing in the filter's window
    m = f(12);
    if (always.length === 0) {
      always = NS.map(() => Array(m).fill(true));
      alwaysBoth = NS.map(() => Array(m).fill(true));
    }
    samples++;
    const e = [0, 1].map((w) => Array.from({ length: m }, (_, q) => k.aec_part_energy(c.state, w, q)));
    const peaks = e.map((es) => Math.max(...es));
    const top = e[1].indexOf(peaks[1]) >= 0 && peaks[1] > 0 ? e[1].indexOf(peaks[1]) : e[0].indexOf(peaks[0]);
    const fits = k.aec_decay_info(1000);
    const t60 = fits > 0 ? k.aec_decay_info(10000 + fits - 1) : 0;
    const fitPeak = k.aec_decay_info(101);
    // the first fit's line (measureDecay: from the loudest partition down to 25 dB under it, the late echo's decay)
    const fitEnd = k.aec_decay_info(102);
    let first = 0;
    if (fits > 0 && fitEnd - fitPeak >= 3) {
      let sx = 0,
        sy = 0,
        sxx = 0,
        sxy = 0;
      const nn = fitEnd - fitPeak;
      for (let q = fitPeak; q < fitEnd; q++) {
        const x = q - fitPeak;
        const y = k.aec_decay_info(q);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
      }
      const slope = (nn * sxy - sx * sy) / (nn * sxx - sx * sx);
      if (slope < 0) first = (-60 / slope) * (((c.sampleRate === 16000 ? 128 : c.sampleRate === 24000 ? 256 : 512) * 1000) / c.sampleRate);
    }
    if (t60 > 0) t60s.push(t60);
    if (first > 0) firsts.push(first);
    const blockMs = ((c.sampleRate === 16000 ? 128 : c.sampleRate === 24000 ? 256 : 512) * 1000) / c.sampleRate;
    NS.forEach((n, i) => {
      const r = 10 ** (-n / 10);
      for (let q = 0; q < m; q++) {
        const quiet = q > top && e[0][q] <= peaks[0] * r && e[1][q] <= peaks[1] * r;
        const pastDecay = first > 0 && (q - fitPeak) * blockMs >= (first * n) / 60;
        if (quiet) byWeights[i]++;
        if (quiet && pastDecay) byBoth[i]++;
        if (!quiet) always[i][q] = false;
        if (!(quiet && pastDecay)) alwaysBoth[i][q] = false;
      }
    });
  };
  const pc = (/** @type {number} */ x) => `${(100 * x).toFixed(0)}%`;
  const report = () => {
    if (samples === 0) return 'no playing samples';
    const mid = (/** @type {number[]} */ xs) => (xs.length ? [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(0) : '-');
    const med = `${mid(t60s)} (first fit ${mid(firsts)})`;
    // the whole-call idle partitions contiguous from the window's end: what a shorter filter could leave out
    const fromEnd = (/** @type {boolean[]} */ xs) => {
      let q = xs.length;
      while (q > 0 && xs[q - 1]) q--;
      return xs.length - q;
    };
    const cells = NS.map(
      (n, i) =>
        `${n} dB ${pc(byWeights[i] / (samples * m))}/${pc(always[i].filter(Boolean).length / m)} (end ${fromEnd(always[i])}) +decay ${pc(byBoth[i] / (samples * m))}/${pc(alwaysBoth[i].filter(Boolean).length / m)}`,
    );
    const st = `weights' 1 s stability, partitions 20 dB under / the rest: ${corr.nQuiet ? (corr.quiet / corr.nQuiet).toFixed(2) : '-'} (${corr.nQuiet}) / ${corr.nLoud ? (corr.loud / corr.nLoud).toFixed(2) : '-'} (${corr.nLoud})`;
    return `M ${m}, ${samples} samples, the hold's T60 median ${med} ms; idle mean/whole-call (whole-call partitions from the end): ${cells.join('; ')}; ${st}`;
  };
  return { onBlock, report };
}

/** @param {string} name @param {Float32Array} reference @param {Float32Array} mic @param {number} rate */
function runSignal(name, reference, mic, rate) {
  const c = new lib.EchoCanceller({ sampleRate: rate });
  const p = probe();
  const a = adaptCanceller(c, 'hooked', false, p.onBlock);
  const n = rate / 100;
  const out = new Float32Array(n);
  for (let at = 0; at + n <= mic.length; at += n) a.process(reference.subarray(at, at + n), mic.subarray(at, at + n), out);
  console.log(`${name}: ${p.report()}`);
  c.free();
}

{
  const rate = 24000;
  const call = callSignals(rate, 30);
  runSignal("the chain bench's call 24 kHz 30 s", call.reference, callMic(rate, call.reference, call.playing), rate);
  const { reference, mic } = playingSignals(rate);
  const rep = (/** @type {Float32Array} */ x) => {
    const y = new Float32Array(x.length * 30);
    for (let s = 0; s < 30; s++) y.set(x, s * x.length);
    return y;
  };
  runSignal("the chain bench's reply playing throughout 24 kHz 30 s", rep(reference), rep(mic), rate);
}
for (const { scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  const c = new lib.EchoCanceller({ sampleRate: scene.sampleRate });
  const p = probe();
  lab.runCanceller(adaptCanceller(c, 'hooked', false, p.onBlock), scene);
  console.log(`${scene.name}: ${p.report()}`);
  c.free();
}
