// (far25) One lab scene through a hooked build, a line every N 10 ms blocks around the delay estimator's watch past
// its search (assembly/aec-delay.ts watchBeyond, dl_beyond's widening): the peak within the search (coherence, lag
// ms), the mature far peak past it (coherence, lag ms) and the best far lag of any age, their ages (updates), the
// run of updates it stood out in (beyondUpdates), the searched lags, the onset and the filter's offset (ms), and the
// block's true echo / user / output (dB); a `W` where the search widened in the block.
//
//   ECHO_HOOKED=<index.js> node bench/echo-lab/far-trace.mjs quiet 'desk 16k cold-start 320ms 6dB$' 0 0 4 [every]
import { loadLab, pad, selectScenes } from './common.mjs';
import { importHooked } from './hooked-build.mjs';

const [group, name, shiftArg, fromArg, toArg, everyArg] = process.argv.slice(2);
const lab = await loadLab();
const lib = await importHooked();
const first = selectScenes(lab, { only: new RegExp(name), groups: [group], shifts: [Number(shiftArg)] }).next().value;
if (!first) throw new Error(`no scene matches ${name}`);
const shift = Number(shiftArg);
const { scene } = first;
const rate = scene.sampleRate;
const block = rate / 100;
const mic = pad(scene.mic, shift);
const ref = pad(scene.reference, shift);
const aec = new lib.EchoCanceller({ sampleRate: rate });
const { k } = aec;
const s = aec.state;
const blockMs = (1000 * aec.blockSamples) / rate;
const out = new Float32Array(block);
const db = (/** @type {number} */ x) => (10 * Math.log10(x + 1e-30)).toFixed(1).padStart(6);
const every = Number(everyArg ?? 5);
const lags = k.aec_delay_lags(s);
console.log(lab.sceneName(first.params), `+${shift}`, `lags ${lags} block ${blockMs.toFixed(2)} ms`);
let searchBefore = k.aec_delay_search_lags(s);
for (let b = 0; (b + 1) * block <= mic.length; b++) {
  aec.pushReference(ref.subarray(b * block, (b + 1) * block));
  aec.processInto(mic.subarray(b * block, (b + 1) * block), out);
  const t = (b * block - shift) / rate;
  const search = k.aec_delay_search_lags(s);
  const widened = search !== searchBefore;
  searchBefore = search;
  if (t < Number(fromArg) || t >= Number(toArg) || (b % every !== 0 && !widened)) continue;
  let e = 0;
  let u = 0;
  let o = 0;
  for (let i = 0; i < block; i++) {
    const j = b * block - shift + i;
    e += (scene.echo[j] ?? 0) ** 2;
    u += (scene.near[j] ?? 0) ** 2;
    o += out[i] ** 2;
  }
  const prof = new Float32Array(k.memory.buffer, k.aec_delay_profile(s), lags);
  let anyFar = 0;
  let anyLag = -1;
  for (let l = search; l < lags; l++)
    if (prof[l] > anyFar) {
      anyFar = prof[l];
      anyLag = l;
    }
  const farLag = k.aec_delay_far_lag(s);
  const ms = (/** @type {number} */ l) => (l < 0 ? '  -' : (l * blockMs).toFixed(0).padStart(3));
  console.log(
    `${t.toFixed(2)}${widened ? 'W' : ' '} near ${k.aec_delay_peak(s).toFixed(3)}@${ms(k.aec_delay_peak_lag(s))} far ${k.aec_delay_far_peak(s).toFixed(3)}@${ms(farLag)} any ${anyFar.toFixed(3)}@${ms(anyLag)} age ${anyLag >= 0 ? k.aec_delay_debug(s, 3, anyLag) : -1} run ${String(k.aec_delay_beyond_updates(s)).padStart(2)} re ${k.aec_delay_debug(s, 2, 0)} search ${ms(search)} onset ${(aec.delayMs ?? -1).toFixed(0).padStart(3)} off ${ms(k.aec_filter_offset(s))} T${k.aec_talking(s)} | echo ${db(e / block)} user ${db(u / block)} out ${db(o / block)}`,
  );
}
aec.free();
