// The linear stage's step control per octave over one scene (aec-return): through a hooked build's step
// trace (assembly/bench-hooks.ts trace_step), per window (--window s) and octave: the mean step (R / T
// over the band's bins, 1 the full Kalman step), the echo bound's cap (R before it over R after, dB),
// the error over the residual it allows (|E|^2 / gamma over R, dB: how far the step is held under 1
// by the error), the share of bins stepped (live) and the background's uncertainty (dB). Quality only.
//   ECHO_HOOKED=<hooked index.js> node bench/echo-step-trace.mjs 'desk 48k cold-start 320ms 6dB$' [--group quiet48] [--from S --to S] [--window 0.5]
import { parseArgs } from 'node:util';
import { adaptCanceller, loadLab, traceScene } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    group: { type: 'string' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: '1e9' },
    window: { type: 'string', default: '0.5' },
    fields: { type: 'string', default: 'step,cap,err,live,unc' },
  },
});
const only = new RegExp(positionals[0] ?? 'desk 48k cold-start 320ms 6dB$');
const lab = await loadLab();
/** @type {any} */
const lib = await importHooked();
const { scene, options } = traceScene(lab, only, o.group);
const rate = scene.sampleRate;
const c = new lib.EchoCanceller({ sampleRate: rate, ...options });
const B = c.blockSamples;
const BANDS = 8;
const FIELDS = 7;
const STRIDE = 4 + BANDS * FIELDS;
const cap = Math.ceil(scene.mic.length / B) + 16;
const base = c.heap.alloc(STRIDE * 4 * cap);
c.k.aec_steptrace_set(base, cap);
const out = lab.runCanceller(adaptCanceller(c, 'hooked', false), scene);
const f = lab.measureEcho(scene, out, 'hooked');
console.log(
  `${scene.name} ${JSON.stringify(options)}: ST ${f.singleTalk.reductionDb.toFixed(1)} dB leaks ${(100 * f.singleTalk.leakShare).toFixed(1)}% DT ${(100 * f.doubleTalk.cleanShare).toFixed(1)}%`,
);
const n = c.k.aec_steptrace_count();
const f32 = new Float32Array(c.k.memory.buffer, base, STRIDE * n);
const binHz = rate / (2 * B);
const bins = Array.from({ length: BANDS }, (_, b) => {
  const lo = Math.ceil((88 << b) / binHz);
  const hi = b === BANDS - 1 ? B + 1 : Math.ceil((88 << (b + 1)) / binHz);
  return Math.max(0, Math.min(hi, B + 1) - lo);
});
const used = bins.map((m, b) => (m > 0 ? b : -1)).filter((b) => b >= 0);
const fields = o.fields.split(',');
const dB = (/** @type {number} */ x) => (x > 0 ? (10 * Math.log10(x)).toFixed(0) : '-').padStart(4);
console.log(`per window and octave (from 88 Hz): ${fields.join(' / ')}; flag: share of blocks with the double-talk flag; bound dB`);
console.log(`   s   flag bound | ${used.map((b) => `${88 << b}+`.padStart(6 * fields.length - 1)).join(' |')}`);
const win = Math.round((Number(o.window) * rate) / B);
for (let i0 = 0; i0 < n; i0 += win) {
  const t = (f32[STRIDE * i0] * B) / rate;
  if (t < Number(o.from) || t > Number(o.to)) continue;
  let flag = 0;
  let bound = 0;
  const acc = Array.from({ length: BANDS }, () => new Float64Array(FIELDS));
  let cnt = 0;
  for (let i = i0; i < Math.min(n, i0 + win); i++, cnt++) {
    const r = f32.subarray(STRIDE * i, STRIDE * (i + 1));
    flag += r[1];
    bound += r[2];
    for (let b = 0; b < BANDS; b++) for (let q = 0; q < FIELDS; q++) acc[b][q] += r[4 + b * FIELDS + q];
  }
  const cols = used.map((b) => {
    const [rc, ru, pe, st, live, pu, xs] = acc[b];
    const v = {
      step: (st / cnt / bins[b]).toFixed(2),
      cap: dB(ru / rc).trim(),
      err: dB(pe / rc).trim(),
      live: ((100 * live) / cnt / bins[b]).toFixed(0),
      unc: dB(pu / cnt / bins[b]).trim(),
      R: dB(rc / cnt / bins[b]).trim(),
      E: dB(pe / cnt / bins[b]).trim(),
      X: dB(xs / cnt / bins[b]).trim(),
    };
    return fields.map((k) => String(v[/** @type {keyof typeof v} */ (k)]).padStart(5)).join(' ');
  });
  console.log(`${t.toFixed(2).padStart(5)} ${(flag / cnt).toFixed(2)} ${(bound / cnt).toFixed(0).padStart(5)} | ${cols.join(' |')}`);
}
c.free();
