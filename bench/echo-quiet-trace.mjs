// One scene of the quiet group (bench/echo-quiet.mjs) or of another lab group through a hooked build
// (assembly/bench-hooks.ts), traced (aec-jitq): the filter's moves (when, from and to which offset, in
// blocks), the path changes, the leaking echo-only frames (output over -50 dBFS, 2 s after the echo's
// start: the metric's leaks, approximately), and with --from / --to each block's offset, moves, ERLE,
// delay and the per-partition energy (dB) of the foreground and the background (trace_weights).
// Quality only (no timing).
//   ECHO_HOOKED=<a hooked build's index.js> node bench/echo-quiet-trace.mjs 'desk 48k cold-start 320ms 6dB$' [--group quiet48]
//     --from S --to S   the weights per block over that stretch; --every N: one line every N blocks (1)
//     --err            per block of the stretch the mic, the foreground's and background's errors (the path trace)
import { parseArgs } from 'node:util';
import { adaptCanceller, loadLab, traceScene } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    group: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    every: { type: 'string', default: '1' },
    err: { type: 'boolean', default: false },
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
const blocksTotal = Math.ceil(scene.mic.length / B) + 16;
const WT_MAX_M = 64;
const WT_STRIDE = 4 + 2 * WT_MAX_M;
const wtBase = c.heap.alloc(WT_STRIDE * 4 * blocksTotal);
c.k.aec_wtrace_set(wtBase, blocksTotal);
const ptBase = c.heap.alloc(64 * blocksTotal);
c.k.aec_ptrace_set(ptBase, blocksTotal);
// the suppressor's trace (16 + B + 15 K floats a block, K <= B + 4) up to --to only (its size)
const supBlocks = o.from !== undefined ? Math.ceil((Number(o.to ?? Number(o.from) + 0.5) * rate) / B) + 4 : 0;
const supStride = 16 + B + 15 * (B + 4);
const trBase = supBlocks ? c.heap.alloc(supStride * 4 * supBlocks) : 0;
if (supBlocks) c.k.aec_trace_set(trBase, supBlocks);
/** @type {{ t: number, erle: number, delay: number, changes: number, present: boolean }[]} */
const track = [];
const onBlock = (/** @type {any} */ k, /** @type {number} */ s) =>
  track.push({ t: s, erle: k.erleDb, delay: k.delayMs, changes: k.pathChanges, present: k.userPresent });
const out = lab.runCanceller(adaptCanceller(c, 'hooked', false, onBlock), scene);
const f = lab.measureEcho(scene, out, 'hooked');
console.log(
  `${scene.name} (options ${JSON.stringify(options)}): ST ${f.singleTalk.reductionDb.toFixed(1)} dB leaks ${(100 * f.singleTalk.leakShare).toFixed(1)}% DT ${(100 * f.doubleTalk.cleanShare).toFixed(1)}%`,
);
console.log(
  `echo from ${(scene.events.echoStart / rate).toFixed(2)} s; user ${scene.labels.near.map(([a, b]) => `${(a / rate).toFixed(2)}-${(b / rate).toFixed(2)}`).join(' ')}`,
);

const f32 = new Float32Array(c.k.memory.buffer);
const nw = c.k.aec_wtrace_count();
const db = (/** @type {number} */ x) => String(Math.round(10 * Math.log10(x + 1e-30))).padStart(4);
// the moves
let last = -1;
let lastOffset = -1;
const moves = [];
for (let i = 0; i < nw; i++) {
  const w = f32.subarray((wtBase >> 2) + WT_STRIDE * i, (wtBase >> 2) + WT_STRIDE * i + 4);
  if (w[2] !== last) {
    moves.push(`${((w[0] * B) / rate).toFixed(2)} s: ${lastOffset} -> ${w[1]} (moves ${w[2]})`);
    last = w[2];
  }
  lastOffset = w[1];
}
console.log(`moves: ${moves.join('; ')}`);
const changesAt = track.filter((s, i) => i > 0 && s.changes > track[i - 1].changes).map((s) => s.t.toFixed(2));
console.log(
  `path changes: ${c.pathChanges}${changesAt.length ? ` at ${changesAt.join(', ')} s` : ''}; onset ${c.delayMs.toFixed(0)} ms; skew ${c.clockSkewPpm.toFixed(0)} ppm`,
);

// the leaks (the metric's reading)
const list = lab.leakFrames(scene, out).map((f) => `${f.seconds.toFixed(2)}(${db(f.outPower).trim()}, echo ${db(f.echoPower).trim()})`);
console.log(`${list.length} leaks: ${list.join(' ')}`);

if (o.from !== undefined) {
  const t0 = Number(o.from);
  const t1 = Number(o.to ?? t0 + 0.5);
  const every = Number(o.every);
  const np = c.k.aec_ptrace_count();
  const pt = new Map();
  for (let i = 0; i < np; i++) {
    const h = f32.subarray((ptBase >> 2) + 16 * i, (ptBase >> 2) + 16 * i + 16);
    pt.set(h[0], h);
  }
  console.log(`time  off mv erle  delay |${o.err ? ' mic bgErr fgErr estim best T H | sup |' : ''} echo user out | fg per partition dB | bg per partition dB`);
  const nt = c.k.aec_trace_count();
  for (let i = 0; i < nw; i += 1) {
    const w = f32.subarray((wtBase >> 2) + WT_STRIDE * i, (wtBase >> 2) + WT_STRIDE * (i + 1));
    const t = (w[0] * B) / rate;
    if (t < t0 || t > t1 || w[0] % every !== 0) continue;
    const m = w[3];
    const fg = Array.from(w.subarray(4, 4 + m), db).join('');
    const bg = Array.from(w.subarray(4 + WT_MAX_M, 4 + WT_MAX_M + m), db).join('');
    const tk = track[Math.min(track.length - 1, Math.max(0, w[0] - 1))];
    let echo = 0;
    let user = 0;
    let y = 0;
    const from = w[0] * B - c.latencySamples;
    for (let s = from; s < from + B; s++) {
      if (s < 0 || s >= scene.echo.length) continue;
      echo += scene.echo[s] ** 2;
      user += scene.near[s] ** 2;
      y += out[s] ** 2;
    }
    const h = pt.get(w[0]);
    // the suppressor's block: stride per block from the first (the trace's blocks are the canceller's blocks in order)
    const sp = w[0] - 1 < nt && w[0] >= 1 ? f32.subarray((trBase >> 2) + supStride * (w[0] - 1), (trBase >> 2) + supStride * (w[0] - 1) + 16) : null;
    let eDb = 0;
    if (sp) {
      const e = f32.subarray((trBase >> 2) + supStride * (w[0] - 1) + 16, (trBase >> 2) + supStride * (w[0] - 1) + 16 + B);
      for (const v of e) eDb += v * v;
    }
    const supCols = sp
      ? ` h${sp[0]} p${sp[1]} ${sp[2] ? 'W' : 'c'}${sp[3] ? 'S' : '-'}${sp[13] ? 'P' : '-'}${sp[5] ? 'R' : '-'}${sp[6] ? 'M' : '-'} ex${sp[4].toFixed(1)} e${db(eDb / B)} |`
      : ' - |';
    const errCols = o.err
      ? h
        ? `${db(h[1])}${db(h[2])}${db(h[3])}${db(h[4])} ${(10 * Math.log10(h[5])).toFixed(0).padStart(3)} T${h[6]} H${h[7]} sus${h[14].toFixed(1)} bsus${h[15].toFixed(1)} |${supCols}`
        : ' - |'
      : '';
    console.log(
      `${t.toFixed(2)} ${String(w[1]).padStart(3)} ${String(w[2]).padStart(2)} ${tk.erle.toFixed(1).padStart(5)} ${tk.delay.toFixed(0).padStart(4)} |${errCols}${db(echo / B)}${db(user / B)}${db(y / B)} |${fg} |${bg}`,
    );
  }
}
c.free();
