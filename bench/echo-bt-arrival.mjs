// A Bluetooth call's first echo recognised past the delay search (aec-bt10's dl_arrival_far, aec-bt11):
// per suppressor block from --from to --to s, the share of the mic dl_arrival says the echo explains,
// whether past the search, the blocks the user has been judged present, and the truth in the
// suppressor's frame (two blocks, Hann) over the bins dl_arrival wrote: the echo and the user (dB,
// over the echo-only calibration: the estimate's sum over the true echo's in the blocks recognised
// before the user starts), the estimate's sum in the same units, and the user's power in the bins
// where it stands over OVER x the estimate (what a presence test allowing OVER x the estimate still
// sees of the user) against the user's whole; the output's dirty 10 ms frames (the lab's rule) marked.
// Needs a hooked build (ECHO_HOOKED=<index.js> or built now). Quality only.
//   node bench/echo-bt-arrival.mjs --groups bt --scenes 'desk 16k cold-start 350ms 6dB' --shift 31 [--over 8]
import { parseArgs } from 'node:util';
import { cancellerAdapter, loadLab, pad, selectScenes } from './echo-lab/common.mjs';
import { importHooked } from './echo-lab/hooked-build.mjs';

const { values: o } = parseArgs({
  options: {
    groups: { type: 'string', default: 'bt' },
    scenes: { type: 'string', default: 'desk 16k cold-start 350ms 6dB' },
    shift: { type: 'string', default: '0' },
    from: { type: 'string', default: '0.6' },
    to: { type: 'string', default: '3' },
    over: { type: 'string', default: '8' },
  },
});
const lab = await loadLab();
const lib = await importHooked();
const shift = Number(o.shift);
const over = Number(o.over);
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(1).padStart(6);
const [{ scene }] = selectScenes(lab, { only: new RegExp(o.scenes), groups: o.groups.split(','), shifts: [0] });
const rate = scene.sampleRate;
const B = rate / 100;
const N = 2 * B;
const win = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / N));
/** power per bin 0..B of x's frame ending at scene sample `end` (Hann, 2B) */
function spectrum(/** @type {Float32Array} */ x, /** @type {number} */ end) {
  const p = new Float64Array(B + 1);
  for (let k = 0; k <= B; k++) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < N; i++) {
      const n = end - N + i;
      const v = n >= 0 && n < x.length ? x[n] * win[i] : 0;
      re += v * Math.cos((2 * Math.PI * k * i) / N);
      im -= v * Math.sin((2 * Math.PI * k * i) / N);
    }
    p[k] = re * re + im * im;
  }
  return p;
}
/** @type {{ t: number, share: number, far: number, present: number, est: Float32Array | null }[]} */
const rows = [];
const adapter = cancellerAdapter(lib, rate, {}, 'EchoCanceller', false, (/** @type {any} */ c, /** @type {number} */ t) => {
  const s = c.state;
  const share = c.k.aec_arrival_share(s);
  const f32 = new Float32Array(c.k.memory.buffer);
  const ptr = c.k.aec_arrive_bins(s) >> 2;
  rows.push({
    t: t - shift / rate,
    share,
    far: c.k.aec_arrival_far(s),
    present: c.k.aec_present_blocks(s),
    est: share > 0 ? f32.slice(ptr, ptr + B + 1) : null,
  });
});
const out = lab.runCanceller(adapter, { ...scene, mic: pad(scene.mic, shift), reference: pad(scene.reference, shift) }).slice(shift);
adapter.canceller.free();
const userAt = (scene.events.coldStartUser ?? scene.labels.utterances[0]?.[0] ?? 0) / rate;
// the block's suppressor frame: the mic over the two blocks before the block's end, one block late (latency)
const frameEnd = (/** @type {number} */ t) => Math.round(t * rate) - B;
let cEst = 0;
let cTrue = 0;
for (const r of rows) {
  if (!r.est || r.t >= userAt || r.t < Number(o.from)) continue;
  const e = spectrum(scene.echo, frameEnd(r.t));
  for (let k = 0; k <= B; k++)
    if (r.est[k] >= 0) {
      cEst += r.est[k];
      cTrue += e[k];
    }
}
const unit = cEst > 0 ? cTrue / cEst : 1;
console.log(`${scene.name} +${shift}: user at ${userAt.toFixed(2)} s; unit (true echo / estimate before the user) ${db(unit)} dB; over ${over}`);
console.log('   t  | share far present | echo  user   est (dB) | user unmasked / user (dB) | dirty');
const size = rate / 100;
for (const r of rows) {
  if (r.t < Number(o.from) || r.t > Number(o.to)) continue;
  const end = frameEnd(r.t);
  const e = spectrum(scene.echo, end);
  const u = spectrum(scene.near, end);
  let se = 0;
  let su = 0;
  let sest = 0;
  let seen = 0;
  for (let k = 0; k <= B; k++) {
    if (r.est && r.est[k] < 0) continue;
    se += e[k];
    su += u[k];
    if (r.est) {
      sest += r.est[k] * unit;
      if (u[k] > over * r.est[k] * unit) seen += u[k];
    }
  }
  // the lab's dirty rule on the 10 ms frame ending at this block's output
  const k10 = Math.floor((Math.round(r.t * rate) - B) / size) - 1;
  let n = 0,
    ee = 0,
    d = 0;
  for (let i = k10 * size; i < (k10 + 1) * size && i >= 0; i++) {
    n += scene.near[i] ** 2;
    ee += scene.echo[i] ** 2;
    d += (out[i] - scene.near[i]) ** 2;
  }
  const dirty = n >= 10 * ee && n > 1e-9 && d * 10 > n ? 'DIRTY' : '';
  console.log(
    `${r.t.toFixed(2).padStart(5)} | ${r.share.toFixed(2)} ${r.far ? 'far' : '   '} ${String(r.present).padStart(4)} | ${db(se)} ${db(su)} ${r.est ? db(sest) : '     -'} | ${r.est ? `${db(seen)} / ${db(su)}` : ''} | ${dirty}`,
  );
}
