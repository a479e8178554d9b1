// The jitter scenes (test/helpers/echo-jitter.ts) through the Node path a server builds
// (test/quality/echo-jitter.test.ts's second block: PlaybackPipeline at 24 kHz with its
// `sessionReference` tap into a CapturePipeline at `referenceRate: 24000`, the speaker at 48 kHz),
// with a build's own CapturePipeline and an EchoCanceller of that build passed in, so that a hooked
// build's traces can be read (aec-jitnode). Prints the figures, the playback's underruns and
// barge-in, the leaking echo-only frames (output over -50 dBFS, settled) and the canceller's
// state per 10 ms block over a stretch. Quality only (no timing).
//   node bench/echo-jitter-node.mjs dist desk:1:6:mobile            (room:seed:erlDb:network[:delayMs])
//   node bench/echo-jitter-node.mjs hooked desk:1:6:mobile --from 13.8 --to 14.4
//     (hooked: the path-change state per block, bench/echo-path-trace.mjs's columns, and the
//      suppressor's scalars: h (presence hang), p (blocks present))
//   --kernel: the kernel alone instead, on the session view with the tap as its reference (the lab's
//     way: 10 ms calls); --mic-delay N: the mic N frames later than the view's (44: as the pipeline's
//     resampler delays it); --shift N: both streams N frames later (the blocks' phase)
//   --rate 16000 (or 24000): the kernel on the jitter scene at that rate instead, its own reference
//     (the kernel calls of the jitter study: test/quality/echo-jitter.test.ts's first block)
//   --weights (hooked, with --from): per block of the stretch the filter's offset and moves and each
//     partition's energy (dB) in the foreground, then the background (assembly/bench-hooks.ts trace_weights)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path, { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { importLabHelpers } from './echo-lab-bundle.mjs';
import { adaptCanceller } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    kernel: { type: 'boolean', default: false },
    'mic-delay': { type: 'string', default: '0' },
    shift: { type: 'string', default: '0' },
    weights: { type: 'boolean', default: false },
    rate: { type: 'string' },
  },
});
const [dist = 'dist', spec = 'desk:1:6:mobile'] = positionals;
const tmp = mkdtempSync(join(os.tmpdir(), 'rtpcm-jitnode-'));
/** @type {any} */
const lab = await importLabHelpers(['echo-jitter', 'echo-pipeline', 'echo-metrics', 'echo-report'], tmp);
rmSync(tmp, { recursive: true, force: true });
/** @type {any} */
const lib = dist === 'hooked' ? await importHooked() : await import(pathToFileURL(path.resolve(dist, 'index.js')).href);
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(1).padStart(6);
const KERNEL_RATE = o.rate === undefined ? 0 : Number(o.rate);
const SESSION = KERNEL_RATE || 24000;
const QUANTUM = 128;

const [room, seed = '1', erl = '6', network = 'mobile', delay = '120'] = spec.split(':');
const scene = lab.buildJitterScene({
  room,
  sampleRate: KERNEL_RATE || 48000,
  delayMs: Number(delay),
  erlDb: Number(erl),
  script: 'call',
  network,
  tap: KERNEL_RATE === 0,
  seed: Number(seed),
});
const pb = scene.playback;
console.log(
  `${scene.name} seed ${seed}: ${pb.underruns} underruns (${pb.gapsMs.map((/** @type {number} */ g, /** @type {number} */ i) => `${g} ms at ${pb.gapsAtS[i].toFixed(2)} s`).join(', ')})${pb.bargeIn ? `, barge-in at ${pb.bargeIn.atS.toFixed(2)} s` : ''}`,
);

// the canceller, with the traces when hooked
const c = new lib.EchoCanceller({ sampleRate: SESSION });
const B = c.blockSamples;
const hooked = typeof c.k.aec_ptrace_set === 'function';
const blocksTotal = Math.ceil((scene.mic.length * SESSION) / scene.sampleRate / B) + 16;
let ptBase = 0;
let trBase = 0;
const K = B + 4;
const stride = 16 + B + 15 * K;
const WT_MAX_M = 64;
const WT_STRIDE = 4 + 2 * WT_MAX_M;
let wtBase = 0;
if (hooked) {
  ptBase = c.heap.alloc(64 * blocksTotal);
  c.k.aec_ptrace_set(ptBase, blocksTotal);
  trBase = c.heap.alloc(stride * 4 * blocksTotal);
  c.k.aec_trace_set(trBase, blocksTotal);
  if (o.weights) {
    wtBase = c.heap.alloc(WT_STRIDE * 4 * blocksTotal);
    c.k.aec_wtrace_set(wtBase, blocksTotal);
  }
}
/** @type {{ t: number, erle: number, delay: number, changes: number, present: boolean }[]} */
const track = [];

// the Node path, as test/helpers/echo-pipeline.ts runCapture drives it, with this build's CapturePipeline
// (--kernel: the traced canceller is the kernel's on the session view instead, the tap its reference)
const view = KERNEL_RATE ? scene : lab.sessionView(scene, SESSION);
const micDelay = Number(o['mic-delay']);
const shift = Number(o.shift);
const dly = o.kernel ? micDelay + shift : KERNEL_RATE ? 0 : lab.delayFrames(48000, SESSION, true);
/** @type {Float32Array} */
let out;
if (KERNEL_RATE) {
  const onBlock = (/** @type {any} */ k, /** @type {number} */ s) =>
    track.push({ t: s, erle: k.erleDb, delay: k.delayMs, changes: k.pathChanges, present: k.userPresent });
  out = lab.runCanceller(adaptCanceller(c, 'kernel', false, onBlock), scene);
} else if (o.kernel) {
  const n = view.mic.length + micDelay + shift;
  const ref = new Float32Array(n);
  ref.set(scene.session.subarray(0, view.mic.length), shift);
  const mic = new Float32Array(n);
  mic.set(view.mic, micDelay + shift);
  const onBlock = (/** @type {any} */ k, /** @type {number} */ s) =>
    track.push({ t: s, erle: k.erleDb, delay: k.delayMs, changes: k.pathChanges, present: k.userPresent });
  out = lab.runCanceller(adaptCanceller(c, 'kernel', false, onBlock), { ...view, mic, reference: ref }).slice(dly);
} else {
  const pipeline = new lib.CapturePipeline({ inputRate: 48000, outputRate: SESSION, echoCancellation: c, referenceRate: SESSION });
  /** @type {any[]} */
  const events = [];
  const silence = new Float32Array(QUANTUM);
  const last = scene.mic.length + QUANTUM;
  const refAt = (/** @type {number} */ f) => Math.round(f / 2);
  let seconds = 0;
  for (let at = 0; at < last; at += QUANTUM) {
    const end = Math.min(scene.mic.length, at + QUANTUM);
    const tail = at >= scene.mic.length;
    pipeline.pushReference(tail ? silence.subarray(0, refAt(at + QUANTUM) - refAt(at)) : scene.session.subarray(refAt(at), refAt(end)));
    for (const e of pipeline.push(tail ? silence : scene.mic.subarray(at, end))) events.push(e);
    const s = (at + QUANTUM) / 48000;
    if (s - seconds >= 0.01) {
      seconds = s;
      track.push({ t: s, erle: c.erleDb, delay: c.delayMs, changes: c.pathChanges, present: c.userPresent });
    }
  }
  for (const e of pipeline.flush()) events.push(e);
  pipeline.free();
  const all = lab.audioOf(events);
  out = all.slice(dly, dly + view.mic.length);
}
const runName = KERNEL_RATE ? 'kernel' : o.kernel ? 'kernel on the session view, tap reference' : 'CapturePipeline 48k > 24k, tap';
const figures = lab.measureEcho(view, out, `${runName} [${dist}]`);
console.log(lab.sceneTable([figures]));

const leaked = lab
  .leakFrames(view, out)
  .map(
    (/** @type {{ seconds: number, outPower: number, echoPower: number }} */ f) =>
      `${f.seconds.toFixed(2)}(${(10 * Math.log10(f.outPower)).toFixed(0)}, echo ${db(f.echoPower).trim()})`,
  );
console.log(`${leaked.length} leaks: ${leaked.join(' ')}`);
const changesAt = track.filter((s, i) => i > 0 && s.changes > track[i - 1].changes).map((s) => s.t.toFixed(2));
console.log(`path changes: ${c.pathChanges}${changesAt.length ? ` at ${changesAt.join(', ')} s` : ''}`);

if (hooked && o.from !== undefined) {
  const t0 = Number(o.from);
  const t1 = Number(o.to ?? t0 + 0.5);
  const f32 = new Float32Array(c.k.memory.buffer);
  const n = c.k.aec_ptrace_count();
  const nt = c.k.aec_trace_count();
  console.log(`${n} path-trace blocks, ${nt} suppressor blocks`);
  console.log('time   mic    bgErr  fgErr  estim  best   T H mis lou onset excess sust | echo user | h p W | out (session view, dB) | est delay ms, erle');
  for (let i = 0; i < n; i++) {
    const h = f32.subarray((ptBase >> 2) + 16 * i, (ptBase >> 2) + 16 * i + 16);
    const t = (h[0] * B) / SESSION;
    if (t < t0 || t > t1) continue;
    // the canceller's block h[0] holds mic samples [h0*B - latency ...] of the session stream, before the pipeline's trim
    let echo = 0;
    let user = 0;
    let y = 0;
    const from = Math.round(h[0] * B) - dly;
    for (let s = from; s < from + B; s++) {
      if (s < 0 || s >= view.echo.length) continue;
      echo += view.echo[s] ** 2;
      user += view.near[s] ** 2;
      y += out[s] ** 2;
    }
    const sp = i < nt ? f32.subarray((trBase >> 2) + stride * i, (trBase >> 2) + stride * i + 16) : null;
    const tk = track[Math.min(track.length - 1, Math.max(0, Math.round(t * 100) - 1))];
    console.log(
      `${t.toFixed(2)} ${db(h[1])}${db(h[2])}${db(h[3])}${db(h[4])} ${db(h[5])} T${h[6]} H${h[7]} ${String(h[9]).padStart(3)} ${String(h[10]).padStart(3)} ${String(h[11]).padStart(4)} ${h[12].toFixed(1).padStart(5)} ${h[14].toFixed(1).padStart(5)} | ${db(echo / B)}${db(user / B)} | ${sp ? `h${sp[0]} p${sp[1]} ${sp[2] ? 'W' : 'c'}${sp[3] ? 'S' : '-'}${sp[13] ? 'P' : '-'}${sp[5] ? 'R' : '-'} ex${sp[4].toFixed(1)}` : '-'} | ${db(y / B)} | ${tk.delay.toFixed(1)} ${tk.erle.toFixed(1)}`,
    );
  }
}
if (hooked && o.from !== undefined && o.weights) {
  const t0 = Number(o.from);
  const t1 = Number(o.to ?? t0 + 0.5);
  const f32 = new Float32Array(c.k.memory.buffer);
  const n = c.k.aec_wtrace_count();
  const d = (/** @type {number} */ x) => String(Math.round(10 * Math.log10(x + 1e-30))).padStart(4);
  console.log('time  offset moves | foreground per partition, dB | background per partition, dB');
  for (let i = 0; i < n; i++) {
    const w = f32.subarray((wtBase >> 2) + WT_STRIDE * i, (wtBase >> 2) + WT_STRIDE * (i + 1));
    const t = (w[0] * B) / SESSION;
    if (t < t0 || t > t1) continue;
    const m = w[3];
    const fg = Array.from(w.subarray(4, 4 + m), d).join('');
    const bg = Array.from(w.subarray(4 + WT_MAX_M, 4 + WT_MAX_M + m), d).join('');
    console.log(`${t.toFixed(2)} ${w[1]} ${w[2]} |${fg} |${bg}`);
  }
}
c.free();
