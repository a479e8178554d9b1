// (aec-msbc7) The suppressor's onset lift (aec-drc6, OL_* in assembly/aec-suppress.ts) read per block of a
// reply's onset, on the lab's scenes, against the truth the scene knows: per octave of 8 bins or more the
// block's error over the echo estimate (E/Y, dB, what the lift reads), the block's coherence of E with Y
// (c2 = <Re E Y*>^2 / (<|E|^2> <|Y|^2>)), E over its noise floor (E/N), the true residual over the estimate
// (TR/Y: the echo the filter left) and the user over the error (U/E). To tell the compressor's lift from
// mSBC's coded echo (which blocks read as a lift, with what ratios). Needs the hooked build.
//
//   node bench/echo-onset-lift.mjs [hooked | <a hooked build's dir>] --groups btsbc,drc --scenes 'cold-start 420ms 6dB.*msbc'
//     --all     every onset block (default: only those the lift took, and the first block of each onset)
import { parseArgs } from 'node:util';
import { loadBuilds, loadLab, selectScenes } from './echo-lab/common.mjs';
import { traceScene } from './echo-lab/suppressor-trace.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { scenes: { type: 'string', default: 'msbc' }, groups: { type: 'string', default: 'btsbc' }, all: { type: 'boolean', default: false } },
});
const lab = await loadLab();
const [build] = await loadBuilds(positionals.length ? positionals : ['hooked']);
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(0).padStart(4);
const ENTRY = 32; // floats per entry (assembly/bench-hooks.ts trace_onset)

for (const { params, scene } of selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] })) {
  /** @type {{ base: number, cap: number } | undefined} */
  let ol;
  const t = traceScene(build, scene, 0, (d, s) => {
    const c = d.canceller;
    const cap = 4096;
    ol = { base: c.heap.alloc(ENTRY * 4 * cap), cap };
    c.k.aec_oltrace_set(ol.base, cap);
    return lab.runCanceller(d, s);
  });
  const { c, B, blocks, scalars, arr, tr, near, spectrum, rate } = t;
  const n = c.k.aec_oltrace_count();
  const f32 = new Float32Array(c.k.memory.buffer);
  const olAt = /** @type {{ base: number }} */ (ol).base >> 2;
  const entry = (/** @type {number} */ i) => f32.subarray(olAt + i * ENTRY, olAt + (i + 1) * ENTRY);
  /** @type {Map<number, number>} frames -> block */
  const byFrames = new Map();
  for (let i = 0; i < blocks; i++) byFrames.set(scalars(i)[7], i);
  // calibration of the kernel's unscaled spectra against the lab's (as bench/echo-lab/trace.mjs)
  let calib = 0;
  for (let i = 1; i < blocks && calib === 0; i++) {
    const pe = arr(i, 0);
    const E = spectrum(t.e, i);
    let a = 0;
    let b = 0;
    for (let k = 0; k <= B; k++) {
      a += pe[k];
      b += E.re[k] ** 2 + E.im[k] ** 2;
    }
    if (a > 1e-6) calib = b / a;
  }
  // the kernel's octave edges (the suppressor's, multiples of 4 bins) from the entries' own order: < 250 Hz, ... > 4 kHz
  const edges = [0, 4, 8, 16, 32, 64, B + 4].map((x) => Math.min(B + 4, Math.round((x * 16000 * B) / (rate * 128))));
  console.log(`${lab.sceneName(params)}: ${n} onset blocks; per octave of 8 bins or more E/Y c2 E/N TR/Y U/E (dB, c2 x100)`);
  let fired = 0;
  for (let j = 0; j < n; j++) {
    const v = entry(j);
    const i = byFrames.get(v[0]);
    if (i === undefined) continue;
    const lift = v[7];
    if (lift > 1) fired++;
    if (!o.all && !(lift > 1) && v[1] !== 0) continue;
    const ts = (i * B) / rate;
    const U = spectrum(near, i);
    const T = spectrum(tr, i);
    let line = `${ts.toFixed(3)} i${v[1]} h${v[2]} p${v[3]} ${v[4] ? 'L' : '-'} lo${db(v[5])} hi${db(v[6])} ${lift > 1 ? `LIFT${db(lift)}` : '        '} |`;
    for (let q = 0; q < 6; q++) {
      const bins = Math.min(edges[q + 1], B + 1) - edges[q];
      if (bins < 8) continue;
      const ee = v[8 + 4 * q];
      const yy = v[9 + 4 * q];
      const xy = v[10 + 4 * q];
      const nn = v[11 + 4 * q];
      let u = 0;
      let tt = 0;
      let y = 0;
      for (let k = edges[q]; k < Math.min(edges[q + 1], B + 1); k++) {
        u += U.re[k] ** 2 + U.im[k] ** 2;
        tt += T.re[k] ** 2 + T.im[k] ** 2;
        y += arr(i, 1)[k] * calib;
      }
      line += ` ${db(ee / yy)} ${String(Math.round((100 * xy * xy) / (ee * yy + 1e-30))).padStart(3)}${db(ee / nn)}${db(tt / y)}${db(u / (ee * calib))} |`;
    }
    console.log(line);
  }
  console.log(`  fired in ${fired} of ${n} onset blocks`);
  c.free();
}
